"""The one way to print: rows (dicts) as an aligned table, CSV or JSON; any object as JSON;
a category as the text of ``iccs show``. Cheap to import (json and csv load when used)."""
import os
import textwrap

FORMATS = ("table", "csv", "json")


def to_json(obj):
    import json

    return json.dumps(obj, ensure_ascii=False, indent=2)


def render(rows, columns, fmt="table"):
    """``rows``: a list of dicts; ``columns``: the keys to show, in order."""
    rows = list(rows)
    if fmt == "json":
        return to_json([{c: r.get(c) for c in columns} for r in rows])
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r.get(c) is None else _cell(r.get(c)) for c in columns])
        return out.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = _fit([max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)],
                  [len(c) for c in columns])
    cells = [[_clip(v, w) for v, w in zip(row, widths)] for row in cells]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def _fit(widths, headers, limit=60):
    """Column widths for a table that fits the terminal: no column wider than ``limit``, then the
    widest cut one character at a time while the table is too wide (never below its header or
    eight characters). The CSV and JSON keep every cell whole."""
    widths = [min(w, max(limit, h)) for w, h in zip(widths, headers)]
    room = max(60, terminal_width()) - 2 * (len(widths) - 1)
    while sum(widths) > room:
        i = max(range(len(widths)), key=lambda k: widths[k])
        if widths[i] <= max(8, headers[i]):
            break
        widths[i] -= 1
    return widths


def xlsx(rows, columns, sheet="Sheet1", note=None):
    """Rows as an XLSX workbook (bytes) for spreadsheets: every cell is text, so codes keep their
    leading zeros ("0101") and accents need no encoding; a header row frozen; ``note`` (an
    acknowledgement) in a second sheet."""
    import io

    try:
        from openpyxl import Workbook
    except ImportError:
        from .errors import ICCSError

        raise ICCSError("XLSX needs openpyxl: pip install openpyxl") from None
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append(list(columns))
    for r in rows:
        ws.append([_cell(r.get(c)) for c in columns])
    for column in ws.iter_cols(min_row=1):
        for cell in column:
            cell.number_format = "@"
    ws.freeze_panes = "A2"
    if note:
        book.create_sheet("About").append([note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tag_text(tag, rows, lang="en"):
    """``iccs tags ACRONYM``: the tag, its definition, then each code with its definition
    wrapped beneath it (sub-codes indented under their parent)."""
    lines = [f"{tag['acronym']}  {tag['label'].get(lang, '')}"]
    if tag["definition"].get(lang):
        lines.append(wrap("", tag["definition"][lang], indent=0))
    lines.append("")
    children = {}
    for r in rows:
        children.setdefault(r["parent"] or "", []).append(r)

    def add(r, depth):
        indent = "  " * depth
        lines.append(f"{indent}{r['code']}  {r['label']}")
        if r["definition"]:
            lines.append(wrap("", r["definition"], indent=len(indent) + 4, first=" " * (len(indent) + 4)))
        for child in children.get(r["code"], []):
            add(child, depth + 1)

    for r in children.get("", []):
        add(r, 0)
    return "\n".join(lines)


def errata_text(rows):
    """``iccs errata`` as text: each erratum's kind, whether the graph applies it, and why."""
    blocks = []
    for e in rows:
        pages = ", ".join(p for p in (e.get("page_en") and f"p. {e['page_en']} (en)",
                                      e.get("page_es") and f"p. {e['page_es']} (es)") if p)
        applied = ("applied in the graph" if e.get("applied") else
                   "checked, the print is right: the graph links it" if e["action"] == "keep" else
                   "recorded only, the graph keeps the print")
        lines = [wrap("", f"{e['id']}  {e['action']}: {applied}  [{e['table']} {e['key']} {e['field']}"
                      + (f"; {pages}" if pages else "") + "]", indent=4)]
        lines.append(wrap("  printed", e["printed"] or "(nothing)", indent=4))
        if e["action"] not in ("note", "keep") or e["action"] == "note" and e["corrected"]:
            lines.append(wrap("  " + ("corrected" if e["action"] != "drop" else "graph"),
                              e["corrected"] or "(left out)", indent=4))
        lines.append(wrap("  why", e["reason"], indent=4))
        blocks.append("\n".join(lines))
    counts = {}
    for e in rows:
        counts[e["action"]] = counts.get(e["action"], 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    return "\n".join(blocks + [f"{len(rows)} errata: {summary}"])


def indented(rows):
    """Tree rows (code, depth, label) as indented text, the first row flush left."""
    top = min((r["depth"] for r in rows), default=0)
    return "\n".join(f"{'  ' * (r['depth'] - top)}{r['code']}  {r['label']}" for r in rows)


def _clip(text, width=60):
    """A table cell is cut to a width (the CSV and JSON keep the whole text)."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def terminal_width(default=100):
    try:
        return os.get_terminal_size().columns
    except OSError:
        return int(os.environ.get("COLUMNS", default)) if os.environ.get("COLUMNS", "").isdigit() else default


def wrap(label, text, indent=2, first=None):
    """``label: text`` filled to the terminal (40 to 100 columns), hyphenated words kept whole;
    ``first``: the first line's indent instead of the label."""
    width = max(40, min(100, terminal_width()))
    head = first if first is not None else (f"{label}: " if label else "")
    return textwrap.fill(text, width=width, initial_indent=head, subsequent_indent=" " * indent,
                         break_on_hyphens=False, break_long_words=False)



# The words of ``iccs show`` in each language: the publication's own where it has them
# ("Sección", "+ Inclusiones:"), plain words of the toolkit's interface elsewhere.
WORDS = {
    "en": {"section": "section", "division": "division", "group": "group", "class": "class",
           "Path": "Path", "Definition": "Definition", "Inclusions": "Inclusions",
           "Exclusions": "Exclusions", "Also excluded (from {code})": "Also excluded (from {code})",
           "Refers to": "Refers to", "Exclusions cite": "Exclusions cite",
           "Subcategories": "Subcategories", "Index terms": "Index terms", "Footnote": "Footnote",
           "(no such category)": "(no such category)", "Erratum": "Erratum", "prints": "prints", "(nothing)": "(nothing)",
           "the graph uses": "the graph uses", "the graph keeps it": "the graph keeps it"},
    "es": {"section": "sección", "division": "división", "group": "grupo", "class": "clase",
           "Path": "Ruta", "Definition": "Definición", "Inclusions": "Inclusiones",
           "Exclusions": "Exclusiones", "Also excluded (from {code})": "También excluido (de {code})",
           "Refers to": "Remite a", "Exclusions cite": "Las exclusiones citan",
           "Subcategories": "Subcategorías", "Index terms": "Términos del índice", "Footnote": "Nota",
           "(no such category)": "(no existe)", "Erratum": "Fe de erratas", "prints": "imprime", "(nothing)": "(nada)",
           "the graph uses": "el grafo usa", "the graph keeps it": "el grafo lo conserva"},
}


def show_text(d):
    """``iccs show`` as text, from ``Category.to_dict()``, headings in the category's language."""
    w = WORDS.get(d.get("lang", "en"), WORDS["en"])
    lines = [f"{d['code']}  {d['label']}  ({w.get(d['level'], d['level'])})"]
    if len(d["path"]) > 1:
        lines.append(wrap(w["Path"], " > ".join(f"{p['code']} {p['label']}" for p in d["path"])))
    for key in ("Definition", "Inclusions", "Exclusions"):
        if d[key.lower()]:
            lines.append(wrap(w[key], d[key.lower()]))
    for inherited in d.get("inherited_exclusions", []):
        lines.append(wrap(w["Also excluded (from {code})"].format(code=inherited["code"]), inherited["text"]))
    for key, title in (("refers_to", w["Refers to"]), ("excludes", w["Exclusions cite"])):
        for ref in d[key]:
            lines.append(f"{title}: {ref['code']} {ref.get('label', w['(no such category)'])}")
    if d["children"]:
        lines.append(w["Subcategories"] + ":")
        lines += [f"  {c['code']} {c['label']}" for c in d["children"]]
    if d["index_terms"]:
        lines.append(wrap(w["Index terms"], "; ".join(d["index_terms"])))
    for note in d["footnotes"]:
        term = f"{note['term']}: " if note["term"] else ""
        lines.append(wrap(f"{w['Footnote']} {note['number']}", term + note["text"]))
    for e in d.get("errata", []):  # where the graph reads the print otherwise (iccs errata: why)
        printed = e["printed"] if len(e["printed"]) <= 60 else e["printed"][:57] + "..."
        corrected = e["corrected"] if len(e["corrected"]) <= 60 else e["corrected"][:57] + "..."
        then = (f"{w['the graph uses']} {corrected or w['(nothing)']}" if e["action"] != "note"
                else w["the graph keeps it"])
        lines.append(wrap(f"{w['Erratum']} {e['id']}", f"{e['field']} {w['prints']} {printed!r}; {then}"))
    return "\n".join(lines)


THEME_WORDS = {
    "en": {"Definition": "Definition", "Instrument": "Instrument", "Part of": "Part of",
           "Sub-themes": "Sub-themes", "Categories (whole):": "Categories (whole):",
           "rules": "Tag rules (the offence carries, for each tag, one of the codes):",
           "and below": "and below", "any category": "any category", "and": "and", "or": "or",
           "partial": "Partial members (only these offences of the category):",
           "left out": "Left out (none of their offences):", "why": "why"},
    "es": {"Definition": "Definición", "Instrument": "Instrumento", "Part of": "Forma parte de",
           "Sub-themes": "Subtemas", "Categories (whole):": "Categorías (enteras):",
           "rules": "Reglas de etiquetas (el delito lleva, para cada etiqueta, uno de los códigos):",
           "and below": "y debajo", "any category": "cualquier categoría", "and": "y", "or": "o",
           "partial": "Miembros parciales (solo estos delitos de la categoría):",
           "left out": "Excluidas (ninguno de sus delitos):", "why": "por qué"},
}


def theme_text(d):
    """``iccs theme`` as text, from ``Theme.to_dict()``; long lines wrapped to the terminal;
    headings in the theme's language."""
    w = THEME_WORDS.get(d.get("lang", "en"), THEME_WORDS["en"])
    lines = [f"{d['id']}  {d['label']}"]
    if d["definition"]:
        lines.append(wrap(w["Definition"], d["definition"]))
    for i in d["instruments"]:
        lines.append(wrap(w["Instrument"], i["title"] + (f" ({i['date']})" if i["date"] else ""), indent=4))
    if d["parents"]:
        lines.append(f"{w['Part of']}: " + ", ".join(d["parents"]))
    if d["subthemes"]:
        lines.append(f"{w['Sub-themes']}: " + ", ".join(d["subthemes"]))
    if d["categories"]:
        lines.append(w["Categories (whole):"])
        lines += [wrap(f"  {c['code']}", c["label"], indent=4).replace(": ", " ", 1) for c in d["categories"]]
    if d["rules"]:
        lines.append(w["rules"])
        for r in d["rules"]:
            tags = {}
            for c in r["conditions"]:
                tags.setdefault(c["tag"], []).append(f"{c['value']} {c['label']}")
            where = (f"{r['scope']['code']} {r['scope']['label']} {w['and below']}" if r["scope"]
                     else w["any category"])
            said = f" {w['and']} ".join(f"{t} = " + f" {w['or']} ".join(v) for t, v in tags.items())
            lines.append(wrap(f"  {where}", said, indent=4))
    if d["partial"]:
        lines.append(w["partial"])
        for p in d["partial"]:
            lines.append(wrap(f"  {p['code']} {p['label']}", "; ".join(p["basis"]), indent=4))
            if p.get("note"):  # what of the basis belongs, and why (a hijacking of a car does not)
                lines.append(wrap(f"    {w['why']}", p["note"], indent=6))
    if d["left_out"]:
        lines.append(w["left out"])
        lines += [wrap(f"  {x['code']}", x["label"], indent=4).replace(": ", " ", 1) for x in d["left_out"]]
    return "\n".join(lines)
