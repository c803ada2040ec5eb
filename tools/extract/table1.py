"""Extract Part Two (broad structure) and Table I of the English ICCS edition.

    python3 tools/extract/table1.py            # writes data/structure-en.csv, data/table1-en.csv,
                                                # data/footnotes-en.csv
    python3 tools/extract/table1.py --debug    # also prints the spots worth a look

Build-time only (pdfplumber, pypdf). Source: reference/ICCS-v1.0-en.pdf.

Part Two (PDF pages 25-33) is ordinary upright text: a code column and a label column whose
lines wrap. Table I (PDF pages 35-99) is a Word table drawn rotated by 90 degrees; each page is
rotated back with pypdf, then the filled cell rectangles of the table give the layout:

* left cells (x0 ~ 90.8; x1 ~ 152.9 / 173.6 / 414.5) are category rows (code, name, definition),
  the cell ending at x ~ 235.4 is the section banner;
* right cells (x0 ~ 442.6) are the inclusion / exclusion cells of the row they lie in, each with a
  "+" / "-" sign cell and a bold "Inclusions:" / "Exclusions:" label somewhere in the cell;
* footnotes lie below the table; their numbers (and the markers in the text) are small digits.
"""
import argparse
import csv
import re
from pathlib import Path

import pdfplumber
from rotate import rotated_pages

ROOT = Path(__file__).resolve().parent.parent.parent
PDF = {"en": ROOT / "reference" / "ICCS-v1.0-en.pdf"}
STRUCTURE_PAGES = {"en": range(25, 34)}  # 1-based PDF pages 25..33 (34 is blank)
TABLE1_PAGES = {"en": range(35, 100)}  # 35..99
LABEL_WORDS = {"en": {"Inclusions:": "inclusions", "Exclusions:": "exclusions"}}
SIGN_FIELD = {"+": "inclusions", "-": "exclusions"}

MARKER_SIZE = 7.0  # footnote markers / footnote numbers are printed below this size
DEBUG = []


def debug(*a):
    DEBUG.append(" ".join(str(x) for x in a))


# ---------------------------------------------------------------------------------------------
# Line assembly from characters
# ---------------------------------------------------------------------------------------------

def baseline(c, page_h):
    return page_h - c["matrix"][5]


class Line:
    def __init__(self, chars, base, spans=()):
        self.chars = sorted(chars, key=lambda c: c["x0"])
        self.base = base
        self.spans = spans
        ink = [c for c in self.chars if c["text"].strip()]
        self.x0 = ink[0]["x0"] if ink else self.chars[0]["x0"]
        self.x1 = ink[-1]["x1"] if ink else self.chars[-1]["x1"]
        self.text = chars_text(self.chars, spans)

    def fonts(self):
        return {c["fontname"].split("+")[-1] for c in self.chars if c["text"].strip()}

    def __repr__(self):
        return f"Line({self.base:.1f}, {self.x0:.1f}, {self.text!r})"


def chars_text(chars, spans=()):
    """Text of a run of chars; a space is added at a visible gap, not counting the width of the
    footnote markers (spans) removed from the line (sterilization56; -> sterilization;)."""
    out = []
    prev = None  # previous inked char
    for c in chars:
        t = c["text"]
        if not t.strip():
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if prev is not None and out and out[-1] != " ":
            gap = c["x0"] - prev["x1"]
            for a, b in spans:
                gap -= max(0.0, min(b, c["x0"]) - max(a, prev["x1"]))
            if gap > 0.22 * min(c["size"], prev["size"]):
                out.append(" ")
        out.append(t)
        prev = c
    return "".join(out).strip()


def make_lines(chars, page_h, tol=1.6, markers=()):
    """Group chars into lines by baseline (markers: the footnote markers taken out of them)."""
    chars = sorted(chars, key=lambda c: (baseline(c, page_h), c["x0"]))
    groups = []
    for c in chars:
        b = baseline(c, page_h)
        if groups and abs(b - groups[-1][0]) <= tol:
            groups[-1][1].append(c)
        else:
            groups.append([b, [c]])
    lines = []
    for b, cs in groups:
        spans = [(m["x0"], m["x1"]) for m in markers if -0.5 <= b - m["base"] <= 6]
        lines.append(Line(cs, b, spans))
    return [ln for ln in lines if ln.text]


def join_lines(texts):
    """Join wrapped lines with one space; a line ending in a hyphen glued to a word is joined
    without a space (Word wraps after the hyphen of a hyphenated word: self-/defence)."""
    out = ""
    for t in texts:
        t = t.strip()
        if not t:
            continue
        if not out:
            out = t
        elif re.search(r"[A-Za-z]-$", out) and re.match(r"[A-Za-z]", t):
            debug("hyphen join:", repr(out[-30:]), "+", repr(t[:30]))
            out += t
        elif out.endswith("/") and not out.endswith(" /"):
            debug("slash join:", repr(out[-30:]), "+", repr(t[:30]))
            out += t
        else:
            out += " " + t
    return re.sub(r"\s+", " ", out)


def is_marker_char(c):
    return c["size"] < MARKER_SIZE and c["text"].isdigit()


def split_markers(chars, page_h):
    """Return (normal chars, markers). A marker is a run of small digits: (number, x0, x1, base)."""
    small = sorted([c for c in chars if is_marker_char(c)], key=lambda c: (round(baseline(c, page_h)), c["x0"]))
    rest = [c for c in chars if not is_marker_char(c)]
    markers = []
    for c in small:
        if not c["text"].isdigit():
            raise SystemExit(f"unexpected small char {c['text']!r} at {c['x0']:.1f},{c['top']:.1f}")
        b = baseline(c, page_h)
        if markers and abs(markers[-1]["base"] - b) < 1.0 and -0.5 <= c["x0"] - markers[-1]["x1"] < 1.0:
            markers[-1]["number"] += c["text"]
            markers[-1]["x1"] = c["x1"]
        else:
            markers.append({"number": c["text"], "x0": c["x0"], "x1": c["x1"], "base": b,
                            "top": c["top"]})
    return rest, markers


# ---------------------------------------------------------------------------------------------
# Part Two
# ---------------------------------------------------------------------------------------------

def extract_structure(lang="en"):
    rows = []
    code_re = re.compile(r"^(\d{4,6})$")
    with pdfplumber.open(PDF[lang]) as pdf:
        for pno in STRUCTURE_PAGES[lang]:
            page = pdf.pages[pno - 1]
            lines = make_lines(page.chars, page.height)
            for ln in lines:
                if ln.base > page.height - 90:  # page number
                    continue
                text = ln.text
                m = re.match(r"^Section (\d{2}) (.+)$", text)
                if m:
                    rows.append([m.group(1), m.group(2)])
                    continue
                if text.startswith("LEVEL 02") or text.startswith("Part Two"):
                    continue
                words = text.split(" ", 1)
                if code_re.match(words[0]):
                    rows.append([words[0], words[1]])
                else:
                    # wrapped label line (starts in the CRIME column)
                    if not rows or ln.x0 < 200:
                        raise SystemExit(f"page {pno}: unexpected line {text!r}")
                    rows[-1][1] = join_lines([rows[-1][1], text])
    return rows


# ---------------------------------------------------------------------------------------------
# Table I
# ---------------------------------------------------------------------------------------------

def near(a, b, tol=1.5):
    return abs(a - b) <= tol




def inside(c, x0, x1, top, bottom):
    cx = (c["x0"] + c["x1"]) / 2
    cy = (c["top"] + c["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def page_cells(page):
    rects = [r for r in page.rects if r["height"] > 5 and r["width"] > 15]
    left, right, sign, section = [], [], [], []
    for r in rects:
        if r["x0"] < 92:
            if near(r["x1"], 235.4):
                section.append(r)
            elif near(r["x1"], 152.9) or near(r["x1"], 173.6) or near(r["x1"], 414.5):
                left.append(r)
        elif near(r["x0"], 415.1) and near(r["x1"], 442.1):
            sign.append(r)
        elif near(r["x0"], 442.65, 0.6) and r["x1"] > 745:
            right.append(r)
    key = lambda r: r["top"]  # noqa: E731
    return sorted(left, key=key), sorted(right, key=key), sorted(sign, key=key), sorted(section, key=key)


def extract_table1(lang="en"):
    labels = LABEL_WORDS[lang]
    cats = []  # dicts: code,label,definition lines, inclusions/exclusions lines, pages
    markers_all = []  # (number, code, field, page)
    footnotes = []  # dicts: number, paragraphs [ [lines] ], page
    with rotated_pages(PDF[lang], TABLE1_PAGES[lang]) as pdf:
        for idx, page in enumerate(pdf.pages):
            pno = TABLE1_PAGES[lang][idx]
            H = page.height
            left, right, sign, section = page_cells(page)
            cells = left + right + section
            table_top = min(r["top"] for r in cells)
            table_bottom = max(r["bottom"] for r in cells)
            chars = [c for c in page.chars]
            body = [c for c in chars if table_top - 1 <= c["top"] and c["bottom"] <= table_bottom + 1]
            # below the table, less the page number (Calibri 11.67 at the foot)
            foot = [c for c in chars if c["top"] > table_bottom + 1
                    and not (c["top"] > 520 and c["size"] > 11)]
            body_chars, markers = split_markers(body, H)
            # --- section banner
            for s in section:
                sc = [c for c in body_chars if s["top"] <= (c["top"] + c["bottom"]) / 2 <= s["bottom"]]
                ln = make_lines(sc, H, tol=3)
                text = " ".join(x.text for x in ln)
                m = re.match(r"^SECTION\s+(\d{2})\s+(.+)$", text)
                if not m:
                    raise SystemExit(f"page {pno}: bad section banner {text!r}")
                code, name = m.group(1), m.group(2)
                if not any(c["code"] == code for c in cats):
                    cats.append({"code": code, "label": name, "def": [], "inclusions": [],
                                 "exclusions": [], "pages": [pno], "level": "section"})
                # nothing else may sit in the banner
                for r in right:
                    if s["top"] - 1 < (r["top"] + r["bottom"]) / 2 < s["bottom"] + 1:
                        raise SystemExit(f"page {pno}: right cell in section banner")
            # --- category rows
            for lc in left:
                row_top, row_bot = lc["top"], lc["bottom"]
                lchars = [c for c in body_chars if inside(c, 88, 414.6, row_top - 0.5, row_bot + 0.5)]
                code_chars = [c for c in lchars if "Bold" in c["fontname"] and c["size"] > 16]
                label_chars = [c for c in lchars if "Calibri" in c["fontname"] and "Bold" in c["fontname"]
                               and 9 < c["size"] < 13]
                def_chars = [c for c in lchars if "Cambria" in c["fontname"]]
                other = [c for c in lchars if c not in code_chars and c not in label_chars
                         and c not in def_chars and c["text"].strip()]
                if other:  # stray punctuation in another font (e.g. a small Calibri '.')
                    debug(f"p{pno}: odd chars in left cell: {''.join(c['text'] for c in other)!r}")
                    def_chars += other
                code = chars_text(sorted(code_chars, key=lambda c: c["x0"])).replace(" ", "")
                label_lines = [ln.text for ln in make_lines(label_chars, H, markers=markers)]
                def_lines = [ln.text for ln in make_lines(def_chars, H, markers=markers)]
                if code:
                    if not re.fullmatch(r"\d{4,6}", code):
                        raise SystemExit(f"page {pno}: bad code {code!r}")
                    cat = {"code": code, "label": join_lines(label_lines), "def": def_lines,
                           "inclusions": [], "exclusions": [], "pages": [pno], "level": "category",
                           "last_field": None}
                    cats.append(cat)
                else:
                    cat = cats[-1]
                    if label_lines:
                        raise SystemExit(f"page {pno}: label without code {label_lines}")
                    if def_lines:
                        debug(f"p{pno}: definition of {cat['code']} continues: {def_lines[:1]}")
                        cat["def"] += def_lines
                    if pno not in cat["pages"]:
                        cat["pages"].append(pno)
                # markers in the left cell
                for m in markers:
                    if inside_marker(m, 88, 414.6, row_top, row_bot):
                        field = marker_field_left(m, label_chars, def_chars, H, markers)
                        markers_all.append((m["number"], cat["code"], field, pno))
                # right cells of this row
                for rc in right:
                    mid = (rc["top"] + rc["bottom"]) / 2
                    if not (row_top <= mid <= row_bot):
                        continue
                    rchars = [c for c in body_chars if inside(c, 442.3, 746.5, rc["top"] - 0.3, rc["bottom"] + 0.3)]
                    schars = [c for c in body_chars if inside(c, 415, 442.3, rc["top"] - 0.3, rc["bottom"] + 0.3)
                              and c["text"].strip()]
                    sgn = "".join(c["text"] for c in schars)
                    # the bold label
                    bold = [c for c in rchars if "Calibri" in c["fontname"] and "Bold" in c["fontname"]]
                    blines = make_lines(bold, H)
                    field = None
                    label_line_chars = []
                    for bl in blines:
                        words = bl.text.split()
                        if words and words[0] in labels:
                            field = labels[words[0]]
                            # first label word only
                            n = len(words[0])
                            ink = [c for c in bl.chars if c["text"].strip()]
                            label_line_chars = ink[:n]
                            break
                    if any(c["text"].strip() for c in bold) and not label_line_chars:
                        raise SystemExit(f"page {pno}: bold text without label {[b.text for b in blines]}")
                    rest = [c for c in rchars if c not in label_line_chars]
                    lines = [ln.text for ln in make_lines(rest, H, markers=markers)]
                    sfield = SIGN_FIELD.get(sgn)
                    if field is None:
                        field = sfield
                        debug(f"p{pno}: {cat['code']} cell without label, sign {sgn!r} -> {field}: {lines[:1]}")
                    elif sfield and sfield != field:
                        debug(f"p{pno}: {cat['code']} sign {sgn!r} but label {field}")
                    if field is None:
                        raise SystemExit(f"page {pno}: right cell of {cat['code']} without sign or label")
                    if cat.get("seen_" + field) and lines:
                        debug(f"p{pno}: {cat['code']} {field} continues: {lines[:1]}")
                    cat["seen_" + field] = True
                    cat[field] += lines
                    if pno not in cat["pages"]:
                        cat["pages"].append(pno)
                    for m in markers:
                        if inside_marker(m, 442.3, 746.5, rc["top"], rc["bottom"]):
                            markers_all.append((m["number"], cat["code"], field, pno))
            # every marker must have been placed
            placed = sum(1 for m in markers_all if m[3] == pno)
            if placed != len(markers):
                raise SystemExit(f"page {pno}: {len(markers)} markers, {placed} placed")
            # --- footnotes
            footnotes += parse_footnotes(foot, H, pno)
    return cats, markers_all, footnotes


def inside_marker(m, x0, x1, top, bottom):
    return x0 <= m["x0"] <= x1 and top - 1 <= m["top"] <= bottom + 1


def marker_field_left(m, label_chars, def_chars, H, markers):
    """The marker belongs to the text on whose line (baseline a little below it) it sits; a marker
    that follows another marker ("resident.114 115") shares its host."""
    for m2 in markers:
        if m2 is not m and abs(m2["base"] - m["base"]) < 0.5 and 0 < m["x0"] - m2["x1"] < 4:
            debug(f"marker {m['number']} follows marker {m2['number']}")
            return marker_field_left(m2, label_chars, def_chars, H, markers)
    best = None
    for field, chars in (("label", label_chars), ("definition", def_chars)):
        for c in chars:
            if not c["text"].strip():
                continue
            d = baseline(c, H) - m["base"]
            if -0.5 <= d <= 6 and c["x1"] <= m["x0"] + 1.5 and m["x0"] - c["x1"] < 8:
                dist = m["x0"] - c["x1"]
                if best is None or abs(dist) < best[0]:
                    best = (abs(dist), field)
    if best is None:
        raise SystemExit(f"marker {m['number']} without a host")
    return best[1]


def parse_footnotes(chars, H, pno):
    """Footnotes: a line starting with small digits at the left margin starts a footnote; a line
    starting a new bold term (or indented) starts a new paragraph of the same footnote."""
    if not chars:
        return []
    rest, nums = split_markers(chars, H)
    lines = make_lines(rest, H, tol=1.2)
    out = []
    for ln in lines:
        # is there a footnote number just before this line?
        num = None
        for n in nums:
            if n["x0"] < 95 and -1 <= ln.base - n["base"] <= 4.5:
                num = n["number"]
        for n in nums:
            if n["x0"] >= 95 and -1 <= ln.base - n["base"] <= 4.5:
                raise SystemExit(f"page {pno}: marker {n['number']} inside footnote text")
        indented = ln.x0 > 93 or "Bold" in ln.chars[0]["fontname"]
        m = re.match(r"^(\d{2,3}) ", ln.text)
        if num is None and m and ln.x0 < 93 and out and int(m.group(1)) == int(out[-1]["number"]) + 1:
            # footnote number printed in body size (130 on page 87): drop it from the line
            num = m.group(1)
            debug(f"p{pno}: footnote {num} number printed full size")
            ln = Line([c for c in ln.chars if c["x0"] > ln.chars[0]["x0"] + 12], ln.base)
        if num is not None:
            out.append({"number": num, "page": pno, "paras": [[ln]]})
        elif not out:
            raise SystemExit(f"page {pno}: footnote text before a number: {ln.text!r}")
        elif indented:
            out[-1]["paras"].append([ln])
        else:
            out[-1]["paras"][-1].append(ln)
    return out


def para_term(lines):
    """The bold words at the start of a footnote paragraph."""
    chars = [c for ln in lines for c in ln.chars]
    term = []
    for c in chars:
        if "Bold" in c["fontname"] or (not c["text"].strip() and term):
            term.append(c)
        elif c["text"].strip():
            break
    return chars_text(term).strip().rstrip(",").strip()


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lang", default="en", choices=sorted(PDF))
    ap.add_argument("--debug", action="store_true")
    args = ap.parse_args(argv)
    lang = args.lang
    structure = extract_structure(lang)
    write_csv(ROOT / "data" / f"structure-{lang}.csv", ["code", "label"], structure)
    cats, markers, footnotes = extract_table1(lang)
    rows = []
    for c in cats:
        rows.append([c["code"], c["label"], join_lines(c["def"]),
                     join_lines(c["inclusions"]), join_lines(c["exclusions"])])
    write_csv(ROOT / "data" / f"table1-{lang}.csv", ["code", "label", "definition", "inclusions", "exclusions"], rows)
    frows = footnote_rows(footnotes, markers)
    write_csv(ROOT / "data" / f"footnotes-{lang}.csv", ["number", "code", "field", "term", "text"], frows)
    print(f"structure-{lang}: {len(structure)} rows; table1-{lang}: {len(rows)} rows; "
          f"footnotes-{lang}: {len(frows)} rows ({len(footnotes)} footnotes, {len(markers)} markers)")
    if args.debug:
        print("\n".join(DEBUG))


# Glossary terms the bold type does not give (hand table; keyed by footnote number and paragraph):
TERM_FIXES = {
    # bold stops mid-phrase ("... law enforcement or other" bold, "state officials" roman)
    ("44", 0): "Death as a result of the use of force by law enforcement or other state officials",
    ("69", 1): "Written or verbal threat",  # only "threat" is bold
    # definitions whose term is printed in roman type
    ("62", 0): "A forced disappearance",
    ("72", 0): "A dangerous act",
    ("124", 0): "Unlawful possession",
    # the footnote defines the word carrying the marker without naming it
    ("53", 0): "Forced abortion",  # "forced abortion53" (0106 inclusions)
    ("56", 0): "Forced sterilization",  # "forced sterilization56" (020111 inclusions)
}


def footnote_rows(footnotes, markers):
    rows = []
    by_num = {}
    for m in markers:
        by_num.setdefault(m[0], [])
        if (m[1], m[2]) not in by_num[m[0]]:
            by_num[m[0]].append((m[1], m[2]))
    seen = set()
    for fn in footnotes:
        n = fn["number"]
        if n in seen:
            raise SystemExit(f"footnote {n} twice")
        seen.add(n)
        paras = [join_lines([ln.text for ln in p]) for p in fn["paras"]]
        terms = [TERM_FIXES.get((n, i)) or para_term(p) for i, p in enumerate(fn["paras"])]
        text = " ".join(paras)
        term = "; ".join(t for t in terms if t)
        cites = by_num.get(n) or [("", "")]
        if cites == [("", "")]:
            debug(f"footnote {n} has no marker in Table I")
        for code, field in cites:
            rows.append([n, code, field, term, text])
    missing = set(by_num) - seen
    if missing:
        raise SystemExit(f"markers without footnote text: {sorted(missing)}")
    return rows


if __name__ == "__main__":
    main()
