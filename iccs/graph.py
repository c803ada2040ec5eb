"""The one way to load RDF in this package: the shipped graph, or files a user names."""
from pathlib import Path

from . import namespaces as ns
from .errors import InputError
from .resources import ontology_files


def load_graph(files=None):
    """An rdflib Graph of the shipped ICCS graph, or of the given files (Turtle, N-Triples,
    JSON-LD, RDF/XML, by file extension). A file that cannot be read raises InputError."""
    from rdflib import Graph
    from rdflib.util import guess_format

    graph = Graph()
    for prefix, iri in ns.PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    for path in (ontology_files() if files is None else [Path(f) for f in files]):
        fmt = guess_format(str(path)) or "turtle"
        try:
            graph.parse(str(path), format=fmt)
        except FileNotFoundError:
            raise InputError("no such file", file=path) from None
        except UnicodeDecodeError as e:
            raise InputError(f"not UTF-8 text (byte {e.start})", file=path) from None
        except Exception as e:  # rdflib raises many kinds; the message says where
            message = " ".join(str(e).split())
            raise InputError(f"not valid {fmt}: {message[:300]}", file=path) from None
    return graph
