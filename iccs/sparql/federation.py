"""SERVICE clauses (federation): found so that no spelling hides them.

An endpoint that runs ``SERVICE <url> { … }`` sends a request to whatever ``url`` a client names
(its own loopback, the intranet behind it) and hands back the answer: ``iccs serve`` refuses such
a query (400) unless its operator started it with ``--allow-service``.

The check reads the query, not a pattern of its text: the SPARQL scanner of ``values`` (which
skips comments, strings, IRIs, variables, prefixed names and language tags) and rdflib's SPARQL
parser, whose parse tree has a ``ServiceGraphPattern`` wherever a SERVICE clause is, at any depth
(OPTIONAL, UNION, MINUS, GRAPH, EXISTS, a subquery), in any case, SILENT or not. Either finding
one refuses the query. A query without the seven letters "service" (in any case, after
``\\uXXXX`` escapes) cannot have the keyword and is not parsed again: a lookup pays nothing. A
query that has them and that rdflib cannot parse is refused too: what cannot be checked is not
run.
"""
import re

from ..errors import InputError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class ServiceRefused(InputError):
    """A query with a SERVICE clause, sent to an endpoint that does not federate."""


def _unescaped(text):
    """The text with SPARQL's codepoint escapes (``\\u0053``, ``\\U00000053``) expanded, as the
    SPARQL 1.1 grammar reads them before anything else."""
    def expand(match):
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _ESCAPE.sub(expand, text)


def _in_tree(tree):
    """Whether rdflib's parse tree holds a SERVICE pattern (walked without recursion)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
    return False


def service_reason(text):
    """Why ``text`` counts as a query with SERVICE, or None when it has none."""
    texts = [text] + ([_unescaped(text)] if "\\" in text else [])
    if not any("service" in t.lower() for t in texts):
        return None  # the keyword cannot be there: nothing to parse
    from .values import _tokens

    if any(token == "SERVICE" for t in texts for _, token, _ in _tokens(t)):
        return "it has a SERVICE clause"
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        tree = parseQuery(text)
    except Exception:  # a syntax rdflib does not read, or nesting past its recursion limit
        return "it mentions 'service' where the check cannot tell whether that is a SERVICE clause"
    return "it has a SERVICE clause" if _in_tree(tree) else None


def refuse_service(text):
    """Raise ServiceRefused when ``text`` has a SERVICE clause (see ``service_reason``)."""
    reason = service_reason(text)
    if reason:
        raise ServiceRefused(f"federation is refused: {reason}, and this endpoint does not send "
                             "requests to other endpoints on a client's behalf (its operator can "
                             "allow it: iccs serve --allow-service)")


def warm():
    """Import the parser before the server forks its workers (shared, and not paid per worker)."""
    service_reason("SELECT * WHERE { ?s ?p 'service' }")
