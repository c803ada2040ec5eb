"""iccs serve: real HTTP requests on 127.0.0.1 (a free port) against one server for the module."""
import http.client
import json
import threading
import time
from urllib.parse import urlencode

import pytest

LOOKUP = 'SELECT ?c ?l WHERE { ?c skos:notation "0101" ; skos:prefLabel ?l }'


@pytest.fixture(scope="module")
def server():
    from iccs.sparql.server import make_server

    srv = make_server("127.0.0.1", 0, timeout=1.5, max_rows=50, workers=2)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.close()


def call(server, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def get(server, query, accept=None, **extra):
    return call(server, "GET", "/sparql?" + urlencode(dict({"query": query}, **extra)),
                headers={"Accept": accept} if accept else {})


def bindings(data):
    return {tuple(b[v]["value"] for v in sorted(b)) for b in json.loads(data)["results"]["bindings"]}


WANT = {("https://w3id.org/iccs/1.0/category/0101", "Intentional homicide"),
        ("https://w3id.org/iccs/1.0/category/0101", "Homicidio intencional")}


def test_get_and_post_forms(server):
    status, headers, data = get(server, LOOKUP)
    assert status == 200 and headers["content-type"] == "application/sparql-results+json"
    assert bindings(data) == WANT
    form = urlencode({"query": LOOKUP}).encode()
    status, _, data = call(server, "POST", "/sparql", form,
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and bindings(data) == WANT
    status, _, data = call(server, "POST", "/sparql", LOOKUP.encode(),
                           {"Content-Type": "application/sparql-query"})
    assert status == 200 and bindings(data) == WANT


@pytest.mark.parametrize("accept,ctype,oxformat", [
    ("application/sparql-results+xml", "application/sparql-results+xml", "XML"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", "TSV"),
    ("text/csv;q=0.9, application/sparql-results+json", "application/sparql-results+json", "JSON"),
    ("*/*", "application/sparql-results+json", "JSON")])
def test_results_by_accept(server, accept, ctype, oxformat):
    import pyoxigraph as ox

    status, headers, data = get(server, LOOKUP, accept)
    assert status == 200 and headers["content-type"] == ctype and headers["vary"] == "Accept"
    parsed = ox.parse_query_results(data, format=getattr(ox.QueryResultsFormat, oxformat))
    assert {(s["c"].value, s["l"].value) for s in parsed} == WANT


def test_csv_and_construct(server):
    status, _, data = get(server, LOOKUP, "text/csv")
    assert status == 200 and data.startswith(b"c,l\r\n")
    construct = 'CONSTRUCT { ?c skos:prefLabel ?l } WHERE { ?c skos:notation "0101" ; skos:prefLabel ?l }'
    for accept, marker in (("text/turtle", b'"Intentional homicide"@en'),
                           ("application/n-triples", b'<https://w3id.org/iccs/1.0/category/0101> '),
                           ("application/ld+json", b'"@language"')):
        status, headers, data = get(server, construct, accept)
        assert status == 200 and headers["content-type"].startswith(accept) and marker in data


def test_update_refused_and_graph_unchanged(server):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = get(server, count)[2]
    status, _, data = call(server, "POST", "/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in data
    status, _, _ = call(server, "POST", "/sparql", urlencode({"update": "CLEAR DEFAULT"}).encode(),
                        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    assert get(server, "DROP ALL")[0] == 400  # an update in the query parameter: not a query
    assert call(server, "PUT", "/sparql", b"<a:a> <a:b> <a:c> .")[0] == 405
    assert call(server, "DELETE", "/1.0/category/0101")[0] == 405
    assert get(server, count)[2] == before


def test_malformed_query_is_400_with_the_parsers_message(server):
    status, headers, data = get(server, "SELECT ?x WHERE { ?x ?p")
    assert status == 400 and b"malformed query: error at 1:" in data
    assert headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("value", ['x" } ; DROP ALL ; #', "0101\" . ?c ?p ?o . #", "} INSERT DATA {} #"])
def test_injection_through_endpoint_parameters(server, value):
    status, _, data = get(server, "SELECT ?v WHERE { BIND(?p AS ?v) }", **{"$p": value})
    assert status == 200 and bindings(data) == {(value,)}
    status, _, data = get(server, "SELECT ?c WHERE { ?c skos:notation ?code }", **{"$code": value})
    assert status == 200 and bindings(data) == set()
    status, _, data = get(server, "SELECT ?c WHERE { ?c skos:notation ?code }", **{"$code": "0101"})
    assert bindings(data) == {("https://w3id.org/iccs/1.0/category/0101",)}


def test_slow_query_cut_at_timeout_and_server_recovers(server):
    start = time.monotonic()
    status, _, data = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    elapsed = time.monotonic() - start
    assert status == 503 and b"time limit" in data and 1.4 < elapsed < 5
    for _ in range(3):  # the replaced query processes answer
        assert bindings(get(server, LOOKUP)[2]) == WANT


def test_result_cap(server):
    status, headers, data = get(server, "SELECT ?s WHERE { ?s ?p ?o }")
    assert status == 200 and len(json.loads(data)["results"]["bindings"]) == 50
    assert headers["iccs-result-cap"].startswith("50")


def test_cors(server):
    status, headers, _ = call(server, "OPTIONS", "/sparql", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    assert status == 204 and headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    assert get(server, LOOKUP)[1]["access-control-allow-origin"] == "*"


def test_category_iri_by_content_negotiation(server):
    status, headers, html = call(server, "GET", "/1.0/category/0101", headers={"Accept": "text/html"})
    text = html.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    for needle in ("Intentional homicide", "Homicidio intencional", "Unlawful death inflicted upon a person",
                   'href="/1.0/category/0102"', 'href="/1.0/category/01"'):
        assert needle in text
    from rdflib import Graph, URIRef

    status, headers, ttl = call(server, "GET", "/1.0/category/0101", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=ttl.decode(), format="turtle")
    iri = URIRef("https://w3id.org/iccs/1.0/category/0101")
    assert status == 200 and (iri, URIRef("http://www.w3.org/2004/02/skos/core#notation"), None) in graph
    status, headers, ld = call(server, "GET", "/1.0/category/0101", headers={"Accept": "application/ld+json"})
    assert status == 200 and len(Graph().parse(data=ld.decode(), format="json-ld")) == len(graph)


def test_other_iris_landing_and_404(server):
    status, _, html = call(server, "GET", "/", headers={"Accept": "text/html"})
    assert status == 200 and b'<form action="/sparql"' in html and b'href="/1.0/category/11"' in html
    status, _, html = call(server, "GET", "/1.0/tag/Cy", headers={"Accept": "text/html"})
    assert status == 200 and b"Cybercrime related" in html
    assert call(server, "GET", "/1.0/category/9999")[0] == 404
    assert call(server, "GET", "/nothing/here")[0] == 404
    assert call(server, "GET", "/x%3Ey")[0] == 404 and call(server, "GET", "/%ff")[0] == 404
    status, _, data = call(server, "GET", "/1.0/category/0101", headers={"Accept": "image/png"})
    assert status == 406


def test_vocabulary_document(server):
    from rdflib import Graph, URIRef

    status, _, ttl = call(server, "GET", "/def", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=ttl.decode(), format="turtle")
    assert status == 200 and (URIRef("https://w3id.org/iccs/def#excludes"), None, None) in graph
    assert (URIRef("https://w3id.org/iccs/def"), None, None) in graph


def test_dataset_parameters_refused(server):
    status, _, data = get(server, LOOKUP, **{"default-graph-uri": "http://example.org/g"})
    assert status == 400 and b"not supported" in data
    assert get(server, LOOKUP, **{"default-graph-uri": ""})[0] == 200


def test_named_query_over_http(server):
    status, _, data = call(server, "GET", "/sparql?" + urlencode({"name": "cites", "$code": "0101"}),
                           headers={"Accept": "text/csv"})
    assert status == 200 and data.startswith(b"notation,label,how\r\n") and b"0103" in data
    status, _, data = call(server, "GET", "/sparql?" + urlencode({"name": "category"}))
    assert status == 400 and b"needs --param code" in data
    assert call(server, "GET", "/sparql?name=nope")[0] == 400


def test_browser_gets_an_html_table(server):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, headers, html = get(server, LOOKUP + " # <b>", accept)
    assert status == 200 and headers["content-type"].startswith("text/html")
    text = html.decode()
    assert "<th>c</th><th>l</th>" in text and "Intentional homicide" in text
    assert 'href="/1.0/category/0101"' in text and "# &lt;b&gt;" in text  # the query, escaped
    status, _, data = call(server, "POST", "/sparql", urlencode({"query": "ASK {}", "format": "html"}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and b"<b>true</b>" in data
