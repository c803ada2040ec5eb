"""IRIs of the project, declared once.

Everything this project mints lives under :data:`BASE`: the vocabulary terms of our own under
``BASE + "def#"`` and the resources of the ICCS v1.0 edition under ``BASE + "1.0/"``.
Standard vocabularies (SKOS, XKOS, DCTERMS, …) are used wherever they have a term.

This module must stay cheap to import (no rdflib): the fast paths of the command line use it.
"""

BASE = "https://w3id.org/iccs/"
VOCAB = BASE + "def#"
EDITION = BASE + "1.0/"
SCHEME = BASE + "1.0"

XKOS = "http://rdf-vocabulary.ddialliance.org/xkos#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SH = "http://www.w3.org/ns/shacl#"
DCAT = "http://www.w3.org/ns/dcat#"
QB = "http://purl.org/linked-data/cube#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEASURE = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"
# ICD-10 categories as the WHO's ICD API names them, in the 2010 release (the edition current
# when the ICCS was adopted); Table V of the ICCS cites its codes X85-Y09.
ICD10 = "http://id.who.int/icd/release/10/2010/"

ACKNOWLEDGEMENT = (
    "Text reproduced from UNODC, International Classification of Crime for Statistical Purposes, "
    "Version 1.0 (2015), English and Spanish editions, with acknowledgement of the source as the "
    "publication permits. Footnote markers removed; corrections are listed as errata."
)

PREFIXES = {
    "iccs": VOCAB,
    "skos": SKOS,
    "xkos": XKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "dcat": DCAT,
    "qb": QB,
    "sdmx-dimension": SDMX_DIMENSION,
    "sdmx-measure": SDMX_MEASURE,
    "sdmx-attribute": SDMX_ATTRIBUTE,
    "sh": SH,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def category_iri(code):
    """The IRI of the ICCS category with this notation (``"0101"``)."""
    return EDITION + "category/" + code


def level_iri(name):
    return EDITION + "level/" + name


LEVELS = (
    # (name, depth, number of digits)
    ("section", 1, 2),
    ("division", 2, 4),
    ("group", 3, 5),
    ("class", 4, 6),
)


def rdflib_namespaces():
    """The prefixes as rdflib Namespace objects (imports rdflib)."""
    from rdflib import Namespace

    return {prefix: Namespace(iri) for prefix, iri in PREFIXES.items()}
