"""Running a query: over the shipped graph (plus data files) with Oxigraph, or over a remote
SPARQL endpoint.

The shipped Turtle loads into Oxigraph's in-memory store in about 40 ms, as fast as from an
N-Quads dump, so no separate cache is kept: the engine reads ``ontology/*.ttl`` directly.
"""
import functools
import time

from .. import namespaces as ns
from ..errors import InputError
from ..resources import ontology_files
from .results import QueryTimeout, Result  # noqa: F401  (QueryTimeout is part of the API)

# Predeclared for every query (a query's own PREFIX lines override them).
PREFIXES = {k: v for k, v in ns.PREFIXES.items() if not k.startswith("sdmx-")}


class Engine:
    """An Oxigraph store holding the ICCS graph (unless ``with_iccs=False``) and ``data`` files."""

    def __init__(self, data=(), with_iccs=True, progress=None):
        import pyoxigraph as ox

        from . import data as loaders

        self.store = ox.Store()
        files = (ontology_files() if with_iccs else []) + [str(p) for p in (data or ())]
        for i, path in enumerate(files):
            if with_iccs and i < len(ontology_files()):
                self.store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
            else:
                self.store.extend(t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object)
                                  for t in loaders.load(path))
            if progress:
                progress(i + 1, len(files))

    def __len__(self):
        return len(self.store)

    def query(self, text, params=None, limit=None, deadline=None, service=True):
        """Run ``text`` with ``params`` (``{name: value}`` or ``["name=value", …]``) bound as RDF
        terms; at most ``limit`` rows. A malformed query raises QuerySyntaxError. ``service``
        False: a query with a SERVICE clause raises ``federation.ServiceRefused`` instead of
        sending requests to the endpoints it names (as ``iccs serve`` does)."""
        from .terms import parse_params
        from .values import bind_values

        bound = check_params(text, parse_params(params))
        full = bind_values(text, bound)
        if not service:
            from .federation import refuse_service

            refuse_service(full)
        try:
            answer = self.store.query(full, prefixes=used_prefixes(text))
        except SyntaxError as e:
            raise QuerySyntaxError(" ".join(str(e).split())) from None
        except OSError as e:
            raise InputError(f"the query failed: {e}") from None
        return Result.from_oxigraph(answer, limit=limit, deadline=deadline)


@functools.lru_cache(maxsize=1024)
def used_prefixes(text):
    """The predeclared prefixes that the text may use (handing Oxigraph all of them costs more
    than the lookup of a notation)."""
    return {p: iri for p, iri in PREFIXES.items() if p + ":" in text}  # (read-only: cached)


class QuerySyntaxError(InputError):
    """A query the parser refuses; the message is the parser's."""

    def __init__(self, message):
        if len(message) > 200:  # the parser lists every character it expected
            message = message[:message.find("expected") + 200 if "expected" in message else 200] + "…"
        super().__init__(f"malformed query: {message}")


def check_params(text, bound):
    """Each parameter must name a variable of the query (a typo would otherwise be ignored)."""
    import re

    for name in bound:
        if not re.search(r"[?$]" + re.escape(name) + r"(?![A-Za-z0-9_\u00b7])", text):
            raise InputError(f"the query has no variable ?{name} for the parameter {name}")
    return bound


_DEFAULT = {}


def default_engine():
    """The engine over the shipped graph alone, built once per process."""
    if "engine" not in _DEFAULT:
        _DEFAULT["engine"] = Engine()
    return _DEFAULT["engine"]


def query(text=None, params=None, data=None, endpoint=None, name=None, limit=None, timeout=None,
          auth=None, progress=None, engine=None):
    """Run a SPARQL query and return a Result (iterate it for rows as dicts).

    ``text`` is the query, or ``name`` a named query (``iccs query --list``); ``params`` are bound
    to variables as RDF terms (``{"code": "0101"}`` or ``["code=0101"]``); ``data`` adds files to
    the graph; ``endpoint`` sends the query to a remote SPARQL endpoint instead (with the same
    prefixes and parameters); ``limit`` caps the rows; ``timeout`` (seconds) bounds the time
    spent reading rows (a remote query: the whole request); ``progress(done, total)`` is called
    as the graph and data files load; ``engine`` is an Engine to query instead of the shipped
    graph's (built beforehand, say with data files).
    """
    if (text is None) == (name is None):
        raise InputError("give a query text or the name of a named query, not both or neither")
    if name is not None:
        from .named import named_query

        nq = named_query(name)
        text = nq.text
        params = nq.check(params)
    if endpoint is not None:
        if data or engine is not None:
            raise InputError("--data goes with the local engine; push the data to the endpoint "
                             "first (iccs push)")
        from .remote import remote_query

        return remote_query(endpoint, text, params=params, limit=limit, timeout=timeout, auth=auth)
    if engine is not None and data:
        raise InputError("give data files or an engine, not both")
    if engine is None:  # (not `engine or`: an Engine of no triples is falsy)
        engine = Engine(data=data, progress=progress) if data else default_engine()
    deadline = time.monotonic() + timeout if timeout else None
    return engine.query(text, params=params, limit=limit, deadline=deadline)
