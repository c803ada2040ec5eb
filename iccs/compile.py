"""The shipped graph compiled into plain data (dicts, lists, strings) for the library and the cache.

Each category with its labels, notes, links, index terms and footnotes; the tags; the errata.
"""
from . import namespaces as ns

_NS = {}


def _ns():
    if not _NS:
        _NS.update(ns.rdflib_namespaces())
    return _NS


def texts(graph, subject, prop):
    """``{lang: [values]}`` of a property, sorted."""
    out = {}
    for value in graph.objects(subject, prop):
        out.setdefault(value.language or "", []).append(str(value))
    return {lang: sorted(values) for lang, values in out.items()}


def first(graph, subject, prop):
    """``{lang: value}``: one value per language."""
    return {lang: values[0] for lang, values in texts(graph, subject, prop).items()}


def compile_graph(graph):
    """Plain data (dicts, lists, strings) for every ICCS category of an rdflib graph."""
    from rdflib import RDF, RDFS, URIRef

    SKOS, XKOS, ICCS, DCT = (_ns()[k] for k in ("skos", "xkos", "iccs", "dcterms"))
    scheme = URIRef(ns.SCHEME)
    prefix = ns.category_iri("")

    def code_of(node):
        return notation.get(node) or str(node).replace(prefix, "")

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
            "label": first(graph, node, SKOS.prefLabel),
            "definition": {k: " ".join(v) for k, v in texts(graph, node, SKOS.definition).items()},
            "inclusions": {k: " ".join(v) for k, v in texts(graph, node, XKOS.inclusionNote).items()},
            "exclusions": {k: " ".join(v) for k, v in texts(graph, node, XKOS.exclusionNote).items()},
            "refers_to": sorted(code_of(o) for o in graph.objects(node, ICCS.refersTo)),
            "excludes": sorted(code_of(o) for o in graph.objects(node, ICCS.excludes)),
            "applies_exclusions_of": sorted(code_of(o) for o in graph.objects(node, ICCS.appliesExclusionsOf)),
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
        "title": first(graph, scheme, SKOS.prefLabel),
        "version": str(graph.value(scheme, _ns()["owl"].versionInfo) or ""),
        "order": sorted(categories),
        "categories": categories,
        "tags": _compile_tags(graph),
        "themes": _compile_themes(graph, notation),
        "errata": _compile_errata(graph, code_of),
    }


def _compile_tags(graph):
    from rdflib import RDF

    SKOS, ICCS = _ns()["skos"], _ns()["iccs"]
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
                "label": first(graph, code, SKOS.prefLabel),
                "definition": first(graph, code, SKOS.definition),
            })
        codes.sort(key=lambda c: (len(c["code"]), c["code"]))
        tags.append({
            "acronym": str(graph.value(scheme, SKOS.notation)),
            "group": ", ".join(str(g).rsplit("/", 1)[-1] for g in groups),
            "group_label": {lang: ", ".join(first(graph, g, SKOS.prefLabel).get(lang, "") for g in groups)
                            for lang in ("en", "es")},
            "label": first(graph, scheme, SKOS.prefLabel),
            "definition": first(graph, scheme, SKOS.definition),
            "codes": codes,
        })
    tags.sort(key=lambda t: (rank(t["group"].split(",")[0]), t["acronym"].casefold()))
    return tags


def _compile_errata(graph, code_of):
    from rdflib import RDF, RDFS

    ICCS, DCT = _ns()["iccs"], _ns()["dcterms"]
    out = []
    for node in graph.subjects(RDF.type, ICCS.Erratum):
        def value(prop, node=node):
            v = graph.value(node, prop)
            return "" if v is None else str(v)

        concerns = graph.value(node, ICCS.concerns)
        out.append({
            "id": value(DCT.identifier), "table": value(ICCS.table), "key": value(ICCS.key),
            "field": value(ICCS.field), "printed": value(ICCS.printedValue),
            "corrected": value(ICCS.correctedValue), "page_en": value(ICCS.pageEnglishEdition),
            "page_es": value(ICCS.pageSpanishEdition), "reason": value(RDFS.comment),
            "action": value(ICCS.action),
            # correct and drop change what the graph holds; a note records a fault kept as printed
            "applied": value(ICCS.action) in ("correct", "drop"),
            "category": code_of(concerns) if concerns is not None else "",
        })
    out.sort(key=lambda e: e["id"])
    return out


def _compile_themes(graph, notation):
    from rdflib import RDF, RDFS

    SKOS, ICCS, DCT = _ns()["skos"], _ns()["iccs"], _ns()["dcterms"]
    ident = {theme: str(graph.value(theme, SKOS.notation)) for theme in graph.subjects(RDF.type, ICCS.Theme)}

    def text(node, prop):
        return str(graph.value(node, prop) or "")

    themes = []
    for theme, theme_id in ident.items():
        members = list(graph.objects(theme, SKOS.member))
        rules = []
        for rule in graph.objects(theme, ICCS.tagRule):
            conditions = []
            for tag in graph.objects(rule, ICCS.tag):
                scheme = graph.value(tag, SKOS.inScheme)
                conditions.append({"tag": str(graph.value(scheme, SKOS.notation)),
                                   "value": str(graph.value(tag, SKOS.notation)),
                                   "label": first(graph, tag, SKOS.prefLabel)})
            conditions.sort(key=lambda c: (c["tag"], len(c["value"]), c["value"]))
            scope = graph.value(rule, ICCS.category)
            rules.append({"scope": notation.get(scope) if scope is not None else None,
                          "conditions": conditions, "note": text(rule, RDFS.comment)})
        partial = []
        for part in graph.objects(theme, ICCS.partialMember):
            partial.append({"code": notation.get(graph.value(part, ICCS.category), ""),
                            "basis": sorted(str(b) for b in graph.objects(part, ICCS.basis)),
                            "note": text(part, RDFS.comment)})
        themes.append({
            "id": theme_id,
            "parents": sorted(ident[t] for t in graph.subjects(SKOS.member, theme) if t in ident),
            "label": first(graph, theme, SKOS.prefLabel),
            "definition": first(graph, theme, SKOS.definition),
            "instruments": sorted(
                ({"title": text(i, DCT.title), "cited_as": text(i, DCT.alternative),
                  "date": text(i, DCT.date), "note": text(i, RDFS.comment)}
                 for i in graph.objects(theme, DCT.references)), key=lambda i: i["title"]),
            "categories": sorted(notation[m] for m in members if m in notation),
            "subthemes": sorted(ident[m] for m in members if m in ident),
            "rules": sorted(rules, key=lambda r: (r["scope"] or "", [(c["tag"], c["value"]) for c in r["conditions"]])),
            "partial": sorted(partial, key=lambda p: p["code"]),
            "leaves_out": sorted(notation[c] for c in graph.objects(theme, ICCS.leavesOut) if c in notation),
        })
    themes.sort(key=lambda t: t["id"])
    return themes
