"""Extract the disaggregating variables ("tags") and the intentional-homicide tables of the ICCS.

Sources (1-based PDF pages):
  Table A (disaggregating variables)           en 23       es 24
  descriptions of the tags (principles part)   en 22-23    es 23   (bulleted list; from the layout text)
  Table II (disaggregating variable categories) en 100-103  es 117-120
  Tables III, IV, V (intentional homicide)      en 104-106  es 121-123

Every table is drawn as a grid of filled rectangles (cells). The pages of Table II-V are rotated
90 degrees: they are rotated back with pypdf, then pdfplumber gives the words and the rectangles;
each word goes to the outermost rectangle that holds it, so each cell's text is read on its own.
Footnote markers are the small digits (font size < 6.6) glued to words: they are removed from the
text and recorded. Lines of a cell are joined with one space (none after a line ending in "/").

Tables III-V print no codes: rows are identified by a `path` of 1-based positions in printed
order (e.g. V.1.2 = Table V, 1st row of level 1, its 2nd child). This is an identifier made for our
IRIs only, not a notation of the publication. An ICD-10 code printed as a bracket of its own at the
end of a label ("Handgun discharge (X93)") goes to `icd10` and leaves the label; a code inside
another bracket (Y03) stays in the label too. Rows of an "Including:" list are children of the row
to the left of the list and carry "Including:"/"Inclusiones:" in `listed_under_en/_es`.

Run from the repository root:  python3 tools/extract/tags.py
Writes data/tags.csv, data/tag-codes.csv, data/homicide.csv, data/footnotes-tables.csv.
"""
import csv
import re
import sys
from pathlib import Path

import pdfplumber
from rotate import rotated_pages

ROOT = Path(__file__).resolve().parents[2]
PDF = {lang: ROOT / "reference" / f"ICCS-v1.0-{lang}.pdf" for lang in ("en", "es")}
LAYOUT = {lang: ROOT / "reference" / f"ICCS-v1.0-{lang}.layout.txt" for lang in ("en", "es")}
DATA = ROOT / "data"

PAGES = {
    "A": {"en": [23], "es": [24]},
    "II": {"en": [100, 101, 102, 103], "es": [117, 118, 119, 120]},
    "III": {"en": [104], "es": [121]},
    "IV": {"en": [105], "es": [122]},
    "V": {"en": [106], "es": [123]},
}
GROUP_KEYS = ["event", "victim", "perpetrator", "data"]  # order of the groups in Tables A and II

# Hand corrections of extraction glitches (not of the publication): pairs of consecutive lines
# of one cell that must be joined WITHOUT a space.
NO_SPACE_JOINS = {
    # EN p. 105, Table IV: "(doctor/nurse/teacher/police/p" + "ublic official, clergy, etc.)" is one
    # word "police/public" split by the typesetter without a hyphen (Table II prints "police").
    ("(doctor/nurse/teacher/police/p", "ublic official, clergy, etc.)"),
    # EN p. 104, Table III: "(ex-)" + "partner/(ex-)spouse": the same phrase prints "(ex-)spouse"
    # with no space after the bracket, so the line break is not a space.
    ("perpetrator. This includes homicide perpetrated by an (ex-)",
     "partner/(ex-)spouse, a family member other than a partner/spouse;"),
}

MARKER_SIZE = 6.6
ACR_RE = re.compile(r"^(\S+) – (.*)$")
CODE_RE = re.compile(r"^(\d+)([a-z]?)\.\s?(.*)$")
ICD_END_RE = re.compile(r"^(.*\S) \(([XY]\d\d)\)$")
ICD_ANY_RE = re.compile(r"\(([XY]\d\d)\)")


# ----------------------------------------------------------------------------- PDF reading

def open_page(lang, pno, rotate):
    if not rotate:
        return pdfplumber.open(PDF[lang]).pages[pno - 1]
    return rotated_pages(PDF[lang], [pno]).pages[0]


def is_marker(w):
    return w["text"].isdigit() and w["size"] < MARKER_SIZE


def make_lines(words):
    """Group words into lines; return list of lines, each a list of tokens sorted by x."""
    normal = sorted((w for w in words if w["size"] >= MARKER_SIZE), key=lambda w: (w["top"], w["x0"]))
    small = [w for w in words if w["size"] < MARKER_SIZE]
    lines = []
    for w in normal:
        if lines and abs(w["top"] - lines[-1][0]["top"]) < 2.5:
            lines[-1].append(w)
        else:
            lines.append([w])
    for w in small:
        best = None
        for ln in lines:
            d = ln[0]["top"] - w["top"]
            if -1.5 <= d <= 4.5 and (best is None or abs(d) < abs(best[0])):
                best = (d, ln)
        if best is None:  # a marker alone on its line
            lines.append([w])
        else:
            best[1].append(w)
    lines.sort(key=lambda ln: min(t["top"] for t in ln))
    return [sorted(ln, key=lambda t: t["x0"]) for ln in lines]


def line_text(tokens):
    """Text of a line without markers, and the markers found (number, offset in the text)."""
    text, markers, prev = "", [], None
    for t in tokens:
        if is_marker(t):
            markers.append((t["text"], len(text)))
            prev = t
            continue
        if prev is not None and t["x0"] - prev["x1"] > 1.0 and text:
            text += " "
        text += t["text"]
        prev = t
    return text, markers


def join_lines(texts):
    out = ""
    for t in texts:
        if not out:
            out = t
        elif out.endswith("/") or any(out.endswith(a) and t.startswith(b) for a, b in NO_SPACE_JOINS):
            out += t
        else:
            out += " " + t
    return out


def outer_cells(page):
    # cells are filled rectangles; a few are drawn as closed curves (ES p. 24, perpetrator column)
    rects = [r for r in page.rects + page.curves if r["x1"] - r["x0"] > 3 and r["bottom"] - r["top"] > 3]

    def inside(a, b):
        return (a is not b and a["x0"] >= b["x0"] - 0.1 and a["x1"] <= b["x1"] + 0.1
                and a["top"] >= b["top"] - 0.1 and a["bottom"] <= b["bottom"] + 0.1)

    cells = [dict(x0=a["x0"], x1=a["x1"], top=a["top"], bottom=a["bottom"])
             for a in rects if not any(inside(a, b) for b in rects)]
    # identical duplicates
    uniq = {}
    for c in cells:
        uniq.setdefault((round(c["x0"], 1), round(c["top"], 1), round(c["x1"], 1), round(c["bottom"], 1)), c)
    return list(uniq.values())


class Page:
    def __init__(self, lang, pno, rotate):
        self.lang, self.pno = lang, pno
        page = open_page(lang, pno, rotate)
        words = page.extract_words(extra_attrs=["size"], x_tolerance=1.5)
        cells = outer_cells(page)
        left = min(c["x0"] for c in cells)
        # footnotes start at the first marker printed at the left margin below the table top
        head = min(c["top"] for c in cells)
        fn_marks = [w for w in words if is_marker(w) and w["x0"] < left + 20 and w["top"] > head]
        self.footnote_top = min((w["top"] for w in fn_marks), default=page.height)
        cells = [c for c in cells if c["top"] < self.footnote_top - 2]
        for c in cells:
            c["words"] = []
        rest = []
        for w in words:
            cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
            for c in cells:
                if c["x0"] <= cx <= c["x1"] and c["top"] <= cy <= c["bottom"]:
                    c["words"].append(w)
                    break
            else:
                rest.append(w)
        for c in cells:
            c["lines"] = [line_text(ln) for ln in make_lines(c["words"])]
            c["text"] = join_lines([t for t, _ in c["lines"]])
            c["markers"] = [m for _, ms in c["lines"] for m, _ in ms]
        self.cells = sorted(cells, key=lambda c: (round(c["top"]), c["x0"]))
        self.footnotes = self._footnotes([w for w in rest if w["top"] >= self.footnote_top - 2])

    def _footnotes(self, words):
        notes, cur = [], None
        lines = make_lines(words)
        for ln in lines:
            text, markers = line_text(ln)
            if markers and markers[0][1] == 0 and is_marker(ln[0]):
                cur = [markers[0][0], [text] if text else []]
                notes.append(cur)
            elif cur is not None:
                if text.isdigit() and ln is lines[-1]:
                    continue  # page number
                cur[1].append(text)
        return {n: join_lines(t) for n, t in notes}


# ----------------------------------------------------------------------------- Table A

def table_a(lang):
    """[(group_key, group_heading, acronym, name)] in reading order (column by column)."""
    page = Page(lang, PAGES["A"][lang][0], rotate=False)
    cols = sorted({round(c["x0"]) for c in page.cells if c["text"]})
    out, groups = [], {}
    for cells in [[c for c in page.cells if round(c["x0"]) == x and c["text"]] for x in cols]:
        cells.sort(key=lambda c: c["top"])
        if not cells or ACR_RE.match(cells[0]["text"]):
            continue  # table title row or similar
        key = GROUP_KEYS[len(groups)]
        groups[key] = cells[0]["text"]
        for c in cells[1:]:
            m = ACR_RE.match(c["text"])
            assert m, (lang, c["text"])
            out.append((key, groups[key], m.group(1), m.group(2)))
    assert len(groups) == 4, groups
    return out, page


# ----------------------------------------------------------------------------- Table II

def parse_items(cell):
    """Split a content cell of Table II into coded items; return (items, free_text, free_markers)."""
    items, free, free_markers = [], [], []
    for text, markers in cell["lines"]:
        m = CODE_RE.match(text)
        if m:
            code = m.group(1) + m.group(2)
            items.append(dict(code=code, parent=m.group(1) if m.group(2) else "",
                              lines=[m.group(3)], markers=[n for n, _ in markers]))
        elif items:
            items[-1]["lines"].append(text)
            items[-1]["markers"] += [n for n, _ in markers]
        else:
            free.append(text)
            free_markers += [n for n, _ in markers]
    for it in items:
        it["label"] = join_lines(it.pop("lines"))
    return items, join_lines(free), free_markers


def table_ii(lang):
    """Headings of Table II in printed order, each with its group, name, items, markers."""
    heads, footnotes, group_i = [], {}, -1
    for pno in PAGES["II"][lang]:
        page = Page(lang, pno, rotate=True)
        footnotes.update(page.footnotes)
        width = max(c["x1"] for c in page.cells) - min(c["x0"] for c in page.cells)
        by_col = {}
        for c in page.cells:
            by_col.setdefault(round(c["x0"]), []).append(c)
        for c in page.cells:  # sorted by (top, x0): reading order of the headings
            if c["x1"] - c["x0"] > 0.9 * width and c["text"] and c["text"] == c["text"].upper():
                group_i += 1
                heads.append(dict(kind="group", key=GROUP_KEYS[group_i], text=c["text"], page=pno))
                continue
            m = ACR_RE.match(c["text"])
            if not m:
                continue
            col = sorted(by_col[round(c["x0"])], key=lambda d: d["top"])
            below = [d for d in col if abs(d["top"] - c["bottom"]) < 1.5]
            content = below[0] if below and below[0]["text"] and not ACR_RE.match(below[0]["text"]) else None
            items, free, free_markers = parse_items(content) if content else ([], "", [])
            heads.append(dict(kind="tag", group=GROUP_KEYS[group_i], acronym=m.group(1), name=m.group(2),
                              markers=c["markers"], items=items, text=free, text_markers=free_markers,
                              page=pno, top=c["top"], x0=c["x0"]))
    return heads, footnotes


# ----------------------------------------------------------------------------- Tables III-V

def homicide_table(lang, table):
    page = Page(lang, PAGES[table][lang][0], rotate=True)
    cells = [c for c in page.cells if c["text"]]
    width = max(c["x1"] for c in cells) - min(c["x0"] for c in cells)
    cells = [c for c in cells if not (c["x1"] - c["x0"] > 0.9 * width and c["text"] == c["text"].upper())]
    desc = []
    if table == "III":  # the right-hand column holds descriptions
        xmax = max(c["x0"] for c in cells)
        desc = [c for c in cells if abs(c["x0"] - xmax) < 1]
        cells = [c for c in cells if abs(c["x0"] - xmax) >= 1]
    nodes = []  # (cell-like dict with label, markers, parent_cell, extra)
    for c in cells:
        parents = [p for p in cells if abs(p["x1"] - c["x0"]) < 1.5
                   and p["top"] <= c["top"] + 1 and p["bottom"] >= c["bottom"] - 1]
        assert len(parents) <= 1, c["text"]
        parent = parents[0] if parents else None
        first = c["lines"][0][0]
        if first in ("Including:", "Inclusiones:"):
            cur, cur_markers = [], []
            for i, (text, markers) in enumerate(c["lines"][1:]):
                cur.append(text)
                cur_markers += [n for n, _ in markers]
                if ICD_ANY_RE.search(text) and text.endswith(")"):
                    nodes.append(dict(label=join_lines(cur), markers=cur_markers, parent=c.get("_id"),
                                      pcell=c, top=c["top"] + i * 0.01, x0=c["x0"], listed=first))
                    cur, cur_markers = [], []
            assert not cur, cur
            c["_list"] = True
            continue
        nodes.append(dict(label=c["text"], markers=c["markers"], pcell=parent, top=c["top"], x0=c["x0"],
                          cell=c, listed=""))
    # "Including:" lists: their items hang under the row to the left of the list cell
    for n in nodes:
        pc = n["pcell"]
        if pc is not None and pc.get("_list"):
            left = [p for p in cells if abs(p["x1"] - pc["x0"]) < 1.5
                    and p["top"] <= pc["top"] + 1 and p["bottom"] >= pc["bottom"] - 1]
            n["pcell"] = left[0]
    # paths in printed order
    by_cell = {id(n["cell"]): n for n in nodes if "cell" in n}
    kids = {}
    for n in sorted(nodes, key=lambda n: (n["top"], n["x0"])):
        pkey = id(by_cell[id(n["pcell"])]) if n["pcell"] is not None else None
        kids.setdefault(pkey, []).append(n)

    out = []

    def walk(pkey, prefix):
        for i, n in enumerate(kids.get(pkey, []), 1):
            n["path"] = f"{prefix}.{i}"
            n["parent_path"] = prefix if prefix != table else ""
            out.append(n)
            walk(id(n), n["path"])

    walk(None, table)
    for d in desc:
        match = [n for n in out if "cell" in n and abs(n["cell"]["top"] - d["top"]) < 1.5
                 and abs(n["cell"]["bottom"] - d["bottom"]) < 1.5]
        assert len(match) == 1, (lang, d["text"])
        match[0]["description"] = d["text"]
        match[0]["desc_markers"] = d["markers"]
    for n in out:
        m = ICD_END_RE.match(n["label"])
        inner = ICD_ANY_RE.findall(n["label"])
        if m and m.group(1).count("(") == m.group(1).count(")"):  # a bracket of its own
            n["label"], n["icd10"] = m.group(1), m.group(2)
        elif inner:
            assert len(inner) == 1, n["label"]
            n["icd10"] = inner[0]
        else:
            n["icd10"] = ""
    return out, page.footnotes


# ----------------------------------------------------------------------------- descriptions

def bullet_descriptions(lang):
    """The bulleted descriptions of some tags in the principles part (EN pp. 22-23, ES p. 23)."""
    pages = {"en": [22, 23], "es": [23]}[lang]
    text = LAYOUT[lang].read_text(encoding="utf-8").split("\f")
    out, cur = {}, None
    for pno in pages:
        for raw in text[pno - 1].splitlines():
            line = raw.strip()
            if re.match(r"^-\s+(the|la etiqueta)\b", line):
                cur = [re.sub(r"^-\s+", "", line)]
            elif cur is not None and line:
                cur.append(line)
            else:
                continue
            if cur and cur[-1].endswith((";", ".")):
                desc = join_lines(cur)
                acr = re.search(r"\((\w+)\)", desc).group(1)
                out[acr] = desc[:-1] if desc.endswith(";") else desc
                cur = None
    return out


# ----------------------------------------------------------------------------- main

def write_csv(name, header, rows):
    with open(DATA / name, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    DATA.mkdir(exist_ok=True)
    ta = {lang: table_a(lang)[0] for lang in ("en", "es")}
    t2, fn2 = {}, {}
    for lang in ("en", "es"):
        t2[lang], fn2[lang] = table_ii(lang)
    bullets = {lang: bullet_descriptions(lang) for lang in ("en", "es")}
    # The English bullet prints "(Mo)" for Mot (Table A and the Spanish bullet print "Mot").
    bullets["en"]["Mot"] = bullets["en"].pop("Mo")

    # ---- tags.csv: one row per acronym in Table A order (first occurrence)
    order, first, second = [], {}, {}
    for lang in ("en", "es"):
        for key, gtext, acr, name in ta[lang]:
            d = first if (lang, acr) not in first else second
            d[(lang, acr)] = (key, gtext, name)
            if lang == "en" and acr not in order:
                order.append(acr)
    assert [a for _, _, a, _ in ta["en"]] == [a for _, _, a, _ in ta["es"]]
    acr_key = {a.lower(): a for a in order}

    def t2_heads(lang):
        res = {}
        for h in t2[lang]:
            if h["kind"] == "tag":
                res.setdefault(acr_key[h["acronym"].lower()], []).append(h)
        return res

    h2 = {lang: t2_heads(lang) for lang in ("en", "es")}
    tags_rows = []
    for acr in order:
        row = {"acronym": acr}
        for lang in ("en", "es"):
            key, gtext, name = first[(lang, acr)]
            row["group"] = key
            row[f"group_{lang}"] = gtext
            row[f"name_{lang}"] = name
            row[f"description_{lang}"] = bullets[lang].get(acr, "")
            if (lang, acr) in second:
                k2, _, n2 = second[(lang, acr)]
                row["also_group"] = k2
                row[f"also_name_{lang}"] = n2
            hs = h2[lang][acr]
            row["table2_acronym"] = hs[0]["acronym"]
            row[f"table2_name_{lang}"] = hs[0]["name"]
            row[f"table2_also_name_{lang}"] = hs[1]["name"] if len(hs) > 1 else ""
            defs = [fn2[lang][m] for m in hs[0]["markers"]]
            row[f"definition_{lang}"] = " ".join(defs)
            row[f"table2_text_{lang}"] = hs[0]["text"]
        tags_rows.append(row)
    tag_cols = ["acronym", "group", "group_en", "group_es", "name_en", "name_es", "description_en",
                "description_es", "also_group", "also_name_en", "also_name_es", "definition_en",
                "definition_es", "table2_acronym", "table2_name_en", "table2_name_es", "table2_also_name_en",
                "table2_also_name_es", "table2_text_en", "table2_text_es"]
    write_csv("tags.csv", tag_cols, [[r.get(c, "") for c in tag_cols] for r in tags_rows])

    # ---- tag-codes.csv: in Table II order; repeated variables (victim and perpetrator) once
    code_rows, seen, notes = [], set(), []
    heads_en = [h for h in t2["en"] if h["kind"] == "tag"]
    heads_es = [h for h in t2["es"] if h["kind"] == "tag"]
    assert [acr_key[h["acronym"].lower()] for h in heads_en] == [acr_key[h["acronym"].lower()] for h in heads_es]
    for he, hs in zip(heads_en, heads_es):
        acr = acr_key[he["acronym"].lower()]
        assert [i["code"] for i in he["items"]] == [i["code"] for i in hs["items"]], acr
        if acr in seen:
            # second printing (perpetrator side): must repeat the victim-side categories
            prev = [r for r in code_rows if r[0] == acr]
            assert [(r[1], r[3], r[4]) for r in prev] == [(a["code"], a["label"], b["label"])
                                                          for a, b in zip(he["items"], hs["items"])], acr
            continue
        seen.add(acr)
        for a, b in zip(he["items"], hs["items"]):
            assert a["markers"] == b["markers"], (acr, a, b)
            code_rows.append([acr, a["code"], a["parent"], a["label"], b["label"],
                              " ".join(fn2["en"][m] for m in a["markers"]),
                              " ".join(fn2["es"][m] for m in b["markers"])])
            for m in a["markers"]:
                notes.append((m, "II", f"{acr}/{a['code']}"))
        for m in he["markers"]:
            notes.append((m, "II", acr))
        for m in he["text_markers"]:
            notes.append((m, "II", acr))
    write_csv("tag-codes.csv", ["acronym", "code", "parent", "label_en", "label_es", "definition_en",
                                "definition_es"], code_rows)

    # ---- homicide.csv
    hom_rows, hom_fn = [], {}
    for table in ("III", "IV", "V"):
        en, fe = homicide_table("en", table)
        es, fs = homicide_table("es", table)
        hom_fn.update({("en", k): v for k, v in fe.items()})
        hom_fn.update({("es", k): v for k, v in fs.items()})
        assert [(n["path"], n["icd10"]) for n in en] == [(n["path"], n["icd10"]) for n in es], table
        for a, b in zip(en, es):
            assert a["markers"] == b["markers"] and a.get("desc_markers", []) == b.get("desc_markers", [])
            hom_rows.append([table, a["path"], a["parent_path"], a["label"], b["label"],
                             a.get("description", ""), b.get("description", ""), a["icd10"],
                             a["listed"], b["listed"]])
            for m in a["markers"] + a.get("desc_markers", []):
                notes.append((m, table, a["path"]))
    write_csv("homicide.csv", ["table", "path", "parent", "label_en", "label_es", "description_en",
                               "description_es", "icd10", "listed_under_en", "listed_under_es"], hom_rows)

    # ---- footnotes-tables.csv: footnotes of Tables A, II-V, in number order
    pa = {lang: table_a(lang)[1] for lang in ("en", "es")}
    # Table A: the only marker is on the table title (EN p. 23 / ES p. 24 note 34)
    fa = {lang: pa[lang].footnotes for lang in ("en", "es")}
    rows = [["34", "34", "A", "A", fa["en"]["34"], fa["es"]["34"]]]
    # Table II title marker (note 144): the title is not a cell; it is the first footnote of p. 100/117
    rows.append(["144", "144", "II", "II", fn2["en"]["144"], fn2["es"]["144"]])
    done = {"34", "144"}
    for m, table, key in sorted(notes, key=lambda n: int(n[0])):
        if m in done:
            continue
        done.add(m)
        if table == "II":
            te, ts = fn2["en"][m], fn2["es"][m]
        else:
            te, ts = hom_fn[("en", m)], hom_fn[("es", m)]
        rows.append([m, m, table, key, te, ts])
    all_notes = set(fn2["en"]) | {k for (lang, k) in hom_fn if lang == "en"}
    missing = sorted(all_notes - done, key=int)
    assert not missing, f"footnotes without a marker in the tables: {missing}"
    write_csv("footnotes-tables.csv", ["number_en", "number_es", "table", "key", "text_en", "text_es"], rows)
    print(f"tags: {len(tags_rows)}, tag codes: {len(code_rows)}, homicide rows: {len(hom_rows)}, "
          f"footnotes: {len(rows)}", file=sys.stderr)


if __name__ == "__main__":
    main()
