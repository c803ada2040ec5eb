"""A correspondence table as XKOS + PROV-O and back (iccs correspondence export / import)."""
import pytest
from click.testing import CliRunner
from rdflib import RDF, Literal, URIRef
from rdflib.compare import isomorphic

from iccs import namespaces as ns
from iccs.cli import cli
from iccs.correspondence import Mapping, load_table, save_table
from iccs.correspondence.table import table_text
from iccs.correspondence.xkos import export, from_graph, import_table, to_graph
from iccs.graph import load_graph

N = ns.rdflib_namespaces()
SKOS, XKOS, PROV, DCT, ICCS = N["skos"], N["xkos"], N["prov"], N["dcterms"], N["iccs"]
BASE = "https://stats.example/offences/"
OPTIONS = dict(base=BASE, title="Penal code offences", version="2024", country="CHL", label="PC 2024 to ICCS",
               issued="2026-11-29", notation="PC2024", list_issued="2024-01-15")
TABLE = [
    Mapping("PC-1", "Murder", "0101", "exact", reviewer="ana", decided_at="2026-11-20T09:12:00Z",
            method="accepted", suggested_code="0101", score="0.910", evidence="label: Intentional homicide"),
    Mapping("PC 2/b", "Computer fraud", "0701", "narrower", tags="Cy=1;SV=2", note="coded with the tag",
            reviewer="Ben O'Neil", decided_at="2026-11-21T14:10:00Z", method="corrected", suggested_code="0903",
            score="0.58", evidence="label"),
    Mapping("PC-3", "Theft or robbery", "0401", "partial", method="manual"),
    Mapping("PC-3", "Theft or robbery", "0502", "partial"),
    Mapping("PC-4", "Everything", "05", "broader"),
]


@pytest.fixture(scope="module")
def graph(classification):
    return to_graph(TABLE, **OPTIONS)


def test_xkos_structure(graph):
    corr = URIRef(BASE + "correspondence")
    scheme = URIRef(BASE + "scheme")
    assert (corr, RDF.type, XKOS.Correspondence) in graph
    assert set(graph.objects(corr, XKOS.compares)) == {scheme, URIRef(ns.SCHEME)}
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    assert graph.value(scheme, DCT.title) == Literal("Penal code offences")
    assert str(graph.value(scheme, DCT.spatial)).endswith("/country/CHL")
    assert str(graph.value(corr, DCT.issued)) == "2026-11-29"
    associations = set(graph.objects(corr, XKOS.madeOf))
    assert len(associations) == len(TABLE) == len(set(graph.subjects(RDF.type, XKOS.ConceptAssociation)))
    source = URIRef(BASE + "offence/PC%202%2Fb")
    assert (source, SKOS.notation, Literal("PC 2/b")) in graph and (source, SKOS.inScheme, scheme) in graph


def test_meets_the_xkos_best_practice_shapes(graph):
    """The DDI Alliance's XKOS best-practice shapes (reference/xkos/), as published, find nothing."""
    from conftest import REFERENCE

    from iccs.check import validate

    for name in ("conformance", "recommended-optional"):
        shapes = load_graph([REFERENCE / "xkos" / f"xkos-best-practices-{name}-shapes.ttl"])
        assert validate(graph, shapes) == [], name


@pytest.mark.parametrize("row, prop", [(0, "exactMatch"), (1, "broadMatch"), (2, "relatedMatch"), (4, "narrowMatch")])
def test_relation_as_the_skos_mapping_property(graph, row, prop):
    # narrower: the national offence is narrower than the ICCS category → the category is broader
    a = URIRef(f"{BASE}association/{row + 1}")
    assert graph.value(a, ICCS.mappingRelation) == SKOS[prop]
    source, target = graph.value(a, XKOS.sourceConcept), graph.value(a, XKOS.targetConcept)
    assert target == URIRef(ns.category_iri(TABLE[row].iccs_code))
    assert (source, SKOS[prop], target) in graph


def test_provenance(graph):
    accepted, corrected = URIRef(BASE + "association/1"), URIRef(BASE + "association/2")
    review = graph.value(accepted, PROV.wasGeneratedBy)
    assert (review, RDF.type, ICCS.AcceptedSuggestion) in graph
    ended = graph.value(review, PROV.endedAtTime)
    assert ended.datatype == N["xsd"].dateTime and ended.value.isoformat() == "2026-11-20T09:12:00+00:00"
    suggestion = graph.value(accepted, PROV.wasDerivedFrom)
    assert (review, PROV.used, suggestion) in graph
    assert graph.value(suggestion, XKOS.targetConcept) == URIRef(ns.category_iri("0101"))
    assert (suggestion, PROV.wasAttributedTo, URIRef(ns.BASE + "toolkit")) in graph
    revised = graph.value(corrected, PROV.wasRevisionOf)
    assert graph.value(revised, XKOS.targetConcept) == URIRef(ns.category_iri("0903"))
    person = graph.value(graph.value(corrected, PROV.wasGeneratedBy), PROV.wasAssociatedWith)
    assert (person, RDF.type, PROV.Person) in graph and str(graph.value(person, N["rdfs"].label)) == "Ben O'Neil"
    assert set(graph.objects(corrected, ICCS.impliedTag)) == {URIRef(ns.EDITION + "tag/Cy/1"),
                                                               URIRef(ns.EDITION + "tag/SV/2")}
    assert graph.value(URIRef(BASE + "association/4"), PROV.wasGeneratedBy) is None


@pytest.mark.parametrize("fmt, suffix", [("ttl", "ttl"), ("jsonld", "jsonld"), ("nt", "nt")])
def test_round_trip_gives_the_same_table_and_graph(tmp_path, graph, classification, fmt, suffix):
    path = tmp_path / f"c.{suffix}"
    path.write_text(export(TABLE, fmt, **OPTIONS), encoding="utf-8")
    back, meta = import_table(path, classification)
    assert back == TABLE
    assert meta == {"title": "Penal code offences", "version": "2024", "country": "CHL", "notation": "PC2024",
                    "list_issued": "2024-01-15", "label": "PC 2024 to ICCS", "issued": "2026-11-29"}
    assert isomorphic(load_graph([path]), graph)
    assert isomorphic(to_graph(back, **OPTIONS), graph)


def test_tags_come_back_in_the_order_of_the_tag_list(classification):
    table = [Mapping("X", "x", "0701", "exact", tags="SV=2;Cy=1")]
    back, _ = from_graph(to_graph(table), classification)
    assert back[0].tags == "Cy=1;SV=2"


def test_cli_export_then_import(tmp_path):
    save_table(tmp_path / "t.csv", TABLE)
    runner = CliRunner()
    r = runner.invoke(cli, ["correspondence", "export", str(tmp_path / "t.csv"), "--format", "ttl", "-o",
                            str(tmp_path / "c.ttl"), "--base", BASE, "--country", "CHL", "--issued", "2026-11-29"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["correspondence", "import", str(tmp_path / "c.ttl"), "-o", str(tmp_path / "back.csv")])
    assert r.exit_code == 0, r.output
    assert load_table(tmp_path / "back.csv") == TABLE
    assert (tmp_path / "back.csv").read_text(encoding="utf-8") == table_text(TABLE)
    r = runner.invoke(cli, ["correspondence", "export", str(tmp_path / "t.csv"), "--format", "csv"])
    assert r.stdout == table_text(TABLE)


@pytest.mark.parametrize("content, name, message", [
    ("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a:x> a skos:Concept .\n", "x.ttl",
     "no xkos:ConceptAssociation"),
    ("this is not turtle", "x.ttl", "not valid turtle"),
    ("", "x.ttl", "empty file"),
])
def test_import_of_bad_files(tmp_path, content, name, message):
    (tmp_path / name).write_text(content, encoding="utf-8")
    r = CliRunner().invoke(cli, ["correspondence", "import", str(tmp_path / name)])
    assert r.exit_code == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_export_rejects_a_bad_date(tmp_path):
    save_table(tmp_path / "t.csv", TABLE)
    r = CliRunner().invoke(cli, ["correspondence", "export", str(tmp_path / "t.csv"), "--issued", "29/11/2026"])
    assert r.exit_code == 2 and "--issued" in r.stderr
