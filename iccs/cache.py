"""A compiled copy of the shipped graph, so that a command starts without parsing Turtle.

The graph is compiled once into plain dicts and lists (``compile_graph``) and stored with
``marshal`` in the user's cache folder (``$ICCS_CACHE_DIR``, else ``$XDG_CACHE_HOME/iccs``, else
``~/.cache/iccs``). The cache carries a stamp of the Turtle files (path, size, modification
time), of this module's format version and of the Python version: when the graph changes, the
stamp no longer matches and the cache is rebuilt by itself. It is written atomically; a cache
that cannot be read or written is simply rebuilt in memory.

This module is on the path of every start of the command line: it imports only what is cheap.
"""
import marshal
import os
import sys

from . import namespaces as ns
from .resources import ontology_files

FORMAT = 8  # the layout of the cache file


def cache_dir():
    if os.environ.get("ICCS_CACHE_DIR"):
        return os.environ["ICCS_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "iccs")


def stamp(files):
    """What the cache must have been built from: format, Python, and each file's size and time."""
    parts = [f"format {FORMAT}", f"python {sys.version_info[0]}.{sys.version_info[1]}"]
    for path in files:
        st = os.stat(path)
        parts.append(f"{path} {st.st_size} {st.st_mtime_ns}")
    return "\n".join(parts)


def cache_path():
    return os.path.join(cache_dir(), "iccs-%d%d.marshal" % sys.version_info[:2])


def load_compiled():
    """The compiled classification of the shipped graph, from the cache when it is fresh."""
    current = stamp(ontology_files() + [__file__])  # this file too: a change here recompiles
    path = cache_path()
    try:
        with open(path, "rb") as f:
            cached = marshal.load(f)
        if cached["stamp"] == current:
            return cached["data"]
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        pass
    from .files import write_atomic
    from .graph import load_graph

    data = pack(compile_graph(load_graph()))
    try:
        write_atomic(path, marshal.dumps({"stamp": current, "data": data}))
    except OSError:
        pass
    return data


def pack(data):
    """Each category, the tags and the errata as marshal bytes of their own: a start reads the
    whole file but decodes only the categories it shows (see ``unpack``)."""
    packed = dict(data)
    packed["categories"] = {code: marshal.dumps(entry) for code, entry in data["categories"].items()}
    for key in ("tags", "errata"):
        packed[key] = marshal.dumps(data[key])
    return packed


def unpack(value):
    return marshal.loads(value) if isinstance(value, bytes) else value


def compile_graph(graph):
    """Plain data (dicts, lists, strings) for every ICCS category of an rdflib graph."""
    from rdflib import RDF, RDFS, URIRef

    N = ns.rdflib_namespaces()
    SKOS, XKOS, ICCS, DCT = N["skos"], N["xkos"], N["iccs"], N["dcterms"]
    scheme = URIRef(ns.SCHEME)

    prefix = ns.category_iri("")

    def code_of(node):
        return notation.get(node) or str(node).replace(prefix, "")

    def texts(subject, prop):
        out = {}
        for value in graph.objects(subject, prop):
            out.setdefault(value.language or "", []).append(str(value))
        return {lang: sorted(values) for lang, values in out.items()}

    notation = {}
    for node in graph.subjects(SKOS.inScheme, scheme):
        if (node, RDF.type, SKOS.Concept) in graph:
            notation[node] = str(graph.value(node, SKOS.notation) or "")
    level_of = {}
    for level, name in ((URIRef(ns.level_iri(n)), n) for n, _, _ in ns.LEVELS):
        for member in graph.objects(level, SKOS.member):
            level_of[member] = name
    categories = {}
    for node, code in notation.items():
        parent = graph.value(node, SKOS.broader)
        entry = {
            "code": code,
            "level": level_of.get(node, ""),
            "parent": notation.get(parent) if parent is not None else None,
            "children": sorted(notation[c] for c in graph.objects(node, SKOS.narrower) if c in notation),
            "label": {k: v[0] for k, v in texts(node, SKOS.prefLabel).items()},
            "definition": {k: " ".join(v) for k, v in texts(node, SKOS.definition).items()},
            "inclusions": {k: " ".join(v) for k, v in texts(node, XKOS.inclusionNote).items()},
            "exclusions": {k: " ".join(v) for k, v in texts(node, XKOS.exclusionNote).items()},
            "refers_to": sorted(code_of(o) for o in graph.objects(node, ICCS.refersTo)),
            "excludes": sorted(code_of(o) for o in graph.objects(node, ICCS.excludes)),
            "index": {},
            "footnotes": {},
        }
        for note in graph.objects(node, ICCS.footnote):
            value = graph.value(note, RDF.value)
            lang = value.language if value is not None else ""
            terms = sorted(str(label) for concept in graph.subjects(DCT.source, note)
                           for label in graph.objects(concept, SKOS.prefLabel))
            entry["footnotes"].setdefault(lang, []).append(
                [int(graph.value(note, ICCS.footnoteNumber) or 0), "; ".join(terms), str(value or "")])
        for notes in entry["footnotes"].values():
            notes.sort()
        categories[code] = entry
    for entry_node in graph.subjects(RDF.type, ICCS.IndexEntry):
        target = notation.get(graph.value(entry_node, XKOS.classifiedUnder))
        label = graph.value(entry_node, RDFS.label)
        if target and label is not None:
            categories[target]["index"].setdefault(label.language or "", []).append(str(label))
    for entry in categories.values():
        for terms in entry["index"].values():
            terms.sort(key=str.casefold)
    return {
        "format": FORMAT,
        "title": {k: v[0] for k, v in texts(scheme, SKOS.prefLabel).items()},
        "order": sorted(categories),
        "categories": categories,
        "tags": _compile_tags(graph, texts),
        "errata": _compile_errata(graph, code_of),
    }


def _compile_tags(graph, texts):
    from rdflib import RDF

    N = ns.rdflib_namespaces()
    SKOS, ICCS = N["skos"], N["iccs"]
    tags = []
    order = ("event", "victim", "perpetrator", "data")

    def rank(key):
        return order.index(key) if key in order else len(order)

    for scheme in graph.subjects(RDF.type, ICCS.DisaggregatingVariable):
        groups = sorted(graph.objects(scheme, ICCS.disaggregationGroup),
                        key=lambda g: rank(str(g).rsplit("/", 1)[-1]))
        codes = []
        for code in graph.subjects(SKOS.inScheme, scheme):
            parent = graph.value(code, SKOS.broader)
            codes.append({
                "code": str(graph.value(code, SKOS.notation)),
                "parent": str(graph.value(parent, SKOS.notation)) if parent is not None else None,
                "label": {k: v[0] for k, v in texts(code, SKOS.prefLabel).items()},
                "definition": {k: v[0] for k, v in texts(code, SKOS.definition).items()},
            })
        codes.sort(key=lambda c: (len(c["code"]), c["code"]))
        tags.append({
            "acronym": str(graph.value(scheme, SKOS.notation)),
            "group": ", ".join(str(g).rsplit("/", 1)[-1] for g in groups),
            "group_label": {lang: ", ".join(texts(g, SKOS.prefLabel).get(lang, [""])[0] for g in groups)
                            for lang in ("en", "es")},
            "label": {k: v[0] for k, v in texts(scheme, SKOS.prefLabel).items()},
            "definition": {k: v[0] for k, v in texts(scheme, SKOS.definition).items()},
            "codes": codes,
        })
    tags.sort(key=lambda t: (rank(t["group"].split(",")[0]), t["acronym"].casefold()))
    return tags


def _compile_errata(graph, code_of):
    from rdflib import RDF, RDFS

    N = ns.rdflib_namespaces()
    ICCS, DCT = N["iccs"], N["dcterms"]
    out = []
    for node in graph.subjects(RDF.type, ICCS.Erratum):
        def value(prop):
            v = graph.value(node, prop)
            return "" if v is None else str(v)

        concerns = graph.value(node, ICCS.concerns)
        out.append({
            "id": value(DCT.identifier), "table": value(ICCS.table), "key": value(ICCS.key),
            "field": value(ICCS.field), "printed": value(ICCS.printedValue),
            "corrected": value(ICCS.correctedValue), "page_en": value(ICCS.pageEnglishEdition),
            "page_es": value(ICCS.pageSpanishEdition), "reason": value(RDFS.comment),
            "category": code_of(concerns) if concerns is not None else "",
        })
    out.sort(key=lambda e: e["id"])
    return out
