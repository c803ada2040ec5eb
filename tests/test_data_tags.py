"""Data checks of the disaggregating variables (tags) and the intentional-homicide tables.

Checks data/tags.csv, data/tag-codes.csv, data/homicide.csv and data/footnotes-tables.csv against
the reference text reference/ICCS-v1.0-{en,es}.layout.txt (pdftotext -layout; page N = split index
N-1). The layout text interleaves the columns of a table line by line, so a label is looked for as a
sequence of its words, in order, with a bounded number of other words in between; a footnote marker
may be glued to a word ("Completed146") and a code to its label ("1.Organized-crime").
"""
import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "es")
PAGES = {
    "A": {"en": [23], "es": [24]},
    "bullets": {"en": [22, 23], "es": [23]},
    "II": {"en": [100, 101, 102, 103], "es": [117, 118, 119, 120]},
    "III": {"en": [104], "es": [121]},
    "IV": {"en": [105], "es": [122]},
    "V": {"en": [106], "es": [123]},
}
GAP = 60  # other words allowed between two consecutive words of a label (interleaved columns)


def read(name):
    with open(ROOT / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def layout():
    return {lang: (ROOT / "reference" / f"ICCS-v1.0-{lang}.layout.txt").read_text(encoding="utf-8").split("\f")
            for lang in LANGS}


@pytest.fixture(scope="module")
def tags():
    return read("data/tags.csv")


@pytest.fixture(scope="module")
def codes():
    return read("data/tag-codes.csv")


@pytest.fixture(scope="module")
def homicide():
    return read("data/homicide.csv")


@pytest.fixture(scope="module")
def notes():
    return read("data/footnotes-tables.csv")


@pytest.fixture(scope="module")
def errata():
    return [e for e in read("data/errata.csv") if e["source"] in ("tags", "tag-codes", "footnotes-tables", "homicide")]


MARKERS = {"34"} | {str(n) for n in range(144, 186)}


def text_of(layout, lang, part, table_only=False):
    return "\n".join(table_part(layout[lang][p - 1]) if table_only else layout[lang][p - 1]
                     for p in PAGES[part][lang])


def table_part(page):
    """The text of a Table II-V page above its footnotes (a marker at the left margin)."""
    out = []
    lines = page.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^( *)(\d{3})(\s|$)", line)
        if m and len(m.group(1)) <= 6 and m.group(2) in MARKERS:
            rest = line[m.end():].strip() or (lines[i + 1].strip() if i + 1 < len(lines) else "")
            if rest and not rest[0].isdigit():
                break
        out.append(line)
    return "\n".join(out)


def token_ok(page_tok, tok, code=None):
    if page_tok == tok or (page_tok[len(tok):] in MARKERS and page_tok.startswith(tok)):
        return True
    return code is not None and page_tok in (f"{code}.{tok}",) + tuple(f"{code}.{tok}{m}" for m in MARKERS)


def find_seq(text, words, start=0, code=None, gap=GAP):
    """Index after the match of `words` in the tokens of `text` from token `start`, or -1.

    A label word may also be split over two page tokens (a line broken after "/", or the
    typesetter's "police/p" + "ublic"); with `code`, the sequence starts with "<code>." or "<code>.word".
    """
    toks = text.split()
    seq = ([f"{code}."] if code is not None else []) + words
    for i in range(start, len(toks)):
        j, k, ok = i, 0, True
        if code is not None and toks[i] != f"{code}." and not token_ok(toks[i], words[0], code):
            continue
        if code is not None and toks[i] != f"{code}.":
            k, j = 2, i + 1  # code glued to the first word
        while k < len(seq):
            w = seq[k]
            for jj in range(j, min(len(toks), j + (1 if k == 0 else gap + 1))):
                if token_ok(toks[jj], w):
                    j = jj + 1
                    break
                nxt = next((t for t in toks[jj + 1:jj + 1 + gap] if w.startswith(toks[jj])), None)
                if toks[jj] and w.startswith(toks[jj]) and len(toks[jj]) < len(w) and nxt is not None:
                    # a word split over two tokens: find its rest within the gap
                    rest = w[len(toks[jj]):]
                    hit = next((x for x in range(jj + 1, min(len(toks), jj + 1 + gap)) if token_ok(toks[x], rest)), None)
                    if hit is not None:
                        j = hit + 1
                        break
            else:
                ok = False
                break
            k += 1
        if ok:
            return j
    return -1


def assert_in(text, value, what, **kw):
    assert value, f"{what}: empty"
    assert find_seq(text, value.split(), **kw) >= 0, f"{what}: {value!r} not found in the layout text"


# ----------------------------------------------------------------------------- tags.csv

def test_27_tags_in_table_a_order(tags, layout):
    assert len(tags) == 27
    acrs = [r["acronym"] for r in tags]
    assert len(set(acrs)) == 27
    for lang in LANGS:
        text = text_of(layout, lang, "A")
        found = re.findall(r"(?<!\S)(\w+) –", text)
        # Table A prints ViP, Cit, LS, Int in the victim and the perpetrator columns
        assert sorted(set(found)) == sorted(acrs)
        assert len(found) == 27 + sum(1 for r in tags if r["also_group"])


def test_groups(tags, layout):
    assert [r["group"] for r in tags] == sorted((r["group"] for r in tags),
                                                key=["event", "victim", "perpetrator", "data"].index)
    for lang in LANGS:
        text = text_of(layout, lang, "A")
        for r in tags:
            assert_in(text, r[f"group_{lang}"], f"group of {r['acronym']}")
        assert len({r[f"group_{lang}"] for r in tags}) == 4


def test_names_in_table_a(tags, layout):
    for lang in LANGS:
        text = text_of(layout, lang, "A")
        for r in tags:
            assert_in(text, f"{r['acronym']} – {r[f'name_{lang}']}", f"Table A name of {r['acronym']}")
            if r["also_group"]:
                assert_in(text, f"{r['acronym']} – {r[f'also_name_{lang}']}", f"2nd name of {r['acronym']}")


def test_acronyms_and_names_in_table_ii(tags, layout, errata):
    fixed = {(e["key"], e["printed"]) for e in errata if e["field"] == "table2_acronym"}
    for lang in LANGS:
        text = text_of(layout, lang, "II", table_only=True)
        for r in tags:
            acr = r["table2_acronym"]
            assert acr == r["acronym"] or (r["acronym"], acr) in fixed
            assert re.search(rf"(?<!\S){re.escape(acr)} –", text), (lang, acr)
            assert_in(text, f"{acr} – {r[f'table2_name_{lang}']}", f"Table II heading of {acr}")
            if r["also_group"]:
                assert_in(text, f"{acr} – {r[f'table2_also_name_{lang}']}", f"2nd heading of {acr}")
            if r[f"table2_text_{lang}"]:
                assert_in(text, r[f"table2_text_{lang}"], f"Table II text of {acr}")


def test_descriptions_and_definitions(tags, layout):
    for lang in LANGS:
        bullets = text_of(layout, lang, "bullets")
        notes = text_of(layout, lang, "II")
        n_desc = 0
        for r in tags:
            if r[f"description_{lang}"]:
                n_desc += 1
                desc = r[f"description_{lang}"]
                # the list separator ";" that ends a bullet is not part of the description
                assert (find_seq(bullets, (desc + ";").split(), gap=3) >= 0
                        or desc.endswith(".") and find_seq(bullets, desc.split(), gap=3) >= 0), desc
            if r[f"definition_{lang}"]:
                assert_in(notes, r[f"definition_{lang}"], f"definition of {r['acronym']}", gap=3)
        # one description per bullet of the list
        assert n_desc == len(re.findall(r"^\s*-\s+(the|la etiqueta)\b", bullets, re.M))


# ----------------------------------------------------------------------------- tag-codes.csv

def test_codes_well_formed(codes, tags):
    acrs = [r["acronym"] for r in tags]
    seen = set()
    for r in codes:
        assert r["acronym"] in acrs
        assert re.fullmatch(r"\d+[a-z]?", r["code"]), r
        assert (r["acronym"], r["code"]) not in seen
        seen.add((r["acronym"], r["code"]))
        if r["parent"]:
            assert r["code"][:-1] == r["parent"] and (r["acronym"], r["parent"]) in seen
        else:
            assert r["code"].isdigit()
        assert r["label_en"] and r["label_es"]


def test_code_count_matches_table_ii(codes, tags, layout):
    """Every code-bearing item printed in Table II is a row (variables printed twice count twice)."""
    twice = {r["acronym"] for r in tags if r["also_group"]}
    expected = sum(2 if r["acronym"] in twice else 1 for r in codes)
    for lang in LANGS:
        text = text_of(layout, lang, "II", table_only=True)
        printed = re.findall(r"(?<!\S)\d{1,2}[a-z]?\.(?=\s|[A-ZÁÉÍÓÚ])", text)
        assert len(printed) == expected, lang


def test_codes_in_order_in_table_ii(codes, layout):
    for lang in LANGS:
        text = text_of(layout, lang, "II", table_only=True)
        by_acr = {}
        for r in codes:
            by_acr.setdefault(r["acronym"], []).append(r)
        for acr, rows in by_acr.items():
            pos = 0
            for r in rows:
                pos = find_seq(text, r[f"label_{lang}"].split(), start=pos, code=r["code"])
                assert pos >= 0, (lang, acr, r["code"], r[f"label_{lang}"])


def test_code_definitions_are_footnotes(codes, notes, layout):
    for r in codes:
        for lang in LANGS:
            if r[f"definition_{lang}"]:
                key = f"{r['acronym']}/{r['code']}"
                assert [n for n in notes if n["key"] == key and n[f"text_{lang}"] == r[f"definition_{lang}"]]
        assert bool(r["definition_en"]) == bool(r["definition_es"])


def test_sic_numbering_gap_is_recorded(codes, errata):
    """Gaps in a numbering are kept as printed and must be listed as errata."""
    for acr in {r["acronym"] for r in codes}:
        top = [int(r["code"]) for r in codes if r["acronym"] == acr and not r["parent"]]
        assert top[0] == 1 and top == sorted(top)
        for a, b in zip(top, top[1:]):
            if b != a + 1:
                assert any(e["key"] == f"{acr}/{b}" and e["field"] == "code" for e in errata), (acr, a, b)


# ----------------------------------------------------------------------------- homicide.csv

def test_homicide_paths(homicide):
    paths = [r["path"] for r in homicide]
    assert len(paths) == len(set(paths))
    assert [r["table"] for r in homicide] == sorted((r["table"] for r in homicide), key=["III", "IV", "V"].index)
    for r in homicide:
        assert re.fullmatch(rf"{r['table']}(\.[1-9]\d*)+", r["path"])
        assert r["parent"] == r["path"].rsplit(".", 1)[0] if r["path"].count(".") > 1 else r["parent"] == ""
        if r["parent"]:
            assert r["parent"] in paths[:paths.index(r["path"])]
        assert r["label_en"] and r["label_es"]
        assert bool(r["description_en"]) == bool(r["description_es"])
    # positions are consecutive: n-th child exists only if the (n-1)-th does
    for p in paths:
        head, last = p.rsplit(".", 1)
        if int(last) > 1:
            assert f"{head}.{int(last) - 1}" in paths


def test_homicide_text_on_its_page(homicide, layout):
    for lang in LANGS:
        for table in ("III", "IV", "V"):
            text = text_of(layout, lang, table, table_only=True)
            for r in (r for r in homicide if r["table"] == table):
                label = r[f"label_{lang}"]
                if r["icd10"] and f"({r['icd10']})" not in label:
                    # the code's bracket was taken out of the label; where the label ends with a
                    # bracket, the publication prints the code inside it ("vehicle (Y03))")
                    printed = [f"{label} ({r['icd10']})"]
                    if label.endswith(")"):
                        printed.append(f"{label[:-1]} ({r['icd10']}))")
                    found = [p for p in printed if find_seq(text, p.split()) >= 0]
                    label = found[0] if found else printed[0]
                assert_in(text, label, f"{r['path']} {lang}")
                if r[f"description_{lang}"]:
                    assert_in(text, r[f"description_{lang}"], f"{r['path']} description {lang}")


def test_icd10_codes(homicide, layout):
    icd = [r["icd10"] for r in homicide if r["icd10"]]
    assert all(r["table"] == "V" for r in homicide if r["icd10"])
    expected = [f"X{n}" for n in range(85, 100)] + [f"Y0{n}" for n in range(10)]
    assert sorted(icd) == expected  # X85-Y09, each once
    for lang in LANGS:
        printed = re.findall(r"\(([XY]\d\d)\)", text_of(layout, lang, "V"))
        assert sorted(printed) == expected, lang
        # printed order = row order
        assert printed == icd, lang


def test_including_lists(homicide, layout):
    for lang in LANGS:
        n_lists = len(re.findall(r"(?<!\S)(Including|Inclusiones):", text_of(layout, lang, "V")))
        listed = [r for r in homicide if r[f"listed_under_{lang}"]]
        assert len({r["parent"] for r in listed}) == n_lists == 2
        assert all(r["icd10"] for r in listed)


# ----------------------------------------------------------------------------- footnotes

def test_footnotes(notes, codes, homicide, tags, layout):
    keys = ({"A", "II"} | {r["acronym"] for r in tags} | {f"{r['acronym']}/{r['code']}" for r in codes}
            | {r["path"] for r in homicide})
    numbers = [int(n["number_en"]) for n in notes]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert set(numbers) == {34} | set(range(144, 186))
    for n in notes:
        assert n["key"] in keys, n
        for lang in LANGS:
            part = {"A": "A", "II": "II"}.get(n["table"], n["table"])
            text = text_of(layout, lang, part)
            assert re.search(rf"(?m)^\s*{n[f'number_{lang}']}(\s|$)", text), (lang, n["number_en"])
            assert_in(text, n[f"text_{lang}"], f"footnote {n['number_en']} {lang}", gap=3)
