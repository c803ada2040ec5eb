"""The rules of ``shapes/submission/``: their ids, severities, messages and descriptions, read from
the shapes themselves (the one source of the rules)."""
import os
import re
from dataclasses import dataclass
from functools import lru_cache

RULES_NS = "https://w3id.org/iccs/shapes/submission#"
_SEVERITY = {"Violation": "error", "Warning": "warning", "Info": "info"}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    message: str
    description: str
    kind: str  # "core" or "sparql": how the shape says it

    def to_dict(self):
        return {"id": self.id, "severity": self.severity, "kind": self.kind,
                "description": self.description, "message": self.message}

    def format(self, **values):
        """The message with ``{?name}`` filled from ``values``, as a SHACL engine does."""
        return re.sub(r"\{[?$](\w+)\}", lambda m: _text(values.get(m.group(1), "")), self.message)


def _text(value):
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.10g}"
    return str(value)


def shape_files():
    from ..resources import _folder

    folder = os.path.join(_folder("shapes"), "submission")
    return [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".ttl")]


@lru_cache(maxsize=1)
def shapes_graph():
    from ..graph import load_graph

    return load_graph(shape_files())


@lru_cache(maxsize=1)
def rules():
    """Every rule, by id, in the order of the shapes file (kept in the user's cache folder beside
    the compiled graph, keyed by the shapes' contents: reading Turtle needs rdflib)."""
    import hashlib
    import json

    from ..cache import cache_dir

    digest = hashlib.sha256()
    for path in shape_files():
        with open(path, "rb") as f:
            digest.update(f.read())
    cached = os.path.join(cache_dir(), f"submission-rules-{digest.hexdigest()[:16]}.json")
    try:
        with open(cached, encoding="utf-8") as f:
            return tuple(Rule(**r) for r in json.load(f))
    except (OSError, ValueError, TypeError):
        pass
    found = _read_rules()
    try:
        from ..files import write_atomic

        os.makedirs(cache_dir(), exist_ok=True)
        write_atomic(cached, json.dumps([r.__dict__ for r in found]))
    except Exception:  # a cache that cannot be written is no error
        pass
    return found


def _read_rules():
    from rdflib import RDF, RDFS, URIRef

    from .. import namespaces as ns

    SH = ns.rdflib_namespaces()["sh"]
    g = shapes_graph()
    found = []
    for shape in g.subjects(RDF.type, SH.NodeShape):
        if not isinstance(shape, URIRef) or not str(shape).startswith(RULES_NS):
            continue
        severity = g.value(shape, SH.severity)
        message = g.value(shape, SH.message)
        kind = "core"
        for constraint in g.objects(shape, SH.sparql):
            message = g.value(constraint, SH.message) or message
            kind = "sparql"
        for prop in g.objects(shape, SH.property):
            severity = g.value(prop, SH.severity) or severity
            message = g.value(prop, SH.message) or message
        rule_id = str(shape)[len(RULES_NS):]
        found.append(Rule(rule_id, _SEVERITY[str(severity or SH.Violation).rsplit("#", 1)[-1]],
                          str(message or "does not conform"), str(g.value(shape, RDFS.comment) or ""),
                          kind))
    order = _file_order()
    return tuple(sorted(found, key=lambda r: order.get(r.id, 999)))


def _file_order():
    order = {}
    for path in shape_files():
        with open(path, encoding="utf-8") as f:
            for m in re.finditer(r"^rule:(\w+) a sh:NodeShape", f.read(), re.MULTILINE):
                order.setdefault(m.group(1), len(order))
    return order


def rule(rule_id):
    for r in rules():
        if r.id == rule_id:
            return r
    raise KeyError(rule_id)
