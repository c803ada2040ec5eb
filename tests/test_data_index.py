"""data/index-{en,es}.csv (Annex 2, alphabetical index) against the reference layout text."""
import csv
import io
import re
import unicodedata

import pytest
from conftest import DATA, REFERENCE, read_csv, reference_pages

INDEX_PAGES = {"en": (109, 133), "es": (126, 148)}  # 1-based PDF pages of Annex 2
PART_TWO = {"en": (25, 34), "es": (26, 34)}
TITLE = {"en": "Annex 2: Alphabetical index", "es": "Anexo 2: Índice alfabético"}
NO_ENTRIES = {"en": "No entries", "es": "No hay anotaciones"}
CODE_RE = re.compile(r"^(\d{2}|\d{4}|\d{5}|\d{6})$")
LANGS = ["en", "es"]


def index_lines(lang):
    """(page, line) for every line of the index pages, without the printed page number."""
    pages = reference_pages(lang)
    first, last = INDEX_PAGES[lang]
    out = []
    for pno in range(first, last + 1):
        lines = [ln for ln in pages[pno - 1].split("\n") if ln.strip()]
        assert lines[-1].strip() == str(pno - 2), f"page {pno}: printed page number expected last"
        out.extend((pno, ln) for ln in lines[:-1])
    return out


def printed_codes(lang):
    return [tok for _, ln in index_lines(lang) for tok in ln.split() if tok.isdigit()]


def text_stream(lang):
    """The index text with codes and all whitespace removed, and the PDF page of each character."""
    chars, pages = [], []
    for pno, ln in index_lines(lang):
        for tok in ln.split():
            if tok.isdigit():
                continue
            chars.append(tok)
            pages.extend([pno] * len(tok))
    return "".join(chars), pages


def squeeze(text):
    return re.sub(r"\s+", "", text)


def part_two_codes(lang):
    first, last = PART_TWO[lang]
    codes = set()
    for page in reference_pages(lang)[first - 1:last]:
        for line in page.split("\n"):
            m = re.match(r"^(?:Section|Sección) (\d{2}) ", line) or re.match(r"^\s*(\d{4,6})(?:\s|$)", line)
            if m:
                codes.add(m.group(1))
    return codes


def errata():
    with open(REFERENCE.parent / "data" / "errata.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module", params=LANGS)
def lang(request):
    return request.param


@pytest.fixture(scope="module")
def rows(lang):
    return read_csv(f"index-{lang}")


def test_csv_is_canonical(lang, rows):
    raw = (DATA / f"index-{lang}.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["term", "code", "page"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    assert buf.getvalue().encode("utf-8") == raw


def test_one_row_per_printed_code(lang, rows):
    coded = [r for r in rows if r["code"]]
    assert len(coded) == len(printed_codes(lang))
    # and in the same order as the layout text prints them
    assert [r["code"] for r in coded] == printed_codes(lang)


def test_rows_without_code_are_exactly_the_errata(lang, rows):
    empty = sorted(r["term"] for r in rows if not r["code"])
    listed = sorted(e["key"] for e in errata()
                    if e["source"] == f"index-{lang}" and e["field"] == "code" and e["printed"] == "")
    assert empty == listed


def test_codes_have_level_lengths(rows):
    bad = [r for r in rows if r["code"] and not CODE_RE.match(r["code"])]
    assert not bad


def test_no_empty_terms_and_no_headings(lang, rows):
    for r in rows:
        assert r["term"].strip() == r["term"] and r["term"]
        assert "  " not in r["term"]
        assert not re.fullmatch(r"[A-Z]", r["term"]), r
        assert r["term"] not in (NO_ENTRIES[lang], TITLE[lang])
        assert not re.search(r"\d", r["term"]), r  # no code swallowed into a term


def test_terms_follow_each_other_in_the_page_text(lang, rows):
    """Each term, whitespace removed, is the next run of the index text (codes removed); what lies
    between two terms is only the title, letter headings and "No entries"; nothing is left over."""
    stream, pages = text_stream(lang)
    filler = re.compile("(?:%s)?(?:[A-Z](?:%s)?)*" % (re.escape(squeeze(TITLE[lang])),
                                                      re.escape(squeeze(NO_ENTRIES[lang]))))
    pos = 0
    for r in rows:
        key = squeeze(r["term"])
        found = stream.find(key, pos)
        assert found >= 0, r
        assert filler.fullmatch(stream[pos:found]), (r, stream[pos:found][:80])
        assert pages[found] == int(r["page"]), r
        pos = found + len(key)
    assert filler.fullmatch(stream[pos:]), stream[pos:][:80]


def test_words_in_order_on_their_page(lang, rows):
    """Looser companion check: the words of each term appear in order in its page's text
    (terms running over a page break may end on the next page)."""
    pages = reference_pages(lang)
    for r in rows:
        p = int(r["page"])
        text = " ".join(t for t in (pages[p - 1] + " " + pages[p]).split() if not t.isdigit())
        words = re.sub(r"(?<=\w)- (?=\w)", "-", text).split()  # "radio-" / "active" at a line end
        i = 0
        for w in r["term"].split():
            while i < len(words) and words[i] != w:
                i += 1
            assert i < len(words), (r, w)
            i += 1


def test_letters_follow_the_headings(rows):
    def letter(term):
        return unicodedata.normalize("NFD", term[0])[0].upper()
    letters = [letter(r["term"]) for r in rows]
    assert letters == sorted(letters)


def test_codes_outside_part_two_are_in_the_errata(lang, rows):
    known = part_two_codes(lang)
    assert len(known) == 320  # Part Two prints 320 codes in both editions (11 + 63 + 148 + 98)
    missing = sorted((r["term"], r["code"]) for r in rows if r["code"] and r["code"] not in known)
    listed = sorted((e["key"], e["printed"]) for e in errata()
                    if e["source"] == f"index-{lang}" and e["field"] == "code" and e["printed"]
                    and e["printed"] not in known)
    assert missing == listed


def test_errata_rows_point_at_index_rows_and_existing_codes():
    data = {lang: {(r["term"], r["code"], r["page"]) for r in read_csv(f"index-{lang}")} for lang in LANGS}
    known = {lang: part_two_codes(lang) for lang in LANGS}
    rows = [e for e in errata() if e["source"].startswith("index-")]
    assert rows
    for e in rows:
        lang = e["source"].removeprefix("index-")
        assert lang in LANGS and e["field"] == "code"
        assert (e["key"], e["printed"], e[f"page_{lang}"]) in data[lang], e
        assert e["corrected"] == "" or e["corrected"] in known[lang], e
        # a code kept (the check of citations flagged it, a reading found it right) repeats it
        assert (e["corrected"] == e["printed"]) == (e["action"] == "keep") and e["reason"], e
