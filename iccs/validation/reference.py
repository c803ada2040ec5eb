"""The code lists a submission is checked against: ICCS categories (with their ancestors), tag
codes, reference areas (ISO 3166 via pycountry, plus the codes Eurostat and UNODC use besides).

Both engines use the same lists: the fast engine as DuckDB tables, pySHACL as triples added to the
data graph (:func:`reference_graph`).
"""
from functools import lru_cache

# Area codes that are not ISO 3166-1 but that Eurostat or UNODC publish for whole countries or
# groups (Eurostat's country codes guide; UNODC data portal). Regions below a country are
# accepted by their country prefix (NUTS "UKC-L", UNODC "GBR_E_W"): see the KnownArea shape.
EXTRA_AREAS = ("EL", "UK", "XK", "XKX", "EU", "EU27_2020", "EU28", "EA", "EA19", "EA20", "EFTA")
AREA_SCHEME = "https://w3id.org/iccs/def#areas"


@lru_cache(maxsize=1)
def areas():
    """ISO 3166-1 alpha-2 and alpha-3 codes, and :data:`EXTRA_AREAS`."""
    import pycountry

    codes = set(EXTRA_AREAS)
    for country in pycountry.countries:
        codes.add(country.alpha_2)
        codes.add(country.alpha_3)
    return frozenset(codes)


@lru_cache(maxsize=1)
def categories():
    """``{code: parent code or ""}`` for the 320 ICCS categories."""
    import iccs

    return {c.code: (c.parent.code if c.parent else "") for c in iccs.load()}


def ancestors():
    """``(code, ancestor, distance)`` for every category and each of its ancestors."""
    parent = categories()
    out = []
    for code in parent:
        up, dist = parent[code], 1
        while up:
            out.append((code, up, dist))
            up, dist = parent[up], dist + 1
    return out


@lru_cache(maxsize=1)
def tag_codes():
    """``{acronym: set of codes}`` of the disaggregating variables that have codes."""
    import iccs

    return {t["acronym"]: {str(x["code"]) for x in t.get("codes", [])} for t in iccs.load().tags()}


def reference_graph():
    """The code lists as triples for pySHACL: categories (notation, broader, in the ICCS scheme),
    tag codes (notation, in the tag's scheme), areas (notation, in the area list)."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, SKOS

    from .. import namespaces as ns
    from ..graph import new_graph

    g = new_graph()
    scheme = URIRef(ns.SCHEME)
    for code, parent in categories().items():
        node = URIRef(ns.category_iri(code))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, scheme))
        g.add((node, SKOS.notation, Literal(code)))
        if parent:
            g.add((node, SKOS.broader, URIRef(ns.category_iri(parent))))
    for acronym, codes in tag_codes().items():
        tag_scheme = URIRef(ns.EDITION + "tag/" + acronym)
        for code in codes:
            node = URIRef(f"{tag_scheme}/{code}")
            g.add((node, SKOS.inScheme, tag_scheme))
            g.add((node, SKOS.notation, Literal(code)))
    area_scheme = URIRef(AREA_SCHEME)
    for code in areas():
        node = URIRef(AREA_SCHEME + "/" + code)
        g.add((node, SKOS.inScheme, area_scheme))
        g.add((node, SKOS.notation, Literal(code)))
    return g
