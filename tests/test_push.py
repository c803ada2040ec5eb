"""iccs push and iccs query --endpoint against real stores: Oxigraph's server (pip oxigraph) on a
free loopback port, and Virtuoso when tools/ci/virtuoso.sh has started it (ICCS_TEST_VIRTUOSO)."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from iccs.cli import cli

VIRTUOSO = os.environ.get("ICCS_TEST_VIRTUOSO")
GRAPH = "https://w3id.org/iccs/1.0"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }"


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def shipped_size():
    from iccs.sparql.engine import default_engine

    return len(default_engine())


def _oxigraph_exe():
    return shutil.which("oxigraph") or next(
        (p for p in [os.path.join(os.path.dirname(sys.executable), "oxigraph")] if os.path.exists(p)), None)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    exe = _oxigraph_exe()
    if not exe:
        pytest.skip("Oxigraph's server is not installed (pip install oxigraph)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait()


def test_push_gsp_then_query_oxigraph(oxigraph, shipped_size):
    out = run("push", "--endpoint", oxigraph + "/store")
    assert out.exit_code == 0, out.output
    assert f"pushed {shipped_size} triples" in out.output
    count = run("query", "--endpoint", oxigraph + "/query", COUNT % GRAPH, "--format", "csv")
    assert count.exit_code == 0 and count.output.split() == ["n", str(shipped_size)]
    # the named queries answer the same through the endpoint (their patterns in that graph)
    from iccs.sparql import query

    text = "SELECT ?notation ?l WHERE { GRAPH <%s> { ?c skos:notation ?code ; skos:prefLabel ?l } BIND(?code AS ?notation) }" % GRAPH
    remote = query(text, params={"code": "0101"}, endpoint=oxigraph + "/query")
    assert sorted(remote.column("l")) == ["Homicidio intencional", "Intentional homicide"]
    again = run("push", "--endpoint", oxigraph + "/store")  # a second push replaces, not adds
    assert again.exit_code == 0
    assert run("query", "--endpoint", oxigraph + "/query", COUNT % GRAPH, "--format", "csv").output.split()[1] == \
        str(shipped_size)


def test_push_update_with_data_only(oxigraph, tmp_path):
    data = tmp_path / "national.ttl"
    data.write_text("<http://example.org/n/1> <http://www.w3.org/2004/02/skos/core#exactMatch> "
                    "<https://w3id.org/iccs/1.0/category/0101> .\n"
                    "<http://example.org/n/1> <http://www.w3.org/2000/01/rdf-schema#seeAlso> [ "
                    "<http://www.w3.org/2000/01/rdf-schema#label> \"a blank node\" ] .\n")
    out = run("push", "--endpoint", oxigraph + "/update", "--protocol", "update", "--no-iccs",
              "--data", str(data), "--graph", "http://example.org/national")
    assert out.exit_code == 0, out.output
    got = run("query", "--endpoint", oxigraph + "/query", "--format", "csv",
              "SELECT ?l WHERE { GRAPH <http://example.org/national> { ?n rdfs:seeAlso ?b . ?b rdfs:label ?l } }")
    assert got.output.split("\n")[1].strip() == "a blank node"


@pytest.mark.parametrize("args,message", [
    (["--endpoint", "http://127.0.0.1:9/store"], "cannot reach"),
    (["--endpoint", "http://127.0.0.1:9/store", "--graph", "not an iri"], "not an IRI"),
    (["--endpoint", "http://127.0.0.1:9/store", "--no-iccs"], "nothing to push")])
def test_push_errors_exit_2(args, message):
    out = run("push", *args)
    assert out.exit_code == 2 and message in out.output and "Traceback" not in out.output


def test_query_endpoint_errors_exit_2(oxigraph):
    out = run("query", "--endpoint", oxigraph + "/query", "SELECT ?x WHERE { ?x ?p")
    assert out.exit_code == 2 and "400" in out.output
    out = run("query", "--endpoint", "http://127.0.0.1:9/sparql", "ASK {}")
    assert out.exit_code == 2 and "cannot reach" in out.output


@pytest.mark.skipif(not VIRTUOSO, reason="Virtuoso is not running: ICCS_TEST_VIRTUOSO is unset "
                    "(eval \"$(bash tools/ci/virtuoso.sh)\" starts it; CI does)")
def test_virtuoso_round_trip(shipped_size):
    split = urlsplit(VIRTUOSO)
    store = f"{split.scheme}://{split.netloc}/sparql-graph-crud-auth"
    user = os.environ.get("ICCS_TEST_VIRTUOSO_USER", "dba")
    password = os.environ.get("ICCS_TEST_VIRTUOSO_PASSWORD", "dba")
    out = run("push", "--endpoint", store, "--user", user, "--password", password)
    assert out.exit_code == 0, out.output
    count = run("query", "--endpoint", VIRTUOSO, COUNT % GRAPH, "--format", "csv")
    assert count.exit_code == 0 and count.output.split() == ["n", str(shipped_size)]
    from iccs.sparql import query

    # a named query's pattern, through Virtuoso, agrees with the local engine
    text = ("SELECT ?notation ?how WHERE { GRAPH <%s> { ?cited skos:notation ?code . "
            "{ ?c iccs:excludes ?cited BIND(\"excludes\" AS ?how) } UNION "
            "{ ?c iccs:refersTo ?cited BIND(\"refers to\" AS ?how) } ?c skos:notation ?notation } }" % GRAPH)
    remote = sorted(tuple(r.values()) for r in query(text, params={"code": "0101"}, endpoint=VIRTUOSO))
    local = sorted((r["notation"], r["how"]) for r in query(name="cites", params={"code": "0101"}))
    assert remote == local and remote
    value = 'x" } ; DROP ALL ; #'
    echoed = query("SELECT ?v WHERE { BIND(?p AS ?v) }", params={"p": value}, endpoint=VIRTUOSO)
    assert echoed.column("v") == [value]
    bad = run("push", "--endpoint", store, "--user", user, "--password", password + "-wrong")
    assert bad.exit_code == 2 and store in bad.output  # 401, or the connection cut mid-upload
