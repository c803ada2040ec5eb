"""``iccs serve``: the SPARQL 1.1 Protocol at ``/sparql`` and the graph's IRIs, over HTTP.

Processes, not threads, carry the load: the server loads the graph once, opens the listening
socket, and forks worker processes that accept on it (``--workers``, one per CPU by default).
Each worker answers with stdlib ``http.server`` threads (HTTP/1.1, keep-alive) and runs queries
in-process on the shared Oxigraph store, which releases the GIL while it evaluates.

A query past the time limit: the worker's watchdog answers 503 at once, stops accepting, lets
its other requests finish, and exits, which ends the runaway query; the server forks a fresh
worker in its place (``limits`` says why, and how ``iccs query`` does the same). Read-only:
updates are refused (403); so is federation, a query with a SERVICE clause (400, ``federation``),
unless ``allow_service``. CORS allows any origin. Every answer says ``X-Content-Type-Options:
nosniff``; every HTML page carries the pages' Content-Security-Policy (``pages.CSP``).
"""
import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .app import App
from .limits import DEFAULT_TIMEOUT, timeout_message
from .pages import CSP

MAX_BODY = 1 << 20  # a query of more than 1 MiB is refused (413)
CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Accept",
        "Access-Control-Expose-Headers": "ICCS-Result-Cap"}
_CORS_LINES = "".join(f"{k}: {v}\r\n" for k, v in CORS.items())
# Every answer: no guessing of types by a browser. An HTML page: the pages' strict policy too.
_NOSNIFF = "X-Content-Type-Options: nosniff\r\n"
_HTML_LINES = f"Content-Security-Policy: {CSP}\r\n"


class Server:
    """The supervisor: the listening socket and the worker processes."""

    def __init__(self, listener, app, workers, timeout):
        import multiprocessing

        self._ctx = multiprocessing.get_context("fork")
        self.socket, self.app, self.size, self.query_timeout = listener, app, workers, timeout
        self.server_address = listener.getsockname()
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._workers = []

    @property
    def url(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def _fork(self):
        process = self._ctx.Process(target=_worker, args=(self.socket, self.app, self.query_timeout),
                                    daemon=True)
        process.start()
        return process

    def serve_forever(self):
        """Keep ``workers`` processes answering until ``shutdown()`` (or Ctrl-C)."""
        from multiprocessing.connection import wait

        try:
            self._workers = [self._fork() for _ in range(self.size)]
            while not self._stop.is_set():
                wait([p.sentinel for p in self._workers], timeout=0.2)
                for i, process in enumerate(self._workers):
                    if not process.is_alive() and not self._stop.is_set():
                        process.join()
                        self._workers[i] = self._fork()
        finally:
            self._stopped.set()

    def shutdown(self):
        self._stop.set()
        self._stopped.wait(5)

    def close(self):
        self._stop.set()
        for process in self._workers:
            if process.is_alive():
                process.kill()
            process.join()
        self.socket.close()


def make_server(host="127.0.0.1", port=8000, data=(), timeout=DEFAULT_TIMEOUT, max_rows=10000,
                workers=None, engine=None, allow_service=False):
    """A Server bound to ``host:port`` (port 0: a free one) over the ICCS graph and ``data``.
    Call ``serve_forever()`` (in a thread if you like), then ``shutdown()`` and ``close()``.
    ``allow_service``: run the SERVICE clauses of queries (federation), which sends requests
    to any endpoint a client names; refused (400) by default."""
    from .engine import Engine

    app = App(engine or Engine(data=data), max_rows=max_rows, allow_service=allow_service)
    app.warm()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=256)
    return Server(listener, app, workers or os.cpu_count() or 1, timeout)


def serve(host="127.0.0.1", port=8000, **options):
    server = make_server(host, port, **options)
    try:
        server.serve_forever()
    finally:
        server.close()


# --- a worker ----------------------------------------------------------------------------------

class WorkerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, listener, app, timeout):
        super().__init__(listener.getsockname(), Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = listener
        self.app, self.query_timeout = app, timeout
        self.draining = False
        self.lock = threading.Lock()
        self.inflight = {}  # handler -> deadline of its query
        self.active = set()  # handlers with a request read and not yet answered

    def server_close(self):  # the listening socket belongs to the supervisor
        pass

    def watch(self, parent):
        """Answer 503 for a request past its deadline, then drain and exit; exit with the parent."""
        while True:
            time.sleep(0.05)
            if os.getppid() != parent:
                os._exit(0)
            now = time.monotonic()
            with self.lock:
                late = [h for h, deadline in self.inflight.items() if deadline < now]
                for handler in late:
                    del self.inflight[handler]
            for handler in late:
                handler.cut()
            if late and not self.draining:
                self.draining = True
                threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        self.shutdown()  # stop accepting: the other workers take the new connections
        time.sleep(0.2)  # a connection accepted just before has its request line read by now
        end = time.monotonic() + self.query_timeout + 1
        while time.monotonic() < end:
            with self.lock:
                if not self.inflight and not self.active:
                    break
            time.sleep(0.05)
        os._exit(0)  # ends the runaway query with the process


def _worker(listener, app, timeout):
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle
    server = WorkerServer(listener, app, timeout)
    threading.Thread(target=server.watch, args=(os.getppid(),), daemon=True).start()
    server.serve_forever(poll_interval=0.1)
    while True:  # draining: _drain exits the process
        time.sleep(1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "iccs"
    disable_nagle_algorithm = True  # small answers go out at once, not after a delayed ACK

    def log_message(self, format, *args):  # quiet: a load test must not flood stderr
        pass

    def setup(self):
        super().setup()
        self.write_lock = threading.Lock()
        self.answered = False

    def send(self, status, content_type, body, headers=None):
        """The status line, headers and body in one write (once per request: a request the
        watchdog has answered is not answered again)."""
        with self.write_lock:
            if self.answered:
                return
            self.answered = True
            if self.server.draining:
                self.close_connection = True
            extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
            head = (f"{self.protocol_version} {status} {self.responses.get(status, ('',))[0]}\r\n"
                    f"Server: iccs\r\nDate: {self.date_time_string()}\r\n"
                    f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                    f"{_CORS_LINES}{_NOSNIFF}"
                    f"{_HTML_LINES if content_type.startswith('text/html') else ''}{extra}"
                    f"{'Connection: close' + chr(13) + chr(10) if self.close_connection else ''}\r\n")
            try:
                self.wfile.write(head.encode("latin-1") + (body if self.command != "HEAD" else b""))
            except OSError:
                self.close_connection = True

    def send_error(self, code, message=None, explain=None):
        """http.server's own errors (a bad request line, an unknown method, a line too long) as
        the others: plain text with this server's headers, not its HTML page."""
        self.close_connection = True
        self.error(code, message or self.responses.get(code, ("error",))[0])

    def error(self, status, message, headers=None):
        self.send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), headers)

    def cut(self):
        """Called by the watchdog: the request ran past the time limit."""
        with self.server.lock:
            self.server.active.discard(self)
        self.close_connection = True
        self.error(503, timeout_message(self.server.query_timeout, " (the endpoint's limit)"))

    def parse_request(self):
        """The request line and headers, read without the email parser of http.server (a
        third of the time of a lookup); headers are looked up case-insensitively."""
        with self.server.lock:
            self.server.active.add(self)
        self.request_version = version = "HTTP/1.0"  # so that an error has a status line
        self.requestline = line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        parts = line.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            self.close_connection = True
            self.send_error(400, "bad request line")
            return False
        self.command, self.path, version = parts
        self.request_version = version
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            self.close_connection = True
            self.send_error(505, "HTTP/1.1 or HTTP/1.0")
            return False
        headers = _Headers()
        while True:
            raw = self.rfile.readline(65537)
            if len(raw) > 65536 or len(headers) > 100:
                self.close_connection = True
                self.send_error(431, "request headers too large")
                return False
            if raw in (b"\r\n", b"\n", b""):
                break
            key, _, value = raw.decode("iso-8859-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        self.headers = headers
        connection = headers.get("connection", "").lower()
        self.close_connection = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
        if headers.get("expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    _date = (0, "")

    def date_time_string(self, timestamp=None):
        now = int(time.time())
        if Handler._date[0] != now:
            Handler._date = (now, super().date_time_string(now))
        return Handler._date[1]

    def handle_one_request(self):
        self.answered = False
        try:
            super().handle_one_request()
        finally:
            with self.server.lock:
                self.server.active.discard(self)

    def run(self, request):
        server = self.server
        with server.lock:
            server.inflight[self] = time.monotonic() + server.query_timeout
        try:
            status, ctype, body, headers = server.app(request)
        except Exception as e:  # a bug: say so, keep serving
            status, ctype, body, headers = 500, "text/plain; charset=utf-8", f"internal error: {e}\n".encode(), {}
        finally:
            with server.lock:
                server.inflight.pop(self, None)
        self.send(status, ctype, body, headers)

    # --- methods -------------------------------------------------------------------------------

    def do_OPTIONS(self):
        self.send(204, "text/plain", b"", {"Allow": "GET, POST, OPTIONS, HEAD",
                                           "Access-Control-Max-Age": "86400"})

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path.rstrip("/") == "/sparql":
            form = parse_qs(url.query, keep_blank_values=True)
            if "query" not in form and "update" not in form and "name" not in form:
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
        if int(self.headers.get("Content-Length") or 0) > 0:
            self.close_connection = True  # its body is not read
        self.error(405, f"{self.command} is not allowed: this endpoint is read-only",
                   {"Allow": "GET, POST, OPTIONS, HEAD"})

    do_PUT = do_DELETE = do_PATCH = _refuse

    def sparql(self, form):
        if "update" in form:
            return self.error(403, "this endpoint is read-only: SPARQL Update is refused")
        queries = form.get("query", [])
        names = form.get("name", [])
        if names and not queries:  # a named query (iccs query --list)
            return self.run({"op": "query", "name": names[-1], "accept": self.headers.get("Accept"),
                             "params": {k[1:]: v[-1] for k, v in form.items() if k.startswith("$")},
                             "format": (form.get("format") or [None])[-1]})
        if any(v for key in ("default-graph-uri", "named-graph-uri") for v in form.get(key, [])):
            return self.error(400, "default-graph-uri and named-graph-uri are not supported: "
                                   "everything is in the one default graph")
        if len(queries) != 1:
            return self.error(400, "give exactly one query parameter")
        params = {k[1:]: v[-1] for k, v in form.items() if k.startswith("$")}
        fmt = (form.get("format") or [None])[-1]
        self.run({"op": "query", "query": queries[0], "params": params, "format": fmt,
                  "accept": self.headers.get("Accept")})


class _Headers(dict):
    """Request headers by lower-case name."""

    def get(self, key, default=None):
        return dict.get(self, key.lower(), default)


def _sparql_help():
    text = {"endpoint": "SPARQL 1.1 Protocol (query only)",
            "get": "/sparql?query=…", "post": "application/x-www-form-urlencoded or application/sparql-query",
            "parameters": "$name=value binds ?name as an RDF term (as iccs query --param)",
            "named queries": "/sparql?name=category&$code=0101 (iccs query --list)",
            "results": "by Accept: JSON, XML, CSV, TSV; graphs as Turtle, N-Triples, JSON-LD"}
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in text.items())
    return (f"<!DOCTYPE html><title>ICCS SPARQL</title><h1>ICCS SPARQL endpoint</h1><table>{rows}</table>"
            f"<p><a href=\"/\">Query form</a></p><script type=\"application/json\">{json.dumps(text)}</script>"
            ).encode("utf-8")
