"""The shipped graph against the XKOS best-practice shapes (reference/xkos/, DDI Alliance).

Those shapes are run as published. Every finding that remains is of a kind accepted below, with
the reason: some are bugs of the shapes (reference/README.md lists them), some are modelling
choices of this graph. A finding of any other kind fails the test.
"""
from collections import Counter

import pytest
from conftest import REFERENCE

from iccs.check import validate
from iccs.graph import load_graph

NOTES_AS_LITERALS = (
    "The graph's notes (definitions, inclusions, exclusions, scope notes) are language-tagged "
    "literals, as SKOS and XKOS allow, not the structured note resources (xkos:ExplanatoryNote with "
    "xkos:plainText, dcterms:language, a version and dates) the best practice prefers; the text is "
    "the publication's, its language is the literal's tag.")
ACCEPTED = {
    "P_note_schema_startDate": (
        "Bug of the shapes: the shape for a note's end date tests schema:startDate, so every note "
        "fails it; besides, " + NOTES_AS_LITERALS),
    "VersionedNoteShape": "Bug of the shapes (every note is forced to carry a version); " + NOTES_AS_LITERALS,
    "P_note_xkos_plainText": NOTES_AS_LITERALS,
    "P_note_dct_language": NOTES_AS_LITERALS,
    "P_note_dcat_version": NOTES_AS_LITERALS,
    "P_classification_skosscopeNote": NOTES_AS_LITERALS,
    "P_classification_skosscopeNote_other": NOTES_AS_LITERALS,
    "P_classification_dctissued": (
        "The shapes require dcterms:issued as xsd:date: the publication is dated March 2015 and "
        "prints no day, so the graph says 2015-03 as xsd:gYearMonth rather than invent a day "
        "(and ICD-10's 2010 edition as xsd:gYear)."),
    "P_correspondence_dctissued": (
        "Table V's correspondence to ICD-10 is printed in the publication of March 2015: "
        "2015-03 as xsd:gYearMonth, not the xsd:date the shapes require."),
    "P_classification_xkoslevels": (
        "The shapes require the list of levels to be a blank node; ours has IRIs so that an "
        "exported copy merges with the shipped graph (iccs check --with-iccs) instead of giving "
        "the scheme two lists. RDF lists may have IRI nodes."),
    "P_classification_xkosnumberOfLevels": (
        "Bug of the shapes: they require xsd:integer where the XKOS ontology's range is "
        "xsd:positiveInteger, which the graph uses."),
    "P_classification_skosnotation": (
        "The glossary scheme and the ICD-10 scheme (the target of Table V's correspondence) have "
        "no notation of their own in the publication; none is invented."),
}


@pytest.fixture(scope="module")
def xkos_findings(shipped_graph):
    out = {}
    for name in ("conformance", "recommended-optional"):
        shapes = load_graph([REFERENCE / "xkos" / f"xkos-best-practices-{name}-shapes.ttl"])
        out[name] = validate(shipped_graph, shapes)
    return out


def test_only_accepted_findings_remain(xkos_findings):
    kinds = Counter(f.code for f in xkos_findings["conformance"])
    unexpected = {code: n for code, n in kinds.items() if code not in ACCEPTED}
    assert not unexpected, unexpected


def test_accepted_findings_are_only_where_the_reason_says(xkos_findings):
    """Each accepted kind falls only on the nodes its reason names."""
    by_code = {}
    for f in xkos_findings["conformance"]:
        by_code.setdefault(f.code, []).append(f)
    assert {f.value for f in by_code.get("P_classification_dctissued", []) if f.value} <= {"2015-03", "2010"}
    for code in ACCEPTED:
        if code.startswith("P_note") or code in ("VersionedNoteShape",):
            assert all(not f.focus.startswith(("http", "<")) for f in by_code.get(code, [])), code  # literals only
    assert {f.focus for f in by_code.get("P_classification_skosnotation", [])} <= {
        "glossary", "<http://id.who.int/icd/release/10/2010>"}
    assert {f.focus for f in by_code.get("P_classification_xkoslevels", [])} <= {"<https://w3id.org/iccs/1.0>"}


def test_recommended_shapes_find_nothing(xkos_findings):
    assert xkos_findings["recommended-optional"] == []
