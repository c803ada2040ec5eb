"""The thematic views of the ICCS (UN crime mandate areas), from data/themes.csv,
data/theme-members.csv and data/instruments.csv; used by build_graph.py.

A theme is a skos:Collection (and an iccs:Theme) whose members are of four kinds:
- whole categories (skos:member), and sub-themes (skos:member too: SKOS lets a collection hold
  collections; a theme may be held by several: its `parent` cell lists them, separated by ";");
- tag rules (iccs:tagRule → an iccs:TagRule with one or more iccs:tag, each a tag code, and at
  most one iccs:category, its scope): the offence belongs when it carries, for every variable
  the rule names, one of the rule's codes of that variable, in the scope category or below it
  (any category when unscoped). The `tags` cell reads "SV=2 ViP=1 ViP=2";
- partial members (iccs:partialMember → an iccs:PartialMember with iccs:category and the
  index terms or inclusions, verbatim, that make only part of the category belong: iccs:basis);
- categories the theme leaves out (iccs:leavesOut): none of their offences belong through the
  theme's own partial members or rules, though a partial member above them holds other offences.

Instruments: dcterms:title (the official title), dcterms:alternative (the citation the ICCS
prints, where it cites one), dcterms:date (only when certain), rdfs:comment (what the date is
and where the ICCS cites it).
"""
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from iccs import namespaces as ns
from iccs.graph import new_graph

N = ns.rdflib_namespaces()
SKOS, ICCS, DCT = N["skos"], N["iccs"], N["dcterms"]
E = ns.EDITION


def theme_iri(theme_id):
    return URIRef(f"{E}theme/{theme_id}")


def build_themes(read_table):
    g = new_graph()
    for row in read_table("instruments"):
        node = URIRef(f"{E}instrument/{row['id']}")
        g.add((node, RDF.type, DCT.BibliographicResource))
        g.add((node, DCT.title, Literal(row["title_en"], lang="en")))
        if row.get("cited_as"):
            g.add((node, DCT.alternative, Literal(row["cited_as"], lang="en")))
        if row.get("date"):
            g.add((node, DCT.date, Literal(row["date"], datatype=XSD.date)))
        if row.get("note"):
            g.add((node, RDFS.comment, Literal(row["note"], lang="en")))
    for row in read_table("themes"):
        theme = theme_iri(row["id"])
        g.add((theme, RDF.type, SKOS.Collection))
        g.add((theme, RDF.type, ICCS.Theme))
        g.add((theme, SKOS.notation, Literal(row["id"])))
        for lang in ("en", "es"):
            if row.get(f"label_{lang}"):
                g.add((theme, SKOS.prefLabel, Literal(row[f"label_{lang}"], lang=lang)))
            if row.get(f"definition_{lang}"):
                g.add((theme, SKOS.definition, Literal(row[f"definition_{lang}"], lang=lang)))
        for instrument in filter(None, (i.strip() for i in row.get("instruments", "").split(";"))):
            g.add((theme, DCT.references, URIRef(f"{E}instrument/{instrument}")))
        for parent in filter(None, (p.strip() for p in row.get("parent", "").split(";"))):
            g.add((theme_iri(parent), SKOS.member, theme))
    for row in read_table("theme-members"):
        theme = theme_iri(row["theme"])
        if row["kind"] == "category":
            g.add((theme, SKOS.member, URIRef(ns.category_iri(row["code"]))))
        elif row["kind"] == "tag":
            conditions = tag_conditions(row["tags"])
            rule = URIRef(f"{theme}/rule/" + "-".join(([row["code"]] if row["code"] else [])
                                                      + [f"{t}-{v}" for t, v in conditions]))
            g.add((theme, ICCS.tagRule, rule))
            g.add((rule, RDF.type, ICCS.TagRule))
            if row["code"]:
                g.add((rule, ICCS.category, URIRef(ns.category_iri(row["code"]))))
            for tag, value in conditions:
                g.add((rule, ICCS.tag, URIRef(f"{E}tag/{tag}/{value}")))
            if row.get("note"):
                g.add((rule, RDFS.comment, Literal(row["note"], lang="en")))
        elif row["kind"] == "partial":
            part = URIRef(f"{theme}/partial/{row['code']}")
            g.add((theme, ICCS.partialMember, part))
            g.add((part, RDF.type, ICCS.PartialMember))
            g.add((part, ICCS.category, URIRef(ns.category_iri(row["code"]))))
            for phrase in filter(None, (p.strip() for p in row["basis"].split(" | "))):
                g.add((part, ICCS.basis, Literal(phrase, lang="en")))
            if row.get("note"):
                g.add((part, RDFS.comment, Literal(row["note"], lang="en")))
        elif row["kind"] == "leaves-out":
            g.add((theme, ICCS.leavesOut, URIRef(ns.category_iri(row["code"]))))
        else:
            raise ValueError("data/theme-members.csv: kind must be category, tag, partial or leaves-out, "
                             f"not {row['kind']!r}")
    return g


def tag_conditions(cell):
    """ "SV=2 ViP=1 ViP=2" → [("SV", "2"), ("ViP", "1"), ("ViP", "2")]."""
    out = []
    for part in cell.split():
        tag, sep, value = part.partition("=")
        if not (sep and tag and value):
            raise ValueError(f"data/theme-members.csv: a tag condition reads TAG=CODE, not {part!r}")
        out.append((tag, value))
    if not out:
        raise ValueError("data/theme-members.csv: a tag rule names at least one TAG=CODE")
    return out
