"""Thematic views: each theme's members, tag rules, partial members and left-out categories, from
data/theme-*.csv; the instruments they cite; finding a theme by the words of its name."""
import json
import re

import pytest
from click.testing import CliRunner
from conftest import REFERENCE, read_csv
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from iccs import namespaces as ns
from iccs.check import validate
from iccs.cli import cli

THEMES = read_csv("themes")
MEMBERS = read_csv("theme-members")
INSTRUMENTS = read_csv("instruments")
PARENTS = {t["id"]: [p for p in t["parent"].split(";") if p] for t in THEMES}
ICCS = ns.rdflib_namespaces()["iccs"]


def family(theme_id):
    """The theme and the themes below it, after the CSV."""
    out, queue = [], [theme_id]
    while queue:
        t = queue.pop(0)
        if t not in out:
            out.append(t)
            queue += [s for s, parents in PARENTS.items() if t in parents]
    return out


def rows(theme_id, kind):
    return [m for m in MEMBERS if m["theme"] in family(theme_id) and m["kind"] == kind]


def conditions(rule):
    out = {}
    for part in rule["tags"].split():
        tag, _, value = part.partition("=")
        out.setdefault(tag, []).append(value)
    return out


def unrelated(classification, theme_id):
    """Categories nothing of the theme (or its sub-themes) touches, above or below."""
    related = {m["code"] for m in MEMBERS if m["theme"] in family(theme_id) and m["code"]}
    return [c.code for c in classification
            if not any(c.code.startswith(r) or r.startswith(c.code) for r in related)]


def test_the_themes_exist_with_their_parents(classification):
    themes = classification.themes()
    assert {t["id"] for t in THEMES} == set(themes)
    for row in THEMES:
        t = themes[row["id"]]
        assert t.label("en") == row["label_en"] and t.label("es") == row["label_es"]
        assert t.definition("en") == row["definition_en"]
        assert re.search(r"\bpp?\. \d", t.definition("en")), f"{row['id']}: cites the ICCS pages"
        assert sorted(p.id for p in t.parents) == sorted(PARENTS[row["id"]])
        for parent in t.parents:
            assert t in parent.subthemes
    assert {m["kind"] for m in MEMBERS} == {"category", "tag", "partial", "leaves-out"}
    # the review's several parents: environmental crime holds wildlife, waste and fisheries
    env = {t.id for t in themes["environmental-crime"].subthemes}
    assert {"wildlife-forest-crime", "trafficking-waste", "fisheries-crime"} <= env
    assert {p.id for p in themes["trafficking-waste"].parents} == {"trafficking", "environmental-crime"}


@pytest.mark.parametrize("theme_id", [t["id"] for t in THEMES])
def test_members_belong_and_others_do_not(classification, theme_id):
    theme = classification.theme(theme_id)
    whole = {m["code"] for m in rows(theme_id, "category")}
    assert set(theme.categories()) == {c for c in whole if not any(c != o and c.startswith(o) for o in whole)}
    for code in whole:
        assert theme.contains(code) == "exact"
        for child in classification[code].children:
            assert theme.contains(child.code) == "exact"
    for m in rows(theme_id, "partial"):
        if not any(m["code"].startswith(w) for w in whole):
            assert theme.contains(m["code"]) == "partial", m["code"]
    outside = unrelated(classification, theme_id)
    assert outside, theme_id
    for code in outside:
        assert theme.contains(code) is None, code


@pytest.mark.parametrize("row", [m for m in MEMBERS if m["kind"] == "leaves-out"],
                         ids=lambda m: f"{m['theme']}-{m['code']}")
def test_a_left_out_category_is_not_partial(classification, row):
    """A partial member above a left-out category does not leak to it, in the theme or any
    theme that holds it, unless that theme holds the category otherwise (section 10 whole)."""
    left = [c.code for c in classification.tree(row["code"])]
    holders = [t for t in THEMES if row["theme"] in family(t["id"])]
    for t in holders:
        others = {m["code"] for m in MEMBERS if m["theme"] in family(t["id"]) and m["kind"] == "category"
                  and m["theme"] != row["theme"]}
        expected = "exact" if any(row["code"].startswith(o) for o in others) else None
        for code in left:
            assert classification.theme(t["id"]).contains(code) == expected, (t["id"], code)
    parts = [p for p in rows(row["theme"], "partial") if row["code"].startswith(p["code"])]
    assert parts or row["theme"] == "cyber-enabled-crime", "a left-out category sits below a partial member"
    definition = next(t for t in THEMES if t["id"] == row["theme"])["definition_en"]
    sentences = re.split(r"(?<=[a-z)])\. (?=[A-Z])", definition)
    assert any(row["code"] in s and "left out" in s for s in sentences), "the definition says what it leaves out"


def test_issue_10032_is_out_of_the_wildlife_themes(classification):
    for theme in ("wildlife-forest-crime", "trafficking-wildlife", "trafficking"):
        assert classification.theme(theme).contains("10032") is None
        assert classification.theme(theme).contains("1003") == "partial"
    assert classification.theme("environmental-crime").contains("10032") == "exact"
    assert {x["code"] for x in classification.theme("trafficking").left_out()} == {"10032"}


@pytest.mark.parametrize("rule", [m for m in MEMBERS if m["kind"] == "tag"],
                         ids=lambda m: f"{m['theme']}-{m['code'] or 'any'}-{m['tags']}")
def test_tag_rules_need_every_condition(classification, rule):
    theme = classification.theme(rule["theme"])
    wanted = conditions(rule)
    tags = {t: v[0] for t, v in wanted.items()}
    codes = [rule["code"]] if rule["code"] else unrelated(classification, rule["theme"])[:1]
    codes += [c.code for c in classification[codes[0]].children][:1]
    for code in codes:
        assert theme.contains(code, tags=tags) == "exact"
        assert theme.contains(code, tags={t.lower(): vs for t, vs in wanted.items()}) == "exact"
        for tag in wanted:
            named = {v for m in rows(rule["theme"], "tag") for v in conditions(m).get(tag, [])}
            other = next(c["code"] for c in classification.tag(tag)["codes"] if c["code"] not in named)
            assert theme.contains(code, tags=dict(tags, **{tag: other})) != "exact", (code, tag)
            if len(wanted) > 1:
                assert theme.contains(code, tags={t: v for t, v in tags.items() if t != tag}) != "exact"
        for parent in theme.parents:
            assert parent.contains(code, tags=tags) == "exact"
    if rule["code"]:
        assert theme.contains(rule["code"]) in ("partial", "exact"), "untagged: some offences belong"
        outside = unrelated(classification, rule["theme"])[0]
        assert theme.contains(outside, tags=tags) == ("exact" if any(
            not m["code"] and set(conditions(m)) <= set(tags) for m in rows(rule["theme"], "tag")) else None)


def test_scoped_rules_of_the_issue(classification):
    ocse = classification.theme("online-child-sexual-exploitation")
    assert ocse.contains("030221", tags={"Cy": "1"}) == "exact"
    assert ocse.contains("030222", tags={"Cy": "2"}) is None
    assert ocse.contains("0101", tags={"Cy": "1"}) is None
    killings = classification.theme("gender-related-killings")
    assert killings.contains("0101", tags={"SV": "2", "ViP": "1"}) == "exact"
    assert killings.contains("0101", tags={"SV": "1", "ViP": "1"}) is None
    assert killings.contains("0102", tags={"SV": "2", "ViP": "1"}) is None


def test_cybercrime_holds_what_0903_sends_elsewhere(classification):
    """Each code the 0903 exclusions cite for an act 'with a computer system' is in cybercrime
    with Cy 1, through the one unscoped rule, whose note names them; without tags only where a
    partial member in or below it says so; cyber-dependent and cyber-enabled split it."""
    exclusions = classification["0903"].exclusions("en")
    cited = set(re.findall(r"\((\d{4,6})\)", exclusions))
    assert cited >= {"030221", "0503", "08022", "0701", "0502"}
    cyber = classification.theme("cybercrime")
    assert {t.id for t in cyber.subthemes} == {"cyber-dependent-crime", "cyber-enabled-crime"}
    enabled_rule = next(m for m in MEMBERS if m["theme"] == "cyber-enabled-crime" and m["kind"] == "tag")
    with_parts = {m["code"] for m in rows("cybercrime", "partial")}
    for code in cited:
        assert cyber.contains(code, tags={"Cy": "1"}) == "exact", code
        assert classification.theme("cyber-enabled-crime").contains(code, tags={"Cy": "1"}) == "exact"
        expected = "partial" if any(p.startswith(code) for p in with_parts) else None
        assert cyber.contains(code) == cyber.contains(code, tags={"Cy": "2"}) == expected, code
        assert code in enabled_rule["note"], "the unscoped rule's note says why the category is cyber-related"
    assert cyber.contains("0502") is None and cyber.contains("08022") is None
    dependent, enabled = classification.theme("cyber-dependent-crime"), classification.theme("cyber-enabled-crime")
    assert dependent.contains("0903") == "exact" and dependent.contains("0701", tags={"Cy": "1"}) is None
    assert enabled.contains("0903", tags={"Cy": "1"}) is None
    assert dependent.contains("02111") == "partial"


def test_cybercrime_lists_each_category_once(classification):
    """The audit's fault: 030221 and 030223 were partial members of cyber-enabled crime and of
    its sub-theme online child sexual exploitation, and scoped Cy 1 rules repeated the unscoped
    one. No rule in cyber-enabled crime is scoped, no partial member is stated twice in a family,
    and the listing shows each category once per kind."""
    assert not [m for m in MEMBERS if m["theme"] == "cyber-enabled-crime" and m["kind"] == "tag" and m["code"]]
    for t in THEMES:
        stated = [(m["code"], m["basis"]) for m in rows(t["id"], "partial")]
        assert len(stated) == len(set(stated)), f"{t['id']}: a partial member stated twice in the family"
    d = classification.theme("cybercrime").to_dict()
    partial = [p["code"] for p in d["partial"]]
    assert len(partial) == len(set(partial)) and {"030221", "030223"} <= set(partial)
    assert [(r["scope"], [c["value"] for c in r["conditions"]]) for r in d["rules"]] == [(None, ["1"])]
    from iccs.render import theme_text

    text = theme_text(d)
    for code in ("030221", "030223"):
        assert len(re.findall(rf"^  {code} ", text, re.M)) == 1, code
    # the sub-theme still shows its own rule: there no unscoped rule implies it
    ocse = classification.theme("online-child-sexual-exploitation").to_dict()
    assert [r["scope"]["code"] for r in ocse["rules"]] == ["03022"]


@pytest.mark.parametrize("theme_id,code,tags,expected", [
    ("identity-related-crime", "07023", None, "partial"),
    ("identity-related-crime", "08059", None, "partial"),
    ("smuggling-migrants", "08059", None, "partial"),
    ("trafficking-firearms", "090119", None, "partial"),
    ("kidnapping", "020221", None, "exact"),
    ("kidnapping", "020222", None, "partial"),
    ("falsified-medical-products", "07022", None, "partial"),
    ("maritime-crime", "11012", None, "exact"),
    ("maritime-crime", "020223", None, "partial"),
    ("sexual-exploitation", "030221", None, "exact"),
    ("sexual-exploitation", "02041", None, "exact"),
    ("hate-crime", "0201", {"Mot": "2"}, "exact"),
    ("hate-crime", "0201", {"Mot": "3"}, None),
    ("firearm-related-crime", "0401", {"We": "1"}, "exact"),
    ("firearm-related-crime", "090111", None, "exact"),
    ("firearm-related-crime", "090112", None, None),
], ids=lambda v: v if isinstance(v, str) else "")
def test_review_and_new_themes(classification, theme_id, code, tags, expected):
    assert classification.theme(theme_id).contains(code, tags=tags) == expected


# Issue 17, third edition: per theme added or changed, a member, a non-member and a partial member
# (where the theme has one), through the library; the codes are checked against the structure.
THIRD_EDITION = [
    ("terrorism", "09061", None, "exact"),
    ("terrorism", "0401", {"SiC": "6"}, "exact"),
    ("terrorism", "020223", None, "partial"),                # hijacking of an aircraft or a ship
    ("terrorism", "020222", None, "partial"),                # hostage taking
    ("terrorism", "090123", None, "partial"),                # nuclear or radioactive material
    ("terrorism", "090113", None, "partial"),
    ("terrorism", "0504", None, "partial"),                  # property damage by explosion
    ("terrorism", "090112", None, "partial"),
    ("terrorism", "090121", None, None),                     # no instrument followed makes it terrorist
    ("terrorism", "090122", None, None),
    ("terrorism", "0401", {"SiC": "1"}, None),
    ("smuggling-migrants", "08051", None, "exact"),
    ("smuggling-migrants", "07023", None, "partial"),
    ("smuggling-migrants", "07021", None, None),
    ("smuggling-migrants", "0204", None, None),
    ("trafficking-firearms", "090121", None, "exact"),
    ("trafficking-firearms", "090119", None, "partial"),
    ("trafficking-firearms", "090122", None, None),          # explosives: not the Protocol's
    ("trafficking-firearms", "090129", None, None),
    ("trafficking", "090122", None, "exact"),                # held by the umbrella instead
    ("trafficking", "090129", None, "exact"),
    ("trafficking", "090112", None, None),                   # possession or use is not trafficking
    ("trafficking", "02119", None, "partial"),
    ("corruption", "07031", None, "exact"),
    ("corruption", "08061", None, "partial"),                # UNCAC Art. 25
    ("corruption", "08062", None, None),
    ("corruption", "07041", None, None),
    ("money-laundering", "07041", None, "exact"),
    ("money-laundering", "07049", None, None),
    ("obstruction-of-justice", "08061", None, "partial"),
    ("obstruction-of-justice", "0806", None, "partial"),
    ("obstruction-of-justice", "08062", None, None),
    ("obstruction-of-justice", "0205", None, None),
    ("drug-offences", "0601", None, "exact"),
    ("drug-offences", "060111", None, "exact"),
    ("drug-offences", "060121", None, "exact"),              # through 0601 and the sub-theme
    ("drug-offences", "06", None, "partial"),                # above a member
    ("drug-offences", "0602", None, None),
    ("drug-offences", "02072", None, None),
    ("violence-against-women", "0201", {"SV": "2"}, "exact"),
    ("violence-against-women", "030111", {"SV": "2"}, "exact"),
    ("violence-against-women", "0102", {"SV": "2"}, "exact"),
    ("violence-against-women", "0101", {"SV": "2", "ViP": "1"}, "exact"),
    ("violence-against-women", "0201", None, "partial"),     # the rule applies, the tag is not given
    ("violence-against-women", "0106", None, "partial"),     # forced abortion
    ("violence-against-women", "020111", {"SV": "1"}, "partial"),   # female genital mutilation
    ("violence-against-women", "0202", {"SV": "1"}, None),
    ("violence-against-women", "0201", {"SV": "1"}, "partial"),  # above female genital mutilation (020111)
    ("violence-against-women", "0401", {"SV": "2"}, None),
    ("violence-against-women", "0103", {"SV": "2"}, None),
    ("violence-against-children", "02021", None, "exact"),
    ("violence-against-children", "020211", None, "exact"),
    ("violence-against-children", "020611", None, "exact"),
    ("violence-against-children", "030221", None, "exact"),
    ("violence-against-children", "110135", None, "exact"),
    ("violence-against-children", "0201", {"STV": "1"}, "exact"),
    ("violence-against-children", "0201", {"STV": "2", "AV": "1"}, "exact"),
    ("violence-against-children", "0101", {"AV": "1"}, "exact"),
    ("violence-against-children", "0204", None, "partial"),  # child trafficking
    ("violence-against-children", "020292", None, "partial"),
    ("violence-against-children", "11021", None, "partial"),
    ("violence-against-children", "030113", {"STV": "2"}, "partial"),
    ("violence-against-children", "0201", {"STV": "2", "AV": "3"}, None),
    ("violence-against-children", "0808", None, None),
    ("violence-against-children", "0401", {"STV": "1"}, None),
    ("cybercrime", "0903", None, "exact"),
    ("cybercrime", "0502", {"Cy": "1"}, "exact"),
    ("cybercrime", "030223", None, "partial"),
    ("cybercrime", "0502", None, None),
    ("cybercrime", "0401", {"Cy": "2"}, None),
]


@pytest.mark.parametrize("theme_id,code,tags,expected", THIRD_EDITION, ids=lambda v: v if isinstance(v, str) else "")
def test_third_edition_members(classification, theme_id, code, tags, expected):
    assert code in {r["code"] for r in read_csv("structure-en")}, "a code of the ICCS"
    for tag, value in (tags or {}).items():
        assert value in {c["code"] for c in classification.tag(tag)["codes"]}, "a code of the tag"
    assert classification.theme(theme_id).contains(code, tags=tags) == expected


def test_every_third_edition_theme_has_a_member_a_non_member_and_a_partial():
    for theme_id in {t for t, *_ in THIRD_EDITION}:
        found = {e for t, _, _, e in THIRD_EDITION if t == theme_id}
        assert None in found, theme_id
        if rows(theme_id, "category") or rows(theme_id, "tag"):
            assert "exact" in found, theme_id
        if rows(theme_id, "partial"):
            assert "partial" in found, theme_id


# Each instrument a changed theme follows is named in its definition with the article it follows.
ARTICLES = {
    "terrorism": [r"Hague Convention 1970, Art\. 1", r"SUA Convention 1988, Art\. 3\(1\)\(a\)",
                  r"Taking of Hostages 1979, Art\. 1", r"Physical Protection of Nuclear Material, Art\. 7\(1\)",
                  r"Nuclear Terrorism 2005, Art\. 2\(1\)", r"Terrorist Bombings 1997, Art\. 2\(1\)",
                  r"Financing of Terrorism \(footnote 133, p\. 89, citing its Art\. 2\(1\)\)"],
    "smuggling-migrants": [r"Art\. 6\(1\)\(a\)", r"Art\. 6\(1\)\(b\)", r"Art\. 6\(1\)\(c\)"],
    "trafficking-firearms": [r"Art\. 5\(1\)\(a\), \(b\)", r"Art\. 5\(1\)\(c\)"],
    "corruption": [r"UNCAC Arts\. 15, 16, 21", r"UNCAC Art\. 25", r"UNCAC Art\. 23"],
    "money-laundering": [r"Article 6 of the United Nations Convention against Transnational Organized Crime",
                         r"Corruption \(Art\. 23", r"Psychotropic Substances \(Art\. 3\(1\)\(b\)\)"],
    "obstruction-of-justice": [r"Organized Crime \(Art\. 23\)", r"Corruption \(Art\. 25\)"],
    "drug-offences": [r"Single Convention Art\. 36", r"1971 Convention Art\. 22", r"1988 Convention Art\. 3\(1\)"],
    "violence-against-women": [r"Article 39 of the Istanbul Convention", r"\(Art\. 3\(a\)\)"],
    "violence-against-children": [r"\(Art\. 1\)", r"\(Art\. 19\)", r"Rome Statute Art\. 8\(2\)\(b\)\(xxvi\)",
                                  r"TIP Protocol Art\. 3\(c\), \(d\)", r"Art\. 3\(1\)\(a\)\(ii\)"],
}


@pytest.mark.parametrize("theme_id", sorted(ARTICLES))
def test_changed_themes_cite_their_articles(classification, theme_id):
    definition = classification.theme(theme_id).definition("en")
    for pattern in ARTICLES[theme_id]:
        assert re.search(pattern, definition), (theme_id, pattern)
    cited = {i["id"] for i in INSTRUMENTS}
    row = next(t for t in THEMES if t["id"] == theme_id)
    assert set(row["instruments"].split(";")) <= cited


def test_terrorism_follows_the_universal_instruments_of_footnote_133(classification):
    """Footnote 133's 'universal legal instruments against terrorism': each one the theme follows
    is an instrument of its own, and each partial member it adds names one in its note."""
    footnote = next(r["text"] for r in read_csv("footnotes-en") if r["number"] == "133")
    assert "universal legal instruments against terrorism" in footnote
    instruments = next(t for t in THEMES if t["id"] == "terrorism")["instruments"].split(";")
    assert {"hague-1970", "sua-convention", "hostages-convention", "cppnm", "nuclear-terrorism-convention",
            "terrorist-bombings-convention"} <= set(instruments)
    named = {"020223": "Hague Convention", "020222": "Taking of Hostages", "090123": "Physical Protection",
             "090113": "Nuclear Terrorism Convention", "0504": "Terrorist Bombings", "090112": "Terrorist Bombings"}
    for code, name in named.items():
        note = next(m["note"] for m in MEMBERS if m["theme"] == "terrorism" and m["code"] == code)
        assert name in note, code
        if code not in ("020223", "020222"):
            assert note.startswith("Judgement:") or "Judgement:" in note, "where the elements must hold, a judgement"
    assert classification["090113"].footnotes("en"), "footnote 124 on 090113"


def test_spanish_labels_are_printed_in_the_spanish_edition():
    printed = _flat((REFERENCE / "ICCS-v1.0-es.layout.txt").read_text(encoding="utf-8")).casefold()
    for t in THEMES:
        if t["label_es"]:
            assert t["label_es"].casefold() in printed, t["id"]
    assert not next(t for t in THEMES if t["id"] == "violence-against-children")["label_es"]
    assert not next(t for t in THEMES if t["id"] == "drug-offences")["label_es"]


def test_new_themes_hold_their_sub_themes(classification):
    assert "trafficking-drugs" in {t.id for t in classification.theme("drug-offences").subthemes}
    assert {p.id for p in classification.theme("trafficking-drugs").parents} == {"trafficking", "drug-offences"}
    women = classification.theme("violence-against-women")
    assert [t.id for t in women.subthemes] == ["gender-related-killings"]
    # the sub-theme's rules say nothing "0101 and below: SV = 2" does not: not listed again
    assert [(r["scope"], r["theme"]) for r in women.rules()] == [
        (s, "violence-against-women") for s in ("0101", "0102", "02", "03")]


def printed_in(classification, code, phrase):
    """Is ``phrase`` verbatim an index term of ``code`` or of a category below it, or one item of
    their inclusions: a whole item between the "; " that separate them, or a run of its parts
    between the ", " some of them use ("Illegal hunting, illegal fishing, poaching")? Only the
    first letter may differ in case (an item starts a list, a term is capitalised)."""
    def same(a, b):
        return a[:1].casefold() == b[:1].casefold() and a[1:] == b[1:]

    for category in classification.tree(code):
        if any(same(phrase, term) for term in category.index_terms("en")):
            return True
        for item in category.inclusions("en").split(";"):
            parts = [p.strip().rstrip(".") for p in item.split(",")]
            for i in range(len(parts)):
                for j in range(i + 1, len(parts) + 1):
                    if same(phrase, ", ".join(parts[i:j])):
                        return True
    return False


def test_partial_members_say_why(classification):
    for m in (m for m in MEMBERS if m["kind"] == "partial"):
        part = next(p for p in classification.theme(m["theme"]).partial_members()
                    if p["code"] == m["code"] and p["theme"] == m["theme"])
        assert part["basis"] and part["note"]
        for phrase in part["basis"]:
            assert printed_in(classification, m["code"], phrase), \
                f"{m['theme']} {m['code']}: {phrase!r} is neither an index term nor an inclusion of {m['code']}"
    for m in MEMBERS:
        assert (m["kind"] == "leaves-out") == (not m["note"]), f"{m['theme']} {m['code']}: a note, or none"


@pytest.mark.parametrize("code,phrase,printed", [
    ("07019", "false representation of identity", False),   # a cut of an inclusion (the audit's 07019)
    ("07019", "false representation of identity or professional status", True),
    ("07019", "Using forged/counterfeit identity documents", True),   # an index term of 07019
    ("07019", "Hostage taking", False),                      # an index term, of another category
    ("10042", "illegal fishing", True),                      # a part of "Illegal hunting, illegal fishing, poaching"
    ("0901", "Trafficking of firearms", True),               # the index term of 090121, below 0901
    ("090121", "Arms trafficking", False),                   # an inclusion of 0901, above it
])
def test_a_basis_is_printed_for_that_category(classification, code, phrase, printed):
    assert printed_in(classification, code, phrase) is printed


def _flat(text):
    return " ".join(text.split())


def test_instruments_are_cited_with_official_titles_and_certain_dates(classification):
    by_id = {i["id"]: i for i in INSTRUMENTS}
    # the dates the review calls certain
    for key, date in [("single-convention-1961", "1961-03-30"), ("psychotropic-convention-1971", "1971-02-21"),
                      ("illicit-traffic-convention-1988", "1988-12-20"), ("unclos", "1982-12-10"),
                      ("lanzarote", "2007-07-12")]:
        assert by_id[key]["date"] == date
    months = "January February March April May June July August September October November December".split()
    printed = _flat((REFERENCE / "ICCS-v1.0-en.layout.txt").read_text(encoding="utf-8"))
    footnotes = _flat(" ".join(r["text"] for r in read_csv("footnotes-en")))
    for i in INSTRUMENTS:
        if i["date"]:
            y, m, d = i["date"].split("-")
            assert f"{int(d)} {months[int(m) - 1]} {y}" in i["note"], f"{i['id']}: the note says what the date is"
        if i["cited_as"]:
            assert i["cited_as"] in footnotes or i["cited_as"] in printed, f"{i['id']}: cited as the ICCS prints it"
        else:
            assert "Not cited by the ICCS" in i["note"]
    used = {x for t in THEMES for x in t["instruments"].split(";") if x}
    assert used == set(by_id)
    financing = by_id["terrorist-financing-convention"]
    assert "E/RES/54/109" in financing["cited_as"] and "A/RES/54/109" in financing["note"]
    shown = classification.theme("terrorism").instruments
    assert {i["title"] for i in shown} >= {financing["title_en"]}
    assert all(i["date"] == by_id[i["id"]]["date"] for i in [dict(x, id=next(
        k for k, v in by_id.items() if v["title_en"] == x["title"])) for x in shown])


def test_drug_trafficking_rests_on_the_iccs_split_by_purpose():
    """06012 is justified by the ICCS's split between 06011 (personal consumption) and 06012,
    not by the 1988 Convention, whose 'illicit traffic' also covers personal-use offences."""
    member = next(m for m in MEMBERS if m["theme"] == "trafficking-drugs" and m["code"] == "06012")
    definition = next(t for t in THEMES if t["id"] == "trafficking-drugs")["definition_en"]
    for text in (member["note"], definition):
        assert "06011" in text and "personal consumption" in text
    assert "1988" not in member["note"]
    assert not re.search(r"1988 Convention (treats|counts)", definition)


def test_basel_covers_transboundary_movement_only():
    referencing = [t["id"] for t in THEMES if "basel" in t["instruments"].split(";")]
    for theme_id in referencing:
        codes = {m["code"] for m in MEMBERS if m["theme"] in family(theme_id)}
        assert "10022" in codes or "10" in codes
    waste = next(t for t in THEMES if t["id"] == "trafficking-waste")["definition_en"]
    assert re.search(r"Basel[^.]*10022 only", waste)


@pytest.mark.parametrize("name,theme_id", [
    ("wildlife", "wildlife-forest-crime"), ("wildlife crime", "wildlife-forest-crime"),
    ("Wildlife trafficking", "trafficking-wildlife"), ("cyber", "cybercrime"), ("CYBERCRIME", "cybercrime"),
    ("organized crime", "organized-crime"), ("Organized-Crime", "organized-crime"),
    ("trafficking", "trafficking"), ("trata", "trafficking-persons"), ("kidnapping", "kidnapping"),
    ("cyber enabled", "cyber-enabled-crime"), ("explotacion sexual", "sexual-exploitation"),
    ("women", "violence-against-women"), ("children", "violence-against-children"), ("drug", "drug-offences"),
    ("obstruction", "obstruction-of-justice"), ("firearms", "trafficking-firearms"),
])
def test_theme_names_resolve_by_words(classification, name, theme_id):
    result = CliRunner().invoke(cli, ["theme", *name.split(), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"] == theme_id and data == classification.theme(theme_id).to_dict("en")


def test_ambiguous_or_unknown_theme_names_exit_2():
    ambiguous = CliRunner().invoke(cli, ["theme", "crime"])
    assert ambiguous.exit_code == 2 and "ambiguous" in ambiguous.output
    assert "organized-crime" in ambiguous.output and "hate-crime" in ambiguous.output
    assert "fisheries-crime" not in ambiguous.output, "a sub-theme of a candidate is not listed"
    unknown = CliRunner().invoke(cli, ["theme", "zzz"])
    assert unknown.exit_code == 2 and "no theme 'zzz'" in unknown.output
    listing = json.loads(CliRunner().invoke(cli, ["themes", "--format", "json"]).output)
    assert len(listing) == len(THEMES)


def test_theme_text_shows_rules_and_left_out(classification):
    from iccs.render import theme_text

    text = theme_text(classification.theme("gender-related-killings").to_dict())
    assert "0101 Intentional homicide and below: SV = 2 Female and ViP = 1" in " ".join(text.split())
    text = theme_text(classification.theme("trafficking-wildlife").to_dict())
    assert "Left out" in text and "10032" in text and "Part of: trafficking, wildlife-forest-crime" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    text = " ".join(theme_text(classification.theme("gender").to_dict("es")).split())
    assert "Reglas de etiquetas" in text and "0101 Homicidio intencional y debajo: SV = 2 Mujer y ViP = 1" in text
    assert "Definición: Intentional homicides" in text, "no Spanish definition: the English one"


def test_theme_text_says_why_of_each_partial_member(classification):
    """The basis alone can read wider than the theme ("Hijacking of an aircraft, car, bus, ship"):
    the text shows each partial member's note beside it."""
    from iccs.render import theme_text

    d = classification.theme("terrorism").to_dict()
    text = " ".join(theme_text(d).split())
    hijacking = next(p for p in d["partial"] if p["code"] == "020223")
    assert hijacking["note"] and f"why: {' '.join(hijacking['note'].split())}" in text


# ---------------------------------------------------------------- shapes, over a small graph


@pytest.fixture(scope="module")
def small_graph(shipped_graph):
    """themes.ttl with just what the theme shapes look at: the categories' scheme, notation and
    broader links, the tag codes and their variables (validating this is fast)."""
    from iccs.resources import ontology_files

    g = Graph().parse(next(f for f in ontology_files() if f.endswith("themes.ttl")))
    wanted = (ns.EDITION + "category/", ns.EDITION + "tag/")
    for p in (SKOS.inScheme, SKOS.notation, SKOS.broader):
        for t in shipped_graph.triples((None, p, None)):
            if str(t[0]).startswith(wanted):
                g.add(t)
    for s in shipped_graph.subjects(RDF.type, ICCS.DisaggregatingVariable):
        g.add((s, RDF.type, ICCS.DisaggregatingVariable))
    return g


@pytest.fixture(scope="module")
def theme_shapes(shapes_graph):
    """The theme shapes, with the shapes and prefix declarations they use from iccs-shapes.ttl."""
    from iccs.resources import shape_files

    shapes = Graph().parse(next(f for f in shape_files() if f.endswith("themes-shapes.ttl")))
    base = "https://w3id.org/iccs/shapes#"
    for node in (URIRef(base), URIRef(base + "ExistingCategory")):
        for t in shapes_graph.cbd(node):
            shapes.add(t)
    return shapes


@pytest.fixture(scope="module")
def baseline(small_graph, theme_shapes):
    return {f.code for f in validate(small_graph, theme_shapes)}


def _codes(g, shapes_graph):
    return {f.code for f in validate(g, shapes_graph)}


def _copy(g):
    out = Graph()
    for t in g:
        out.add(t)
    return out


THEME = URIRef(ns.EDITION + "theme/cyber-dependent-crime")


@pytest.mark.parametrize("mutation,code", [
    (lambda g: g.add((THEME, SKOS.member, URIRef(ns.category_iri("09031")))), "ThemeNoDoubleCount"),
    (lambda g: g.add((THEME, SKOS.member, URIRef(ns.category_iri("0199")))), "ThemeMemberResolves"),
    (lambda g: g.add((THEME, ICCS.leavesOut, URIRef(ns.category_iri("09031")))), "ThemeLeavesOutMember"),
    (lambda g: g.add((THEME, ICCS.leavesOut, URIRef(ns.category_iri("0199")))), "ThemeLeavesOutResolves"),
    (lambda g: g.add((THEME, SKOS.member, URIRef(ns.EDITION + "theme/cybercrime"))), "ThemeNoCycle"),
    (lambda g: g.add((next(g.subjects(RDF.type, ICCS.TagRule)), ICCS.category, URIRef(ns.category_iri("0199")))),
     "TagRuleScopeResolves"),
    (lambda g: g.add((next(g.subjects(RDF.type, ICCS.TagRule)), ICCS.tag, URIRef(ns.EDITION + "tag/Zz/1"))),
     "TagRuleNamesATag"),
], ids=["double-count", "unknown-member", "leaves-out-a-member", "leaves-out-unknown", "cycle",
        "unknown-scope", "unknown-tag"])
def test_shapes_fail_on_a_broken_theme(small_graph, theme_shapes, baseline, mutation, code):
    assert baseline == set(), "the shipped themes pass their shapes"
    g = _copy(small_graph)
    mutation(g)
    assert code in _codes(g, theme_shapes)
