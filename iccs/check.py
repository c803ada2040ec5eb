"""The one way to run SHACL: the shapes of ``shapes/`` over a graph, results as Findings."""
import contextlib
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


@contextlib.contextmanager
def _sparql_parsed_once():
    """pySHACL hands rdflib the text of a SPARQL constraint once per focus node, and rdflib parses
    it every time (about 0.2 s each here). While this runs, rdflib parses each text once. (Not
    thread-safe: SHACL runs one at a time in this package.)"""
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.evaluate import evalQuery

    original = processor.SPARQLProcessor.query
    cache = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            if key not in cache:
                cache[key] = processor.prepareQuery(strOrQuery, initNs or {}, base)
            strOrQuery = cache[key]
        return evalQuery(self.graph, strOrQuery, initBindings or {}, base)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


def validate(data_graph, shapes_graph=None):
    """Run the shapes over an rdflib graph; returns the findings (unsorted)."""
    from pyshacl import validate as shacl_validate
    from rdflib import RDF, URIRef

    shapes_graph = shapes_graph if shapes_graph is not None else load_graph(shape_files())
    # inplace: no inference is asked for, so the data graph is not changed and need not be copied.
    with _sparql_parsed_once():
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


def check(files=None, with_iccs=False, progress=None):
    """Check the shipped graph (no files) or the given RDF files against the ICCS shapes.

    Two uses: a *modified copy* of the ICCS (an export edited by hand) is checked alone, so that
    what it lacks is seen; an *extension* that cites categories (index entries, mappings) is
    checked ``with_iccs``, together with the shipped graph. A file that holds the ICCS scheme
    itself, checked with the shipped graph, gets a warning: the shipped triples would hide any
    deletion in it. ``progress(text)``, if given, is told each stage (reading a file, validating).
    """
    started = time.perf_counter()
    say = progress or (lambda text: None)
    shipped = ontology_files()
    findings = []
    if files is None:
        checked = [os.path.basename(p) for p in shipped]
        say(f"reading the shipped graph ({len(shipped)} files)")
        graph = load_graph(shipped)
    else:
        checked = [str(f) for f in files] + (["the shipped ICCS graph"] if with_iccs else [])
        for f in files:
            say(f"reading {f} ({_size(f)})")
        graph = load_graph(files)
        if with_iccs:
            from rdflib import URIRef
            from rdflib.namespace import RDF, SKOS

            if (URIRef(ns.SCHEME), RDF.type, SKOS.ConceptScheme) in graph:
                findings.append(Finding(
                    code="CopyCheckedWithShippedGraph", severity="warning", focus=ns.SCHEME,
                    message="the files hold the ICCS scheme itself: with --with-iccs the shipped "
                            "triples hide anything deleted from them; check a modified copy alone"))
            say("adding the shipped graph")
            for path in shipped:
                graph.parse(path, format="turtle")
    say(f"validating {len(graph):,} triples against the shapes")
    findings += validate(graph)
    return Report(findings=sorted(set(findings)), checked=checked,
                  stats={"triples": len(graph), "seconds": round(time.perf_counter() - started, 2)})


def _size(path):
    try:
        size = os.path.getsize(path)
    except OSError:
        return "?"
    return f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.1f} kB"
