"""Issue 21, the endpoint and the commands under attack: federation (SERVICE) through a public
endpoint, a query that cannot be stopped, script in results pages, malformed endpoints.

Real processes and sockets, on 127.0.0.1 only: ``python cli.py serve`` in a process of its own
(not a server forked from the test process: see tests/test_serve_command.py), a listener socket
that must hear nothing, ``python cli.py query`` sent real signals. Every wait is bounded.
"""
import base64
import hashlib
import http.client
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from iccs.cli import cli

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, str(ROOT / "cli.py")]
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # hours of work


def _sigint_default():
    """In the child: Ctrl-C as a terminal sends it (a shell's background job ignores SIGINT,
    and Python then never installs its handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args):
    return subprocess.Popen(CLI + args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=_sigint_default)


def _stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    proc.stderr.close()


# --- a server in a process of its own, and a listener that must hear nothing ---------------------

class Served:
    def __init__(self, *options, data=None):
        args = ["serve", "--port", "0", "--workers", "1", "--timeout", "5", *options]
        if data:
            args += ["--data", str(data)]
        self.proc = _start(args)
        line = b""
        with selectors.DefaultSelector() as sel:  # the line that says where it listens
            sel.register(self.proc.stderr, selectors.EVENT_READ)
            end = time.monotonic() + 60
            while b"serving the ICCS at" not in line and time.monotonic() < end:
                if sel.select(timeout=max(0.0, end - time.monotonic())):
                    chunk = os.read(self.proc.stderr.fileno(), 4096)
                    if not chunk:
                        break
                    line += chunk
        match = re.search(rb"serving the ICCS at http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            _stop(self.proc)
            raise AssertionError(f"iccs serve did not start: {line!r}")
        self.port = int(match.group(1))
        # keep reading stderr, so that the server never blocks on a full pipe
        threading.Thread(target=lambda: self.proc.stderr.read(), daemon=True).start()

    def call(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def get(self, query, **extra):
        return self.call("GET", "/sparql?" + urlencode(dict({"query": query}, **extra)))


class Listener:
    """A socket on loopback that records every connection made to it (and answers each with an
    empty SPARQL result, so that an allowed SERVICE call ends well)."""

    ANSWER = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.heard = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.heard.append(conn.recv(65536))
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                 b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(self.ANSWER)
                                 + self.ANSWER)
                except OSError:
                    pass

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


JAVASCRIPT = "javascript:alert(document.domain)"


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("attack") / "links.ttl"
    path.write_text("<https://w3id.org/iccs/test/links> <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
                    f"<{JAVASCRIPT}>, <https://example.org/fine> .\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def served(data_file):
    server = Served(data=data_file)
    yield server
    _stop(server.proc)


@pytest.fixture
def listener():
    ear = Listener()
    yield ear
    ear.close()


# --- 1. federation ---------------------------------------------------------------------------

SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * { service silent <{url}> { ?s ?p ?o } }",
    "SELECT * { ?x skos:notation '0101' OPTIONAL { SeRvIcE <{url}> { ?s ?p ?o } } }",
    "SELECT * { { ?x skos:notation '0101' } UNION { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * { { SELECT ?s { SERVICE SILENT <{url}> { ?s ?p ?o } } } }",
    "ASK { FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * { ?x ?y ?z MINUS { GRAPH ?g { SERVICE <{url}> { ?x ?y ?z } } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * { VALUES ?u { <{url}> } SERVICE ?u { ?s ?p ?o } }",
    "PREFIX service: <http://example.org/> SELECT * { ?s service:x 'service' . SERVICE <{url}> {} }",
    # a comment, a string and the < of a comparison read as an IRI by a naive scanner
    "# no SERVICE here\nSELECT * { ?s ?p 'SERVICE' FILTER(1<2)SERVICE<{url}>#>\n{ ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_is_refused_and_nothing_is_sent(served, listener, template):
    query = template.replace("{url}", listener.url)
    status, headers, body = served.get(query)
    assert status == 400, body
    assert b"federation is refused" in body and b"SERVICE" in body and b"--allow-service" in body
    assert headers["content-type"].startswith("text/plain")
    status, _, body = served.call("POST", "/sparql", query.encode(),
                                  {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"federation is refused" in body
    time.sleep(0.3)  # a request on its way would have arrived by now
    assert listener.heard == []


def test_service_with_a_bound_endpoint_and_a_file_url(served, listener):
    status, _, body = served.call("GET", "/sparql?" + urlencode(
        {"query": "SELECT * { SERVICE ?u { ?s ?p ?o } }", "$u": f"<{listener.url}>"}))
    assert status == 400 and b"federation is refused" in body
    status, _, body = served.get("SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }")
    assert status == 400 and b"federation is refused" in body and b"root:" not in body
    time.sleep(0.3)
    assert listener.heard == []


@pytest.mark.parametrize("query", [
    'SELECT ?c WHERE { ?c skos:prefLabel ?l FILTER(CONTAINS(LCASE(?l), "service")) } LIMIT 1',
    "SELECT ?service WHERE { ?service skos:notation '0101' } # SERVICE <http://127.0.0.1:1/> {}",
    'PREFIX service: <http://example.org/> SELECT * { ?s service:service "x"@service } LIMIT 1',
    "SELECT * { BIND(<http://example.org/service> AS ?x) }",
])
def test_the_word_service_elsewhere_is_no_service(served, query):
    status, _, body = served.get(query)
    assert status == 200, body


def test_allow_service_is_the_operators_choice(listener):
    server = Served("--allow-service")
    try:
        status, _, body = server.get(f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
    finally:
        _stop(server.proc)
    assert status == 200, body
    assert len(listener.heard) == 1 and listener.heard[0].startswith(b"POST /sparql ")


def test_service_check_reads_the_query_not_its_text():
    from iccs.sparql.federation import service_reason

    for text in ["SELECT * { \\u0053ERVICE <http://x/> {} }", "SELECT * {SERVICE<http://x/>{}}",
                 "SELECT * { OPTIONAL { { SELECT * { sErViCe SILENT ?x { } } } } }"]:
        assert service_reason(text), text
    for text in ["SELECT * { ?s ?p 'SERVICE <http://x/> {}' }", "SELECT * {} # SERVICE <x:> {}",
                 'SELECT * { ?s ex:service ?service ; ?p """\nSERVICE\n""" }', "ASK {}"]:
        assert service_reason(text) is None, text


# --- 4. script in pages; the headers of every answer ------------------------------------------

def _page(served, path):
    status, headers, body = served.call("GET", path, headers={"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html"), (path, status, body)
    return headers, body.decode("utf-8")


def test_only_web_iris_become_links(served):
    for iri in (JAVASCRIPT, "JavaScript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=",
                "vbscript:msgbox(1)", "mailto:x@example.org"):
        query = f'SELECT ?y {{ BIND(IRI("{iri}") AS ?y) }}'
        _, body = _page(served, "/sparql?" + urlencode({"format": "html", "query": query}))
        cells = re.findall(r"<td>(.*?)</td>", body)
        assert cells == [f'<span class="iri">{iri}</span>'], body
    query = 'SELECT ?y { BIND(IRI("https://example.org/a?b=1&c=2") AS ?y) }'
    _, body = _page(served, "/sparql?" + urlencode({"format": "html", "query": query}))
    assert '<a href="https://example.org/a?b=1&amp;c=2">' in body
    _, body = _page(served, "/test/links")  # a resource page, from --data
    assert 'href="javascript' not in body.lower() and f'<span class="iri">{JAVASCRIPT}</span>' in body
    assert '<a href="https://example.org/fine">' in body


def test_every_page_has_a_strict_policy_that_its_own_style_fits(served):
    query = "/sparql?" + urlencode({"format": "html", "query": "ASK {}"})
    for path in ("/", "/1.0/category/0101", "/1.0/tag/Cy", "/sparql", query, "/test/links"):
        headers, body = _page(served, path)
        policy = headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'" and "unsafe" not in policy
        assert directives["form-action"] == "'self'" and directives["frame-ancestors"] == "'none'"
        assert headers["x-content-type-options"] == "nosniff"
        allowed = set(directives.get("style-src", "").split())
        for style in re.findall(r"<style>(.*?)</style>", body, flags=re.S):  # the page works
            digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, path
        assert not re.search(r"\sstyle=|\son[a-z]+=", body), path  # no inline style or handler
        scripts = re.findall(r"<script([^>]*)>", body)
        assert all('type="application/json"' in s for s in scripts), path  # data, not code


def test_nosniff_on_every_answer(served):
    for method, path in (("GET", "/sparql?query=ASK%7B%7D"), ("GET", "/sparql?query=nonsense"),
                         ("GET", "/nothing/here"), ("PUT", "/sparql")):
        status, headers, _ = served.call(method, path)
        assert headers.get("x-content-type-options") == "nosniff", (method, path, status)
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:  # http.server's own
        s.sendall(b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
    assert head.startswith(b"HTTP/1.1 501") and b"nosniff" in head and b"text/plain" in head


# --- 2. iccs query can be stopped -------------------------------------------------------------

def _running(proc, seconds=20):
    """Wait until the query runs: the process has its query thread (Linux), or some time."""
    tasks = Path(f"/proc/{proc.pid}/task")
    end = time.monotonic() + seconds
    if not tasks.exists():
        time.sleep(2)
        return
    while time.monotonic() < end and proc.poll() is None:
        try:
            if len(list(tasks.iterdir())) >= 2:
                break
        except OSError:
            break
        time.sleep(0.05)
    time.sleep(0.3)


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_query_stops_on_a_signal(sig, code):
    proc = _start(["query", CARTESIAN])
    try:
        _running(proc)
        assert proc.poll() is None, proc.stderr.read()
        sent = time.monotonic()
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            pytest.fail(f"iccs query still runs 5 s after signal {sig}")
        assert proc.returncode == code and time.monotonic() - sent < 5
        assert b"Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stderr.close()


def test_query_timeout():
    started = time.monotonic()
    proc = subprocess.run(CLI + ["query", "--timeout", "0.5", CARTESIAN], cwd=ROOT, capture_output=True,
                          timeout=30)
    assert proc.returncode == 2 and time.monotonic() - started < 10
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "took longer than the time limit of 0.5 s" in lines[0]
    assert "--timeout" in lines[0] and proc.stdout == b""


def test_query_timeout_leaves_a_quick_query_alone():
    result = CliRunner().invoke(cli, ["query", "--timeout", "5", "--format", "csv",
                                      'SELECT ?l { ?c skos:notation "0101" ; skos:prefLabel ?l }'])
    assert result.exit_code == 0 and "Intentional homicide" in result.stdout
    result = CliRunner().invoke(cli, ["query", "--timeout", "0", "ASK {}"])
    assert result.exit_code == 0 and result.stdout.strip() == "true"


# --- 8. malformed endpoints -----------------------------------------------------------------

BAD_ENDPOINTS = ["", "localhost:8890/sparql", "127.0.0.1/sparql", "file:///etc/hostname",
                 "ftp://127.0.0.1/sparql", "data:,x", "http://", "http:///sparql", "https://:8890/sparql",
                 "http://exa mple.org/sparql", "http://127.0.0.1:99999/sparql", "http://127.0.0.1:x/sparql",
                 "http://[::1/sparql", "http://127.0.0.1:8890/spa\nrql", " http://127.0.0.1/sparql"]


@pytest.mark.parametrize("endpoint", BAD_ENDPOINTS)
@pytest.mark.parametrize("command", [["query", "ASK {}", "--endpoint"], ["push", "--endpoint"],
                                     ["push", "--protocol", "update", "--endpoint"]])
def test_a_malformed_endpoint_is_one_line(command, endpoint):
    result = CliRunner().invoke(cli, command + [endpoint])
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: an endpoint must be an http:// or https://")
    assert "pushed" not in result.output and "Traceback" not in result.output


def test_push_into_a_file_url_is_refused(tmp_path):
    """It was read as a file and reported "pushed 19859 triples", exit 0 (as file:///etc/hostname)."""
    target = tmp_path / "hostname"
    target.write_text("here\n")
    for protocol in ("update", "gsp"):
        proc = subprocess.run(CLI + ["push", "--protocol", protocol, "--endpoint", target.as_uri()],
                              cwd=ROOT, capture_output=True, timeout=60)
        assert proc.returncode == 2 and b"pushed" not in proc.stderr
        assert proc.stderr.decode().count("\n") == 1 and target.read_text() == "here\n"


def test_a_redirect_off_the_web_is_refused(listener):
    """An endpoint that redirects to ftp: (urllib would follow it) is not followed."""
    redirector = socket.create_server(("127.0.0.1", 0))
    redirector.settimeout(10)
    ftp = listener.url.replace("http://", "ftp://")

    def answer():
        try:
            conn, _ = redirector.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + ftp.encode() +
                             b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{redirector.getsockname()[1]}/sparql"
        result = CliRunner().invoke(cli, ["query", "--endpoint", url, "ASK {}"])
    finally:
        thread.join(10)
        redirector.close()
    assert result.exit_code == 2 and "redirect" in result.stderr and "refused" in result.stderr
    time.sleep(0.2)
    assert listener.heard == []


def test_good_endpoints_pass_the_check():
    from iccs.sparql.remote import check_endpoint

    for url in ("http://127.0.0.1:8890/sparql", "https://example.org/sparql?default-graph-uri=x",
                "http://[::1]:7878/store", "HTTP://LOCALHOST/sparql", "http://u:p@127.0.0.1/x"):
        assert check_endpoint(url) == url
