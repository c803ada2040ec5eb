"""Extract Annex 2 (alphabetical index) of both ICCS editions into data/index-{en,es}.csv.

Run from the repo root:  python3 tools/extract/index.py

Method (pdfplumber word positions):
- index text is set in ~9.7 pt (English) / 10 pt (Spanish); letter headings, the annex title
  and page numbers are larger and are skipped; "No entries" / "No hay anotaciones" are skipped;
- the code column starts at x0 ~441 (English) / ~452 (Spanish); every word there is a code;
- a code is attached to the term line at the same height (+-2.5 pt) or, when it sits between
  two lines (the cell of a two-line term is centred), to both the line above and the line below;
- a line that carries no code starts a new entry when it begins with a capital letter and
  continues the previous entry when its first letter is lower-case (wrapped terms; this
  also handles an entry that runs over a page break); a code-bearing line that begins with a
  lower-case letter continues the preceding entry (Spanish: code on the last line of a term).
An entry printed without any code gets an empty `code` (reported in notes/errata-index.csv).
"""

import csv
import re
import sys
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[2]
EDITIONS = {"en": (109, 133), "es": (126, 148)}
# x0 of the code column is ~441 (en) / ~452 (es); the longest term words start before 412 / 438
CODE_X = {"en": 435, "es": 445}
MAX_TEXT_SIZE = 10.5  # entries: 9.7 / 10.0 pt; headings 11.7-18 pt
SKIP = {"No entries", "No hay anotaciones"}
CODE_RE = re.compile(r"^\d+$")


def page_lines(page, code_x):
    """Term lines [(top, text)] and codes [(top, code)] of one index page, top to bottom."""
    words = [w for w in page.extract_words(extra_attrs=["size"]) if w["size"] < MAX_TEXT_SIZE]
    lines = {}
    codes = []
    for w in words:
        if w["x0"] >= code_x:
            if not CODE_RE.match(w["text"]):
                raise ValueError(f"page {page.page_number}: non-code word in code column: {w['text']!r}")
            codes.append((w["top"], w["text"]))
            continue
        key = round(w["top"], 1)
        for k in lines:  # merge words whose tops differ by rounding only
            if abs(k - w["top"]) < 1.0:
                key = k
                break
        lines.setdefault(key, []).append(w)
    out = []
    for top in sorted(lines):
        text = " ".join(w["text"] for w in sorted(lines[top], key=lambda w: w["x0"]))
        if text in SKIP:
            continue
        out.append((top, text))
    return out, sorted(codes)


# Words the typesetter broke at a line end after a hyphen, and how they are joined. Checked
# against the same word elsewhere in the index: "radio-active" is printed with its hyphen in
# "Unlawful possession or use of chemical, biological, or radio-active materials" (en p. 131),
# so the hyphen is real and the two halves are joined without a space.
LINE_END_HYPHENS = {("radio-", "active"): "radio-active"}


def join_lines(lines):
    text = lines[0]
    for line in lines[1:]:
        if text.endswith("-"):
            head, _, last = text.rpartition(" ")
            first, _, tail = line.partition(" ")
            word = LINE_END_HYPHENS[(last, first)]  # KeyError: a new case to check by hand
            text = " ".join(x for x in (head, word, tail) if x)
        else:
            text = text + " " + line
    return text


def first_letter(text):
    return next(ch for ch in text if ch.isalpha())


def extract(lang):
    first, last = EDITIONS[lang]
    pdf_path = ROOT / "reference" / f"ICCS-v1.0-{lang}.pdf"
    entries = []  # dicts: lines (list of str), codes (list of str), page
    with pdfplumber.open(pdf_path) as pdf:
        for pno in range(first, last + 1):
            lines, codes = page_lines(pdf.pages[pno - 1], CODE_X[lang])
            tops = [t for t, _ in lines]
            # attach codes to lines
            line_codes = {i: [] for i in range(len(lines))}
            mid_below = set()  # indices of lines that are the lower half of a centred code
            for ctop, code in codes:
                same = [i for i, t in enumerate(tops) if abs(t - ctop) <= 2.5]
                if len(same) == 1:
                    line_codes[same[0]].append(code)
                    continue
                above = [i for i, t in enumerate(tops) if 0 < ctop - t < 7.5]
                below = [i for i, t in enumerate(tops) if 0 < t - ctop < 7.5]
                if len(above) == 1 and len(below) == 1 and below[0] == above[0] + 1:
                    line_codes[above[0]].append(code)
                    mid_below.add(below[0])
                    continue
                raise ValueError(f"{lang} page {pno}: cannot place code {code} at {ctop:.1f}")
            for i, (_, text) in enumerate(lines):
                continuation = i in mid_below or first_letter(text).islower()
                if continuation:
                    if not entries:
                        raise ValueError(f"{lang} page {pno}: continuation line with no entry: {text!r}")
                    entries[-1]["lines"].append(text)
                    entries[-1]["codes"].extend(line_codes[i])
                else:
                    entries.append({"lines": [text], "codes": list(line_codes[i]), "page": pno})
    rows = []
    for e in entries:
        if len(e["codes"]) > 1:
            raise ValueError(f"{lang}: entry with several codes: {e}")
        rows.append({"term": join_lines(e["lines"]), "code": e["codes"][0] if e["codes"] else "",
                     "page": e["page"]})
    return rows


def write(lang, rows):
    path = ROOT / "data" / f"index-{lang}.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["term", "code", "page"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def main():
    for lang in EDITIONS:
        rows = extract(lang)
        path = write(lang, rows)
        empty = [r for r in rows if not r["code"]]
        print(f"{path.relative_to(ROOT)}: {len(rows)} rows, {len(empty)} without code", file=sys.stderr)
        for r in empty:
            print(f"  no code: p{r['page']} {r['term']!r}", file=sys.stderr)


if __name__ == "__main__":
    main()
