"""``iccs serve``: the SPARQL 1.1 Protocol at ``/sparql`` and the graph's IRIs, over HTTP.

A stdlib ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive) reads requests and hands each query to a
pool of query processes (``pool``) that hold the Oxigraph store; a query past the time limit is
cut (503) by killing its process. Read-only: updates are refused (403). CORS allows any origin.
"""
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .app import App
from .pool import Busy, Pool, TimedOut

MAX_BODY = 1 << 20  # a query of more than 1 MiB is refused (413)
CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Accept",
        "Access-Control-Expose-Headers": "ICCS-Result-Cap",
        "Access-Control-Max-Age": "86400"}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, app, pool, timeout):
        super().__init__(address, Handler)
        self.app, self.pool, self.query_timeout = app, pool, timeout

    @property
    def url(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def close(self):
        self.server_close()
        self.pool.close()


def make_server(host="127.0.0.1", port=8000, data=(), timeout=10.0, max_rows=10000, workers=None,
                base_url=None, engine=None):
    """A Server bound to ``host:port`` (port 0: a free one), with its query processes started.
    Call ``serve_forever()`` (or run it in a thread), then ``close()``."""
    from .engine import Engine

    app = App(engine or Engine(data=data), max_rows=max_rows)
    app.warm()
    pool = Pool(app, size=workers)
    try:
        return Server((host, port), app, pool, timeout)
    except OSError:
        pool.close()
        raise


def serve(host="127.0.0.1", port=8000, **options):
    server = make_server(host, port, **options)
    try:
        server.serve_forever()
    finally:
        server.close()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "iccs"
    disable_nagle_algorithm = True  # small answers go out at once, not after a delayed ACK

    def log_message(self, format, *args):  # quiet: a load test must not flood stderr
        pass

    def send(self, status, content_type, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in dict(CORS, **(headers or {})).items():
            self.send_header(key, value)
        self.end_headers_and(body if self.command != "HEAD" else b"")

    def end_headers_and(self, body):
        """The headers and the body in one write."""
        self._headers_buffer.append(b"\r\n")
        self._headers_buffer.append(body)
        self.flush_headers()

    def error(self, status, message, headers=None):
        self.send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), headers)

    def run(self, request):
        try:
            status, ctype, body, headers = self.server.pool.run(request, self.server.query_timeout)
        except TimedOut:
            return self.error(503, f"the query ran past the time limit of {self.server.query_timeout:g} s "
                                   "and was cut")
        except Busy:
            return self.error(503, "every query process is busy; try again", {"Retry-After": "1"})
        self.send(status, ctype, body, headers)

    # --- methods -------------------------------------------------------------------------------

    def do_OPTIONS(self):
        self.send(204, "text/plain", b"", {"Allow": "GET, POST, OPTIONS, HEAD"})

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path.rstrip("/") == "/sparql":
            form = parse_qs(url.query, keep_blank_values=True)
            if "query" not in form and "update" not in form:
                return self.send(200, "text/html; charset=utf-8", _sparql_help())
            return self.sparql(form)
        self.run({"op": "resource", "path": url.path, "accept": self.headers.get("Accept")})

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path.rstrip("/") != "/sparql":
            return self.error(405, "POST goes to /sparql", {"Allow": "GET, HEAD, OPTIONS"})
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return self.error(400, "bad Content-Length")
        if length > MAX_BODY:
            self.close_connection = True
            return self.error(413, f"a query may have at most {MAX_BODY} bytes")
        body = self.rfile.read(length) if length else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        form = parse_qs(url.query, keep_blank_values=True)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self.error(400, "the request body is not UTF-8")
        if ctype == "application/x-www-form-urlencoded":
            for key, values in parse_qs(text, keep_blank_values=True).items():
                form.setdefault(key, []).extend(values)
        elif ctype == "application/sparql-query":
            form["query"] = [text]
        elif ctype == "application/sparql-update":
            form["update"] = [text]
        else:
            return self.error(415, "POST a query as application/x-www-form-urlencoded or "
                                   "application/sparql-query")
        self.sparql(form)

    def _refuse(self):
        self.error(405, f"{self.command} is not allowed: this endpoint is read-only",
                   {"Allow": "GET, POST, OPTIONS, HEAD"})

    do_PUT = do_DELETE = do_PATCH = _refuse

    def sparql(self, form):
        if "update" in form:
            return self.error(403, "this endpoint is read-only: SPARQL Update is refused")
        queries = form.get("query", [])
        if len(queries) != 1:
            return self.error(400, "give exactly one query parameter")
        params = {k[1:]: v[-1] for k, v in form.items() if k.startswith("$")}
        fmt = (form.get("format") or [None])[-1]
        self.run({"op": "query", "query": queries[0], "params": params, "format": fmt,
                  "accept": self.headers.get("Accept")})


def _sparql_help():
    text = {"endpoint": "SPARQL 1.1 Protocol (query only)",
            "get": "/sparql?query=…", "post": "application/x-www-form-urlencoded or application/sparql-query",
            "parameters": "$name=value binds ?name as an RDF term (as iccs query --param)",
            "results": "by Accept: JSON, XML, CSV, TSV; graphs as Turtle, N-Triples, JSON-LD"}
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in text.items())
    return (f"<!DOCTYPE html><title>ICCS SPARQL</title><h1>ICCS SPARQL endpoint</h1><table>{rows}</table>"
            f"<p><a href=\"/\">Query form</a></p><script type=\"application/json\">{json.dumps(text)}</script>"
            ).encode("utf-8")
