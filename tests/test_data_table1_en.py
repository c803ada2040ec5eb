"""Checks of data/structure-en.csv, data/table1-en.csv and data/footnotes-en.csv against the
layout text of the English edition (reference/ICCS-v1.0-en.layout.txt).

Table I is printed in two columns that `pdftotext -layout` interleaves line by line, so a text
field is looked for as a sequence of pieces: each piece is a run of consecutive words of one
layout segment (a run of text between gaps of 2+ spaces), and the text may only jump from one
piece to the next at segment boundaries (where the other column's text sits).
"""
import csv
import functools
import re
import sys

import pytest
from conftest import ROOT, read_csv, reference_pages

STRUCTURE_PAGES = range(25, 34)  # 1-based PDF pages
TABLE1_PAGES = range(35, 100)
LEVEL_LENGTHS = (2, 4, 5, 6)

sys.setrecursionlimit(10000)


@pytest.fixture(scope="module")
def pages():
    return reference_pages("en")


@pytest.fixture(scope="module")
def structure():
    return read_csv("structure-en")


@pytest.fixture(scope="module")
def table1():
    return read_csv("table1-en")


@pytest.fixture(scope="module")
def footnotes():
    return read_csv("footnotes-en")


@pytest.fixture(scope="module")
def errata():
    with open(ROOT / "data" / "errata.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ------------------------------------------------------------------------------------------------
# Layout text helpers
# ------------------------------------------------------------------------------------------------

MARKER_GLUED = re.compile(r"(?<=[a-z\.;,\)’”])\d{2,3}(?=[;,.:]?$)")


def tokens(text):
    """Words, hyphenated words split after the hyphen (a line may wrap there)."""
    text = re.sub(r"\s+([;,.:])", r"\1", text)
    out = []
    for w in text.split():
        out += [p for p in re.split(r"(?<=[A-Za-z]-)(?=[A-Za-z])", w) if p]
    return out


def layout_stream(pages, page_numbers, lines=None):
    """Tokens of the given pages with segment ids: list of (token, segment id, glued), glued
    meaning the first word after a "+"/"-" sign, where pdftotext may run the first words of
    several lines together ("+ ofunlawful", "+ orcompulsory")."""
    stream = []
    seg_id = 0
    for n in page_numbers:
        page_lines = pages[n - 1].split("\n")
        if lines is not None:  # {page: (first, last)} line ranges
            lo, hi = lines[n]
            page_lines = page_lines[max(lo, 0):hi]
        for line in page_lines:
            # the layout may glue the other column's sign or label to a line with one space
            line = re.sub(r" ([+-]|[+-]? ?(?:Inclusions|Exclusions):)(?= |$)", r"  \1  ", line)
            after_sign = False
            for seg in re.split(r"\s{2,}", line.strip()):
                if not seg:
                    continue
                glued, after_sign = after_sign, seg in ("+", "-")
                seg_id += 1
                words = seg.split()
                if all(re.fullmatch(r"\d{2,3}", w) for w in words):
                    continue  # a footnote marker set apart by the layout
                words = [MARKER_GLUED.sub("", w) for w in words]
                # a marker set apart by a space after a full stop ("minor harm. 60")
                words = [w for i, w in enumerate(words)
                         if not (i and re.fullmatch(r"\d{2,3}", w) and words[i - 1].endswith("."))]
                cleaned = " ".join(words)
                for k, t in enumerate(tokens(cleaned)):
                    stream.append((t, seg_id, glued and k == 0))
    return stream


def matches(field_text, stream):
    return bool(match_starts(field_text, stream))


def match_starts(field_text, stream):
    """True if the field's words appear in the stream as runs of consecutive words of layout
    segments, in order, a run ending at a segment end and the next starting a segment (later in
    the stream, or at most 12 segments back)."""
    want = tokens(field_text)
    if not want:
        return [-1]
    toks = [t for t, _, _ in stream]
    segs = [s for _, s, _ in stream]
    is_glued = [g for _, _, g in stream]
    glued = [t for t, _, g in stream if g]
    n = len(toks)
    first = [i == 0 or segs[i - 1] != segs[i] for i in range(n)]
    last = [i == n - 1 or segs[i + 1] != segs[i] for i in range(n)]
    positions = {}
    for i, t in enumerate(toks):
        positions.setdefault(t, []).append(i)

    def in_glued(word):
        core = word.strip(";,.:")
        return len(core) >= 2 and any(core in g and core != g for g in glued)

    @functools.lru_cache(maxsize=None)
    def go(i, p, free=False, skips=0):
        if i == len(want):
            return True
        if not free and p + 1 < n and toks[p + 1] == want[i] and segs[p + 1] == segs[p]:
            if go(i + 1, p + 1):
                return True
        # at most 3 words found only inside a glued run of words
        if skips < 3 and in_glued(want[i]) and go(i + 1, p, True, skips + 1):
            return True
        if last[p] or free:
            for q in positions.get(want[i], ()):
                # forward to a later segment, or back a few segments: pdftotext puts the first
                # word of a wrapped line on the line of the large "+"/"-" sign when they overlap
                ok = q > p and q - p < 1500 or q < p and segs[p] - segs[q] <= 12
                if ok and (first[q] or free and q and is_glued[q - 1]) and go(i + 1, q):
                    return True
        return False

    return [q for q in positions.get(want[0], ()) if go(1, q)]


def code_pages(pages):
    """First Table I page on which each code heads a row."""
    return {code: where[0] for code, where in code_lines(pages).items()}


def code_lines(pages):
    """(page, line index) where each code heads a Table I row (sections: first banner)."""
    found = {}
    for n in TABLE1_PAGES:
        for k, line in enumerate(pages[n - 1].split("\n")):
            m = re.match(r"^\s*SECTION (\d{2})\s", line)
            if m:
                found.setdefault(m.group(1), (n, k))
            for m in re.finditer(r"(?:^|\s{2})\s*(\d{4,6}) [A-Z]", line):
                found.setdefault(m.group(1), (n, k))
    return found


def footnote_line(page_text):
    """Index of the first footnote line of a page (the number lines at the left margin)."""
    for k, line in enumerate(page_text.split("\n")):
        if re.match(r"^ {0,4}\d{2,3}(?: |$)", line):
            return k
    return len(page_text.split("\n"))


def row_windows(pages, table1):
    """For each Table I row, the layout lines that can hold its text: from a few lines above its
    code line to a couple of lines below the next row's code line (or to the footnotes, and on
    the next page to its next code line, when the row ends a page)."""
    where = code_lines(pages)
    codes = [r["code"] for r in table1]
    out = {}
    for i, code in enumerate(codes):
        n, k = where[code]
        nxt = where[codes[i + 1]] if i + 1 < len(codes) else (n + 1, 0)
        if nxt[0] == n:
            out[code] = ([n], {n: (k - 4, nxt[1] + 2)})
        else:
            pages_ = [n] + ([n + 1] if n + 1 in TABLE1_PAGES else [])
            lines = {n: (k - 4, footnote_line(pages[n - 1]))}
            if n + 1 in TABLE1_PAGES:
                lines[n + 1] = (0, nxt[1] + 2 if nxt[0] == n + 1 else footnote_line(pages[n]))
            out[code] = (pages_, lines)
    return out


# ------------------------------------------------------------------------------------------------
# Part Two
# ------------------------------------------------------------------------------------------------

def structure_from_layout(pages):
    """(code, label) pairs rebuilt from the layout text of Part Two."""
    rows = []
    for n in STRUCTURE_PAGES:
        for line in pages[n - 1].split("\n"):
            m = re.match(r"^Section (\d{2}) (.+)$", line.strip())
            if m:
                rows.append([m.group(1), m.group(2)])
                continue
            m = re.match(r"^\s*(\d{4,6})\s{2,}(\S.*)$", line)
            if m:
                rows.append([m.group(1), m.group(2).strip()])
            elif re.match(r"^\s{20,}\S", line) and not re.fullmatch(r"\s*\d+\s*", line) and rows:
                rows[-1][1] += " " + line.strip()
    return rows


def test_structure_count_matches_code_lines(pages, structure):
    code_lines = 0
    for n in STRUCTURE_PAGES:
        for line in pages[n - 1].split("\n"):
            if re.match(r"^Section \d{2} ", line.strip()) or re.match(r"^\s*\d{4,6}\s{2,}\S", line):
                code_lines += 1
    assert len(structure) == code_lines


def test_structure_rows_equal_layout(pages, structure):
    assert [[r["code"], r["label"]] for r in structure] == structure_from_layout(pages)


def test_structure_levels(structure):
    counts = {k: 0 for k in LEVEL_LENGTHS}
    for r in structure:
        assert len(r["code"]) in LEVEL_LENGTHS, r
        assert r["code"].isdigit()
        counts[len(r["code"])] += 1
    assert counts[2] == len({r["code"][:2] for r in structure})


def test_structure_unique_and_nested(structure):
    codes = [r["code"] for r in structure]
    assert len(codes) == len(set(codes))
    parents = {2: None, 4: 2, 5: 4, 6: 5}
    seen = set()
    for c in codes:
        if parents[len(c)]:
            assert c[: parents[len(c)]] in seen, f"{c} before its parent"
        seen.add(c)


# ------------------------------------------------------------------------------------------------
# Table I
# ------------------------------------------------------------------------------------------------

def code_errata(errata):
    return {e["printed"]: e["corrected"] for e in errata if e["source"] == "table1-en" and e["field"] == "code"}


def test_table1_codes_match_structure_modulo_errata(table1, structure, errata):
    fixes = code_errata(errata)
    assert [fixes.get(r["code"], r["code"]) for r in table1] == [r["code"] for r in structure]
    # every code erratum is a real difference
    printed = {r["code"] for r in table1}
    for p, c in fixes.items():
        assert p in printed and c not in printed


def test_table1_rows_are_the_code_lines_of_table1(pages, table1):
    assert set(code_pages(pages)) == {r["code"] for r in table1}


def test_table1_unique_levels_nested(table1):
    codes = [r["code"] for r in table1]
    assert len(codes) == len(set(codes))
    seen = set()
    for c in codes:
        assert len(c) in LEVEL_LENGTHS and c.isdigit()
        if len(c) > 2:
            parent = c[:2] if len(c) == 4 else c[: len(c) - 1]
            assert parent in seen, c
        seen.add(c)


def test_table1_labels_differ_from_structure_only_in_errata(table1, structure, errata):
    fixes = code_errata(errata)
    labels = {r["code"]: r["label"] for r in structure}
    recorded = {(e["key"], e["printed"]) for e in errata if e["source"] == "table1-en" and e["field"] == "label"}
    for r in table1:
        code = fixes.get(r["code"], r["code"])
        if len(code) == 2:  # Table I prints section names in capitals
            assert r["label"] == labels[code].upper(), code
        elif r["label"] != labels[code]:
            assert (r["code"], r["label"]) in recorded, r["code"]
    for key, printed in recorded:
        assert any(r["code"] == key and r["label"] == printed for r in table1)


def test_sections_have_no_notes(table1):
    for r in table1:
        if len(r["code"]) == 2:
            assert r["definition"] == r["inclusions"] == r["exclusions"] == "", r["code"]
        else:
            assert r["label"] and r["definition"], r["code"]


@pytest.mark.parametrize("field", ["label", "definition", "inclusions", "exclusions"])
def test_table1_text_in_layout(pages, table1, field):
    """Each field is found in the layout lines of its own row."""
    windows = row_windows(pages, table1)
    bad = []
    for r in table1:
        page_numbers, lines = windows[r["code"]]
        if not matches(r[field], layout_stream(pages, page_numbers, lines)):
            bad.append(r["code"])
    assert not bad


def test_inclusions_before_exclusions(pages, table1):
    """The inclusion cell is drawn above the exclusion cell of its row."""
    windows = row_windows(pages, table1)
    bad = []
    for r in table1:
        if r["inclusions"] and r["exclusions"]:
            stream = layout_stream(pages, *windows[r["code"]])
            # (the window overlaps the neighbour rows, whose notes may read the same)
            if not min(match_starts(r["inclusions"], stream)) < max(match_starts(r["exclusions"], stream)):
                bad.append(r["code"])
    assert not bad


def test_label_count_matches_notes(pages, table1):
    """Each printed "Inclusions:" / "Exclusions:" label is a non-empty field (or a label that
    the field itself repeats, as printed)."""
    text = "\n".join(pages[n - 1] for n in TABLE1_PAGES)
    for word, field in (("Inclusions:", "inclusions"), ("Exclusions:", "exclusions")):
        expected = sum((1 if r[field] else 0) + r[field].count(word) for r in table1)
        assert text.count(word) == expected


def test_no_marker_digits_left(table1, footnotes):
    glued = re.compile(r"[a-z\.;,’”][0-9]{2,3}\b")
    for rows, fields in ((table1, ("label", "definition", "inclusions", "exclusions")), (footnotes, ("text", "term"))):
        for r in rows:
            for f in fields:
                text = re.sub(r"<[^>]*>|https?://\S+", "", r[f])  # URLs may hold digits
                assert not glued.search(text), (r.get("code") or r.get("number"), f, glued.search(text))


def test_text_fields_are_single_lines(table1, footnotes):
    for rows in (table1, footnotes):
        for r in rows:
            for v in r.values():
                assert "\n" not in v and v == v.strip() and "  " not in v


# ------------------------------------------------------------------------------------------------
# Footnotes
# ------------------------------------------------------------------------------------------------

def footnote_starts(pages):
    """Footnote number -> page, from the number lines at the left margin of the page bottoms."""
    starts = {}
    for n in TABLE1_PAGES:
        for line in pages[n - 1].split("\n"):
            m = re.match(r"^ {0,4}(\d{2,3})(?: |$)", line)
            if m and not re.fullmatch(r"\s*\d+\s*", line[m.end():] or " ") or (m and line.strip() == m.group(1)):
                starts.setdefault(m.group(1), n)
    return starts


def test_footnote_numbers(pages, footnotes):
    starts = footnote_starts(pages)
    numbers = sorted({int(r["number"]) for r in footnotes})
    assert numbers == sorted(int(k) for k in starts)
    assert numbers == list(range(numbers[0], numbers[-1] + 1))


def test_footnote_text_in_layout(pages, footnotes):
    starts = footnote_starts(pages)
    bad = []
    for r in footnotes:
        n = starts[r["number"]]
        if not matches(r["text"], layout_stream(pages, [n])):
            bad.append(r["number"])
    assert not bad


def test_footnote_citations(table1, footnotes):
    codes = {r["code"] for r in table1}
    fields = {"label", "definition", "inclusions", "exclusions"}
    seen = set()
    for r in footnotes:
        assert r["code"] in codes and r["field"] in fields, r["number"]
        key = (r["number"], r["code"], r["field"])
        assert key not in seen
        seen.add(key)
        # the cited field is not empty
        row = next(x for x in table1 if x["code"] == r["code"])
        assert row[r["field"]]
    # one text per number
    texts = {}
    for r in footnotes:
        assert texts.setdefault(r["number"], (r["text"], r["term"])) == (r["text"], r["term"])


def test_footnote_markers_sit_in_cited_field(pages, table1, footnotes):
    """The marker of each footnote is printed in the row of the cited code; when the layout
    keeps it glued to a word, that word belongs to the cited field."""
    windows = row_windows(pages, table1)
    rows = {r["code"]: r for r in table1}
    bad = []
    for f in footnotes:
        page_numbers, lines = windows[f["code"]]
        text = "\n".join("\n".join(pages[n - 1].split("\n")[max(lines[n][0], 0):lines[n][1]])
                         for n in page_numbers)
        num = f["number"]
        glued = re.findall(r"(\S*[a-z\.;,\)’”])" + num + r"([;,.:]?)(?=\s|$)", text)
        field_words = set(tokens(rows[f["code"]][f["field"]]))
        if glued:
            if not any(a + b in field_words or a in field_words for a, b in glued):
                bad.append((num, f["code"], f["field"]))
        elif not re.search(r"(?<![\d(])(?<!footnote )\b" + num + r"\b", text):
            bad.append((num, f["code"], "no marker"))
    assert not bad


def test_footnote_terms_in_text(footnotes):
    for r in footnotes:
        for term in filter(None, r["term"].split("; ")):
            assert term.lower() in r["text"].lower() or term.lower().startswith("forced "), r["number"]


def test_errata_file_shape(errata):
    with open(ROOT / "data" / "errata.csv", encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == ["id", "source", "key", "field", "printed", "corrected", "action", "page_en", "page_es", "reason"]
    mine = [e for e in errata if e["source"] in ("table1-en", "footnotes-en")]
    assert mine and all(e["reason"] and e["page_en"] for e in mine)
