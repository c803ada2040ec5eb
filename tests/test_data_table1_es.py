"""Spanish edition: broad structure (Part Two) and Table I, checked against the reference text.

Data files: data/structure-es.csv, data/table1-es.csv, data/footnotes-es.csv,
data/errata.csv. Reference: reference/ICCS-v1.0-es.layout.txt (pdftotext -layout; the
two columns of Table I are interleaved line by line, so word sequences are checked in order while
allowing interleaved tokens).
"""
import csv
import functools
import re

import pytest
from conftest import DATA, ROOT, read_csv, reference_pages

PAGES = reference_pages("es")
STRUCT_PAGES = range(26, 35)      # 1-based PDF pages
TABLE_PAGES = range(35, 117)
LEVEL_LEN = {1: 2, 2: 4, 3: 5, 4: 6}
CODE_LINE = re.compile(r"(?:^|\s)(\d{4,6})(?=\s|$)")
SECTION_LINE = re.compile(r"^\s*Sección (\d\d)\b")

STRUCTURE = read_csv("structure-es")
TABLE1 = read_csv("table1-es")
FOOTNOTES = read_csv("footnotes-es")
FOOTNOTE_NUMBERS = {int(f["number"]) for f in FOOTNOTES}
with open(ROOT / "data" / "errata.csv", encoding="utf-8", newline="") as _f:
    ERRATA = list(csv.DictReader(_f))


def page(n):
    return PAGES[n - 1]


# a footnote marker glued to a word in the layout text: "víctima48." "Asesinato36;" "legal45"
_MARKER = re.compile(r"(?<=[^\W\d_]|[)”])\d{2,3}(?=[.,;:)]?$)")


def tokens(text, demark=False):
    """Whitespace tokens. A URL broken after a hyphen at a line end ("about-" "ip/en") is glued
    back, and a lone punctuation token ("privado" "." where a marker floated away) joins the
    word before it."""
    text = re.sub(r"(?<=[\w/])-\s+(?=\w)", "-", text)
    out = []
    marked = False
    for t in text.split():
        if demark:
            m = re.fullmatch(r"(\d{2,3})([.,;)]?)", t)
            if m and (marked or int(m.group(1)) in FOOTNOTE_NUMBERS) and \
                    not (out and out[-1] in ("nota", "notas")):  # "tal como se define en la nota 48."
                # a marker set apart: "material114 115.", "reglamentados 124."
                t = m.group(2)
            t, k = _MARKER.subn("", t)
            marked = bool(k)
        if out and re.fullmatch(r"[.,;)]+", t):
            out[-1] += t
        elif t:
            out.append(t)
    return out


def is_subsequence(needle, hay):
    it = iter(hay)
    return all(any(t == h for h in it) for t in needle)


def in_order(text, hay_tokens, slack=0.0):
    """The words of `text` occur in `hay_tokens` in the same order (other tokens may come between).

    pdftotext sometimes puts a word of a vertically centred cell on a neighbouring line (e.g. the
    first word of a right-column line next to the big "+" sign); `slack` is the share of words
    allowed out of order (at least 2: pdftotext may also glue such a word to the next one,
    "+ deobligaciones")."""
    need = tokens(text)
    if is_subsequence(need, hay_tokens):
        return True
    if not slack:
        return False
    joined = " ".join(hay_tokens)
    if any(t not in joined for t in need):  # a word that is nowhere on the page
        return False
    return len(need) - lcs_length(need, hay_tokens) <= max(2, int(slack * len(need)))


def lcs_length(a, b):
    """Length of the longest common subsequence of token lists a and b (bit-parallel)."""
    full = (1 << len(a)) - 1
    masks = {}
    for i, t in enumerate(a):
        masks[t] = masks.get(t, 0) | (1 << i)
    v = full
    for t in b:
        m = masks.get(t)
        if m:
            u = v & m
            v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


# ---------------------------------------------------------------------------------------------
# structure

def structure_codes_in_reference():
    codes = []
    for n in STRUCT_PAGES:
        for line in page(n).splitlines():
            m = SECTION_LINE.match(line)
            if m:
                codes.append(m.group(1))
                continue
            codes.extend(CODE_LINE.findall(line))
    return codes


def test_structure_counts_and_order_match_reference():
    ref = structure_codes_in_reference()
    assert len(ref) == len(STRUCTURE) == 320
    assert [r["code"] for r in STRUCTURE] == ref


def test_structure_levels():
    by_len = {}
    for r in STRUCTURE:
        by_len[len(r["code"])] = by_len.get(len(r["code"]), 0) + 1
    assert by_len == {2: 11, 4: 63, 5: 148, 6: 98}


@pytest.mark.parametrize("rows", [STRUCTURE, TABLE1], ids=["structure", "table1"])
def test_codes_unique_and_nested(rows):
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    stack = []
    for code in codes:
        assert len(code) in LEVEL_LEN.values() and code.isdigit(), code
        while stack and len(stack[-1]) >= len(code):
            stack.pop()
        if len(code) == 2:
            assert not stack
        else:
            assert stack, code
            parent = stack[-1]
            assert code.startswith(parent), (parent, code)
            # one level down: 2 -> 4 -> 5 -> 6
            assert [2, 4, 5, 6].index(len(code)) == [2, 4, 5, 6].index(len(parent)) + 1, code
        stack.append(code)


def test_structure_labels_in_reference():
    """Each label's words appear in order on the structure pages (label lines may sit above the
    code line when the cell is vertically centred, so the page text as a whole is used)."""
    hay = tokens(" ".join(page(n) for n in STRUCT_PAGES))
    for r in STRUCTURE:
        assert r["label"] and r["label"] == r["label"].strip()
        assert in_order(r["label"], hay), r


def test_structure_label_words_on_their_page():
    hays = {n: tokens(page(n) + (" " + page(n + 1) if n + 1 in STRUCT_PAGES else ""))
            for n in STRUCT_PAGES}
    for r in STRUCTURE:
        pages = [n for n in STRUCT_PAGES if re.search(r"(?:^|\s)%s(?:\s|$)" % (
            r["code"] if len(r["code"]) > 2 else "Sección " + r["code"]), page(n), re.M)]
        assert pages, r["code"]
        assert in_order(r["label"], hays[pages[0]]), r


# ---------------------------------------------------------------------------------------------
# Table I

def errata(field, source="table1-es"):
    return {(e["key"], e["printed"]): e for e in ERRATA if e["source"] == source and e["field"] == field}


def test_table1_codes_match_structure_modulo_errata():
    fixes = errata("code")
    t_codes = []
    for r in TABLE1:
        e = fixes.get((r["code"], r["code"]))
        t_codes.append(e["corrected"] if e else r["code"])
    assert t_codes == [r["code"] for r in STRUCTURE]
    # and the errata are needed: without them the lists differ exactly there
    assert {r["code"] for r in TABLE1} ^ {r["code"] for r in STRUCTURE} == \
        {k for k, _ in fixes} | {e["corrected"] for e in fixes.values()}


def test_table1_labels_match_structure_modulo_errata():
    slab = {r["code"]: r["label"] for r in STRUCTURE}
    fixes = errata("label")
    fix_code = errata("code")
    for r in TABLE1:
        code = fix_code[(r["code"], r["code"])]["corrected"] if (r["code"], r["code"]) in fix_code else r["code"]
        if len(code) == 2:
            # section names are printed in capitals in Table I
            assert r["label"] == slab[code].upper(), code
        elif r["label"] != slab[code]:
            # either Table I's or Part Two's name is recorded as wrong, with the other as correction
            t_err = fixes.get((r["code"], r["label"]))
            s_err = errata("label", "structure-es").get((code, slab[code]))
            assert (t_err and t_err["corrected"] == slab[code]) or \
                (s_err and s_err["corrected"] == r["label"]), (r["code"], r["label"], slab[code])


@functools.lru_cache(maxsize=None)
def table1_page_of(code):
    """First Table I page whose text has `code` as a category heading."""
    if len(code) == 2:
        pat = re.compile(r"^\s*SECCIÓN %s\b" % code, re.M)
    else:
        pat = re.compile(r"^\s*%s\s+\S" % code, re.M)
    for n in TABLE_PAGES:
        if pat.search(page(n)):
            return n
    return None


def test_every_table1_code_heads_a_reference_page():
    heads = 0
    for n in TABLE_PAGES:
        heads += len(re.findall(r"^\s*(\d{4,6}) +[A-ZÁÉÍÓÚ]", page(n), re.M))
    assert heads == len([r for r in TABLE1 if len(r["code"]) > 2]) == 309
    for r in TABLE1:
        assert table1_page_of(r["code"]), r["code"]


@functools.lru_cache(maxsize=None)
def page_pair_tokens(n):
    """Tokens of a Table I page and the next (a category may continue over the page break)."""
    text = page(n) + ("\n" + page(n + 1) if n + 1 in TABLE_PAGES else "")
    return tuple(tokens(text, demark=True))


@pytest.mark.parametrize("field", ["label", "definition", "inclusions", "exclusions"])
def test_table1_text_in_reference_order(field):
    checked = strict = 0
    for r in TABLE1:
        value = r[field]
        if not value:
            continue
        hay = page_pair_tokens(table1_page_of(r["code"]))
        assert in_order(value, hay, slack=0.1), (r["code"], field, value)
        strict += in_order(value, hay)
        checked += 1
    assert checked > 0
    # the slack is for the odd word pdftotext moved: most fields match strictly
    assert strict >= 0.85 * checked, (strict, checked)


def test_table1_every_category_has_label_and_definition():
    for r in TABLE1:
        assert r["label"], r["code"]
        if len(r["code"]) > 2:
            assert r["definition"], r["code"]
        else:
            assert not (r["definition"] or r["inclusions"] or r["exclusions"]), r["code"]


def test_inclusion_exclusion_labels_not_outnumbered():
    """Every non-empty cell had its printed label; a label may head an empty cell (e.g. 02059)."""
    text = "\n".join(page(n) for n in TABLE_PAGES)
    inc = sum(1 for r in TABLE1 if r["inclusions"])
    exc = sum(1 for r in TABLE1 if r["exclusions"])
    assert inc <= text.count("Inclusiones:") <= inc + 5
    # 02102 prints "Exclusiones: Exclusiones: ..." (the second one is kept as text)
    assert exc <= text.count("Exclusiones:") <= exc + 5


def test_no_marker_digits_glued_to_words():
    glued = re.compile(r"[^\W\d_][)”]?\d{2,3}\b")
    no_url = lambda t: re.sub(r"<[^>]*>", "", t)  # noqa: E731 (URLs contain e.g. "ls87-e.pdf")
    for r in TABLE1:
        for field in ("label", "definition", "inclusions", "exclusions"):
            assert not glued.search(r[field]), (r["code"], field, r[field])
    for f in FOOTNOTES:
        assert not glued.search(no_url(f["text"])), f["number"]
        assert not glued.search(f["term"]), f["number"]
    # and the reference does have glued markers, so the pattern is able to catch them
    assert glued.search(page(35))


def test_no_label_words_inside_fields():
    """A cell label is never taken as text, except where the publication prints it twice."""
    for r in TABLE1:
        for field in ("definition", "inclusions", "exclusions"):
            value = r[field]
            if "Inclusiones:" in value or "Exclusiones:" in value or value.startswith(":"):
                # recorded as a heading the graph leaves out (printed: the heading at the start)
                e = [e for (code, printed), e in errata(field).items()
                     if code == r["code"] and value.startswith(printed) and e["action"] == "correct"]
                assert e and not e[0]["corrected"] and not re.search(r"\d", e[0]["printed"]), (r["code"], field)


def test_cited_codes_exist_or_are_errata():
    codes = {r["code"] for r in STRUCTURE} | {r["code"] for r in TABLE1}
    known = {(e["key"], e["field"], e["printed"]) for e in ERRATA}
    for r in TABLE1:
        for field in ("definition", "inclusions", "exclusions"):
            # cited codes: 4-6 digits not part of a number or date; a section is 01-11, and a
            # four-digit number starting 19xx/20xx is a year ("Convenios de Ginebra (1949)")
            for c in re.findall(r"(?<![\d/.,])\d{4,6}(?![\d/.,])", r[field]):
                if len(c) == 4 and c[:2] in ("19", "20"):
                    continue
                if c not in codes:
                    assert (r["code"], field, c) in known, (r["code"], field, c)


# ---------------------------------------------------------------------------------------------
# footnotes

def footnote_numbers_in_reference():
    nums = []
    for n in TABLE_PAGES:
        nums.extend(int(x) for x in re.findall(r"^(\d{2,3})$", page(n), re.M))
    return nums


def test_footnote_numbers_match_reference():
    """One row per printed marker: a note cited again (102, 130) repeats with its other category."""
    nums = list(dict.fromkeys(int(f["number"]) for f in FOOTNOTES))
    assert nums == footnote_numbers_in_reference()
    assert nums == list(range(nums[0], nums[0] + len(nums)))
    rows = [(f["number"], f["code"], f["field"]) for f in FOOTNOTES]
    assert len(rows) == len(set(rows))
    for num in nums:
        same = [f for f in FOOTNOTES if f["number"] == str(num)]
        assert len({(f["text"], f["term"]) for f in same}) == 1, num


def test_footnote_texts_in_reference():
    by_code = {r["code"]: r for r in TABLE1}
    for f in FOOTNOTES:
        pages = [n for n in TABLE_PAGES if re.search(r"^%s$" % f["number"], page(n), re.M)]
        assert len(pages) == 1, f["number"]
        n = pages[0]
        text = page(n) + ("\n" + page(n + 1) if n + 1 in TABLE_PAGES else "")
        part = text[re.search(r"^%s$" % f["number"], text, re.M).end():]
        assert is_subsequence(tokens(f["text"]), tokens(part)), f["number"]
        for term in filter(None, f["term"].split("; ")):
            # the term is printed in the note (in bold), or is the text carrying the marker
            assert term in f["text"] or term in by_code[f["code"]][f["field"]], f["number"]


def test_footnote_markers_point_to_categories():
    by_code = {r["code"]: r for r in TABLE1}
    for f in FOOTNOTES:
        assert f["code"] in by_code, f["number"]
        assert f["field"] in ("label", "definition", "inclusions", "exclusions"), f["number"]
        n = table1_page_of(f["code"])
        text = page(n) + ("\n" + page(n + 1) if n + 1 in TABLE_PAGES else "")
        # the marker is printed on the category's page (or the next, when the category continues):
        # drop footnote-number lines ("62") and page-number lines ("      40") first
        lines = text.split("\n")
        lines = [ln for i, ln in enumerate(lines)
                 if not re.fullmatch(r"\d+", ln)                       # footnote number
                 and not (re.fullmatch(r"\s+\d+\s*", ln)              # page number: last line
                          and not any(x.strip() for x in lines[i + 1:i + 6]))]
        body = "\n".join(lines)
        body = re.sub(r"\(\d+\)|\b\d{4,6}\b", "", body)  # cited codes
        assert re.search(r"(?<![\d/.])%s(?![\d/])" % f["number"], body), f["number"]


def test_csv_format():
    for name in ("structure-es", "table1-es", "footnotes-es"):
        raw = (DATA / f"{name}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in raw
        for row in csv.reader(raw.decode("utf-8").splitlines()):
            for cell in row:
                assert cell == cell.strip() and "  " not in cell, (name, cell)


def test_same_codes_as_english_structure_if_present():
    path = DATA / "structure-en.csv"
    if not path.exists():
        # the English helper's file is optional here; check our own list instead of skipping
        assert len(STRUCTURE) == 320
        return
    en = read_csv("structure-en")
    assert [r["code"] for r in en] == [r["code"] for r in STRUCTURE]
