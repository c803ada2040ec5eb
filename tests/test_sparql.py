"""iccs query / iccs.sparql.query: named queries against the library, parity with rdflib,
parameters bound as terms, result formats, bad input."""
import json

import pytest
from click.testing import CliRunner

import iccs
from iccs.cli import cli
from iccs.errors import InputError
from iccs.sparql import named_queries, query
from iccs.sparql.values import bind_values, query_form, where_brace

SAMPLE = ["01", "0101", "0201", "02061", "020612", "0703", "07031", "0903", "11"]


def run(*args):
    return CliRunner().invoke(cli, list(args))


# --- the named queries, each against what the library says -------------------------------------

def test_every_named_query_has_a_header_and_a_test():
    queries = named_queries()
    assert set(queries) == {"category", "cites", "index-terms", "search", "theme", "tags", "errata",
                            "theme-without-index-terms"}
    for q in queries.values():
        assert q.title and q.answers and q.example.startswith("iccs query --name " + q.name)


@pytest.mark.parametrize("code", SAMPLE)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_category(classification, code, lang):
    c = classification[code]
    rows = query(name="category", params={"code": code, "lang": lang}).rows
    parts = {}
    for r in rows:
        parts.setdefault(r["part"], []).append(r)
    assert [(r["notation"], r["label"]) for r in parts["category"]] == [(code, c.label(lang))]
    assert [r["notation"] for r in parts.get("path", [])] == [a.code for a in reversed(c.ancestors)]
    assert [int(r["depth"]) for r in parts.get("path", [])] == list(range(1, c.depth))
    assert [r["notation"] for r in parts.get("child", [])] == [k.code for k in c.children]
    for part, text in (("definition", c.definition(lang)), ("inclusions", c.inclusions(lang)),
                       ("exclusions", c.exclusions(lang))):
        assert " ".join(r["text"] for r in parts.get(part, [])) == text


@pytest.mark.parametrize("code", ["0101", "0201", "0703", "0903", "07019"])
def test_cites(classification, code):
    got = {(r["notation"], r["how"]) for r in query(name="cites", params={"code": code})}
    want = {(c.code, "excludes") for c in classification
            if code in [getattr(x, "code", x) for x in c.excludes]}
    want |= {(c.code, "refers to") for c in classification
             if code in [getattr(x, "code", x) for x in c.refers_to]}
    assert got == want and got


@pytest.mark.parametrize("section,lang", [("07", "es"), ("01", "en"), ("0201", "en")])
def test_index_terms(classification, section, lang):
    got = sorted((r["notation"], r["term"]) for r in query(name="index-terms",
                                                           params={"section": section, "lang": lang}))
    want = sorted((c.code, t) for c in classification.tree(section) for t in c.index_terms(lang))
    assert got == want and got


@pytest.mark.parametrize("text,lang", [("bribery", "en"), ("Homicidio", "es"), ("cyber", "en")])
def test_search(classification, text, lang):
    got = {r["notation"] for r in query(name="search", params={"text": text, "lang": lang})}
    needle = text.lower()
    want = {c.code for c in classification
            if any(needle in t.lower() for t in [c.label(lang), c.definition(lang), c.inclusions(lang),
                                                  c.exclusions(lang)] + c.index_terms(lang))}
    assert got == want and got


@pytest.mark.parametrize("theme", ["cybercrime", "trafficking", "corruption", "identity-related-crime"])
def test_theme(classification, theme):
    t = classification.theme(theme)
    rows = query(name="theme", params={"theme": theme}).rows
    assert {r["notation"] for r in rows if r["membership"] == "whole"} == set(t.categories())
    assert {r["notation"] for r in rows if r["membership"] == "partial"} == {
        p["code"] for p in t.partial_members()}


@pytest.mark.parametrize("theme", ["cybercrime", "trafficking", "environmental-crime"])
def test_theme_without_index_terms(classification, theme):
    below = {c.code for top in classification.theme(theme).categories() for c in classification.tree(top)}
    want = sorted(code for code in below if not classification[code].index_terms("en"))
    assert query(name="theme-without-index-terms", params={"theme": theme}).column("notation") == want


def test_tags(classification):
    rows = query(name="tags").rows
    for tag in classification.tags():
        assert sorted({r["code"] for r in rows if r["acronym"] == tag["acronym"]}) == \
            sorted(c["code"] for c in tag["codes"])
    cy = query(name="tags", params={"tag": "Cy", "lang": "es"}).rows
    assert {r["acronym"] for r in cy} == {"Cy"}
    assert {(r["code"], r["label"]) for r in cy} == {(c["code"], c["label"]["es"]) for c in classification.tag("Cy")["codes"]}


def test_errata(classification):
    rows = query(name="errata").rows
    assert [r["id"] for r in rows] == sorted(e["id"] for e in classification.errata())
    by_id = {e["id"]: e for e in classification.errata()}
    for r in rows:
        assert (r["printed"] or "") == (by_id[r["id"]]["printed"] or "")
        assert (r["corrected"] or "") == (by_id[r["id"]]["corrected"] or "")


# --- parity with rdflib ----------------------------------------------------------------------------

PARITY = [
    'SELECT ?c ?l WHERE { ?c skos:notation "0101" ; skos:prefLabel ?l }',
    "SELECT ?a WHERE { ?c skos:notation \"020612\" ; skos:broader+ ?a }",
    'SELECT ?c WHERE { ?c skos:prefLabel ?l FILTER(CONTAINS(LCASE(STR(?l)), "fraud")) }',
    "SELECT ?c (COUNT(?e) AS ?n) WHERE { ?e xkos:classifiedUnder ?c } GROUP BY ?c",
    "SELECT ?c ?x WHERE { ?c iccs:excludes ?x }",
    "SELECT ?level (COUNT(?m) AS ?n) WHERE { ?level a xkos:ClassificationLevel ; skos:member ?m } GROUP BY ?level",
    "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
    "SELECT ?c WHERE { ?c a skos:Concept FILTER NOT EXISTS { ?c skos:definition ?d } }",
]


@pytest.mark.parametrize("text", PARITY)
def test_parity_with_rdflib(shipped_graph, text):
    from iccs.sparql import PREFIXES

    mine = sorted(tuple(row.values()) for row in query(text))
    theirs = sorted(tuple(None if v is None else str(v) for v in row)
                    for row in shipped_graph.query(text, initNs=PREFIXES))
    assert mine == theirs and mine


def test_parity_ask_and_construct(shipped_graph):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from iccs.sparql import PREFIXES

    assert query("ASK { ?c skos:notation \"0101\" }").boolean is True
    assert query("ASK { ?c skos:notation \"9999\" }").boolean is False
    text = "CONSTRUCT { ?c skos:prefLabel ?l } WHERE { ?c skos:broader ?p . ?p skos:notation \"01\" . ?c skos:prefLabel ?l }"
    mine = Graph().parse(data=query(text).serialize("nt").decode(), format="nt")
    assert len(mine) > 10 and isomorphic(mine, shipped_graph.query(text, initNs=PREFIXES).graph)


# --- parameters are terms, never text ------------------------------------------------------------

INJECTIONS = ['x" } ; DROP ALL ; #', "x' } UNION { ?s ?p ?o } #", "0101\" . ?c ?p ?o . #",
              "} INSERT DATA { <a:a> <a:b> <a:c> } #", "\\\" \\u0022 }"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_through_params_binds_the_exact_text(value):
    rows = query("SELECT ?v ?n WHERE { OPTIONAL { ?c skos:notation ?v } BIND(STRLEN(?v) AS ?n) }",
                 params={"v": value}).rows
    assert rows == [{"v": value, "n": str(len(value))}]
    assert query("SELECT ?c WHERE { ?c skos:notation ?code }", params={"code": value}).rows == []


def test_params_as_terms():
    assert query("SELECT ?l WHERE { ?c skos:notation ?code ; skos:prefLabel ?l FILTER(LANG(?l) = ?lang) }",
                 params=["code=0101", "lang=es"]).column("l") == ["Homicidio intencional"]
    iri = "<https://w3id.org/iccs/1.0/category/0101>"
    assert query("SELECT ?n WHERE { ?c skos:notation ?n }", params={"c": iri}).column("n") == ["0101"]
    assert len(query("SELECT ?c WHERE { ?c a ?t }", params=["t=iccs:Erratum"])) == len(
        iccs.load().errata())
    assert query("SELECT ?x WHERE { BIND(?n + 1 AS ?x) }", params=['n="41"^^xsd:integer']).column("x") == ["42"]


@pytest.mark.parametrize("params,message", [
    (["nope"], "NAME=VALUE"), (["x=1"], r"no variable \?x"), (['code="unclosed'], "not an RDF term"),
    (["code=<not an iri>"], "not an RDF term")])
def test_bad_params(params, message):
    with pytest.raises(InputError, match=message):
        query("SELECT ?c WHERE { ?c skos:notation ?code }", params=params)


def test_named_query_params_are_checked():
    with pytest.raises(InputError, match="needs --param code"):
        query(name="category")
    with pytest.raises(InputError, match="takes code, lang, not nope"):
        query(name="category", params={"code": "01", "nope": "x"})
    with pytest.raises(InputError, match="no named query"):
        query(name="nope")


@pytest.mark.parametrize("text,form,brace_after", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT", "SELECT * WHERE "),
    ("PREFIX w: <http://x/where#> select ?where { ?where w:where 'WHERE {' }", "SELECT",
     "PREFIX w: <http://x/where#> select ?where "),
    ("# WHERE {\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT", "# WHERE {\nCONSTRUCT { ?s ?p ?o } WHERE "),
    ("ASK { ?s <http://x/a{b> ?o }", "ASK", "ASK "),
    ('SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p """}""" } } }', "SELECT", "SELECT ?x WHERE "),
])
def test_values_go_into_the_outer_where_group(text, form, brace_after):
    assert query_form(text) == form
    assert where_brace(text) == len(brace_after)


def test_bind_values_short_construct_refused():
    from iccs.sparql.terms import parse_params

    with pytest.raises(InputError, match="short form"):
        bind_values("CONSTRUCT WHERE { ?s ?p ?o }", parse_params({"s": "x"}))


# --- the command line --------------------------------------------------------------------------

def test_cli_formats_are_the_sparql_results_formats():
    import pyoxigraph as ox

    text = 'SELECT ?c ?l WHERE { ?c skos:notation "0101" ; skos:prefLabel ?l }'
    want = {("https://w3id.org/iccs/1.0/category/0101", "Intentional homicide"),
            ("https://w3id.org/iccs/1.0/category/0101", "Homicidio intencional")}
    for fmt, oxfmt in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                       ("tsv", ox.QueryResultsFormat.TSV)):
        result = run("query", text, "--format", fmt)
        assert result.exit_code == 0, result.output
        parsed = ox.parse_query_results(result.stdout_bytes, format=oxfmt)
        assert {(s["c"].value, s["l"].value) for s in parsed} == want
        if fmt == "json":
            assert json.loads(result.output)["head"]["vars"] == ["c", "l"]
    csv_out = run("query", text, "--format", "csv").stdout_bytes
    assert csv_out.startswith(b"c,l\r\n") and b"Intentional homicide\r\n" in csv_out
    table = run("query", text).output
    assert table.splitlines()[0].split() == ["c", "l"] and "Intentional homicide" in table


def test_cli_named_query_and_list():
    listing = run("query", "--list", "--format", "json")
    assert {q["name"] for q in json.loads(listing.output)} == set(named_queries())
    out = run("query", "--name", "cites", "--param", "code=0101", "--format", "csv")
    assert out.exit_code == 0 and out.output.startswith("notation,label,how")


def test_cli_construct_and_file(tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("CONSTRUCT { ?c skos:prefLabel ?l } WHERE { ?c skos:notation ?code ; skos:prefLabel ?l }")
    out = run("query", "-f", str(rq), "--param", "code=0101")
    assert out.exit_code == 0 and '"Intentional homicide"@en' in out.output
    ld = run("query", "-f", str(rq), "--param", "code=0101", "--format", "jsonld")
    assert json.loads(ld.output)[0]["@id"].endswith("/category/0101")
    bad = run("query", "-f", str(rq), "--param", "code=0101", "--format", "csv")
    assert bad.exit_code == 2 and "RDF" in bad.output


def test_cli_data_files(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text('@prefix ex: <http://example.org/> .\nex:n1 skos:exactMatch <https://w3id.org/iccs/1.0/category/0101> .\n'
                     .replace("skos:", "<http://www.w3.org/2004/02/skos/core#>").replace(
                         "<http://www.w3.org/2004/02/skos/core#>exactMatch", "<http://www.w3.org/2004/02/skos/core#exactMatch>"))
    out = run("query", "SELECT ?l WHERE { ?n skos:exactMatch ?c . ?c skos:prefLabel ?l FILTER(LANG(?l)='en') }",
              "--data", str(extra), "--format", "csv")
    assert out.exit_code == 0 and out.output.split() == ["l", "Intentional", "homicide"]


@pytest.mark.parametrize("content,message", [
    (None, "is a folder"), (b"", "empty file"), (b"<a> <b> .\n<c> <d> <e> .\n", "line 1"),
    (b"<a:a> <b:b> \"caf\xe9\" .\n", "not UTF-8")])
def test_cli_bad_data_files(tmp_path, content, message):
    path = tmp_path / "bad.ttl"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    out = run("query", "ASK { ?s ?p ?o }", "--data", str(path))
    assert out.exit_code == 2 and message in out.output and str(path) in out.output
    assert len(out.output.strip().splitlines()) == 1


@pytest.mark.parametrize("args,message", [
    (["SELEC ?x"], "malformed query"), (["SELECT ?x { ?x ?p"], "malformed query"),
    (["--name", "nope"], "no named query"), ([], "give one of"),
    (["--name", "category"], "needs --param code")])
def test_cli_errors_exit_2(args, message):
    out = run("query", *args)
    assert out.exit_code == 2 and message in out.output and "Traceback" not in out.output


def test_limit_and_result_object():
    r = query("SELECT ?c WHERE { ?c a skos:Concept }", limit=5)
    assert len(r) == 5 and r.truncated and r.kind == "bindings"
    assert not query("SELECT ?c WHERE { ?c skos:notation \"nope\" }")


@pytest.mark.parametrize("value", INJECTIONS + ['"x" . <a:a> <a:b> <a:c>', '"x"@en } ; DROP ALL #'])
def test_injection_through_cli_param(value):
    out = run("query", "SELECT ?v WHERE { BIND(?p AS ?v) }", "--param", "p=" + value, "--format", "json")
    if value.startswith(("\"", "'", "<")):  # read as a Turtle term: one term or refused, never text
        assert out.exit_code in (0, 2)
        if out.exit_code == 2:
            assert "RDF term" in out.output
            return
    assert out.exit_code == 0, out.output
    assert [b["v"]["value"] for b in json.loads(out.output)["results"]["bindings"]] == [value]


def test_cli_data_file_of_unknown_kind(tmp_path):
    table = tmp_path / "codes.csv"
    table.write_text("code,label\n0101,x\n")
    out = run("query", "ASK { ?s ?p ?o }", "--data", str(table))
    assert out.exit_code == 2 and f"{table}, line 1, column 1: not a kind of file --data reads" in out.output
    turtle = tmp_path / "extra.txt"  # Turtle under another name is read
    turtle.write_text("<http://example.org/a> <http://example.org/b> \"c\" .\n")
    assert run("query", "ASK { ?s <http://example.org/b> \"c\" }", "--data", str(turtle)).output.strip() == "true"
