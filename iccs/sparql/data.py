"""Files given with ``--data``: one loader per kind of file, picked by the file's extension.

A loader takes a path and returns triples (pyoxigraph ``Triple``/``Quad``) to add to the queried
graph; ``register(extensions, loader)`` adds a kind (the toolkit's correspondence tables and
submissions will register theirs). RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD)
are read by Oxigraph.
"""
import os

from ..errors import InputError
from ..files import read_input

LOADERS = {}


def register(extensions, loader):
    """Use ``loader(path)`` for files ending in any of ``extensions`` (".csv", …)."""
    for ext in extensions:
        LOADERS[ext.lower()] = loader


RDF_EXTENSIONS = {".ttl": "TURTLE", ".turtle": "TURTLE", ".nt": "N_TRIPLES", ".ntriples": "N_TRIPLES",
                  ".nq": "N_QUADS", ".trig": "TRIG", ".rdf": "RDF_XML", ".owl": "RDF_XML",
                  ".xml": "RDF_XML", ".jsonld": "JSON_LD", ".json": "JSON_LD", ".n3": "N3"}


def load_rdf(path):
    """The triples of an RDF file, read by Oxigraph; errors name the file and line."""
    import pyoxigraph as ox

    ext = os.path.splitext(str(path))[1].lower()
    fmt = getattr(ox.RdfFormat, RDF_EXTENSIONS.get(ext, "TURTLE"))
    raw = read_input(path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError(f"not UTF-8 text (byte 0x{raw[e.start]:02x})", file=path, row=line,
                         column=column) from None
    base = "file://" + os.path.abspath(str(path))
    try:
        return list(ox.parse(raw, format=fmt, base_iri=base))
    except SyntaxError as e:
        row, column, message = _where(str(e))
        raise InputError(f"not valid {fmt.name}: {message}", file=path, row=row, column=column) from None
    except ValueError as e:
        raise InputError(f"not valid {fmt.name}: {' '.join(str(e).split())[:300]}", file=path) from None


def _where(message):
    """Line and column from Oxigraph's message ("Parser error at line 3 between columns 7 and
    9: …", "error at 3:7: …"), and the message without them."""
    import re

    message = " ".join(message.split())
    for pattern in (r"^Parser error at line (\d+) (?:between columns|column) (\d+)(?: and \d+)?:\s*(.*?)(?: \(line \d+\))?$",
                    r"^(?:error )?(?:at )?(\d+):(\d+)(?:-\S+)?:?\s*(.*)$"):
        match = re.match(pattern, message)
        if match:
            return int(match.group(1)), int(match.group(2)), match.group(3)[:300]
    return None, None, message[:300]


register(RDF_EXTENSIONS, load_rdf)


def load(path):
    """The triples of a data file of any registered kind (read as Turtle when its extension is
    none of them)."""
    ext = os.path.splitext(str(path))[1].lower()
    if ext in LOADERS:
        return LOADERS[ext](path)
    try:
        return load_rdf(path)
    except InputError as e:
        if e.message.startswith("not valid"):
            kinds = ", ".join(sorted(LOADERS))
            raise InputError(f"not a kind of file --data reads ({kinds}), nor Turtle: {e.message}",
                             file=path, row=e.row, column=e.column) from None
        raise
