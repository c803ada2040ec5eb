#!/usr/bin/env python3
"""Extract the Spanish edition's broad structure (Part Two) and Table I.

Build-time tool. Run from the repository root:

    python3 tools/extract/table1_es.py

Reads  reference/ICCS-v1.0-es.pdf
Writes data/structure-es.csv   (code,label)
       data/table1-es.csv      (code,label,definition,inclusions,exclusions)
       data/footnotes-es.csv   (number,code,field,term,text)

Part Two (PDF pages 26-34) is an upright table: every row is a coloured cell; a code's label is
the text of the label-column cell that contains the code (labels that wrap are vertically centred
around the code, so cell geometry, not line order, decides).

Table I (PDF pages 35-116) is drawn rotated 90 degrees. Each page is rotated back with pypdf
(in memory) and read with pdfplumber. Left column (x < 403): code (bold 18 pt), name (bold 12 pt),
definition (9 pt). Right column: a "+" cell and a "-" cell per category (sign cells at x 404-432,
text cells at x 432.7-765); "Inclusiones:" / "Exclusiones:" labels (bold 12 pt) start their cell.
Categories and their +/- cells are matched in reading order over the whole table, which also
handles categories that continue over a page break. Footnote markers are superscript digits
(size < 7 pt); they are removed from the text and recorded. Footnotes are the text below the table.
"""
import csv
import os
import re
import sys
from collections import Counter

import pdfplumber
from rotate import rotated_pages

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PDF = os.path.join(ROOT, "reference", "ICCS-v1.0-es.pdf")
LAYOUT = os.path.join(ROOT, "reference", "ICCS-v1.0-es.layout.txt")
DATA = os.path.join(ROOT, "data")

STRUCT_PAGES = range(26, 35)   # 1-based PDF pages
TABLE_PAGES = range(35, 117)

CODE_RE = re.compile(r"\d{4,6}")

# x limits (points) on the rotated Table I pages
LEFT_MAX = 403.0
SIGN_X0, SIGN_X1 = 404.3, 432.1
TEXT_X0 = 432.5


# ---------------------------------------------------------------------------------------------
# generic helpers

def is_bold(ch):
    return "Bold" in ch["fontname"]


def is_marker(ch):
    """Superscript footnote-marker digit."""
    return ch["size"] < 7.0 and ch["text"].isdigit()


def vcenter(obj):
    return (obj["top"] + obj["bottom"]) / 2.0


def build_lines(chars, tol=3.0):
    """Group chars into lines. Markers (superscripts) are attached to the line that contains
    their vertical centre. Returns a list of lists of chars, each sorted by x, lines sorted by y."""
    body = [c for c in chars if not is_marker(c) and c["size"] > 1.5]
    sups = [c for c in chars if is_marker(c)]
    body.sort(key=lambda c: (c["bottom"], c["x0"]))
    lines = []
    for c in body:
        if lines and c["bottom"] - lines[-1][0]["bottom"] <= tol:
            lines[-1].append(c)
        else:
            lines.append([c])
    # drop lines made only of blanks
    lines = [ln for ln in lines if any(c["text"].strip() for c in ln)]
    for s in sups:
        cy = vcenter(s)
        best = None
        for ln in lines:
            top = min(c["top"] for c in ln)
            bot = max(c["bottom"] for c in ln)
            if top - 1.0 <= cy <= bot + 1.0:
                best = ln
                break
        if best is None:  # nearest line
            best = min(lines, key=lambda ln: abs(vcenter(ln[0]) - cy))
        best.append(s)
    for ln in lines:
        ln.sort(key=lambda c: c["x0"])
    return lines


def line_text(line, markers=None, bold_runs=None):
    """Text of one line; markers removed (and appended to `markers` as ints, with the text
    position where they were glued), explicit spaces kept, a space inserted for visible gaps."""
    out = []
    prev = None
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if is_marker(c):
            num = c["text"]
            j = i + 1
            while j < n and is_marker(line[j]) and line[j]["x0"] - line[j - 1]["x1"] < 1.0:
                num += line[j]["text"]
                j += 1
            if markers is not None:
                markers.append((int(num), "".join(out)))
            prev = line[j - 1]
            i = j
            continue
        t = c["text"]
        if (not t.strip() and prev is not None and is_marker(prev)
                and i + 1 < n and is_marker(line[i + 1])):
            # blank between two markers ("material114 115."): goes with the markers
            i += 1
            continue
        if prev is not None and t != " " and (not out or out[-1] != " "):
            gap = c["x0"] - prev["x1"]
            if gap > 0.2 * c["size"] and not is_marker(prev):
                out.append(" ")
        if bold_runs is not None:
            bold_runs.append((len("".join(out)), t, is_bold(c)))
        out.append(t)
        prev = c
        i += 1
    return re.sub(r"\s+", " ", "".join(out)).strip()


_CORPUS_WORDS = None


def corpus_words():
    global _CORPUS_WORDS
    if _CORPUS_WORDS is None:
        with open(LAYOUT, encoding="utf-8") as f:
            txt = f.read()
        _CORPUS_WORDS = Counter(re.findall(r"[\w-]+", txt))
    return _CORPUS_WORDS


HYPHEN_DECISIONS = []


def join_lines(texts):
    """Join lines with one space; a word broken with a hyphen at a line end is rejoined only if
    the joined word occurs elsewhere in the edition and the hyphenated form does not."""
    res = ""
    for t in texts:
        if not t:
            continue
        if not res:
            res = t
            continue
        if res.endswith("-") and res.rfind("<") > res.rfind(">"):
            # inside a URL (<http://...>) broken after a hyphen: no blank was printed
            HYPHEN_DECISIONS.append((res.split()[-1] + t.split()[0], "URL, joined"))
            res = res + t
            continue
        m = re.search(r"(\w+)-$", res)
        n = re.match(r"([a-záéíóúñü]\w*)", t)
        if m and n:
            left, right = m.group(1), n.group(1)
            joined = left + right
            hyph = left + "-" + right
            words = corpus_words()
            if words.get(joined, 0) > 0 and words.get(hyph, 0) == 0:
                HYPHEN_DECISIONS.append((hyph, "joined"))
                res = res[:-1] + t
                continue
            HYPHEN_DECISIONS.append((hyph, "kept"))
            res = res + t
            continue
        res = res + " " + t
    return res


# ---------------------------------------------------------------------------------------------
# Part Two: broad structure

def extract_structure(pdf):
    rows = []
    for pno in STRUCT_PAGES:
        page = pdf.pages[pno - 1]
        words = page.extract_words(extra_attrs=["size"])
        rects = [r for r in page.rects if r["height"] > 5 and r["width"] > 20]
        right_edge = max(r["x1"] for r in rects)
        items = []
        # sections
        for i, w in enumerate(words):
            if w["text"] == "Sección" and i + 1 < len(words) and re.fullmatch(r"\d\d", words[i + 1]["text"]):
                code_w = words[i + 1]
                cell = [r for r in rects if r["top"] - 1 <= vcenter(w) <= r["bottom"] + 1
                        and r["x0"] < w["x0"] and r["x1"] > right_edge - 10]
                top = min(r["top"] for r in cell)
                bot = max(r["bottom"] for r in cell)
                # all words of the section band after "Sección NN"
                band = [x for x in words if top - 1 <= vcenter(x) <= bot + 1
                        and not (x is w or x is code_w)]
                lines = {}
                for x in band:
                    lines.setdefault(round(x["top"]), []).append(x)
                label = " ".join(" ".join(x["text"] for x in sorted(ln, key=lambda x: x["x0"]))
                                 for _, ln in sorted(lines.items()))
                items.append((w["top"], code_w["text"], label))
        # codes
        for w in words:
            if not CODE_RE.fullmatch(w["text"]) or w["top"] > 780:
                continue
            cy = vcenter(w)
            cells = [r for r in rects if r["top"] - 0.5 <= cy <= r["bottom"] + 0.5
                     and r["x1"] > right_edge - 10 and r["x0"] > w["x1"]]
            if not cells:
                raise SystemExit("no label cell for %s on page %d" % (w["text"], pno))
            cell = min(cells, key=lambda r: r["x0"])
            lw = [x for x in words if x["x0"] >= cell["x0"] - 0.5
                  and cell["top"] - 0.5 <= vcenter(x) <= cell["bottom"] + 0.5]
            lw.sort(key=lambda x: (round(x["bottom"]), x["x0"]))
            lines = []
            for x in lw:
                if lines and abs(x["bottom"] - lines[-1][0]["bottom"]) < 3:
                    lines[-1].append(x)
                else:
                    lines.append([x])
            label = join_lines([" ".join(x["text"] for x in sorted(ln, key=lambda x: x["x0"]))
                                for ln in lines])
            items.append((w["top"], w["text"], label))
        items.sort(key=lambda t: t[0])
        # a row broken by the page end: its label continues at the top of the next page in a
        # label-column cell with no code
        first_top = items[0][0] if items else 1e9
        cont = [x for x in words if vcenter(x) < first_top - 3 and any(
            r["x1"] > right_edge - 10 and r["x0"] - 0.5 <= x["x0"] and r["x0"] > 250
            and r["top"] <= vcenter(x) <= r["bottom"] for r in rects)]
        if cont:
            cont.sort(key=lambda x: (round(x["bottom"]), x["x0"]))
            code, label = rows[-1]
            rows[-1] = (code, join_lines([label, " ".join(x["text"] for x in cont)]))
        rows.extend((code, label) for _, code, label in items)
    return rows


# ---------------------------------------------------------------------------------------------
# Table I

# Footnote terms: a glossary footnote prints the term(s) it defines in bold, and the bold runs are
# taken as `term`. Hand table for the notes where the bold does not cover the defined term (each
# value is checked to be printed verbatim in the note or in the text that carries its marker):
TERM_FIXES = {
    44: "muerte como resultado del uso de la fuerza por funcionarios encargados de hacer cumplir "
        "la ley u otros funcionarios estatales",       # bold stops before "funcionarios estatales"
    53: "aborto forzado",                               # no bold; marker on "aborto forzado" (0106)
    54: "actuación imprudente",                         # bold covers "actuación" only
    56: "esterilización forzada",                       # no bold; marker on it (020111)
    69: "curso de acción determinado; amenaza escrita o verbal",  # bold covers "amenaza" only
    124: "posesión ilegal",                             # no bold ("La posesión ilegal incluye ...")
}



def field_text(chars, field, markers_out):
    """Text of a group of chars + list of markers found (number, field)."""
    lines = build_lines(chars)
    texts = []
    for ln in lines:
        mk = []
        texts.append(line_text(ln, mk))
        for num, before in mk:
            markers_out.append((num, field, before))
    return join_lines(texts)


def parse_table_page(page, pno):
    chars = [c for c in page.chars if c["size"] > 1.5]
    # section band: the bold 18 pt "SECCIÓN NN"
    sec_chars = [c for c in chars if c["size"] > 17 and c["top"] < 130 and is_bold(c)]
    sec_line = build_lines(sec_chars)[0]
    sec_text = line_text(sec_line)
    m = re.fullmatch(r"SECCIÓN (\d\d)", sec_text)
    if not m:
        raise SystemExit("page %d: no section band (%r)" % (pno, sec_text))
    sec_code = m.group(1)
    band_top = min(c["top"] for c in sec_line) - 4
    band_bot = max(c["bottom"] for c in sec_line) + 4
    sec_x1 = max(c["x1"] for c in sec_line)
    name_chars = [c for c in chars if band_top <= vcenter(c) <= band_bot and c["x0"] > sec_x1 + 5]
    sec_name = join_lines([line_text(ln) for ln in build_lines(name_chars)])

    # table body limits
    sign_rects = [r for r in page.rects if abs(r["x0"] - SIGN_X0) < 1 and abs(r["x1"] - SIGN_X1) < 1
                  and r["height"] > 5]
    left_rects = [r for r in page.rects if r["x0"] < 72 and r["height"] > 5 and r["top"] > band_bot - 6]
    body_top = band_bot
    body_bot = max([r["bottom"] for r in sign_rects + left_rects])

    # ---- left column
    left = [c for c in chars if c["x1"] <= LEFT_MAX + 1 and body_top < vcenter(c) < body_bot]
    code_chars = [c for c in left if c["size"] > 17 and c["text"].strip()]
    codes = []
    for ln in build_lines(code_chars):
        # a line may hold two codes only if they are far apart vertically; they never share a line
        txt = line_text(ln)
        if not CODE_RE.fullmatch(txt):
            raise SystemExit("page %d: odd code text %r" % (pno, txt))
        codes.append({"code": txt, "top": min(c["top"] for c in ln), "x0": ln[0]["x0"]})
    codes.sort(key=lambda d: d["top"])
    cats = []
    for k, cd in enumerate(codes):
        y0 = cd["top"] - 6
        y1 = codes[k + 1]["top"] - 6 if k + 1 < len(codes) else body_bot + 1
        zone = [c for c in left if y0 <= vcenter(c) < y1 and c["size"] <= 17]
        lab = [c for c in zone if is_bold(c) and 11 < c["size"] < 13]
        dfn = [c for c in zone if not (is_bold(c) and 11 < c["size"] < 13)]
        mk = []
        label = field_text(lab, "label", mk)
        definition = field_text(dfn, "definition", mk)
        cats.append({"code": cd["code"], "label": label, "definition": definition,
                     "inclusions": "", "exclusions": "", "markers": mk, "page": pno,
                     "top": cd["top"]})
    first_top = codes[0]["top"] - 6 if codes else body_bot + 1
    pre_chars = [c for c in left if vcenter(c) < first_top]
    pre_mk = []
    pre_lab = field_text([c for c in pre_chars if is_bold(c) and 11 < c["size"] < 13], "label", pre_mk)
    pre_def = field_text([c for c in pre_chars if not (is_bold(c) and 11 < c["size"] < 13)],
                         "definition", pre_mk)

    # ---- right column cells
    cells = []
    for r in sorted(sign_rects, key=lambda r: r["top"]):
        sg = "".join(c["text"] for c in chars if r["x0"] <= c["x0"] <= r["x1"]
                     and r["top"] - 1 <= vcenter(c) <= r["bottom"] + 1 and c["text"].strip())
        if sg not in ("+", "-"):
            raise SystemExit("page %d: sign cell with %r" % (pno, sg))
        inside = [c for c in chars if c["x0"] >= TEXT_X0 and r["top"] <= vcenter(c) <= r["bottom"]]
        labels = [c for c in inside if is_bold(c) and 11 < c["size"] < 13]
        lab_txt = line_text(sorted(labels, key=lambda c: (round(c["bottom"]), c["x0"]))) if labels else ""
        expect = {"+": "Inclusiones:", "-": "Exclusiones:"}[sg]
        if lab_txt not in ("", expect):
            raise SystemExit("page %d: cell label %r under %r" % (pno, lab_txt, sg))
        body = [c for c in inside if c not in labels]
        mk = []
        field = "inclusions" if sg == "+" else "exclusions"
        txt = field_text(body, field, mk)
        cells.append({"sign": sg, "text": txt, "markers": mk, "top": r["top"], "page": pno,
                      "has_label": bool(labels)})

    # ---- footnotes: below the table, above the page number
    foot = [c for c in chars if vcenter(c) > body_bot + 3 and c["size"] < 10.5]
    footnotes = []
    for ln in build_lines(foot):
        starts = ln[0]
        if is_marker(starts) and starts["x0"] < 80:
            j = 0
            num = ""
            while j < len(ln) and is_marker(ln[j]):
                num += ln[j]["text"]
                j += 1
            footnotes.append({"number": int(num), "lines": [ln[j:]], "page": pno})
        else:
            if not footnotes:
                footnotes.append({"number": None, "lines": [ln], "page": pno})
            else:
                footnotes[-1]["lines"].append(ln)
    return {"section": (sec_code, sec_name), "cats": cats, "pre_def": pre_def, "pre_lab": pre_lab, "pre_mk": pre_mk,
            "cells": cells, "footnotes": footnotes}


def footnote_text_and_term(lines):
    texts = []
    flat = []          # (char, bold) over all lines, a blank between lines
    for ln in lines:
        runs = []
        texts.append(line_text(ln, None, runs))
        flat.extend((ch, b) for _, ch, b in runs)
        flat.append((" ", None))
    text = join_lines(texts)
    # bold runs; blanks neither start nor end a run (they may be set in the regular font)
    terms, cur = [], ""
    for ch, b in flat:
        if not ch.strip():
            if cur:
                cur += " "
        elif b:
            cur += ch
        elif cur:
            terms.append(cur)
            cur = ""
    if cur:
        terms.append(cur)
    terms = [re.sub(r"\s+", " ", t).strip() for t in terms]
    terms = [t for t in terms if t]
    # the footnote prints the term(s) it defines in bold; several terms are joined with "; "
    term = "; ".join(dict.fromkeys(terms))
    return text, term


def extract_table(pdf_rot):
    sections_seen = set()
    rows = []          # ordered: dicts
    all_cells = []
    foot_list = []
    for idx, pno in enumerate(TABLE_PAGES):
        res = parse_table_page(pdf_rot.pages[idx], pno)
        sc, sn = res["section"]
        if res["pre_def"] or res["pre_lab"] or res["pre_mk"]:
            # left column of the last category continues at the top of this page
            prev = [r for r in rows if len(r["code"]) > 2][-1]
            prev["label"] = join_lines([prev["label"], res["pre_lab"]])
            prev["definition"] = join_lines([prev["definition"], res["pre_def"]])
            prev["markers"].extend(res["pre_mk"])
        if sc not in sections_seen:
            sections_seen.add(sc)
            rows.append({"code": sc, "label": sn, "definition": "", "inclusions": "",
                         "exclusions": "", "markers": [], "page": pno, "top": 0})
        rows.extend(res["cats"])
        all_cells.extend(res["cells"])
        for fn in res["footnotes"]:
            if fn["number"] is None:
                foot_list[-1]["lines"].extend(fn["lines"])
            else:
                foot_list.append(fn)
    # match cells to categories in reading order
    cats = [r for r in rows if len(r["code"]) > 2]
    k = -1
    prev_sign = None
    for cell in all_cells:
        if cell["sign"] == "+":
            if prev_sign == "+" and not cell["has_label"]:
                cat = cats[k]  # inclusions continued on a new page
                cat["inclusions"] = join_lines([cat["inclusions"], cell["text"]])
            else:
                k += 1
                cat = cats[k]
                cat["inclusions"] = cell["text"]
                if cell["page"] == cat["page"] and abs(cell["top"] - cat["top"]) > 40:
                    print("warning: + cell of %s at %.0f, code at %.0f (page %d)"
                          % (cat["code"], cell["top"], cat["top"], cell["page"]), file=sys.stderr)
        else:
            cat = cats[k]
            if prev_sign == "-":
                cat["exclusions"] = join_lines([cat["exclusions"], cell["text"]])
            else:
                cat["exclusions"] = cell["text"]
        cat["markers"].extend(cell["markers"])
        prev_sign = cell["sign"]
    if k != len(cats) - 1:
        raise SystemExit("cells matched %d categories of %d" % (k + 1, len(cats)))
    return rows, foot_list


# ---------------------------------------------------------------------------------------------

def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)


def main():
    os.makedirs(DATA, exist_ok=True)
    with pdfplumber.open(PDF) as pdf:
        structure = extract_structure(pdf)
    write_csv(os.path.join(DATA, "structure-es.csv"), ["code", "label"], structure)

    pdf_rot = rotated_pages(PDF, TABLE_PAGES)
    rows, foots = extract_table(pdf_rot)
    write_csv(os.path.join(DATA, "table1-es.csv"),
              ["code", "label", "definition", "inclusions", "exclusions"],
              [[r["code"], r["label"], r["definition"], r["inclusions"], r["exclusions"]] for r in rows])

    # every place a marker is printed, in reading order (a note may be cited again: 102, 130)
    where = {}
    for r in rows:
        for num, field, _ in r["markers"]:
            if (r["code"], field) not in where.setdefault(num, []):
                where[num].append((r["code"], field))
    by_code = {r["code"]: r for r in rows}
    frows = []
    for fn in foots:
        text, term = footnote_text_and_term(fn["lines"])
        places = where.get(fn["number"], [])
        if fn["number"] in TERM_FIXES:
            term = TERM_FIXES[fn["number"]]
            for t in term.split("; "):
                if t not in text and not any(t in by_code[c][f] for c, f in places):
                    raise SystemExit("term %r of footnote %d not printed" % (t, fn["number"]))
        if not places:
            print("warning: footnote %d has no marker in Table I" % fn["number"], file=sys.stderr)
            places = [("", "")]
        elif len(places) > 1:
            print("note: footnote %d is cited by %s" % (fn["number"], ", ".join(c for c, _ in places)),
                  file=sys.stderr)
        for code, field in places:
            frows.append([str(fn["number"]), code, field, term, text])
    nums = [fn["number"] for fn in foots]
    for num in sorted(set(where) - set(nums)):
        print("warning: marker %d has no footnote text" % num, file=sys.stderr)
    write_csv(os.path.join(DATA, "footnotes-es.csv"), ["number", "code", "field", "term", "text"], frows)
    print("structure-es: %d rows; table1-es: %d rows; footnotes-es: %d rows"
          % (len(structure), len(rows), len(frows)), file=sys.stderr)
    for h, d in sorted(set(HYPHEN_DECISIONS)):
        print("hyphen at line end: %s -> %s" % (h, d), file=sys.stderr)


if __name__ == "__main__":
    main()
