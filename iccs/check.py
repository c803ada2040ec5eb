"""The one way to run SHACL: the shapes of ``shapes/`` over a graph, results as Findings."""
import os
import time

from . import namespaces as ns
from .findings import Finding, Report
from .graph import load_graph
from .resources import ontology_files, shape_files

_SEVERITY = {"Violation": "error", "Warning": "warning", "Info": "info"}


def _short(node, graph):
    """A readable name: an ICCS category as its notation, other IRIs as prefixed names."""
    from rdflib import URIRef

    if isinstance(node, URIRef):
        text = str(node)
        if text.startswith(ns.EDITION + "category/"):
            return text[len(ns.EDITION) + len("category/"):]
        if text.startswith(ns.EDITION):
            return text[len(ns.EDITION):]
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:
            return text
    return str(node)


def validate(data_graph, shapes_graph=None):
    """Run the shapes over an rdflib graph; returns the findings (unsorted)."""
    from pyshacl import validate as shacl_validate
    from rdflib import RDF, URIRef

    shapes_graph = shapes_graph if shapes_graph is not None else load_graph(shape_files())
    # inplace: no inference is asked for, so the data graph is not changed and need not be copied.
    _, results, _ = shacl_validate(data_graph, shacl_graph=shapes_graph, advanced=True,
                                   allow_warnings=True, inference="none", inplace=True)
    SH = ns.rdflib_namespaces()["sh"]
    findings = []
    reports = list(results.subjects(RDF.type, SH.ValidationReport))
    # Only the report's own results: nested sh:detail results restate them.
    for result in (r for report in reports for r in results.objects(report, SH.result)):
        shape = results.value(result, SH.sourceShape)
        # A property shape has no name of its own here: name the finding after the node shape
        # that holds it, or after the constraint component.
        code = None
        if isinstance(shape, URIRef):
            code = str(shape).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        else:
            for owner in shapes_graph.subjects(SH.property, shape):
                if isinstance(owner, URIRef):
                    code = str(owner).rsplit("#", 1)[-1]
            name = shapes_graph.value(shape, SH.name)
            if name is not None:
                code = str(name)
        if not code:
            component = results.value(result, SH.sourceConstraintComponent)
            code = str(component).rsplit("#", 1)[-1] if component else "shacl"
        severity = _SEVERITY.get(str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1], "error")
        message = results.value(result, SH.resultMessage)
        if message is None:
            message = shapes_graph.value(shape, SH.message) or "does not conform"
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        findings.append(Finding(
            code=code, severity=severity, message=" ".join(str(message).split()),
            focus=_short(results.value(result, SH.focusNode), data_graph),
            path=_short(path, data_graph) if path is not None else "",
            value=_short(value, data_graph) if value is not None else "",
        ))
    return findings


def check(files=None, with_iccs=False):
    """Check the shipped graph (no files) or the given RDF files against the ICCS shapes; with
    ``with_iccs``, the files together with the shipped graph (an extension that cites categories)."""
    started = time.perf_counter()
    shipped = ontology_files()
    if files is None:
        files, checked = shipped, [os.path.basename(p) for p in shipped]
    else:
        checked = [str(f) for f in files] + (["the shipped ICCS graph"] if with_iccs else [])
        files = list(files) + (shipped if with_iccs else [])
    graph = load_graph(files)
    findings = sorted(set(validate(graph)))
    return Report(findings=findings, checked=checked,
                  stats={"triples": len(graph), "seconds": round(time.perf_counter() - started, 2)})
