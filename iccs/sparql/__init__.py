"""SPARQL over the ICCS: queries from Python and the command line, a read-only endpoint, and
pushing the graph into an external store.

- ``query(text, params=..., data=..., endpoint=...)``: run a SPARQL 1.1 query over the shipped
  graph (plus RDF files), or over a remote endpoint; returns a ``Result`` (rows, a boolean or
  triples) that serializes to the SPARQL 1.1 results formats (``engine``, ``results``).
- ``named_queries()`` / ``named_query(name)``: the queries shipped in ``queries/*.rq`` (``named``).
- ``parse_param("code=0101")``: a parameter as an RDF term, bound by the engine, never pasted into
  the query text (``terms``).
- ``serve(...)``: the SPARQL 1.1 Protocol and the graph's dereferenceable IRIs over HTTP
  (``server``, ``pages``); ``push(...)``: the Graph Store Protocol or Update (``remote``).

The engine is Oxigraph (``pyoxigraph``), imported only when a query runs.
"""
from .engine import PREFIXES, Engine, query
from .named import NamedQuery, named_queries, named_query
from .results import Result
from .terms import parse_param, parse_params

__all__ = ["query", "Engine", "Result", "PREFIXES", "NamedQuery", "named_queries", "named_query",
           "parse_param", "parse_params", "serve", "push"]


def serve(host="127.0.0.1", port=8000, **options):
    """Run the endpoint until interrupted (see ``iccs.sparql.server.make_server``)."""
    from .server import serve as _serve

    return _serve(host=host, port=port, **options)


def push(endpoint, **options):
    """Load the ICCS graph and data files into a store (see ``iccs.sparql.remote.push``)."""
    from .remote import push as _push

    return _push(endpoint, **options)
