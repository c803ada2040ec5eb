"""Build the ICCS graph (``ontology/*.ttl``) from the curated tables in ``data/``.

    python3 tools/build_graph.py            # rebuild ontology/ in place
    python3 tools/build_graph.py --out DIR  # write elsewhere
    python3 tools/build_graph.py --without-erratum E01 --out DIR   # as the publication prints it

The tables keep what the publication prints; ``data/errata.csv`` says what the graph uses instead
and why. The build is deterministic: the same tables give byte-identical Turtle.
"""
import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from build_themes import build_themes  # noqa: E402
from rdflib import Literal, URIRef  # noqa: E402
from rdflib.namespace import OWL, RDF, RDFS, XSD  # noqa: E402

from iccs import namespaces as ns  # noqa: E402
from iccs.files import write_atomic  # noqa: E402
from iccs.graph import new_graph  # noqa: E402

N = ns.rdflib_namespaces()
SKOS, XKOS, DCT, ICCS, PROV, DCAT = (N[k] for k in ("skos", "xkos", "dcterms", "iccs", "prov", "dcat"))
LANGS = ("en", "es")
E = ns.EDITION

TITLE = {
    "en": "International Classification of Crime for Statistical Purposes",
    "es": "Clasificación Internacional de Delitos con Fines Estadísticos",
}
CITATION = {  # "Suggested citation", page 2 of each edition
    "en": "UNODC, International Classification of Crime for Statistical Purposes, Version 1.0",
    "es": "UNODC, Clasificación Internacional de Delitos con Fines Estadísticos, versión 1.0",
}
PERMISSION = {  # page 2 of each edition
    "en": "This publication may be reproduced in whole or in part and in any form for educational or "
    "non-profit purposes without special permission from the copyright holder, provided "
    "acknowledgement of the source is made.",
    "es": "Esta publicación puede reproducirse parcial o totalmente en cualquier forma, con fines "
    "educativos o no lucrativos, sin autorización especial de los titulares del derecho de autor, "
    "siempre que se indique la fuente.",
}
ACKNOWLEDGEMENT = ns.ACKNOWLEDGEMENT
# Footnote 20 of the English edition, note 20 of the Spanish one: "Level 1 may also be referred
# to as Sections, Level 2 as Divisions, Level 3 as Groups and Level 4 as Classes."
LEVEL_LABELS = {
    "section": ("Sections", "Secciones"),
    "division": ("Divisions", "Divisiones"),
    "group": ("Groups", "Grupos"),
    "class": ("Classes", "Clases"),
}


# The publication is dated March 2015 (its cover and page 2); no day is printed.
ISSUED = Literal("2015-03", datatype=XSD.gYearMonth)


class BuildError(Exception):
    pass


DATA = ROOT / "data"


def read_table(name):
    """A curated table as a list of dicts; a missing, unreadable or malformed table is a
    BuildError naming the file (and the row)."""
    path = DATA / (name + ".csv")
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError:
        raise BuildError(f"{path}: missing") from None
    except UnicodeDecodeError as e:
        raise BuildError(f"{path}: not UTF-8 text (byte {e.start})") from None
    for n, row in enumerate(rows, start=2):
        if None in row or None in row.values():
            raise BuildError(f"{path}, row {n}: wrong number of fields")
    return rows


def number(row, column, table):
    try:
        return int(row[column])
    except (KeyError, ValueError):
        raise BuildError(f"data/{table}.csv: {column} {row.get(column)!r} is not a whole number") from None


def lit(text, lang=None):
    return Literal(text, lang=lang) if lang else Literal(text)


def cat(code):
    return URIRef(ns.category_iri(code))


class Errata:
    """The errata of ``data/errata.csv``. Those whose ``action`` is ``correct`` (use ``corrected``
    instead of ``printed``) or ``drop`` (leave the value out) are applied to the tables as they are
    read; ``note`` records a fault that the graph keeps as printed (a typo in a text, two names
    for one thing); ``keep`` records a citation that the check of citations (tools/citations.py)
    flagged and a reading found right, so the graph links what is printed."""

    ACTIONS = ("correct", "drop", "note", "keep")

    def __init__(self, rows, skip=()):
        for r in rows:
            if r["action"] not in self.ACTIONS:
                raise BuildError(f"data/errata.csv: {r['id']}: action must be one of {self.ACTIONS}")
        self.rows = [r for r in rows if r["id"] not in set(skip) and r["action"] in ("correct", "drop")]
        self.all = rows
        self.used = set()

    def correct(self, source, rows, keycol):
        """Rows with corrected values; rows whose value is corrected to nothing are dropped."""
        out = []
        for row in rows:
            row = dict(row)
            keep = True
            key = keycol(row) if callable(keycol) else row.get(keycol)
            for e in self.rows:
                if e["source"] != source or key != e["key"]:
                    continue
                if is_heading_fix(e):  # a heading printed twice at the start of a note
                    if row.get(e["field"], "").startswith(e["printed"]):
                        self.used.add(e["id"])
                        row[e["field"]] = row[e["field"]][len(e["printed"]):].strip()
                    continue
                # Codes cited in a note are corrected where the note is read (citation_fixes);
                # a note cell dropped whole is emptied here.
                if e["field"] in TEXT_FIELDS and e["action"] != "drop":
                    continue
                if row.get(e["field"]) == e["printed"]:
                    self.used.add(e["id"])
                    if e["action"] == "drop" and e["field"] in TEXT_FIELDS:
                        row[e["field"]] = ""
                    elif e["action"] == "drop":
                        keep = False
                    else:
                        row[e["field"]] = e["corrected"]
            if keep:
                out.append(row)
        return out

    def citation_fixes(self, source, key, field):
        """``{printed: corrected}`` for the codes a note cites. ``printed`` is a code, corrected
        wherever the note cites it, or a phrase of the note ("coercion (0203)") when only that
        occurrence of the code is wrong."""
        fixes = {}
        for e in self.rows:
            if e["source"] == source and e["key"] == key and e["field"] == field and not is_heading_fix(e):
                self.used.add(e["id"])
                fixes[e["printed"]] = e["corrected"] if e["action"] == "correct" else ""
        return fixes


TEXT_FIELDS = ("definition", "inclusions", "exclusions")


def is_heading_fix(e):
    """A correction of a note that cites no code: ``printed`` is a heading the cell prints again
    at its start ("Inclusions:", ":"), which the graph leaves out; ``corrected`` is empty."""
    return e["action"] == "correct" and e["field"] in TEXT_FIELDS and not re.search(r"\d", e["printed"]) \
        and not e["corrected"]
FIELD_PROPERTY = {"label": SKOS.prefLabel, "definition": SKOS.definition,
                  "inclusions": XKOS.inclusionNote, "exclusions": XKOS.exclusionNote}


NOT_A_CODE_AFTER = {"footnote", "nota", "article", "artículo", "of", "de"}
NUMBER_RE = re.compile(r"(?<![\w.])(\d+)(?:\s*(?:[-–]|\sa\s)\s*(\d+))?(?![\w])")
# "Apply all exclusions listed in 0205" / "Aplicar todas las exclusiones enumeradas en 0101 a 0107":
# the exclusions of the cited categories apply here too (iccs:appliesExclusionsOf), which is not a
# place where excluded acts are classified (iccs:excludes).
APPLY_EXCLUSIONS_RE = re.compile(
    r"(?:apply all exclusions(?: listed)?(?: in)?|aplicar todas las exclusiones enumeradas en)\s*"
    r"(\d+(?:\s*(?:[-–]|\sa\s|\sy\s|,)\s*\d+)*)", re.IGNORECASE)


def cited_codes(text, known, fixes=None):
    """Codes a note cites, in order: ``(0206)``, ``listed in 0103``, ``01041 - 01049``.

    Every number of 2, 4, 5 or 6 digits is a citation, except a footnote or article number, an
    age ("of 15 years") and a year: a cited code that does not exist is kept, for the shapes to
    report (unless an erratum corrects it). A range stands for its ends and every category of the
    same length between them.
    """
    fixes = fixes or {}
    out = []
    for phrase, corrected in fixes.items():
        if not phrase.isdigit():  # one occurrence: read the phrase with the corrected code
            text = text.replace(phrase, re.sub(r"\d+", corrected or "", phrase))

    def add(code):
        code = fixes.get(code, code)
        if code and code not in out:
            out.append(code)

    def is_code(number):
        return len(number) in (2, 4, 5, 6) and not (len(number) == 4 and 1800 <= int(number) <= 2099)

    for m in NUMBER_RE.finditer(text):
        before = text[:m.start()].split()
        if before and before[-1].strip("(").casefold() in NOT_A_CODE_AFTER:
            continue
        start, end = m.group(1), m.group(2)
        if not is_code(start):
            continue
        add(start)
        if end and is_code(end):
            if len(end) == len(start):
                for code in sorted(known):
                    if len(code) == len(start) and start < code < end:
                        add(code)
            add(end)
    return out


def build(skip_errata=()):
    errata = Errata(read_table("errata"), skip=skip_errata)
    graphs = {}
    g = graphs["iccs"] = new_graph()
    scheme = URIRef(ns.SCHEME)
    add_scheme(g, scheme)

    structure = {lang: errata.correct(f"structure-{lang}", read_table(f"structure-{lang}"), "code")
                 for lang in LANGS}
    table1 = {lang: errata.correct(f"table1-{lang}", read_table(f"table1-{lang}"), "code")
              for lang in LANGS}
    # The categories are those of the broad structure and of Table I, in both editions. Where the
    # publication disagrees with itself and no erratum settles it, both codes enter the graph and
    # the shapes say what is wrong.
    codes = []
    for rows in (structure["en"], structure["es"], table1["en"], table1["es"]):
        codes += [r["code"] for r in rows if r["code"] not in codes]
    codes.sort()
    known = set(codes)

    levels = {}
    level_nodes = []
    for name, depth, digits in ns.LEVELS:
        node = URIRef(ns.level_iri(name))
        levels[digits] = node
        level_nodes.append(node)
        g.add((node, RDF.type, XKOS.ClassificationLevel))
        g.add((node, XKOS.depth, Literal(depth, datatype=XSD.positiveInteger)))
        g.add((node, XKOS.notationPattern, Literal(f"[0-9]{{{digits}}}")))
        g.add((node, SKOS.inScheme, scheme))
        for lang, label in zip(LANGS, LEVEL_LABELS[name]):
            g.add((node, SKOS.prefLabel, lit(label, lang)))
    # The list of levels has IRIs, not blank nodes: a copy of the graph loaded beside the shipped
    # one (iccs check --with-iccs) then merges with it instead of giving the scheme two lists.
    cells = [URIRef(f"{E}levels/{i}") for i in range(1, len(level_nodes) + 1)]
    for cell, level, rest in zip(cells, level_nodes, cells[1:] + [RDF.nil]):
        g.add((cell, RDF.first, level))
        g.add((cell, RDF.rest, rest))
    g.add((scheme, XKOS.levels, cells[0]))
    g.add((scheme, XKOS.numberOfLevels, Literal(len(level_nodes), datatype=XSD.positiveInteger)))

    for code in codes:
        node = cat(code)
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.notation, Literal(code)))
        g.add((node, SKOS.inScheme, scheme))
        if len(code) in levels:
            g.add((levels[len(code)], SKOS.member, node))
        parent = next((code[:n] for n in (5, 4, 2) if n < len(code) and code[:n] in known), None)
        if len(code) == 2:
            g.add((node, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, node))
        elif parent is not None:
            g.add((node, SKOS.broader, cat(parent)))
            g.add((cat(parent), SKOS.narrower, node))
    english_terms = {r["number"]: footnote_terms(r) for r in read_table("footnotes-en")}
    for lang in LANGS:
        # Labels from the broad structure (Table I prints section names in capitals); a code
        # that only Table I has keeps Table I's label.
        labels = {r["code"]: r["label"] for r in table1[lang]}
        labels.update({r["code"]: r["label"] for r in structure[lang]})
        for code, label in sorted(labels.items()):
            g.add((cat(code), SKOS.prefLabel, lit(label, lang)))
        for row in table1[lang]:
            add_notes(g, row, lang, known, errata)
        add_footnotes(g, errata.correct(f"footnotes-{lang}", read_table(f"footnotes-{lang}"), "number"),
                      lang, english_terms)

    graphs["index"] = build_index(known, errata)
    graphs["tags"] = build_tags(errata)
    graphs["homicide"] = build_homicide()
    add_table_footnotes(graphs["tags"], graphs["homicide"], errata)
    graphs["errata"] = build_errata(errata, known)
    try:
        graphs["themes"] = build_themes(read_table)
    except ValueError as e:
        raise BuildError(str(e)) from None
    for name in ("index", "tags", "homicide", "errata", "themes"):
        acknowledge(graphs[name], name, scheme)
    unused = [e["id"] for e in errata.rows if e["id"] not in errata.used]
    if unused:
        raise BuildError(f"data/errata.csv: rows that match nothing in the tables: {unused}")
    return graphs


def add_scheme(g, scheme):
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    for lang in LANGS:
        g.add((scheme, SKOS.prefLabel, lit(TITLE[lang], lang)))
        g.add((scheme, DCT.title, lit(TITLE[lang], lang)))
        g.add((scheme, DCT.rights, lit(PERMISSION[lang], lang)))
        g.add((scheme, DCT.bibliographicCitation, lit(CITATION[lang], lang)))
    g.add((scheme, SKOS.notation, Literal("ICCS")))
    g.add((scheme, DCT.alternative, Literal("ICCS")))
    g.add((scheme, OWL.versionInfo, Literal("1.0")))
    g.add((scheme, DCT.issued, ISSUED))
    publisher = URIRef(f"{E}agent/unodc")
    g.add((scheme, DCT.publisher, publisher))
    g.add((publisher, RDF.type, DCT.Agent))
    g.add((publisher, RDFS.label, lit("United Nations Office on Drugs and Crime", "en")))
    g.add((publisher, RDFS.label, lit("Oficina de las Naciones Unidas contra la Droga y el Delito", "es")))
    g.add((scheme, RDFS.comment, lit(ACKNOWLEDGEMENT, "en")))
    # The ICCS claims to be exhaustive and mutually exclusive (p. 11): over its unit of
    # classification, "the act that constitutes a criminal offence" (p. 11; Spanish p. 12).
    unit = URIRef(f"{E}classification-unit")
    g.add((unit, RDF.type, SKOS.Concept))
    g.add((unit, SKOS.prefLabel, lit("the act that constitutes a criminal offence", "en")))
    g.add((unit, SKOS.prefLabel, lit("el hecho que constituye delito", "es")))
    g.add((unit, SKOS.scopeNote, lit("The unit of classification of the ICCS (ICCS v1.0, p. 11).", "en")))
    g.add((scheme, XKOS.covers, unit))
    g.add((scheme, XKOS.coversExhaustively, unit))
    g.add((scheme, XKOS.coversMutuallyExclusively, unit))
    add_dataset(g, scheme)
    for lang, pages in (("en", 133), ("es", 148)):
        src = URIRef(f"{E}source/{lang}")
        g.add((scheme, DCT.source, src))
        g.add((scheme, PROV.wasDerivedFrom, src))
        g.add((src, RDF.type, DCT.BibliographicResource))
        g.add((src, DCT.title, lit(TITLE[lang], lang)))
        g.add((src, DCT.bibliographicCitation, lit(CITATION[lang], lang)))
        g.add((src, DCT.language, Literal(lang)))
        g.add((src, DCT.extent, lit(f"{pages} pages", "en")))


PROJECT = ns.BASE + "project"  # the iccs toolkit project, under our own namespace
RDF_EDITION_RIGHTS = (
    "The ICCS text in this dataset is reproduced from the UNODC publication under its permission for "
    "educational or non-profit reproduction, in whole or in part, provided acknowledgement of the source "
    "is made. That is not an open licence: other uses need the permission of UNODC. The RDF modelling, "
    "errata and thematic views are by the iccs toolkit project (code under the MIT licence).")


def add_dataset(g, scheme):
    """The RDF edition as a dataset of its own: made by this project from the UNODC publication,
    which is its source, under the publication's permission (not an open licence)."""
    dataset = URIRef(f"{E}dataset")
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCT.title, lit("The ICCS v1.0 as linked data (SKOS/XKOS), by the iccs toolkit project", "en")))
    g.add((dataset, DCT.description, lit(
        "A machine-readable edition of the UNODC International Classification of Crime for Statistical "
        "Purposes, Version 1.0 (2015): every category with its texts in English and Spanish, the "
        "alphabetical index, the disaggregating variables, the intentional-homicide tables, and the errata "
        "of the publication. Not published by UNODC.", "en")))
    project = URIRef(PROJECT)
    g.add((dataset, DCT.creator, project))
    g.add((project, RDF.type, DCT.Agent))
    g.add((project, RDFS.label, lit("iccs toolkit project", "en")))
    g.add((dataset, DCT.rights, lit(RDF_EDITION_RIGHTS, "en")))
    g.add((dataset, DCT.subject, scheme))
    g.add((dataset, DCT.hasPart, scheme))
    g.add((dataset, DCAT.keyword, lit("crime statistics", "en")))
    g.add((dataset, DCAT.keyword, lit("statistical classification", "en")))
    for lang in LANGS:
        src = URIRef(f"{E}source/{lang}")
        g.add((dataset, DCT.source, src))
        g.add((dataset, PROV.wasDerivedFrom, src))


def acknowledge(g, name, scheme):
    """Each file of the graph says what it is part of and where its text comes from."""
    part = URIRef(f"{E}{name}")
    g.add((part, RDF.type, PROV.Entity))
    g.add((part, DCT.isPartOf, scheme))
    g.add((part, RDFS.comment, lit(ACKNOWLEDGEMENT, "en")))
    for lang in LANGS:
        g.add((part, DCT.rights, lit(PERMISSION[lang], lang)))
        g.add((part, DCT.bibliographicCitation, lit(CITATION[lang], lang)))


def add_notes(g, row, lang, known, errata):
    node = cat(row["code"])
    source = f"table1-{lang}"
    for field, prop in (("definition", SKOS.definition), ("inclusions", XKOS.inclusionNote),
                        ("exclusions", XKOS.exclusionNote)):
        text = row.get(field, "")
        if not text:
            continue
        g.add((node, prop, lit(text, lang)))
        fixes = errata.citation_fixes(source, row["code"], field)
        for printed in fixes:
            if not re.search(rf"(?<!\d){re.escape(printed)}(?!\d)", text):
                raise BuildError(f"data/errata.csv: {source} {row['code']} {field} does not print {printed!r}")
        parts = [(ICCS.refersTo, text)]
        if field == "exclusions":
            applied = " ; ".join(m.group(1) for m in APPLY_EXCLUSIONS_RE.finditer(text))
            parts = [(ICCS.excludes, APPLY_EXCLUSIONS_RE.sub(" ", text)), (ICCS.appliesExclusionsOf, applied)]
        for link, part in parts:
            for code in cited_codes(part, known, fixes):
                if code != row["code"]:
                    g.add((node, link, cat(code)))


def add_footnotes(g, rows, lang, english_terms):
    """Footnotes of Table I, on the category whose text carries the marker. A footnote that
    defines terms (a glossary definition) also gives one concept per term in the glossary scheme,
    the same concept for both editions (the editions number their footnotes alike and list a
    footnote's terms in the same order; a test checks it), named after the English term, with each
    edition's term as its label, each footnote as its definition and source."""
    glossary = URIRef(E + "glossary")
    for row in rows:
        note = URIRef(f"{E}footnote/{lang}/{row['number']}")
        g.add((note, RDF.type, ICCS.Footnote))
        g.add((note, ICCS.footnoteNumber, Literal(number(row, "number", f"footnotes-{lang}"))))
        g.add((note, RDF.value, lit(row["text"], lang)))
        if row.get("code"):
            g.add((cat(row["code"]), ICCS.footnote, note))
        if row.get("field"):
            g.add((note, ICCS.noteOn, FIELD_PROPERTY[row["field"]]))
        terms = footnote_terms(row)
        names = english_terms.get(row["number"], [])
        if len(names) != len(terms):
            raise BuildError(f"data/footnotes-{lang}.csv: footnote {row['number']} defines {len(terms)} "
                             f"terms, the English edition's {len(names)}")
        for term, name in zip(terms, names):
            concept = URIRef(f"{E}glossary/{row['number']}-{slug(name)}")
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.inScheme, glossary))
            g.add((concept, SKOS.prefLabel, lit(term, lang)))
            g.add((concept, SKOS.definition, lit(row["text"], lang)))
            g.add((concept, DCT.source, note))
            if row.get("code"):
                g.add((cat(row["code"]), ICCS.glossaryTerm, concept))
    if rows and (glossary, RDF.type, SKOS.ConceptScheme) not in g:
        g.add((glossary, RDF.type, SKOS.ConceptScheme))
        g.add((glossary, DCT.issued, ISSUED))
        g.add((glossary, SKOS.prefLabel, lit("Glossary of the ICCS: terms defined in the footnotes of Table I", "en")))


def footnote_terms(row):
    return [t.strip() for t in row.get("term", "").split("; ") if t.strip()]


def slug(text):
    import unicodedata

    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "entry"


def build_index(known, errata):
    g = new_graph()
    for lang in LANGS:
        rows = errata.correct(f"index-{lang}", read_table(f"index-{lang}"), "term")
        seen = set()
        for row in rows:
            base = f"{E}index/{lang}/{slug(row['term'])}"
            iri, n = base, 1
            while iri in seen:
                n += 1
                iri = f"{base}-{n}"
            seen.add(iri)
            node = URIRef(iri)
            g.add((node, RDF.type, ICCS.IndexEntry))
            g.add((node, RDFS.label, lit(row["term"], lang)))
            if row["code"]:  # an entry printed with no code is classified nowhere: the shapes say so
                g.add((node, XKOS.classifiedUnder, cat(row["code"])))
            g.add((node, ICCS.page, Literal(number(row, "page", f"index-{lang}"))))
    return g


def build_tags(errata):
    """Tables A and II. A tag printed in two groups (ViP, Cit, LS, Int: victim and perpetrator)
    belongs to both; its name in the second group, where it differs, is a skos:altLabel."""
    g = new_graph()
    groups = {}

    def add_group(key, labels):
        group = URIRef(f"{E}tag-group/{key}")
        if group not in groups:
            groups[group] = labels
            g.add((group, RDF.type, ICCS.DisaggregationGroup))
            for lang in LANGS:
                g.add((group, SKOS.prefLabel, lit(labels[lang], lang)))
        return group

    rows = read_table("tags")
    group_labels = {r["group"]: {lang: r[f"group_{lang}"] for lang in LANGS} for r in rows}
    for row in rows:
        scheme = URIRef(f"{E}tag/{row['acronym']}")
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, RDF.type, ICCS.DisaggregatingVariable))
        g.add((scheme, DCT.issued, ISSUED))
        g.add((scheme, SKOS.notation, Literal(row["acronym"])))
        for lang in LANGS:
            g.add((scheme, SKOS.prefLabel, lit(row[f"name_{lang}"], lang)))
            # The name in the second group, and Table II's headings ("Int: Victim was intoxicated
            # with ..."; "Aiding/abetting/accessory included"), where they differ from Table A's name.
            for column in ("also_name", "table2_name", "table2_also_name"):
                also = row.get(f"{column}_{lang}")
                if also and also != row[f"name_{lang}"]:
                    g.add((scheme, SKOS.altLabel, lit(also, lang)))
            for column, prop in (("definition", SKOS.definition), ("description", SKOS.scopeNote),
                                 ("table2_text", SKOS.note)):
                if row.get(f"{column}_{lang}"):
                    g.add((scheme, prop, lit(row[f"{column}_{lang}"], lang)))
        for key in filter(None, (row["group"], row.get("also_group"))):
            group = add_group(key, group_labels[key])
            g.add((scheme, ICCS.disaggregationGroup, group))
            g.add((group, DCT.hasPart, scheme))
    for row in errata.correct("tag-codes", read_table("tag-codes"), lambda r: f"{r['acronym']}/{r['code']}"):
        scheme = f"{E}tag/{row['acronym']}"
        node = add_item(g, scheme, scheme, row["code"], row["parent"], row, "definition")
        g.add((node, SKOS.notation, Literal(row["code"])))
    return g


def add_item(g, scheme_iri, base, key, parent_key, row, note_column):
    """The concept ``base/key`` of a small table (a tag code, a homicide row) in the scheme
    ``scheme_iri``: labels and note in both languages, and its place in the hierarchy."""
    scheme = URIRef(scheme_iri)
    node = URIRef(f"{base}/{key}")
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.inScheme, scheme))
    for lang in LANGS:
        g.add((node, SKOS.prefLabel, lit(row[f"label_{lang}"], lang)))
        if row.get(f"{note_column}_{lang}"):
            g.add((node, SKOS.definition, lit(row[f"{note_column}_{lang}"], lang)))
    if parent_key:
        parent = URIRef(f"{base}/{parent_key}")
        g.add((node, SKOS.broader, parent))
        g.add((parent, SKOS.narrower, node))
    else:
        g.add((node, SKOS.topConceptOf, scheme))
        g.add((scheme, SKOS.hasTopConcept, node))
    return node


def build_homicide():
    g = new_graph()
    for row in read_table("homicide-tables"):
        scheme = URIRef(f"{E}homicide/{row['table']}")
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, DCT.issued, ISSUED))
        g.add((scheme, SKOS.notation, Literal(row["table"])))
        for lang in LANGS:
            g.add((scheme, SKOS.prefLabel, lit(row[f"title_{lang}"], lang)))
    for row in read_table("homicide"):
        # A row's path ("V.1.2") names its table already: its IRI is homicide/V.1.2.
        node = add_item(g, f"{E}homicide/{row['table']}", f"{E}homicide", row["path"], row["parent"],
                        row, "description")
        if row.get("icd10"):
            g.add((node, ICCS.icd10, Literal(row["icd10"])))
    add_icd10_correspondence(g)
    return g


def add_icd10_correspondence(g):
    """Table V's ICD-10 codes as an XKOS correspondence between the mechanisms of killing and
    ICD-10, one association per row that prints a code."""
    table = URIRef(f"{E}homicide/V")
    icd10 = URIRef(ns.ICD10.rstrip("/"))
    correspondence = URIRef(f"{E}correspondence/homicide-V-icd10")
    g.add((correspondence, RDF.type, XKOS.Correspondence))
    g.add((correspondence, DCT.issued, ISSUED))
    g.add((correspondence, XKOS.compares, table))
    g.add((correspondence, XKOS.compares, icd10))
    g.add((correspondence, SKOS.prefLabel, lit("Table V of the ICCS (intentional homicide by mechanism of "
                                               "killing) and the ICD-10 codes it prints", "en")))
    g.add((icd10, RDF.type, SKOS.ConceptScheme))
    g.add((icd10, DCT.issued, Literal("2010", datatype=XSD.gYear)))
    g.add((icd10, SKOS.prefLabel, lit("International Statistical Classification of Diseases and Related "
                                      "Health Problems, 10th Revision (ICD-10), 2010 edition", "en")))
    for node in sorted(g.subjects(ICCS.icd10, None)):
        code = str(g.value(node, ICCS.icd10))
        association = URIRef(f"{correspondence}/{code}")
        target = URIRef(ns.ICD10 + code)
        g.add((correspondence, XKOS.madeOf, association))
        g.add((association, RDF.type, XKOS.ConceptAssociation))
        g.add((association, XKOS.sourceConcept, node))
        g.add((association, XKOS.targetConcept, target))
        g.add((target, SKOS.notation, Literal(code)))
        g.add((target, SKOS.inScheme, icd10))


def add_table_footnotes(tags, homicide, errata):
    """Footnotes of Tables A, II, III and IV, on the tag, tag code or homicide row they mark
    (a footnote on a table's title marks no single resource)."""
    for row in errata.correct("footnotes-tables", read_table("footnotes-tables"), "number_en"):
        key = row["key"]
        if key.split(".")[0] in ("III", "IV", "V"):
            graph, target = homicide, URIRef(f"{E}homicide/{key}")
        elif key in ("A", "II"):
            graph, target = tags, None
        else:
            graph, target = tags, URIRef(f"{E}tag/{key}")
        for lang in LANGS:
            note = URIRef(f"{E}footnote/{lang}/{row[f'number_{lang}']}")
            graph.add((note, RDF.type, ICCS.Footnote))
            graph.add((note, ICCS.footnoteNumber, Literal(number(row, f"number_{lang}", "footnotes-tables"))))
            graph.add((note, RDF.value, lit(row[f"text_{lang}"], lang)))
            if target is not None:
                graph.add((target, ICCS.footnote, note))


def build_errata(errata, known):
    g = new_graph()
    for e in errata.all:
        node = URIRef(f"{E}erratum/{e['id']}")
        g.add((node, RDF.type, ICCS.Erratum))
        g.add((node, DCT.identifier, Literal(e["id"])))
        g.add((node, ICCS.table, Literal(e["source"])))
        g.add((node, ICCS.key, Literal(e["key"])))
        g.add((node, ICCS.field, Literal(e["field"])))
        g.add((node, ICCS.printedValue, Literal(e["printed"])))
        g.add((node, ICCS.correctedValue, Literal(e["corrected"])))
        g.add((node, ICCS.action, Literal(e["action"])))
        g.add((node, RDFS.comment, lit(e["reason"], "en")))
        for lang in LANGS:
            if e.get(f"page_{lang}"):
                prop = ICCS.pageEnglishEdition if lang == "en" else ICCS.pageSpanishEdition
                g.add((node, prop, Literal(number(e, f"page_{lang}", "errata"))))
        # The category the erratum is about: the row whose text it corrects, else the code it
        # gives (an index entry, a row whose own code is misprinted).
        for value in (e["key"], e["corrected"]):
            if value in known:
                g.add((node, ICCS.concerns, cat(value)))
                break
    return g


def check_citations():
    """Every citation that the check of citations flags has a decision in the errata."""
    from citations import check

    undecided = [f for f in check(DATA) if not f.decision]
    if undecided:
        lines = "; ".join(f"{f.citation.source} {f.citation.key} {f.citation.field} {f.citation.code}: {f.reason}"
                          for f in undecided[:5])
        raise BuildError(f"{len(undecided)} flagged citations have no decision in data/errata.csv "
                         f"(python tools/citations.py --undecided lists them): {lines}")


def serialize(graph):
    return graph.serialize(format="turtle").encode("utf-8")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "ontology")
    ap.add_argument("--data", type=Path, default=None, help="folder of the curated tables")
    ap.add_argument("--without-erratum", action="append", default=[], metavar="ID",
                    help="leave this correction out (to see what the shapes say of the print)")
    args = ap.parse_args(argv)
    global DATA
    DATA = args.data or DATA
    try:
        graphs = build(skip_errata=args.without_erratum)
        if not args.without_erratum:
            check_citations()
    except BuildError as e:
        print(f"build_graph: {e}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for name, graph in graphs.items():
        write_atomic(args.out / f"{name}.ttl", serialize(graph))
    print(f"wrote {', '.join(f'{n}.ttl' for n in graphs)} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
