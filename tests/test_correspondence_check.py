"""iccs correspondence check: shapes and table-wide checks, each finding where it belongs."""
import json

import pytest
from click.testing import CliRunner
from conftest import ROOT

from iccs.cli import cli
from iccs.correspondence import check
from iccs.correspondence.table import COLUMNS

EXAMPLE = ROOT / "examples" / "correspondence.csv"
SUGGESTIONS = ROOT / "examples" / "correspondence-suggestions.csv"

# One table with one fault (or two) per row; the findings each must give: (code, severity, row, column, value).
BAD = [
    # row 2: fine
    ("A1", "Murder", "0101", "exact", "", "", "ana", "2026-11-29T14:05:00Z", "accepted", "0101", "0.9", "label"),
    # rows 3-4: mapped twice, once not partial
    ("A2", "Theft", "05029", "exact", "", "", "", "", "", "", "", ""),
    ("A2", "Theft", "05011", "partial", "", "", "", "", "", "", "", ""),
    # row 5: unknown ICCS code, an unknown tag and a tag without value
    ("A3", "Fraud", "0799", "exact", "Cy=1;Zz=3;SV", "", "", "", "", "", "", ""),
    # row 6: unknown relation, time not ISO 8601, unknown method, score not a number, suggested code unknown
    ("A4", "Assault", "020111", "sameish", "", "", "bo", "yesterday", "guessed", "9999", "high", ""),
    # row 7: no national code
    ("", "No code", "0101", "exact", "", "", "", "", "", "", "", ""),
    # rows 8-9: the same mapping twice; narrower to a category with subcategories (warning, twice)
    ("A6", "Theft of stuff", "0502", "narrower", "", "", "", "", "", "", "", ""),
    ("A6", "Theft of stuff", "0502", "narrower", "", "", "", "", "", "", "", ""),
    # row 10: no ICCS code
    ("A7", "Nothing", "", "exact", "", "", "", "", "", "", "", ""),
    # row 11: A1 → 0101 again (as on row 2), a time not in UTC, a label that differs from row 2
    ("A1", "Homicide", "0101", "partial", "", "", "ana", "2026-11-29T14:05:00+01:00", "", "", "", ""),
]
EXPECTED = {
    ("MappedTwice", "error", 4, "national_code", "A2"),
    ("UnknownICCSCode", "error", 5, "iccs_code", "0799"),
    ("UnknownTag", "error", 5, "tags", "Zz=3"),
    ("MalformedTag", "error", 5, "tags", "SV"),
    ("UnknownRelation", "error", 6, "relation", "sameish"),
    ("DecidedAtNotUTC", "error", 6, "decided_at", "yesterday"),
    ("UnknownMethod", "error", 6, "method", "guessed"),
    ("ScoreNotANumber", "error", 6, "score", "high"),
    ("UnknownSuggestedCode", "warning", 6, "suggested_code", "9999"),
    ("NoNationalCode", "error", 7, "national_code", ""),
    ("MappedTwice", "error", 9, "national_code", "A6"),
    ("DuplicateMapping", "error", 9, "iccs_code", "0502"),
    ("ParentWithChildren", "warning", 8, "iccs_code", "0502"),
    ("ParentWithChildren", "warning", 9, "iccs_code", "0502"),
    ("NoICCSCode", "error", 10, "iccs_code", ""),
    ("MappedTwice", "error", 11, "national_code", "A1"),
    ("DuplicateMapping", "error", 11, "iccs_code", "0101"),
    ("DecidedAtNotUTC", "error", 11, "decided_at", "2026-11-29T14:05:00+01:00"),
    ("LabelDiffers", "warning", 11, "national_label", "Homicide"),
    # 1 (A3 → 0799 is unknown, so not counted) of A1, A2, A4, A6: 05029 "Other acts of theft"
    ("ResidualShare", "warning", 0, "", "25%"),
}


def write(path, rows):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    return write(tmp_path_factory.mktemp("check") / "bad.csv", BAD)


@pytest.fixture(scope="module")
def bad_report(bad, classification):
    return check(bad, classification=classification)


def test_every_fault_found_where_it_is(bad_report, bad):
    got = {(f.code, f.severity, f.row, f.column, f.value) for f in bad_report.findings}
    assert got == EXPECTED
    assert {f.file for f in bad_report.findings} == {str(bad)}
    assert not bad_report.valid and bad_report.exit_code == 1


def test_the_example_is_valid_with_its_warnings(classification):
    report = check(EXAMPLE, suggestions=SUGGESTIONS, classification=classification)
    got = {(f.code, f.row, f.value) for f in report.findings}
    assert got == {("ParentWithChildren", 9, "0401"), ("ParentWithChildren", 10, "0502"),
                   ("ParentWithChildren", 16, "0701"), ("UnmappedSuggestion", 17, "PC-601")}
    assert report.valid and report.exit_code == 0


def test_residual_share_threshold(tmp_path, classification):
    table = write(tmp_path / "t.csv", [("A", "a", "05029", "exact", *[""] * 8), ("B", "b", "0101", "exact", *[""] * 8)])
    assert [f.code for f in check(table, classification=classification).findings] == ["ResidualShare"]
    assert check(table, residual_share=0.5, classification=classification).findings == []


def test_coverage_by_section(tmp_path, classification):
    # 0502 Theft covers its 13 most detailed categories: 050211-050213, 050219, 050221, 050222,
    # 050229, 050231, 050239, 05024, 05025, 05026, 05029; 0101 has no subcategories.
    table = write(tmp_path / "t.csv", [("A", "a", "0502", "exact", *[""] * 8), ("B", "b", "0101", "exact", *[""] * 8),
                                       ("C", "c", "050211", "exact", *[""] * 8)])
    rows = {r["section"]: r for r in check(table, classification=classification).stats["coverage"]}
    assert (rows["05"]["national_codes"], rows["05"]["covered"]) == (2, 13)
    assert (rows["01"]["national_codes"], rows["01"]["covered"]) == (1, 1)
    assert rows["03"]["covered"] == 0 and rows["03"]["share"] == 0.0
    assert len(rows) == 11


def test_suggestions_as_json(tmp_path, classification):
    (tmp_path / "s.json").write_text(json.dumps([{"national_code": "PC-101", "suggestions": []},
                                                 {"national_code": "NEW", "suggestions": []}]))
    report = check(EXAMPLE, suggestions=tmp_path / "s.json", classification=classification)
    assert [f.value for f in report.findings if f.code == "UnmappedSuggestion"] == ["NEW"]


def test_cli_json_equals_the_library(bad, bad_report):
    r = CliRunner().invoke(cli, ["correspondence", "check", str(bad), "--format", "json"])
    assert r.exit_code == 1
    got = json.loads(r.stdout)
    want = bad_report.to_dict()
    got["stats"].pop("seconds"), want["stats"].pop("seconds")
    assert got == json.loads(json.dumps(want))


def test_cli_text_and_csv():
    r = CliRunner().invoke(cli, ["correspondence", "check", str(EXAMPLE)])
    assert r.exit_code == 0
    assert "valid: 0 error(s), 3 warning(s)" in r.stdout and "Coverage of the ICCS by section" in r.stdout
    r = CliRunner().invoke(cli, ["correspondence", "check", str(EXAMPLE), "--format", "csv"])
    assert r.stdout.splitlines()[0] == "severity,code,file,row,column,value,message"
    assert len(r.stdout.splitlines()) == 4


@pytest.mark.parametrize("content, message", [
    (b"national_code,iccs_code\nA,0101\n", "no column 'national_label'"),
    (b"national_code,national_label,iccs_code,relation,extra\nA,a,0101,exact,1\n", "unknown column 'extra'"),
    (b"", "empty file"),
    (b"\xff\xfen\x00a\x00", "UTF-16 is not supported"),
])
def test_unreadable_tables_exit_2(tmp_path, content, message):
    (tmp_path / "t.csv").write_bytes(content)
    r = CliRunner().invoke(cli, ["correspondence", "check", str(tmp_path / "t.csv")])
    assert r.exit_code == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_real_table_chile_ine(classification):
    """The official ICCS codes of 193 Chilean offences (data/mapping, from Chile's statistics
    office): no errors; a share of residual 'Other …' categories above 10 % is what it warns about."""
    import csv

    with open(ROOT / "data" / "mapping" / "chile-ine-dev.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    from iccs.correspondence import Mapping

    report = check([Mapping(r["national_code"], r["label"], r["iccs"], "exact") for r in rows],
                   classification=classification)
    assert report.valid
    assert [f.code for f in report.findings] == ["ResidualShare"]


def test_the_shapes_are_for_national_correspondences_to_the_iccs(classification):
    """The shapes' targets: the associations of a correspondence that compares the ICCS, from a
    concept that is not an ICCS category, with their national concepts and reviews, and what the
    toolkit suggested. An edited export is checked (two ICCS codes, two reviewers: faults no table
    can have); the same associations in a correspondence that does not compare the ICCS, or one
    from the ICCS to another classification (as Table V → ICD-10 in ontology/homicide.ttl), are
    not theirs."""
    from rdflib import Literal, URIRef

    from iccs import namespaces as ns
    from iccs.check import validate
    from iccs.correspondence import Mapping
    from iccs.correspondence.checks import reference_graph, shapes_graph
    from iccs.correspondence.xkos import to_graph

    N = ns.rdflib_namespaces()
    XKOS, PROV, RDF = N["xkos"], N["prov"], N["rdf"]
    base = "https://stats.example/offences/"
    shapes, reference = shapes_graph(), reference_graph(classification)
    g = to_graph([Mapping("A1", "Murder", "0101", "sameish", reviewer="ana", decided_at="yesterday",
                          method="accepted", suggested_code="0101", score="0.9"),
                  Mapping("", "No code", "0102", "exact")], base=base)
    a = URIRef(base + "association/1")
    g.add((a, XKOS.targetConcept, URIRef(ns.category_iri("0102"))))
    g.add((URIRef(base + "association/1/review"), PROV.wasAssociatedWith, URIRef(base + "reviewer/bo")))
    g.add((URIRef(base + "reviewer/bo"), RDF.type, PROV.Person))
    codes = {f.code for f in validate(g + reference, shapes)}
    assert codes == {"ManyICCSCodes", "UnknownRelation", "ReviewerNamed", "DecidedAtNotUTC", "NoNationalCode"}

    corr, icd10 = URIRef(base + "correspondence"), URIRef("http://id.who.int/icd/release/10/2010")
    g.remove((corr, XKOS.compares, URIRef(ns.SCHEME)))
    g.add((corr, XKOS.compares, icd10))
    assert validate(g + reference, shapes) == []

    other = to_graph([], base=base)  # ICCS 0101 → ICD-10 X99, no relation: compares the ICCS, from it
    b = URIRef(base + "association/icd")
    other.add((corr, XKOS.compares, icd10))
    other.add((corr, XKOS.madeOf, b))
    other.add((b, RDF.type, XKOS.ConceptAssociation))
    other.add((b, XKOS.sourceConcept, URIRef(ns.category_iri("0101"))))
    other.add((b, XKOS.targetConcept, URIRef(icd10 + "/X99")))
    other.add((URIRef(icd10 + "/X99"), N["skos"].notation, Literal("X99")))
    assert validate(other + reference, shapes) == []
