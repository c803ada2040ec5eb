"""Each shape catches what it is for: one broken copy of the shipped graph per finding code."""
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from iccs import namespaces as ns
from iccs.check import validate

N = ns.rdflib_namespaces()
XKOS, ICCS = N["xkos"], N["iccs"]


def cat(code):
    return URIRef(ns.category_iri(code))


def in_section_01(node):
    text = str(node)
    return not text.startswith(ns.EDITION + "category/") or text.startswith(ns.category_iri("01"))


@pytest.fixture(scope="module")
def base(shipped_graph):
    """Section 01 of the shipped graph with the scheme and its levels: small, so each broken copy
    is checked in a second. Citations of categories outside section 01 are left out."""
    g = Graph()
    for prefix, iri in ns.PREFIXES.items():
        g.bind(prefix, iri)
    keep = ("category/01", "level/", "levels/")
    for s, p, o in shipped_graph:
        name = str(s)[len(ns.EDITION):] if str(s).startswith(ns.EDITION) else None
        if (str(s) == ns.SCHEME or (name and name.startswith(keep)) or not str(s).startswith(ns.BASE)) \
                and in_section_01(o):
            g.add((s, p, o))
    return g


def test_shipped_graph_conforms(shipped_graph, shapes_graph):
    assert validate(shipped_graph, shapes_graph) == []


def test_base_conforms(base, shapes_graph):
    assert validate(base, shapes_graph) == []


def label_of_def(g, code, lang):
    return next(o for o in g.objects(cat(code), SKOS.definition) if o.language == lang)


def label_of(g, code, lang):
    return next(o for o in g.objects(cat(code), SKOS.prefLabel) if o.language == lang)


MUTATIONS = {
    "PrefLabelSpanish": lambda g: g.remove((cat("0101"), SKOS.prefLabel, label_of(g, "0101", "es"))),
    "PrefLabelEnglish": lambda g: g.add((cat("0101"), SKOS.prefLabel, Literal("Murder", lang="en"))),
    "S14": lambda g: g.add((cat("0102"), SKOS.prefLabel, Literal("Another", lang="es"))),
    "OneParent": lambda g: g.add((cat("01031"), SKOS.broader, cat("0101"))),
    "ParentOrTop": lambda g: g.remove((cat("0102"), SKOS.broader, None)),
    "ChildCodeStartsWithParentCode": lambda g: (g.remove((cat("01031"), SKOS.broader, None)),
                                                g.add((cat("01031"), SKOS.broader, cat("0102")))),
    "UniqueNotation": lambda g: (g.remove((cat("0102"), SKOS.notation, None)),
                                 g.add((cat("0102"), SKOS.notation, Literal("0101")))),
    "NotationMatchesLevel": lambda g: (g.remove((URIRef(ns.level_iri("division")), SKOS.member, cat("0102"))),
                                       g.add((URIRef(ns.level_iri("group")), SKOS.member, cat("0102")))),
    "OneLevel": lambda g: g.add((URIRef(ns.level_iri("group")), SKOS.member, cat("0102"))),
    "DepthMatchesLevel": lambda g: (g.remove((cat("01031"), SKOS.broader, None)),
                                    g.add((cat("01031"), SKOS.broader, cat("01")))),
    "DefinitionEnglish": lambda g: g.remove((cat("0105"), SKOS.definition, None)),
    "ResidualEndsInNine": lambda g: g.add((cat("0105"), SKOS.prefLabel, Literal("Other acts", lang="en"))),
    "CitedCodeExists": lambda g: g.add((cat("0101"), ICCS.excludes, cat("0199"))),
    "ExcludesNotSelfOrAncestor": lambda g: g.add((cat("010321"), ICCS.excludes, cat("0103"))),
    "S13": lambda g: g.add((cat("0101"), SKOS.altLabel, label_of(g, "0101", "en"))),
    "S27": lambda g: g.add((cat("010321"), SKOS.related, cat("01"))),
    "S37": lambda g: g.add((cat("0101"), RDF.type, SKOS.Collection)),
    "S46": lambda g: (g.add((cat("0101"), SKOS.exactMatch, cat("0102"))),
                      g.add((cat("0101"), SKOS.broadMatch, cat("0102")))),
    "S9": lambda g: g.add((URIRef(ns.SCHEME), RDF.type, SKOS.Concept)),
    "BroaderNarrowerInverse": lambda g: g.remove((cat("01"), SKOS.narrower, cat("0101"))),
    "DefinitionSpanish": lambda g: g.remove((cat("0105"), SKOS.definition, label_of_def(g, "0105", "es"))),
    "Level": lambda g: g.remove((URIRef(ns.level_iri("group")), XKOS.depth, None)),
    "Scheme": lambda g: g.remove((URIRef(ns.SCHEME), N["dcterms"].source, None)),
    "SchemeLevelCount": lambda g: (g.remove((URIRef(ns.SCHEME), XKOS.numberOfLevels, None)),
                                   g.add((URIRef(ns.SCHEME), XKOS.numberOfLevels, Literal(5)))),
}


@pytest.mark.parametrize("code", sorted(MUTATIONS))
def test_shape_catches(base, shapes_graph, code):
    g = copy(base)
    MUTATIONS[code](g)
    codes = {f.code for f in validate(g, shapes_graph)}
    assert code in codes


def copy(graph):
    g = Graph()
    for t in graph:
        g.add(t)
    return g


def add_index_entry(g, label, code):
    entry = URIRef(ns.EDITION + "index/en/test")
    g.add((entry, RDF.type, ICCS.IndexEntry))
    g.add((entry, N["rdfs"].label, label))
    g.add((entry, XKOS.classifiedUnder, cat(code)))
    return entry


def test_index_entry_must_resolve(shapes_graph, base):
    g = copy(base)
    add_index_entry(g, Literal("Drug trafficking", lang="en"), "060132")
    findings = validate(g, shapes_graph)
    assert [(f.code, f.value) for f in findings] == [("IndexEntryResolves", "060132")]


def test_s27_sees_both_directions(base, shapes_graph):
    g = copy(base)
    g.add((cat("01"), SKOS.related, cat("010321")))  # the ancestor is the subject this time
    assert "S27" in {f.code for f in validate(g, shapes_graph)}


def test_index_entry_named_as_another_category(base, shapes_graph):
    g = copy(base)
    entry = add_index_entry(g, label_of(g, "0106", "en"), "0105")
    findings = validate(g, shapes_graph)
    assert [f.code for f in findings] == ["IndexEntryNamedAsCategory"]
    assert "classified under 0105, but category 0106 has that name" in findings[0].message
    g.remove((entry, XKOS.classifiedUnder, cat("0105")))
    g.add((entry, XKOS.classifiedUnder, cat("01")))  # an ancestor of 0106 is no fault
    assert validate(g, shapes_graph) == []


def test_tags_and_errata_shapes(shipped_graph, shapes_graph):
    g = Graph()
    tag = URIRef(ns.EDITION + "tag/Zz")
    g.add((tag, RDF.type, ICCS.DisaggregatingVariable))
    g.add((tag, RDF.type, SKOS.ConceptScheme))
    g.add((tag, SKOS.prefLabel, Literal("Zz", lang="en")))
    erratum = URIRef(ns.EDITION + "erratum/E999")
    g.add((erratum, RDF.type, ICCS.Erratum))
    g.add((erratum, ICCS.action, Literal("guess")))
    codes = {f.code for f in validate(g, shapes_graph)}
    assert {"DisaggregatingVariable", "Erratum"} <= codes


def test_every_shape_file_passes_on_the_whole_ontology():
    """All of shapes/ (its subfolders too: correspondence, submission) over all of ontology/ (the
    cube structure too), in one graph: no finding of any severity. Each file says by its targets
    what it is for, so that one does not fire on what another is about: the correspondence shapes
    are for national tables to the ICCS, not for the Table V → ICD-10 correspondence of
    homicide.ttl (issue 17); the submission rules are for observations, which ontology/ has none of."""
    from conftest import ROOT

    from iccs.graph import load_graph

    shapes = sorted((ROOT / "shapes").rglob("*.ttl"))
    ontology = sorted((ROOT / "ontology").rglob("*.ttl"))
    # Not vacuous: every folder is read, and the graph holds a correspondence the shapes must leave.
    assert {p.relative_to(ROOT).as_posix() for p in shapes} >= {
        "shapes/iccs-shapes.ttl", "shapes/themes-shapes.ttl",
        "shapes/correspondence/correspondence-shapes.ttl", "shapes/submission/rules.ttl"}
    assert ROOT / "ontology" / "cube" / "cube.ttl" in ontology
    graph = load_graph(ontology)
    assert (None, RDF.type, XKOS.ConceptAssociation) in graph
    assert validate(graph, load_graph(shapes)) == []
