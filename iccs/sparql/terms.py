"""Query parameters as RDF terms.

A parameter ``name=value`` is bound to the variable ``?name`` as an RDF term by the engine
(Oxigraph substitutions, or a ``VALUES`` block for a remote endpoint); its text never becomes
query text. How the value is read:

- ``<https://…>``: an IRI;
- ``"…"``, ``"…"@es``, ``"…"^^xsd:integer``, ``"…"^^<…>``: a literal written as in Turtle;
- ``skos:Concept`` (a predeclared prefix, then a local name): an IRI;
- anything else: a plain string literal, as typed (``code=0101`` is the string "0101").
"""
import re

from ..errors import InputError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PNAME = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):([A-Za-z0-9_][A-Za-z0-9_.-]*)?$")


def parse_term(value, prefixes=None):
    """An RDF term (pyoxigraph) from the text of a parameter value."""
    import pyoxigraph as ox

    from .engine import PREFIXES

    prefixes = PREFIXES if prefixes is None else prefixes
    if not isinstance(value, str):
        if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
            return value
        if isinstance(value, bool):
            return ox.Literal(str(value).lower(), datatype=ox.NamedNode(prefixes["xsd"] + "boolean"))
        if isinstance(value, int):
            return ox.Literal(str(value), datatype=ox.NamedNode(prefixes["xsd"] + "integer"))
        if isinstance(value, float):
            return ox.Literal(repr(value), datatype=ox.NamedNode(prefixes["xsd"] + "double"))
        value = str(value)
    if value[:1] in ("<", '"', "'"):
        return _turtle_term(value, prefixes)
    match = _PNAME.match(value)
    if match and match.group(1) in prefixes:
        return ox.NamedNode(prefixes[match.group(1)] + (match.group(2) or ""))
    return ox.Literal(value)


def _turtle_term(value, prefixes):
    """One term written as in Turtle, read by a Turtle parser: exactly one object or an error."""
    import pyoxigraph as ox

    head = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in prefixes.items())
    doc = f"{head}<urn:iccs:s> <urn:iccs:p> {value} .\n"
    try:
        triples = list(ox.parse(doc.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError):
        raise InputError(f"not an RDF term: {value!r} (write an IRI as <…>, a literal as \"…\", "
                         f"\"…\"@lang or \"…\"^^xsd:type)") from None
    if len(triples) != 1 or triples[0].subject != ox.NamedNode("urn:iccs:s"):
        raise InputError(f"not one RDF term: {value!r}")
    return triples[0].object


def parse_param(text, prefixes=None):
    """``"name=value"`` → ``(name, term)``."""
    name, sep, value = str(text).partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not _NAME.match(name):
        raise InputError(f"a parameter is NAME=VALUE (NAME a SPARQL variable name), not {text!r}")
    return name, parse_term(value, prefixes)


def parse_params(params, prefixes=None):
    """A dict ``{name: term}`` from a dict of values, or from a list of ``"name=value"`` strings."""
    if not params:
        return {}
    if isinstance(params, dict):
        out = {}
        for name, value in params.items():
            name = str(name).lstrip("?$")
            if not _NAME.match(name):
                raise InputError(f"not a SPARQL variable name: {name!r}")
            out[name] = parse_term(value, prefixes)
        return out
    return dict(parse_param(p, prefixes) for p in params)
