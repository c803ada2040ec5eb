"""The one way to load RDF in this package: the shipped graph, or files a user names."""
import os

from . import namespaces as ns
from .errors import InputError
from .files import read_input
from .resources import ontology_files


def new_graph():
    """An empty rdflib Graph with the project's prefixes bound."""
    from rdflib import Graph

    graph = Graph()
    for prefix, iri in ns.PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph


def load_graph(files=None):
    """An rdflib Graph of the shipped ICCS graph, or of the given files (Turtle, N-Triples,
    JSON-LD, RDF/XML, by file extension). A file that cannot be read raises InputError saying
    which file and, where the parser says, which line."""
    from rdflib.util import guess_format

    graph = new_graph()
    for path in (ontology_files() if files is None else [str(f) for f in files]):
        fmt = guess_format(path) or "turtle"
        raw = read_input(path)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
            column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
            raise InputError(f"not UTF-8 text (byte 0x{raw[e.start]:02x})", file=path, row=line,
                             column=column) from None
        if not text.strip():
            raise InputError("empty file", file=path)
        try:
            graph.parse(data=text, format=fmt, publicID="file://" + os.path.abspath(path))
        except Exception as e:  # rdflib raises many kinds; its message says where
            lines = getattr(e, "lines", None)  # rdflib's Turtle parser counts lines from 0
            raise InputError(f"not valid {fmt}: {parse_error(e)}", file=path,
                             row=lines + 1 if isinstance(lines, int) else None) from None
    return graph


def parse_error(e):
    """A parser's complaint in one readable line: rdflib's Turtle errors quote the input as Python
    byte strings ("b'x:a x:b'^b'...'"), which say nothing to a user; their reason is kept."""
    why = getattr(e, "_why", None)
    if why:
        return str(why)
    message = " ".join(str(e).split())
    message = message.split(' at ^ in: "b', 1)[0]
    return message[:300]
