"""Checks of a correspondence table: SHACL shapes plus what is not shape-shaped.

:func:`check` runs the shapes of ``shapes/correspondence/`` (via :func:`iccs.check.validate`) over
the table as XKOS (:func:`.xkos.to_graph`) together with the ICCS categories and tag codes, and
adds the checks that need the whole table or the tree:

- ``MappedTwice`` (error): a national code on several rows, not all of relation partial;
- ``DuplicateMapping`` (error): the same national code → ICCS code twice;
- ``LabelDiffers`` (warning): one national code with different labels;
- ``MalformedTag`` (error): a tag that is not ``acronym=value``;
- ``UnknownMethod`` (error): a method other than accepted, corrected, manual;
- ``ParentWithChildren`` (warning): a narrower or partial mapping to a category that has
  subcategories, one of which may fit more precisely;
- ``ResidualShare`` (warning): more than ``residual_share`` of the national codes map to residual
  "Other …" categories (the ICCS asks for them "as sparingly as possible");
- ``UnmappedSuggestion`` (warning): a national code of the suggestion list with no row.

The report's ``stats["coverage"]`` gives, for each ICCS section, the national codes mapped into
it and the share of its most detailed categories covered (mapped to themselves or an ancestor).
Every finding about a row says file, row and column.
"""
import os
import time
from urllib.parse import unquote

from .. import namespaces as ns
from ..findings import Finding, Report
from .table import METHODS, load_table, parse_tags

# path of a shape result → column of the table
_COLUMN = {"xkos:sourceConcept": "national_code", "skos:notation": "national_code",
           "xkos:targetConcept": "iccs_code", "iccs:mappingRelation": "relation",
           "iccs:impliedTag": "tags", "prov:endedAtTime": "decided_at", "iccs:score": "score",
           "prov:wasAssociatedWith": "reviewer"}


def shapes_path():
    """The folder of the correspondence shapes (inside the package or beside it)."""
    from ..resources import _folder

    return os.path.join(_folder("shapes"), "correspondence")


def shapes_graph():
    from ..graph import load_graph

    folder = shapes_path()
    return load_graph([os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".ttl")])


def reference_graph(classification):
    """The ICCS categories and tag codes, just enough for the shapes to say what exists."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF

    from ..graph import new_graph

    N = ns.rdflib_namespaces()
    SKOS = N["skos"]
    g = new_graph()
    scheme = URIRef(ns.SCHEME)
    for c in classification:
        node = URIRef(ns.category_iri(c.code))
        g.add((node, SKOS.inScheme, scheme))
        g.add((node, SKOS.notation, Literal(c.code)))
    for t in classification.tags():
        tag_scheme = URIRef(f"{ns.EDITION}tag/{t['acronym']}")
        g.add((tag_scheme, RDF.type, N["iccs"].DisaggregatingVariable))
        for code in t["codes"]:
            node = URIRef(f"{ns.EDITION}tag/{t['acronym']}/{code['code']}")
            g.add((node, SKOS.inScheme, tag_scheme))
            g.add((node, SKOS.notation, Literal(code["code"])))
    return g


def check(table, suggestions=None, residual_share=0.10, classification=None, file=None):
    """Check a correspondence table (a path, or a list of :class:`~.table.Mapping`); returns a
    :class:`~iccs.findings.Report`. ``suggestions``: the suggestion list it was reviewed from (a
    CSV/TSV/XLSX with a ``national_code`` column, or the JSON of ``iccs map suggest``), to report
    its national codes left unmapped."""
    started = time.perf_counter()
    if classification is None:
        import iccs

        classification = iccs.load()
    if isinstance(table, (str, bytes)) or hasattr(table, "__fspath__"):
        file = str(table)
        mappings = load_table(table)
    else:
        mappings = list(table)
    file = file or ""
    findings = _shape_findings(mappings, classification, file)
    findings += _table_findings(mappings, classification, file, residual_share)
    checked = [file or "table"]
    if suggestions is not None:
        findings += _unmapped(mappings, suggestions)
        checked.append(str(suggestions))
    stats = {"mappings": len(mappings), "national_codes": len({m.national_code for m in mappings}),
             "coverage": coverage(mappings, classification),
             "seconds": round(time.perf_counter() - started, 2)}
    return Report(findings=sorted(set(findings)), checked=checked, stats=stats)


def _shape_findings(mappings, classification, file):
    from rdflib import URIRef

    from ..check import _short, validate
    from .xkos import to_graph

    # Malformed tags are reported by _table_findings; the shapes see only the well-formed ones.
    clean = [m.with_(tags=";".join(f"{k}={v}" for k, v in parse_tags(m.tags).items() if k and v)) for m in mappings]
    base = "urn:iccs:check:"
    graph = to_graph(clean, base=base, issued="2000-01-01")
    graph += reference_graph(classification)
    xkos = ns.rdflib_namespaces()["xkos"]
    where = {}  # a node → (mapping, what the node is)
    for n, m in enumerate(mappings, start=1):
        a = f"{base}association/{n}"
        for node, kind in ((a, "association"), (a + "/review", "review"), (a + "/suggestion", "suggestion")):
            where[node] = (m, kind)
        where.setdefault(str(graph.value(URIRef(a), xkos.sourceConcept)), (m, "offence"))
    findings = validate(graph, shapes_graph())
    if any(f.focus.strip("<>") not in where for f in findings):  # named as validate() names them
        where.update({_short(URIRef(node), graph): value for node, value in list(where.items())})
    out = []
    for f in findings:
        found = where.get(f.focus.strip("<>")) or where.get(f.focus)
        if found is None:
            out.append(f)
            continue
        m, kind = found
        column = "suggested_code" if kind == "suggestion" and f.path == "xkos:targetConcept" else _COLUMN.get(f.path, "")
        value = getattr(m, column) if column else f.value
        if column == "tags" and f.value.startswith("tag/"):  # the one tag at fault, as written
            value = "=".join(unquote(p) for p in f.value[len("tag/"):].split("/", 1))
        out.append(Finding(code=f.code, message=f.message, severity=f.severity, value=value,
                           file=file, row=m.line, column=column))
    return out


def _table_findings(mappings, classification, file, residual_share):
    out = []

    def finding(code, m, column, message, severity="error", value=None):
        out.append(Finding(code=code, message=message, severity=severity, file=file, row=m.line,
                           column=column, value=getattr(m, column) if value is None else value))

    by_code = {}
    for m in mappings:
        by_code.setdefault(m.national_code, []).append(m)
    for code, rows in by_code.items():
        if not code:
            continue
        if len(rows) > 1 and any(m.relation != "partial" for m in rows):
            for m in rows[1:]:
                finding("MappedTwice", m, "national_code",
                        f"{code} is mapped on {len(rows)} rows (first at row {rows[0].line}) and not all "
                        "with relation partial: a national code maps to several categories only in part")
        seen = {}
        for m in rows:
            if m.iccs_code in seen:
                finding("DuplicateMapping", m, "iccs_code",
                        f"{code} → {m.iccs_code} is already on row {seen[m.iccs_code].line}")
            else:
                seen[m.iccs_code] = m
        labels = {m.national_label for m in rows}
        if len(labels) > 1:
            finding("LabelDiffers", rows[-1], "national_label",
                    f"{code} has {len(labels)} different labels; the export keeps one", severity="warning")
    for m in mappings:
        for name, value in parse_tags(m.tags).items():
            if not name or not value:
                finding("MalformedTag", m, "tags", "a tag is written acronym=value, several separated "
                        "by ';' (Cy=1;SV=2)", value=f"{name}={value}" if value else name)
        if m.method and m.method not in METHODS:
            finding("UnknownMethod", m, "method", f"the method is one of {', '.join(METHODS)}")
        c = classification.get(m.iccs_code) if m.iccs_code else None
        if c is not None and c.children and m.relation in ("narrower", "partial"):
            finding("ParentWithChildren", m, "iccs_code",
                    f"mapped {m.relation} to {c.code}, which has subcategories "
                    f"({', '.join(x.code for x in c.children)}): one of them may fit more precisely",
                    severity="warning")
    mapped = {m.national_code for m in mappings if m.national_code and classification.get(m.iccs_code or "-")}
    residual = {m.national_code for m in mappings if m.national_code and _is_residual(classification, m.iccs_code)}
    if mapped and len(residual) / len(mapped) > residual_share:
        out.append(Finding(code="ResidualShare", severity="warning", file=file, value=f"{len(residual) / len(mapped):.0%}",
                           message=f"{len(residual)} of {len(mapped)} national codes map to residual "
                                   f"'Other …' categories, more than {residual_share:.0%}: the ICCS asks "
                                   "for them as sparingly as possible, after a review of the whole "
                                   "classification"))
    return out


def _is_residual(classification, code):
    """A residual category: its name starts with "Other" (ICCS v1.0, part two: "residual
    categories represented by the word 'other' in the category name")."""
    c = classification.get(code) if code else None
    return c is not None and c.label("en").startswith("Other ")


def _unmapped(mappings, suggestions):
    """National codes of the suggestion list with no row in the table."""
    have = {m.national_code for m in mappings}
    out, seen = [], set()
    for code, line in _suggested_codes(suggestions):
        if code and code not in have and code not in seen:
            seen.add(code)
            out.append(Finding(code="UnmappedSuggestion", severity="warning", file=str(suggestions), row=line,
                               column="national_code", value=code,
                               message="a national code of the suggestion list has no row in the table"))
    return out


def _suggested_codes(path):
    """(national code, line) of a suggestion list, read by the mapping's one reader of
    suggestion files (CSV or JSON of ``iccs map suggest``); an offence list (CSV/TSV/XLSX with a
    ``national_code`` column) is accepted too."""
    from ..errors import InputError
    from ..mapping.inputs import read_suggestions
    from ..tables import read_table

    path = str(path)
    try:
        return [(o.national_code, getattr(o, "line", 0) or 0) for o in read_suggestions(path)]
    except InputError as not_suggestions:
        try:
            table = read_table(path, required=["national_code"], header_hint=("national_code",))
        except InputError:
            raise not_suggestions from None
    column = table.column("national_code")
    return [(row[column], row.line) for row in table]


def coverage(mappings, classification):
    """Per ICCS section: national codes mapped into it, its most detailed categories (those
    without subcategories) and how many of them are covered — mapped to themselves or to an
    ancestor."""
    section_of = {}
    for m in mappings:
        c = classification.get(m.iccs_code) if m.iccs_code else None
        if c is not None:
            section_of.setdefault(c.path[0].code, set()).add(m.national_code)
    targets = {m.iccs_code for m in mappings}
    rows = []
    for section in classification.sections():
        leaves = [c for c in classification.tree(section.code) if not c.children]
        covered = sum(1 for c in leaves if any(p.code in targets for p in c.path))
        rows.append({"section": section.code, "label": section.label("en"),
                     "national_codes": len(section_of.get(section.code, ())), "categories": len(leaves),
                     "covered": covered, "share": round(covered / len(leaves), 3) if leaves else 0.0})
    return rows
