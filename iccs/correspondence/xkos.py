"""The correspondence table as XKOS + PROV-O, and back.

:func:`to_graph` turns a list of :class:`~.table.Mapping` into an rdflib graph:

- a ``skos:ConceptScheme`` for the national list (``dcterms:title``, ``owl:versionInfo``,
  ``dcterms:spatial``), one ``skos:Concept`` per national code (``skos:notation``,
  ``skos:prefLabel``, ``skos:inScheme``);
- an ``xkos:Correspondence`` that ``xkos:compares`` the national scheme and the ICCS, with its
  label (``skos:prefLabel``), issue date (``dcterms:issued``) and ``xkos:madeOf`` its associations;
- one ``xkos:ConceptAssociation`` per row: ``xkos:sourceConcept`` the national concept,
  ``xkos:targetConcept`` the ICCS category, the relation as the matching SKOS mapping property
  (``iccs:mappingRelation skos:exactMatch`` on the association, and the same SKOS triple between
  the two concepts), the implied tags (``iccs:impliedTag`` → a code of a disaggregating variable),
  the note (``skos:note``);
- how the link was established, in PROV-O: the association ``prov:wasGeneratedBy`` a review
  (a ``prov:Activity`` typed ``iccs:AcceptedSuggestion``, ``iccs:CorrectedSuggestion`` or
  ``iccs:ManualMapping``, ``prov:wasAssociatedWith`` the reviewer, a ``prov:Person``, and
  ``prov:endedAtTime`` when it was decided); what the toolkit had suggested is a ``prov:Entity``
  (``xkos:targetConcept`` the suggested category, ``iccs:score``, evidence as ``skos:note``,
  ``prov:wasAttributedTo`` the toolkit) that the review ``prov:used`` and that the association
  ``prov:wasDerivedFrom`` (accepted) or ``prov:wasRevisionOf`` (corrected).

:func:`from_graph` reads such a graph back into the same table (tags in the order of the ICCS
tag list). Values the table holds but RDF cannot name (an unknown relation, a time that is not
ISO 8601) are kept as plain literals, so that ``iccs correspondence check`` can point at them.
"""
import re
from datetime import date
from urllib.parse import quote, unquote

from .. import namespaces as ns
from ..errors import InputError
from .table import Mapping, parse_tags

# Terms of our own (iccs: namespace) used here; no standard vocabulary has them.
MAPPING_RELATION = ns.VOCAB + "mappingRelation"
IMPLIED_TAG = ns.VOCAB + "impliedTag"
SCORE = ns.VOCAB + "score"
METHOD_CLASSES = {"accepted": ns.VOCAB + "AcceptedSuggestion", "corrected": ns.VOCAB + "CorrectedSuggestion",
                  "manual": ns.VOCAB + "ManualMapping"}
TOOLKIT = ns.BASE + "toolkit"
# relation of the table (the national offence is … the ICCS category) → SKOS mapping property
# from the national concept to the ICCS category.
SKOS_RELATION = {"exact": "exactMatch", "broader": "narrowMatch", "narrower": "broadMatch",
                 "partial": "relatedMatch"}
DEFAULT_BASE = "https://example.org/iccs-correspondence/"
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
_COUNTRY = "http://publications.europa.eu/resource/authority/country/"


def to_graph(mappings, base=DEFAULT_BASE, title="National offence list", version="", country="",
             label=None, issued=None, notation="", list_issued=None, lang="en"):
    """The mappings as an rdflib Graph (see the module). ``base``: the IRI under which the
    national scheme, its concepts, the correspondence and the associations are named (use one
    of your own); ``title``, ``version``, ``notation``, ``list_issued`` (a date) and ``country``
    (an ISO 3166 alpha-3 code, linked to the EU country authority list, or a name) describe the
    national list, its title in language ``lang``; ``label`` and ``issued`` (a date, default
    today) the correspondence. With a notation and a list date, the export meets the XKOS
    best-practice conformance shapes of the DDI Alliance."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import OWL, RDF, RDFS, XSD

    from ..graph import new_graph

    N = ns.rdflib_namespaces()
    SKOS, XKOS, DCT, PROV = N["skos"], N["xkos"], N["dcterms"], N["prov"]
    g = new_graph()
    base = str(base)
    scheme, corr = URIRef(base + "scheme"), URIRef(base + "correspondence")
    iccs_scheme = URIRef(ns.SCHEME)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCT.title, Literal(title)))
    g.add((scheme, SKOS.prefLabel, Literal(title, lang=lang)))
    if notation:
        g.add((scheme, SKOS.notation, Literal(notation)))
    if list_issued:
        g.add((scheme, DCT.issued, Literal(str(list_issued), datatype=XSD.date)))
    if version:
        g.add((scheme, OWL.versionInfo, Literal(version)))
    if country:
        g.add((scheme, DCT.spatial, URIRef(_COUNTRY + country.upper())
               if re.fullmatch(r"[A-Za-z]{3}", country) else Literal(country)))
    g.add((corr, RDF.type, XKOS.Correspondence))
    g.add((corr, XKOS.compares, scheme))
    g.add((corr, XKOS.compares, iccs_scheme))
    g.add((corr, SKOS.prefLabel, Literal(label or f"{title} to ICCS v1.0", lang="en")))
    g.add((corr, DCT.issued, Literal(str(issued or date.today().isoformat()), datatype=XSD.date)))
    for n, m in enumerate(mappings, start=1):
        source = URIRef(base + "offence/" + quote(m.national_code, safe=""))
        a = URIRef(f"{base}association/{n}")
        g.add((corr, XKOS.madeOf, a))
        g.add((source, RDF.type, SKOS.Concept))
        g.add((source, SKOS.inScheme, scheme))
        g.add((source, SKOS.notation, Literal(m.national_code)))
        if m.national_label:
            g.add((source, SKOS.prefLabel, Literal(m.national_label)))
        g.add((a, RDF.type, XKOS.ConceptAssociation))
        g.add((a, XKOS.sourceConcept, source))
        target = URIRef(ns.category_iri(m.iccs_code)) if m.iccs_code else None
        if target is not None:
            g.add((a, XKOS.targetConcept, target))
        if m.relation in SKOS_RELATION:
            prop = SKOS[SKOS_RELATION[m.relation]]
            g.add((a, URIRef(MAPPING_RELATION), prop))
            if target is not None:
                g.add((source, prop, target))
        elif m.relation:
            g.add((a, URIRef(MAPPING_RELATION), Literal(m.relation)))
        for acronym, value in parse_tags(m.tags).items():
            g.add((a, URIRef(IMPLIED_TAG), URIRef(f"{ns.EDITION}tag/{quote(acronym, safe='')}/{quote(value, safe='')}")))
        if m.note:
            g.add((a, SKOS.note, Literal(m.note)))
        suggestion = None
        if m.suggested_code or m.score or m.evidence:
            suggestion = URIRef(f"{a}/suggestion")
            g.add((suggestion, RDF.type, PROV.Entity))
            g.add((suggestion, PROV.wasAttributedTo, URIRef(TOOLKIT)))
            g.add((URIRef(TOOLKIT), RDF.type, PROV.SoftwareAgent))
            g.add((URIRef(TOOLKIT), RDFS.label, Literal("iccs toolkit (iccs map suggest)")))
            if m.suggested_code:
                g.add((suggestion, XKOS.targetConcept, URIRef(ns.category_iri(m.suggested_code))))
            if m.score:
                g.add((suggestion, URIRef(SCORE), Literal(m.score, datatype=XSD.decimal)
                       if _DECIMAL.match(m.score) else Literal(m.score)))
            if m.evidence:
                g.add((suggestion, SKOS.note, Literal(m.evidence)))
        if m.reviewer or m.decided_at or m.method:
            review = URIRef(f"{a}/review")
            g.add((a, RDF.type, PROV.Entity))
            g.add((a, PROV.wasGeneratedBy, review))
            g.add((review, RDF.type, PROV.Activity))
            if m.method in METHOD_CLASSES:
                g.add((review, RDF.type, URIRef(METHOD_CLASSES[m.method])))
            elif m.method:
                g.add((review, RDFS.label, Literal(m.method)))
            if m.reviewer:
                person = URIRef(base + "reviewer/" + quote(m.reviewer, safe=""))
                g.add((person, RDF.type, PROV.Person))
                g.add((person, RDFS.label, Literal(m.reviewer)))
                g.add((review, PROV.wasAssociatedWith, person))
            if m.decided_at:
                g.add((review, PROV.endedAtTime, Literal(m.decided_at, datatype=XSD.dateTime)
                       if _DATETIME.match(m.decided_at) else Literal(m.decided_at)))
            if suggestion is not None:
                g.add((review, PROV.used, suggestion))
                if m.method == "accepted":
                    g.add((a, PROV.wasDerivedFrom, suggestion))
                elif m.method == "corrected":
                    g.add((a, PROV.wasRevisionOf, suggestion))
    return g


def associations(graph):
    """The association nodes of a graph, in table order (by the number that ends their IRI,
    else by source and target)."""
    N = ns.rdflib_namespaces()
    from rdflib import RDF

    nodes = set(graph.subjects(RDF.type, N["xkos"].ConceptAssociation))

    def key(a):
        tail = str(a).rstrip("/").rsplit("/", 1)[-1]
        return (0, int(tail), "") if tail.isdigit() else (1, 0, str(a))

    return sorted(nodes, key=key)


def from_graph(graph, classification=None):
    """The table held by an XKOS correspondence graph (as :func:`to_graph` writes it), and its
    metadata: ``(mappings, {"title", "notation", "version", "list_issued", "country", "label",
    "issued"})``."""
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    N = ns.rdflib_namespaces()
    SKOS, XKOS, DCT, PROV = N["skos"], N["xkos"], N["dcterms"], N["prov"]
    nodes = associations(graph)
    if not nodes:
        raise InputError("no xkos:ConceptAssociation in this graph: not a correspondence")
    order = _tag_order(classification)
    methods = {URIRef(v): k for k, v in METHOD_CLASSES.items()}
    relations = {SKOS[v]: k for k, v in SKOS_RELATION.items()}
    mappings = []
    for a in nodes:
        source = graph.value(a, XKOS.sourceConcept)
        target = graph.value(a, XKOS.targetConcept)
        relation = graph.value(a, URIRef(MAPPING_RELATION))
        tags = sorted((_tag(t) for t in graph.objects(a, URIRef(IMPLIED_TAG))),
                      key=lambda t: (order.get(t[0], len(order)), t))
        m = Mapping(
            national_code=_text(graph.value(source, SKOS.notation)) if source is not None else "",
            national_label=_text(graph.value(source, SKOS.prefLabel)) if source is not None else "",
            iccs_code=_code(target),
            relation=relations.get(relation, _text(relation)),
            tags=";".join(f"{k}={v}" for k, v in tags),
            note=_text(graph.value(a, SKOS.note)),
        )
        review = graph.value(a, PROV.wasGeneratedBy)
        if review is not None:
            kinds = [methods[t] for t in graph.objects(review, RDF.type) if t in methods]
            m.method = kinds[0] if kinds else _text(graph.value(review, RDFS.label))
            person = graph.value(review, PROV.wasAssociatedWith)
            m.reviewer = _text(graph.value(person, RDFS.label)) if person is not None else ""
            m.decided_at = _time(graph.value(review, PROV.endedAtTime))
        suggestion = URIRef(f"{a}/suggestion")
        if (suggestion, None, None) in graph:
            m.suggested_code = _code(graph.value(suggestion, XKOS.targetConcept))
            m.score = _text(graph.value(suggestion, URIRef(SCORE)))
            m.evidence = _text(graph.value(suggestion, SKOS.note))
        mappings.append(m)
    meta = {}
    corr = next(iter(graph.subjects(RDF.type, XKOS.Correspondence)), None)
    scheme = None
    if corr is not None:
        meta["label"] = _text(graph.value(corr, SKOS.prefLabel))
        meta["issued"] = _text(graph.value(corr, DCT.issued))
        scheme = next((s for s in graph.objects(corr, XKOS.compares) if str(s) != ns.SCHEME), None)
    if scheme is not None:
        meta["title"] = _text(graph.value(scheme, DCT.title))
        meta["notation"] = _text(graph.value(scheme, SKOS.notation))
        meta["list_issued"] = _text(graph.value(scheme, DCT.issued))
        meta["version"] = _text(graph.value(scheme, OWL.versionInfo))
        spatial = graph.value(scheme, DCT.spatial)
        meta["country"] = str(spatial)[len(_COUNTRY):] if str(spatial or "").startswith(_COUNTRY) else _text(spatial)
    return mappings, meta


def _text(node):
    return "" if node is None else str(node)


def _code(node):
    text = _text(node)
    prefix = ns.category_iri("")
    return text[len(prefix):] if text.startswith(prefix) else text


def _tag(node):
    text = str(node)
    prefix = ns.EDITION + "tag/"
    if text.startswith(prefix):
        acronym, _, value = text[len(prefix):].partition("/")
        return unquote(acronym), unquote(value)
    return text, ""


def _time(node):
    """``prov:endedAtTime`` as written in the table: a UTC time with ``Z``."""
    if node is None:
        return ""
    value = getattr(node, "value", None)
    if hasattr(value, "utcoffset") and value.utcoffset() is not None and not value.utcoffset():
        text = str(node)
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return str(node)


def _tag_order(classification):
    if classification is None:
        import iccs

        classification = iccs.load()
    return {t["acronym"]: i for i, t in enumerate(classification.tags())}


FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt"}


def export(mappings, fmt="ttl", **options):
    """The table as text: ``ttl``, ``jsonld`` or ``nt`` (XKOS, see :func:`to_graph`), or ``csv``
    (the table itself, every column). ``mappings`` may be a path of a table file."""
    from .table import load_table, table_text

    if isinstance(mappings, (str, bytes)) or hasattr(mappings, "__fspath__"):
        mappings = load_table(mappings)
    if fmt == "csv":
        return table_text(mappings)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of csv, {', '.join(FORMATS)}")
    graph = to_graph(mappings, **options)
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=dict(ns.PREFIXES), indent=2, sort_keys=True)
    return graph.serialize(format=FORMATS[fmt])


def import_table(path, classification=None):
    """The table held by an RDF file (Turtle, JSON-LD, N-Triples): ``(mappings, metadata)``."""
    from ..graph import load_graph

    graph = load_graph([path])
    try:
        return from_graph(graph, classification)
    except InputError as e:
        raise InputError(e.message, file=str(path)) from None
