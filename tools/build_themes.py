"""The thematic views of the ICCS (UN crime mandate areas), from data/themes.csv,
data/theme-members.csv and data/instruments.csv; used by build_graph.py.

A theme is a skos:Collection (and an iccs:Theme) whose members are of three kinds:
- whole categories (skos:member), and sub-themes (skos:member too: SKOS lets a collection hold
  collections);
- tag rules (iccs:tagRule → an iccs:TagRule whose iccs:tag is a tag code): any category, when the
  offence carries that tag value;
- partial members (iccs:partialMember → an iccs:PartialMember with iccs:category and the
  index terms or inclusions, verbatim, that make only part of the category belong: iccs:basis).
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
        g.add((node, DCT.title, Literal(row["name_en"], lang="en")))
        if row.get("adopted"):
            g.add((node, DCT.date, Literal(row["adopted"], datatype=XSD.date)))
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
        if row.get("parent"):
            g.add((theme_iri(row["parent"]), SKOS.member, theme))
    for row in read_table("theme-members"):
        theme = theme_iri(row["theme"])
        if row["kind"] == "category":
            g.add((theme, SKOS.member, URIRef(ns.category_iri(row["code"]))))
        elif row["kind"] == "tag":
            rule = URIRef(f"{theme}/rule/{row['tag']}-{row['tag_value']}")
            g.add((theme, ICCS.tagRule, rule))
            g.add((rule, RDF.type, ICCS.TagRule))
            g.add((rule, ICCS.tag, URIRef(f"{E}tag/{row['tag']}/{row['tag_value']}")))
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
        else:
            raise ValueError(f"data/theme-members.csv: kind must be category, tag or partial, not {row['kind']!r}")
    return g
