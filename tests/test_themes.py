"""Thematic views: each theme's members, tag rules and partial members, from data/theme-*.csv."""
import json

import pytest
from click.testing import CliRunner
from conftest import read_csv
from rdflib import URIRef
from rdflib.namespace import SKOS

from iccs import namespaces as ns
from iccs.check import validate
from iccs.cli import cli

THEMES = read_csv("themes")
MEMBERS = read_csv("theme-members")
NAMED = ["organized-crime", "trafficking", "trafficking-persons", "smuggling-migrants",
         "trafficking-firearms", "trafficking-drugs", "trafficking-wildlife",
         "trafficking-cultural-property", "trafficking-waste", "corruption", "terrorism",
         "cybercrime", "wildlife-forest-crime", "identity-related-crime"]


def members(theme_id, kind):
    ids = {theme_id} | {t["id"] for t in THEMES if t["parent"] == theme_id}
    return [m for m in MEMBERS if m["theme"] in ids and m["kind"] == kind]


def test_the_named_themes_exist(classification):
    themes = classification.themes()
    assert set(NAMED) <= set(themes)
    assert {t["id"] for t in THEMES} == set(themes)
    for row in THEMES:
        t = themes[row["id"]]
        assert t.label("en") == row["label_en"] and t.definition("en") == row["definition_en"]
        assert "ICCS" in t.definition("en"), f"{row['id']}: the definition cites its source"
        assert (t.parent.id if t.parent else "") == row["parent"]
    kinds = {m["kind"] for m in MEMBERS}
    assert kinds == {"category", "tag", "partial"}


@pytest.mark.parametrize("theme_id", [t["id"] for t in THEMES])
def test_members_belong_and_others_do_not(classification, theme_id):
    theme = classification.theme(theme_id)
    whole = {m["code"] for m in members(theme_id, "category")}
    partial = {m["code"] for m in members(theme_id, "partial")}
    assert set(theme.categories()) == whole
    for code in whole:
        assert theme.contains(code) == "exact"
        for child in classification[code].children:
            assert theme.contains(child.code) == "exact"
    for code in partial - whole:
        assert theme.contains(code) in ("partial", "exact")
        if not any(code.startswith(w) for w in whole):
            assert theme.contains(code) == "partial"
    related = whole | partial
    outside = [c.code for c in classification
               if not any(c.code.startswith(r) or r.startswith(c.code) for r in related)]
    assert outside, theme_id
    for code in outside:
        assert theme.contains(code) is None, code


@pytest.mark.parametrize("rule", [m for m in MEMBERS if m["kind"] == "tag"], ids=lambda m: m["theme"])
def test_tag_rules_switch_membership_on(classification, rule):
    theme = classification.theme(rule["theme"])
    related = {m["code"] for m in MEMBERS if m["theme"] == rule["theme"] and m["code"]}
    code = next(c.code for c in classification
                if not any(c.code.startswith(r) or r.startswith(c.code) for r in related))
    assert theme.contains(code) is None
    assert theme.contains(code, tags={rule["tag"]: rule["tag_value"]}) == "exact"
    assert theme.contains(code, tags={rule["tag"].lower(): [rule["tag_value"]]}) == "exact"
    other = next(c["code"] for c in classification.tag(rule["tag"])["codes"] if c["code"] != rule["tag_value"])
    assert theme.contains(code, tags={rule["tag"]: other}) is None
    if theme.parent:
        assert theme.parent.contains(code, tags={rule["tag"]: rule["tag_value"]}) == "exact"


def test_partial_members_say_why(classification):
    index = {lang: {r["term"] for r in read_csv(f"index-{lang}")} for lang in ("en",)}
    table1 = {r["code"]: r for r in read_csv("table1-en")}
    for m in (m for m in MEMBERS if m["kind"] == "partial"):
        part = next(p for p in classification.theme(m["theme"]).partial_members() if p["code"] == m["code"])
        assert part["basis"]
        for phrase in part["basis"]:
            printed = phrase in index["en"] or phrase.casefold() in table1[m["code"]]["inclusions"].casefold()
            assert printed, f"{m['theme']} {m['code']}: {phrase!r} is neither an index term nor an inclusion"


def test_theme_names_resolve_from_the_command_line(classification):
    for name in ("cyber", "CYBERCRIME", "organized crime", "Organized-Crime"):
        result = CliRunner().invoke(cli, ["theme", name, "--format", "json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert data == classification.theme(data["id"]).to_dict("en")
    ambiguous = CliRunner().invoke(cli, ["theme", "traffick"])
    assert ambiguous.exit_code == 2 and "ambiguous" in ambiguous.output
    unknown = CliRunner().invoke(cli, ["theme", "zzz"])
    assert unknown.exit_code == 2 and "no theme 'zzz'" in unknown.output
    listing = json.loads(CliRunner().invoke(cli, ["themes", "--format", "json"]).output)
    assert len(listing) == len(THEMES)


def _theme_graph(shipped_graph):
    from rdflib import Graph

    g = Graph()
    for t in shipped_graph:
        g.add(t)
    return g


@pytest.mark.parametrize("mutation,code", [
    (lambda g, t: g.add((t, SKOS.member, URIRef(ns.category_iri("09031")))), "ThemeNoDoubleCount"),
    (lambda g, t: g.add((t, SKOS.member, URIRef(ns.category_iri("0199")))), "ThemeMemberResolves"),
], ids=["double-count", "unknown-code"])
def test_shapes_fail_on_a_broken_theme(shipped_graph, shapes_graph, mutation, code):
    g = _theme_graph(shipped_graph)
    theme = URIRef(ns.EDITION + "theme/cybercrime")
    g.add((theme, SKOS.member, URIRef(ns.category_iri("0903"))))
    assert validate(g, shapes_graph) == []
    mutation(g, theme)
    assert code in {f.code for f in validate(g, shapes_graph)}


def test_tag_rule_must_name_a_tag(shipped_graph, shapes_graph):
    g = _theme_graph(shipped_graph)
    rule = next(g.subjects(ns.rdflib_namespaces()["iccs"].tag, None))
    g.remove((rule, ns.rdflib_namespaces()["iccs"].tag, None))
    g.add((rule, ns.rdflib_namespaces()["iccs"].tag, URIRef(ns.EDITION + "tag/Zz/1")))
    assert "TagRuleNamesATag" in {f.code for f in validate(g, shapes_graph)}
