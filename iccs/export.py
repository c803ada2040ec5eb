"""The shipped graph in other formats: Turtle, JSON-LD, N-Triples, or the categories as a table
(CSV, or XLSX for spreadsheets)."""
from . import namespaces as ns
from .errors import ICCSError

FORMATS = ("ttl", "jsonld", "nt", "csv", "xlsx")
CSV_COLUMNS = ["code", "level", "parent"] + [
    f"{field}_{lang}" for field in ("label", "definition", "inclusions", "exclusions") for lang in ("en", "es")
]


def export(fmt="ttl"):
    """The graph (or, for csv and xlsx, one row per category) as bytes in the asked format."""
    if fmt not in FORMATS:
        raise ICCSError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    from . import render

    if fmt == "csv":
        return (render.render(category_rows(), CSV_COLUMNS, "csv") + "\n").encode("utf-8")
    if fmt == "xlsx":
        return render.xlsx(category_rows(), CSV_COLUMNS, sheet="ICCS categories",
                           note=ns.ACKNOWLEDGEMENT)
    from .graph import load_graph

    graph = load_graph()
    if fmt == "nt":
        lines = graph.serialize(format="nt").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    if fmt == "jsonld":
        text = graph.serialize(format="json-ld", context=dict(ns.PREFIXES), indent=1)
    else:
        text = graph.serialize(format="turtle")
    return (text.rstrip("\n") + "\n").encode("utf-8")


def category_rows():
    """Each category as a dict of the CSV_COLUMNS."""
    from .classification import load

    rows = []
    for c in load():
        row = {"code": c.code, "level": c.level, "parent": c.parent.code if c.parent else ""}
        for lang in ("en", "es"):
            for field in ("label", "definition", "inclusions", "exclusions"):
                row[f"{field}_{lang}"] = getattr(c, field)(lang)
        rows.append(row)
    return rows
