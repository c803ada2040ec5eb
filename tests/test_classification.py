"""The shipped classification against the publication's own text and the curated tables."""
import re

import pytest
from conftest import read_csv, reference_pages

import iccs
from iccs.classification import normalize_code

PART_TWO = {"en": (25, 34), "es": (26, 34)}  # 1-based PDF pages of the broad structure
LEVEL_DIGITS = {"section": 2, "division": 4, "group": 5, "class": 6}


def part_two_codes(lang):
    """Codes as Part Two prints them, read straight from the reference text."""
    first, last = PART_TWO[lang]
    text = "\n".join(reference_pages(lang)[first - 1:last])
    codes = []
    for line in text.splitlines():
        m = re.match(r"^\s*(?:Section|Secci[oó]n)\s+(\d{2})\b", line) or re.match(r"^\s*(\d{4,6})(?:\s|$)", line)
        if m:
            codes.append(m.group(1))
    return codes


@pytest.mark.parametrize("lang", ["en", "es"])
def test_categories_are_those_of_the_broad_structure(classification, lang):
    printed = part_two_codes(lang)
    assert len(printed) == len(set(printed))
    assert sorted(c.code for c in classification) == sorted(printed)


def test_counts_per_level(classification):
    printed = part_two_codes("en")
    for level, digits in LEVEL_DIGITS.items():
        assert len(classification.level(level)) == sum(1 for c in printed if len(c) == digits)
    # "There are 11 Level 1 categories" (English edition, page 16)
    assert len(classification.sections()) == 11
    assert "There are 11 Level 1 categories" in "".join(reference_pages("en"))


def test_tree_is_consistent(classification):
    for c in classification:
        assert len(c.code) == LEVEL_DIGITS[c.level]
        if c.parent is None:
            assert c.level == "section"
        else:
            assert c.code.startswith(c.parent.code)
            assert c in c.parent.children
            assert c.depth == c.parent.depth + 1
        assert c.path[-1] == c and c.path[0].level == "section"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_labels_are_the_structure_labels(classification, lang):
    rows = read_csv(f"structure-{lang}")
    labels = {r["code"]: r["label"] for r in rows}
    for e in read_csv("errata"):
        if e["source"] == f"structure-{lang}" and e["field"] == "label" and e["action"] == "correct":
            assert labels[e["key"]] == e["printed"]
            labels[e["key"]] = e["corrected"]
    for c in classification:
        assert c.label(lang) == labels[c.code]


def corrected_table1(lang):
    errata = {(e["key"], e["printed"]): e["corrected"] for e in read_csv("errata")
              if e["source"] == f"table1-{lang}" and e["field"] == "code"}
    drops = {(e["key"], e["field"], e["printed"]) for e in read_csv("errata")
             if e["source"] == f"table1-{lang}" and e["action"] == "drop"}
    # a heading the cell prints twice ("Inclusions: Inclusions: ...") is left out (E011)
    headings = {(e["key"], e["field"]): e["printed"] for e in read_csv("errata")
                if e["source"] == f"table1-{lang}" and e["action"] == "correct" and not e["corrected"]
                and not re.search(r"\d", e["printed"])}
    rows = read_csv(f"table1-{lang}")
    for r in rows:
        r["code"] = errata.get((r["code"], r["code"]), r["code"])
        for field in ("definition", "inclusions", "exclusions"):
            if (r["code"], field, r[field]) in drops:  # a cell that prints only "-" is empty
                r[field] = ""
            heading = headings.get((r["code"], field))
            if heading and r[field].startswith(heading):
                r[field] = r[field][len(heading):].strip()
    return rows


@pytest.mark.parametrize("lang", ["en", "es"])
def test_notes_are_table_one_exactly(classification, lang):
    rows = corrected_table1(lang)
    assert sorted(r["code"] for r in rows) == sorted(c.code for c in classification)
    for r in rows:
        c = classification[r["code"]]
        assert c.definition(lang) == r["definition"]
        assert c.inclusions(lang) == r["inclusions"]
        assert c.exclusions(lang) == r["exclusions"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_division_group_and_class_has_a_definition(classification, lang):
    for c in classification:
        if c.level == "section":
            assert c.definition(lang) == ""
        else:
            assert c.definition(lang), c.code


def test_codes_cited_in_parentheses_become_links(classification):
    corrections = {(e["key"], e["printed"]): e["corrected"] for e in read_csv("errata")
                   if e["source"] == "table1-en" and e["field"] == "exclusions"}
    checked = 0
    for c in classification:
        for code in re.findall(r"\((\d{2}|\d{4,6})\)", c.exclusions("en")):
            code = corrections.get((c.code, code), code)
            if code and code != c.code:
                assert code in [x.code for x in c.excludes], (c.code, code)
                checked += 1
    assert checked > 100


@pytest.mark.parametrize("lang", ["en", "es"])
def test_index_entries_are_attached(classification, lang):
    dropped = {(e["key"], e["printed"]) for e in read_csv("errata")
               if e["source"] == f"index-{lang}" and e["field"] == "code" and not e["corrected"]}
    rows = [r for r in read_csv(f"index-{lang}") if (r["term"], r["code"]) not in dropped]
    attached = sum(len(c.index_terms(lang)) for c in classification)
    assert attached == len(rows)


def test_lookup_forms(classification):
    for form in ("0101", "ICCS0101", "iccs 0101", " 0101 ", "ICCS_0101"):
        assert classification[form].code == "0101"
    assert normalize_code("01.01") == "0101"
    assert "ICCS0101" in classification


def test_unknown_code_suggests_close_codes(classification):
    with pytest.raises(iccs.UnknownCode) as e:
        classification["01019"]
    assert e.value.suggestions[0] == "0101"
    assert "did you mean" in str(e.value)


def test_lang_must_be_known(classification):
    with pytest.raises(ValueError):
        classification["0101"].label("fr")


def test_to_networkx_is_a_forest_of_sections(classification):
    import networkx as nx

    tree = classification.to_networkx()
    assert nx.is_forest(tree)
    assert tree.number_of_nodes() == len(classification)
    assert sorted(n for n, d in tree.in_degree() if d == 0) == [c.code for c in classification.sections()]
