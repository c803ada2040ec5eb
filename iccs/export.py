"""The shipped graph in other formats: Turtle, JSON-LD, N-Triples, or a flat CSV of categories."""
import csv
import io

from . import namespaces as ns
from .errors import ICCSError

FORMATS = ("ttl", "jsonld", "nt", "csv")
CSV_COLUMNS = ["code", "level", "parent"] + [
    f"{field}_{lang}" for field in ("label", "definition", "inclusions", "exclusions") for lang in ("en", "es")
]


def export(fmt="ttl"):
    """The graph (or, for csv, one row per category) as bytes in the asked format."""
    if fmt not in FORMATS:
        raise ICCSError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "csv":
        return categories_csv().encode("utf-8")
    from .graph import load_graph

    graph = load_graph()
    if fmt == "nt":
        lines = graph.serialize(format="nt").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    if fmt == "jsonld":
        context = dict(ns.PREFIXES)
        return graph.serialize(format="json-ld", context=context, indent=1).encode("utf-8")
    return graph.serialize(format="turtle").encode("utf-8")


def categories_csv():
    from .classification import load

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in load():
        row = {"code": c.code, "level": c.level, "parent": c.parent.code if c.parent else ""}
        for lang in ("en", "es"):
            for field in ("label", "definition", "inclusions", "exclusions"):
                row[f"{field}_{lang}"] = getattr(c, field)(lang)
        writer.writerow([row[k] for k in CSV_COLUMNS])
    return out.getvalue()
