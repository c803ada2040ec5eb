"""Tags (Tables A, II), the homicide tables (III-V), footnotes and glossary in the graph."""
import json

import pytest
from click.testing import CliRunner
from conftest import read_csv
from rdflib import RDF, RDFS, Literal, URIRef

from iccs import namespaces as ns
from iccs.cli import cli

N = ns.rdflib_namespaces()
SKOS, ICCS, DCT = N["skos"], N["iccs"], N["dcterms"]


def labels(graph, node, prop=SKOS.prefLabel):
    return {o.language: str(o) for o in graph.objects(node, prop)}


def test_27_tag_lists(shipped_graph):
    rows = read_csv("tags")
    schemes = set(shipped_graph.subjects(RDF.type, ICCS.DisaggregatingVariable))
    assert len(schemes) == len(rows) == 27
    for row in rows:
        scheme = URIRef(f"{ns.EDITION}tag/{row['acronym']}")
        assert scheme in schemes
        assert str(shipped_graph.value(scheme, SKOS.notation)) == row["acronym"]
        assert labels(shipped_graph, scheme) == {"en": row["name_en"], "es": row["name_es"]}
        groups = {str(g).rsplit("/", 1)[-1] for g in shipped_graph.objects(scheme, ICCS.disaggregationGroup)}
        assert groups == {g for g in (row["group"], row["also_group"]) if g}


def test_tag_codes(shipped_graph):
    rows = read_csv("tag-codes")
    for row in rows:
        node = URIRef(f"{ns.EDITION}tag/{row['acronym']}/{row['code']}")
        assert labels(shipped_graph, node) == {"en": row["label_en"], "es": row["label_es"]}
        assert (node, SKOS.inScheme, URIRef(f"{ns.EDITION}tag/{row['acronym']}")) in shipped_graph
    concepts = {s for scheme in shipped_graph.subjects(RDF.type, ICCS.DisaggregatingVariable)
                for s in shipped_graph.subjects(SKOS.inScheme, scheme)}
    assert len(concepts) == len(rows)


def test_tags_in_library_and_cli(classification):
    cy = classification.tag("cy")
    assert cy["acronym"] == "Cy" and cy["codes"]
    result = CliRunner().invoke(cli, ["tags", "Cy", "--format", "json"])
    assert result.exit_code == 0
    assert [c["code"] for c in json.loads(result.output)["codes"]] == [c["code"] for c in cy["codes"]]
    listing = CliRunner().invoke(cli, ["tags", "--format", "csv"]).output.splitlines()
    assert len(listing) == 28
    unknown = CliRunner().invoke(cli, ["tags", "Zz"])
    assert unknown.exit_code == 2 and "unknown tag 'Zz'" in unknown.output


def test_homicide_tables(shipped_graph):
    rows = read_csv("homicide")
    for table in read_csv("homicide-tables"):
        scheme = URIRef(f"{ns.EDITION}homicide/{table['table']}")
        assert labels(shipped_graph, scheme) == {"en": table["title_en"], "es": table["title_es"]}
        members = set(shipped_graph.subjects(SKOS.inScheme, scheme))
        assert len(members) == sum(1 for r in rows if r["table"] == table["table"])
    for row in rows:
        node = URIRef(f"{ns.EDITION}homicide/{row['path']}")
        assert labels(shipped_graph, node) == {"en": row["label_en"], "es": row["label_es"]}
        parent = shipped_graph.value(node, SKOS.broader)
        assert (str(parent).rsplit("/", 1)[-1] if parent else "") == row["parent"]


def test_mechanism_of_killing_covers_icd10_x85_to_y09(shipped_graph):
    printed = sorted(str(o) for o in shipped_graph.objects(None, ICCS.icd10))
    expected = [f"X{n}" for n in range(85, 100)] + [f"Y0{n}" for n in range(10)]
    assert printed == expected


@pytest.mark.parametrize("lang", ["en", "es"])
def test_footnotes_and_glossary(shipped_graph, classification, lang):
    rows = read_csv(f"footnotes-{lang}")
    corrected = {e["key"]: e for e in read_csv("errata") if e["source"] == f"footnotes-{lang}"
                 and e["action"] == "correct" and e["field"] == "text"}
    for row in rows:
        note = URIRef(f"{ns.EDITION}footnote/{lang}/{row['number']}")
        e = corrected.get(row["number"])
        text = e["corrected"] if e and e["printed"] == row["text"] else row["text"]
        assert str(shipped_graph.value(note, RDF.value)) == text
        assert (URIRef(ns.category_iri(row["code"])), ICCS.footnote, note) in shipped_graph
        concepts = list(shipped_graph.subjects(DCT.source, note))
        terms = {str(label) for c in concepts for label in shipped_graph.objects(c, SKOS.prefLabel)
                 if label.language == lang}
        assert terms == set(filter(None, row["term"].split("; ")))
        for concept in concepts:
            assert {str(d) for d in shipped_graph.objects(concept, SKOS.definition) if d.language == lang} == {row["text"]}
    for row in rows:
        numbers = [n for n, _, _ in classification[row["code"]].footnotes(lang)]
        assert int(row["number"]) in numbers


def test_one_glossary_concept_per_term_in_both_languages(shipped_graph):
    """A term a footnote defines is one concept, labelled and defined in English and in Spanish
    (femicide / feminicidio), its two footnotes its sources."""
    english = {r["number"]: [t for t in r["term"].split("; ") if t] for r in read_csv("footnotes-en")}
    spanish = {r["number"]: [t for t in r["term"].split("; ") if t] for r in read_csv("footnotes-es")}
    glossary = URIRef(ns.EDITION + "glossary")
    concepts = set(shipped_graph.subjects(SKOS.inScheme, glossary))
    assert len(concepts) == sum(len(t) for t in english.values()) == sum(len(t) for t in spanish.values())
    for number, terms in english.items():
        for en, es in zip(terms, spanish[number]):
            (concept,) = {c for c in concepts if Literal(en, lang="en") in set(shipped_graph.objects(c, SKOS.prefLabel))}
            assert Literal(es, lang="es") in set(shipped_graph.objects(concept, SKOS.prefLabel))
            sources = set(shipped_graph.objects(concept, DCT.source))
            assert sources == {URIRef(f"{ns.EDITION}footnote/{lang}/{number}") for lang in ("en", "es")}


def test_errata_in_graph_and_cli(shipped_graph, classification):
    rows = read_csv("errata")
    assert len(set(shipped_graph.subjects(RDF.type, ICCS.Erratum))) == len(rows)
    listed = classification.errata()
    assert [e["id"] for e in listed] == sorted(r["id"] for r in rows)
    e = next(x for x in listed if x["table"] == "table1-en" and x["printed"] == "01042")
    assert e["corrected"] == "01049" and e["category"] == "01049"
    for node in shipped_graph.subjects(RDF.type, ICCS.Erratum):
        assert shipped_graph.value(node, RDFS.comment)
    out = CliRunner().invoke(cli, ["errata", "--format", "json"])
    assert out.exit_code == 0 and len(json.loads(out.output)) == len(rows)


def test_every_file_acknowledges_the_source():
    from rdflib import Graph

    from iccs.resources import ontology_files

    for path in ontology_files():
        g = Graph().parse(path)
        if path.endswith("vocabulary.ttl"):
            continue
        rights = {str(o) for o in g.objects(None, DCT.rights)}
        assert any("provided acknowledgement of the source is made" in r for r in rights), path
