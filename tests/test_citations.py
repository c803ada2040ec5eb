"""The check of citations (tools/citations.py): every code the publication cites is read against
the words before it, and every citation it flags has a decision in the errata."""
import csv
import re
import shutil

import build_graph
import citations
import pytest
from conftest import DATA, read_csv

ERRATA = read_csv("errata")


@pytest.fixture(scope="module")
def flags():
    return citations.check(DATA)


def without(tmp_path, ids):
    """A copy of the curated tables without the errata ``ids``."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("mapping"))
    rows = [e for e in ERRATA if e["id"] not in ids]
    with open(data / "errata.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(ERRATA[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return data


def test_every_flagged_citation_has_a_decision(flags):
    undecided = [f.to_row() for f in flags if not f.decision]
    assert not undecided


def test_the_check_reads_every_note_and_the_index():
    cited = citations.citations(DATA)
    for lang in ("en", "es"):
        sources = {(c.source, c.kind) for c in cited if c.lang == lang}
        assert {(f"table1-{lang}", "phrase"), (f"table1-{lang}", "structural"), (f"table1-{lang}", "footnote"),
                (f"index-{lang}", "phrase")} <= sources
        # every number of Table I that is no footnote, article or age is a citation of the check
        source = f"table1-{lang}"
        for row in citations.row_codes(read_csv(source), ERRATA, source):
            for field in citations.NOTE_FIELDS:
                printed = {m.group(1) for m in citations.CODE_RE.finditer(row[field])
                           if citations.is_code(m.group(1)) and not re.search(
                               r"(?:footnote|nota|article|artículo|of|de)\W*$", row[field][:m.start()], re.I)}
                read = {c.code for c in cited if (c.source, c.key, c.field) == (source, row["code"], field)}
                assert printed <= read, (row["code"], field, printed - read)
        assert len([c for c in cited if c.source == f"index-{lang}"]) == \
            len([r for r in read_csv(f"index-{lang}") if r["code"]])


# The faults an audit found, each with the erratum that decides it: without those errata, the
# check must flag every one of them.
FOUND = {
    ("table1-en", "0205", "exclusions", "0207"),  # acts intended to cause fear ... is 0208
    ("table1-en", "050211", "exclusions", "050221"),  # theft from a motor vehicle is 050222
    ("table1-en", "050213", "exclusions", "050221"),
    ("table1-en", "05022", "exclusions", "05025"),  # theft of pets: 05025 is livestock
    ("table1-en", "020219", "exclusions", "02012"),  # apply all exclusions of Threat
    ("table1-en", "08071", "exclusions", "08071"),  # cites itself
    ("table1-en", "1003", "exclusions", "050221"),  # theft of a pet is 050229
    ("table1-es", "0205", "exclusions", "0207"),
    ("table1-es", "020219", "exclusions", "02012"),
    ("table1-es", "02029", "inclusions", "02039"),
    ("table1-en", "05043", "exclusions", "05042"),  # apply all exclusions of a sibling
}


def deciding(key):
    source, row, field, code = key
    return [e["id"] for e in ERRATA if (e["source"], e["key"], e["field"]) == (source, row, field)
            and re.search(rf"(?<!\d){code}(?!\d)", e["printed"])]


def test_the_check_finds_the_audit_s_faults_without_their_errata(tmp_path):
    ids = {i for key in FOUND for i in deciding(key)}
    assert len(ids) >= len(FOUND) - 1  # each is decided (two share none: one erratum each)
    flagged = {(f.citation.source, f.citation.key, f.citation.field, f.citation.code)
               for f in citations.check(without(tmp_path, ids))}
    assert FOUND <= flagged, FOUND - flagged


def test_every_citation_kept_is_one_the_check_flags(flags):
    """A 'keep' decision answers a flag; one that answers none is stale."""
    flagged = {f.decision for f in flags}
    stale = [e["id"] for e in ERRATA if e["action"] == "keep" and e["id"] not in flagged]
    assert not stale


def test_the_build_refuses_a_flagged_citation_without_a_decision(tmp_path, monkeypatch):
    monkeypatch.setattr(build_graph, "DATA", without(tmp_path, set(deciding(("table1-en", "0205", "exclusions", "0207")))))
    with pytest.raises(build_graph.BuildError, match="0205 exclusions 0207"):
        build_graph.check_citations()


def test_phrases_and_structural_citations_are_told_apart():
    got = citations.note_citations("table1-en", "05022", "exclusions",
                                   "Theft of a motorized land vehicle (05021); theft of pets (05025); "
                                   "apply all exclusions listed in 0502")
    assert [(c.code, c.kind, c.words) for c in got] == [
        ("05021", "phrase", "Theft of a motorized land vehicle"), ("05025", "phrase", "theft of pets"),
        ("0502", "structural", "apply all exclusions listed in")]
    got = citations.note_citations("table1-en", "0903", "exclusions",
                                   "piracy (0503); fraud and theft with a computer system (0701) or (0502)")
    assert [(c.code, c.words) for c in got][1:] == [("0701", "fraud and theft with a computer system"),
                                                    ("0502", "fraud and theft with a computer system")]
    got = citations.note_citations("table1-es", "050229", "definition",
                                   "Hurto no descrito ni clasificado en las categorías 050221 a 050222. - "
                                   "Hurto, tal como se define en 0502. - Bienes, tal como se define en la nota 87.")
    assert [(c.code, c.kind, c.words) for c in got] == [
        ("footnote 87", "footnote", "Bienes"), ("050221", "structural", "clasificado en las categorías"),
        ("050222", "structural", "clasificado en las categorías"), ("0502", "phrase", "Hurto")]
    # "as described in 0209" names a term and where it is defined: a phrase, not a structure
    got = citations.note_citations("table1-es", "02091", "definition",
                                   "Difamación o insulto, tal como se describen en 0209.")
    assert [(c.code, c.kind, c.words) for c in got] == [("0209", "phrase", "Difamación o insulto")]


def test_a_category_citing_itself_is_flagged():
    assert citations.phrase_flag(citations.Citation("table1-en", "08071", "exclusions", "08071", "phrase", "x"),
                                 None, set(), citations.MARGIN).reason == "the category cites itself"


def test_family():
    codes = {r["code"] for r in read_csv("structure-en")}
    assert citations.family("020219", "02021", codes)  # its parent
    assert citations.family("10099", "1004", codes)  # a child of a category above it
    assert not citations.family("020219", "02012", codes)  # a cousin in another division
    assert citations.family("02044", "02041", codes)  # "not described or classified in" its siblings
    assert not citations.family("05043", "05042", codes, siblings=False)  # "apply all" a sibling's
    assert citations.family("0409", "0401", codes, siblings=False)  # a residual category may


def test_other_abduction_of_a_minor_applies_its_parent_s_exclusions(classification):
    c = classification["020219"]
    assert [x.code for x in c.applies_exclusions_of] == ["02021"]
    sources = [source.code for source, _ in c.inherited_exclusions("en")]
    assert sources[:2] == ["02021", "0202"] and "02012" not in sources


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_note_starts_with_a_heading(classification, lang):
    heading = re.compile(r"^\s*(?:inclusions?|exclusions?|inclusi[oó]n(?:es)?|exclusi[oó]n(?:es)?|definition|"
                         r"definici[oó]n)\s*:|^\s*:", re.IGNORECASE)
    bad = [(c.code, field) for c in classification for field in ("definition", "inclusions", "exclusions")
           if heading.search(getattr(c, field)(lang))]
    assert not bad


def test_show_names_the_errata_of_a_category(classification):
    from iccs.render import show_text

    e = next(e for e in ERRATA if (e["source"], e["key"], e["printed"]) == ("table1-en", "020219", "02012"))
    text = " ".join(show_text(classification["020219"].to_dict("en")).split())
    assert f"Erratum {e['id']}: exclusions prints '02012'; the graph uses 02021" in text
    kept = next(e for e in ERRATA if e["action"] == "keep" and e["source"] == "table1-en")
    assert f"Erratum {kept['id']}" not in show_text(classification[kept["key"]].to_dict("en"))
