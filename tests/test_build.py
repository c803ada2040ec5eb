"""The graph is built from the curated tables, reproducibly; each erratum is one the shapes see."""
import re
import subprocess
import sys
from pathlib import Path

import build_graph
import pytest
from conftest import ROOT, read_csv

from iccs.check import validate
from iccs.resources import ontology_files

GENERATED = ("iccs", "index", "tags", "homicide", "errata", "themes")


def test_rebuild_is_byte_identical(tmp_path):
    """The shipped Turtle is what the tables give, and a rebuild in a new process changes nothing."""
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run([sys.executable, str(ROOT / "tools" / "build_graph.py"), "--out", str(out)],
                       check=True, capture_output=True, env={"PYTHONHASHSEED": seed, "PATH": ""})
        for name in GENERATED:
            shipped = ROOT / "ontology" / f"{name}.ttl"
            assert (out / f"{name}.ttl").read_bytes() == shipped.read_bytes(), name


def test_every_generated_file_ships():
    names = {Path(p).stem for p in ontology_files()}
    assert set(GENERATED) <= names


ERRATA = read_csv("errata")


def test_errata_are_well_formed():
    ids = [e["id"] for e in ERRATA]
    assert len(ids) == len(set(ids))
    for e in ERRATA:
        assert e["action"] in ("correct", "drop", "note", "keep"), e["id"]
        assert e["reason"], e["id"]
        assert e["page_en"] or e["page_es"], e["id"]
        # a correction names what the graph uses instead, or nothing: the link is left out (a
        # phrase whose code the graph cannot place) or a heading printed twice is (E011); a
        # citation kept is linked as printed
        assert e["action"] != "correct" or e["corrected"] or " " in e["printed"] \
            or build_graph.is_heading_fix(e), e["id"]
        assert e["action"] != "drop" or not e["corrected"], e["id"]
        assert e["action"] != "keep" or e["corrected"] == e["printed"], e["id"]


def merged(graphs):
    from rdflib import Graph

    g = Graph()
    for part in graphs.values():
        for t in part:
            g.add(t)
    return g


APPLIED = [e for e in ERRATA if e["action"] in ("correct", "drop")]
CODES = {r["code"] for r in read_csv("structure-en")}


@pytest.fixture(scope="module")
def uncorrected_findings(shapes_graph):
    """Per edition, the findings on the graph built with that edition's corrections removed (the
    other edition's kept, so an English erratum is not hidden behind its Spanish twin)."""
    out = {}
    for lang in ("en", "es"):
        skip = [e["id"] for e in APPLIED if e["source"].endswith(f"-{lang}")]
        out[lang] = validate(merged(build_graph.build(skip_errata=skip)), shapes_graph)
    return out


def named_as_category(e):
    """An index term that is exactly the name of a category."""
    lang = e["source"].rsplit("-", 1)[-1]
    return e["key"].casefold() in {r["label"].casefold() for r in read_csv(f"structure-{lang}")}


TEXT_DROPS = [e for e in APPLIED if e["action"] == "drop" and e["field"] in ("definition", "inclusions", "exclusions")]
# corrections of a text, not of a code: a heading printed twice, a garbled address in a footnote
TEXT_FIXES = [e for e in APPLIED if build_graph.is_heading_fix(e)
              or e["source"] in ("footnotes-en", "footnotes-es", "footnotes-tables", "tag-codes")]
STRUCTURAL = [e for e in APPLIED if e["field"] != "label" and e not in TEXT_DROPS + TEXT_FIXES and (
    # a printed phrase ("coercion (0203)") cites an existing code wrongly: that is semantic
    (e["printed"] not in CODES and " " not in e["printed"])
    or (e["field"] == "code" and not e["source"].startswith("index"))
    or (e["source"].startswith("index") and named_as_category(e)))]


@pytest.mark.parametrize("erratum", STRUCTURAL, ids=lambda e: e["id"])
def test_shapes_catch_the_uncorrected_publication(erratum, uncorrected_findings):
    """Each erratum that cites or uses a code that does not exist, breaks a coding rule, or sends
    an index entry away from the category of its name is a finding of the shapes, at its place,
    when its correction is removed."""
    printed, key = erratum["printed"], erratum["key"]
    lang = erratum["source"].rsplit("-", 1)[-1]
    findings = uncorrected_findings[lang]
    if erratum["source"].startswith("table1") and erratum["field"] != "code":
        hits = [f for f in findings if f.focus == key and f.value == re.sub(r"\D", "", printed)]
    elif erratum["source"].startswith("index"):
        entry = f"index/{lang}/{build_graph.slug(key)}"
        hits = [f for f in findings if re.fullmatch(rf"{entry}(-\d+)?", f.focus)
                and f.code in ("IndexEntryResolves", "IndexEntryNamedAsCategory")]
    else:
        hits = [f for f in findings if printed in (f.focus, f.value)]
    assert hits, f"{erratum['id']}: no finding on {key!r} / {printed!r} without the correction"


LABELS = [e for e in APPLIED if e["field"] == "label"]


@pytest.mark.parametrize("erratum", LABELS, ids=lambda e: e["id"])
def test_label_corrections_take_Table_I_label(erratum, classification):
    """Where Part Two misprints a name, the graph takes the name Table I prints for the code."""
    lang = erratum["source"].rsplit("-", 1)[-1]
    table1 = {r["code"]: r["label"] for r in read_csv(f"table1-{lang}")}
    assert classification[erratum["key"]].label(lang) == erratum["corrected"] == table1[erratum["key"]]


SEMANTIC = [e for e in APPLIED if e not in STRUCTURAL + LABELS + TEXT_DROPS + TEXT_FIXES]


@pytest.mark.parametrize("erratum", TEXT_FIXES, ids=lambda e: e["id"])
def test_text_corrections_take_effect(erratum, classification, shipped_graph):
    """A heading printed twice is left out of the note; a corrected footnote or tag text replaces
    the printed one in the graph (the table keeps the print)."""
    lang = erratum["source"].rsplit("-", 1)[-1] if erratum["source"] != "tag-codes" else "en"
    if build_graph.is_heading_fix(erratum):
        printed = {r["code"]: r for r in read_csv(erratum["source"])}[erratum["key"]][erratum["field"]]
        assert printed.startswith(erratum["printed"])
        text = getattr(classification[erratum["key"]], erratum["field"])(lang)
        assert text == printed[len(erratum["printed"]):].strip() and text
        return
    errata_values = {"printedValue", "correctedValue"}  # the errata graph names both, of course
    values = {str(o) for p, o in shipped_graph.predicate_objects() if str(p).rsplit("#", 1)[-1] not in errata_values}
    assert erratum["corrected"] in values and erratum["printed"] not in values


@pytest.mark.parametrize("erratum", TEXT_DROPS, ids=lambda e: e["id"])
def test_a_note_cell_dropped_whole_is_no_note(erratum, classification):
    """A cell that prints only a placeholder ("-") is an empty cell: the graph has no such note."""
    lang = erratum["source"].rsplit("-", 1)[-1]
    table1 = {r["code"]: r for r in read_csv(f"table1-{lang}")}
    assert table1[erratum["key"]][erratum["field"]] == erratum["printed"]  # the table keeps the print
    assert getattr(classification[erratum["key"]], erratum["field"])(lang) == ""


@pytest.mark.parametrize("erratum", SEMANTIC, ids=lambda e: e["id"])
def test_corrections_of_existing_but_wrong_codes_change_the_links(erratum, classification):
    """A note that cites an existing but wrong code is no structural fault: no shape can see it.
    Its correction must still take effect: the category cites the corrected code, not the printed one."""
    if erratum["source"].startswith("index"):
        lang = erratum["source"].rsplit("-", 1)[-1]
        assert erratum["key"] in classification[erratum["corrected"]].index_terms(lang)
        assert erratum["key"] not in classification[erratum["printed"]].index_terms(lang)
        return
    c = classification[erratum["key"]]
    cited = [x.code for x in (c.excludes + c.applies_exclusions_of if erratum["field"] == "exclusions"
                              else c.refers_to)]
    printed = re.sub(r"\D", "", erratum["printed"]) if " " in erratum["printed"] else erratum["printed"]
    if erratum["corrected"]:
        assert erratum["corrected"] in cited
    if printed in cited:
        assert cites_printed_elsewhere(c, dict(erratum, printed=printed)), f"{erratum['id']}: still cites {printed}"


def cites_printed_elsewhere(c, erratum):
    """The printed code may be cited rightly in another place of the same category's notes."""
    texts = {"definition": c.definition("en"), "inclusions": c.inclusions("en"), "exclusions": c.exclusions("en")}
    return any(re.search(rf"\b{erratum['printed']}\b", t) for f, t in texts.items() if f != erratum["field"]) \
        or len(re.findall(rf"\b{erratum['printed']}\b", texts[erratum["field"]])) > 1


def test_an_erratum_that_matches_nothing_fails_the_build(tmp_path, monkeypatch):
    rows = ERRATA + [dict(APPLIED[0], id="EX", key="999999", printed="999999")]  # matches no row
    monkeypatch.setattr(build_graph, "read_table",
                        lambda name, _orig=build_graph.read_table: rows if name == "errata" else _orig(name))
    with pytest.raises(build_graph.BuildError, match="EX"):
        build_graph.build()
