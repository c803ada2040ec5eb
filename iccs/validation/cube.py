"""A submission as an RDF Data Cube (``ontology/cube/cube.ttl``), and the shapes run over it by
pySHACL (through :func:`iccs.check.validate`, the one way to run SHACL): the reference engine the
fast one is held to, fine for small files.

Each row is a ``qb:Observation`` named ``<file:///path#row=N>`` (RFC 7111 fragment).
"""
import os
from decimal import Decimal, InvalidOperation

from .. import namespaces as ns
from .read import WIDE

QB, SDMX_DIMENSION, SDMX_MEASURE, SDMX_ATTRIBUTE = ns.QB, ns.SDMX_DIMENSION, ns.SDMX_MEASURE, ns.SDMX_ATTRIBUTE
PREFIXES = {k: ns.PREFIXES[k] for k in ("qb", "sdmx-dimension", "sdmx-measure", "sdmx-attribute")}


def dataset_iri(path):
    return "file://" + os.path.abspath(path)


def observation_iri(path, line, obs_id=None):
    """``#row=N`` (RFC 7111); ``#cell=N,C`` for an observation of a wide TSV (one per column)."""
    if obs_id is None or obs_id == line:
        return f"{dataset_iri(path)}#row={line}"
    return f"{dataset_iri(path)}#cell={line},{obs_id - line * WIDE}"


def id_of(focus):
    """The observation id of a focus IRI (or of its shortened form), or 0."""
    text = str(focus).strip("<>")
    _, found, fragment = text.rpartition("#row=")
    if found:
        return int(fragment) if fragment.isdigit() else 0
    _, found, fragment = text.rpartition("#cell=")
    line, _, column = fragment.partition(",")
    return int(line) * WIDE + int(column) if found and line.isdigit() and column.isdigit() else 0


def to_graph(con, sub):
    """The ``obs`` table of a submission read into ``con``, as an rdflib Graph."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDF, RDFS, SKOS, XSD

    from .. import namespaces as ns
    from ..graph import new_graph

    g = new_graph()
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri)
    V = ns.rdflib_namespaces()["iccs"]
    dim, measure, attr = (lambda n: URIRef(SDMX_DIMENSION + n)), URIRef(SDMX_MEASURE + "obsValue"), \
        (lambda n: URIRef(SDMX_ATTRIBUTE + n))
    dataset = URIRef(dataset_iri(sub.path))
    g.add((dataset, RDF.type, URIRef(QB + "DataSet")))
    g.add((dataset, URIRef(QB + "structure"), V.crimeStatisticsStructure))
    cursor = con.execute("SELECT * FROM obs ORDER BY id")
    names = [d[0] for d in cursor.description]
    for values in cursor.fetchall():
        o = dict(zip(names, values))
        node = URIRef(observation_iri(sub.path, o["line"], o["id"]))
        def add(p, v, node=node):
            g.add((node, p, v))

        add(RDF.type, URIRef(QB + "Observation"))
        add(URIRef(QB + "dataSet"), dataset)
        add(V.row, Literal(o["line"]))
        add(dim("refArea"), Literal(o["area"]))
        add(dim("refPeriod"), Literal(o["period"]))
        if o["year"] is not None:
            add(V.year, Literal(o["year"]))
        add(V.categoryText, Literal(o["cat_text"]))
        add(V.categoryKind, Literal(o["kind"]))
        if o["code"]:
            add(V.crimeCategory, URIRef(ns.category_iri(o["code"])))
        add(V.indicator, Literal(o["indicator"]))
        if o["stage"]:
            add(V.stage, Literal(o["stage"]))
        if o["stage_rank"] is not None:
            add(V.stageRank, Literal(o["stage_rank"]))
        if o["sex"]:
            add(dim("sex"), Literal(o["sex"]))
        add(attr("unitMeasure"), Literal(o["unit"] or o["unit_text"]))
        if not o["missing"]:
            number = _decimal(o["num"] or (repr(o["value"]) if o["value"] is not None else None))
            add(measure, Literal(number, datatype=XSD.decimal) if number is not None
                else Literal(o["value_text"]))
        add(V.decimals, Literal(o["decimals"]))
        if o["flag"]:
            add(attr("obsStatus"), Literal(o["flag"]))
        if o["source"]:
            add(URIRef(ns.DCTERMS + "source"), Literal(o["source"]))
        for key, prop in (("slice_key", V.sliceKey), ("sex_key", V.sexSliceKey),
                          ("stage_key", V.stageSliceKey), ("series_key", V.seriesKey)):
            add(prop, Literal(o[key]))
    for obs_id, line, tag, value in con.execute(
            "SELECT t.id, o.line, t.tag, t.value FROM tags t JOIN obs o USING (id)").fetchall():
        tv = BNode()
        g.add((URIRef(observation_iri(sub.path, line, obs_id)), V.tagValue, tv))
        g.add((tv, V.variable, URIRef(ns.EDITION + "tag/" + tag)))
        g.add((tv, SKOS.notation, Literal(value)))
        g.add((tv, RDFS.label, Literal(tag)))
    return g


def _decimal(text):
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def shacl_findings(con, sub, rule_ids=None):
    """The rules run by pySHACL over the submission's cube: ``(rule id, line, value)`` findings as
    :class:`iccs.findings.Finding` with ``focus`` the observation, and the results graph."""
    from ..check import validate
    from . import reference, ruleset

    data = to_graph(con, sub)
    data += reference.reference_graph()
    shapes = ruleset.shapes_graph()
    if rule_ids is not None:
        shapes = _only(shapes, rule_ids)
    return validate(data, shapes)


def _only(shapes, rule_ids):
    """A copy of the shapes graph without the rules not asked for."""
    from rdflib import RDF, URIRef

    from .. import namespaces as ns
    from .ruleset import RULES_NS

    SH = ns.rdflib_namespaces()["sh"]
    g = type(shapes)()
    for triple in shapes:
        g.add(triple)
    for shape in list(g.subjects(RDF.type, SH.NodeShape)):
        if isinstance(shape, URIRef) and str(shape).startswith(RULES_NS) and \
                str(shape)[len(RULES_NS):] not in rule_ids:
            g.remove((shape, RDF.type, SH.NodeShape))
            g.remove((shape, SH.targetClass, None))
    return g
