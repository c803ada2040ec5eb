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
    cells = [[_clip(_cell(r.get(c))) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def indented(rows):
    """Tree rows (code, depth, label) as indented text, the first row flush left."""
    top = min((r["depth"] for r in rows), default=0)
    return "\n".join(f"{'  ' * (r['depth'] - top)}{r['code']}  {r['label']}" for r in rows)


def _clip(text, width=60):
    """A table cell is cut to a width (the CSV and JSON keep the whole text)."""
    return text if len(text) <= width else text[:width - 1] + "…"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def _wrap(label, text, indent=2):
    try:
        columns = os.get_terminal_size().columns
    except OSError:
        columns = 100
    width = max(40, min(100, columns))
    return textwrap.fill(text, width=width, initial_indent=f"{label}: ",
                         subsequent_indent=" " * indent)


def show_text(d):
    """``iccs show`` as text, from ``Category.to_dict()``."""
    lines = [f"{d['code']}  {d['label']}  ({d['level']})"]
    if len(d["path"]) > 1:
        lines.append(_wrap("Path", " > ".join(f"{p['code']} {p['label']}" for p in d["path"])))
    for key, title in (("definition", "Definition"), ("inclusions", "Inclusions"),
                       ("exclusions", "Exclusions")):
        if d[key]:
            lines.append(_wrap(title, d[key]))
    for key, title in (("refers_to", "Refers to"), ("excludes", "Exclusions cite")):
        for ref in d[key]:
            lines.append(f"{title}: {ref['code']} {ref.get('label', '(no such category)')}")
    if d["children"]:
        lines.append("Subcategories:")
        lines += [f"  {c['code']} {c['label']}" for c in d["children"]]
    if d["index_terms"]:
        lines.append(_wrap("Index terms", "; ".join(d["index_terms"])))
    for note in d["footnotes"]:
        term = f"{note['term']}: " if note["term"] else ""
        lines.append(_wrap(f"Footnote {note['number']}", term + note["text"]))
    return "\n".join(lines)


def theme_text(d):
    """``iccs theme`` as text, from ``Theme.to_dict()``."""
    lines = [f"{d['id']}  {d['label']}"]
    if d["definition"]:
        lines.append(_wrap("Definition", d["definition"]))
    for i in d["instruments"]:
        lines.append(f"Instrument: {i['title']}" + (f" ({i['date']})" if i["date"] else ""))
    if d["subthemes"]:
        lines.append("Sub-themes: " + ", ".join(d["subthemes"]))
    if d["categories"]:
        lines.append("Categories:")
        lines += [f"  {c['code']} {c['label']}" for c in d["categories"]]
    if d["rules"]:
        lines.append("Tag rules (any category, when the offence carries):")
        lines += [f"  {r['tag']} = {r['value']} {r['label']}" for r in d["rules"]]
    if d["partial"]:
        lines.append("Partial members (only these offences of the category):")
        for p in d["partial"]:
            lines.append(f"  {p['code']} {p['label']}: " + "; ".join(p["basis"]))
    return "\n".join(lines)
