"""Findings of a submission as a SHACL validation report (``sh:ValidationReport``, Turtle), the
way a SHACL engine writes one: a result per finding with its focus node (the row,
``<file:///path#row=N>``), source shape (the rule), severity, message and value."""
import os

from .cube import observation_iri
from .ruleset import RULES_NS

_SEVERITY = {"error": "Violation", "warning": "Warning", "info": "Info"}


def to_graph(report):
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDF

    from .. import namespaces as ns
    from ..graph import new_graph

    SH = ns.rdflib_namespaces()["sh"]
    g = new_graph()
    g.bind("rule", RULES_NS)
    root = BNode("report")
    g.add((root, RDF.type, SH.ValidationReport))
    g.add((root, SH.conforms, Literal(report.valid)))
    for i, f in enumerate(report.sorted()):
        result = BNode(f"r{i + 1}")
        g.add((root, SH.result, result))
        g.add((result, RDF.type, SH.ValidationResult))
        g.add((result, SH.resultSeverity, SH[_SEVERITY.get(f.severity, "Violation")]))
        g.add((result, SH.sourceShape, URIRef(RULES_NS + f.code)))
        g.add((result, SH.resultMessage, Literal(f.message)))
        if f.file and f.row:
            g.add((result, SH.focusNode, URIRef(observation_iri(f.file, f.row))))
        elif f.file:
            g.add((result, SH.focusNode, URIRef("file://" + os.path.abspath(f.file))))
        if f.value:
            g.add((result, SH.value, Literal(f.value)))
    return g


def to_turtle(report):
    return to_graph(report).serialize(format="turtle")
