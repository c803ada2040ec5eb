"""Load test of the SPARQL endpoint on loopback: `iccs serve` beside Oxigraph's own server
(`oxigraph serve`, pip `oxigraph`), Virtuoso (when ICCS_TEST_VIRTUOSO names its endpoint, see
tools/ci/virtuoso.sh) and rdflib-endpoint (pip `rdflib-endpoint`, when installed), all holding
the shipped ICCS graph. A server that is not installed is skipped, saying so.

Three kinds of query (a lookup by notation, a `skos:broader+` hierarchy query, a label text
filter), with 1 and 8 concurrent clients (processes, HTTP/1.1 keep-alive), each cell bounded in
time (--seconds) and in requests (--max-requests), the servers taking turns (--rounds) so that
a burst of load on a shared machine does not fall on one only. Prints requests per second, median
and 95th percentile latency (of the median round), errors (of all rounds: a wrong row count is an
error too), and the ratio of `iccs serve` to each other server.

    python benchmarks/sparql.py [--seconds 3] [--rounds 3] [--clients 1 8]
                                [--servers iccs oxigraph virtuoso rdflib-endpoint]
"""
import argparse
import http.client
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode, urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
QUERIES = {
    "lookup": PREFIXES + 'SELECT ?c ?label WHERE { ?c skos:notation "0101" ; skos:prefLabel ?label }',
    "hierarchy": PREFIXES + 'SELECT ?c ?code WHERE { ?top skos:notation "02" . ?c skos:broader+ ?top ; '
                            'skos:notation ?code }',
    "text": PREFIXES + 'SELECT ?c ?label WHERE { ?c skos:prefLabel ?label '
                       'FILTER(CONTAINS(LCASE(STR(?label)), "fraud")) }',
}
# What each kind must answer (rows), so that a server that answers wrongly counts as errors.
ACCEPT = "application/sparql-results+json"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            status, _ = request(url, "ASK {}")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def started(proc, url, seconds=60):
    """Wait for a server this script started; stop it if it never answers."""
    try:
        wait(url, seconds)
    except BaseException:
        proc.kill()
        proc.wait()
        raise


def request(url, query, conn=None):
    parts = urlsplit(url)
    own = conn is None
    conn = conn or http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    target = parts.path + "?" + (parts.query + "&" if parts.query else "") + urlencode({"query": query})
    conn.request("GET", target, headers={"Accept": ACCEPT})
    response = conn.getresponse()
    body = response.read()
    if own:
        conn.close()
    return response.status, body


def client(args):
    url, query, seconds, max_requests, expected = args
    import json

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    latencies, errors = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end and len(latencies) + errors < max_requests:
        t = time.perf_counter()
        try:
            status, body = request(url, query, conn)
            ok = status == 200 and len(json.loads(body)["results"]["bindings"]) == expected
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        if ok:
            latencies.append(time.perf_counter() - t)
        else:
            errors += 1
    conn.close()
    return latencies, errors


def measure(url, query, clients, seconds, max_requests, expected):
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        start = time.perf_counter()
        parts = pool.map(client, [(url, query, seconds, max_requests // clients, expected)] * clients)
        elapsed = time.perf_counter() - start
    latencies = sorted(x for lat, _ in parts for x in lat)
    errors = sum(e for _, e in parts)
    return {"rps": len(latencies) / elapsed, "median_ms": 1000 * statistics.median(latencies) if latencies else 0,
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0,
            "requests": len(latencies), "errors": errors}


def start_iccs():
    port = free_port()
    env = dict(os.environ, ICCS_CACHE_DIR=os.environ.get("ICCS_CACHE_DIR", tempfile.mkdtemp()))
    proc = subprocess.Popen([sys.executable, "-m", "iccs.cli", "serve", "--port", str(port),
                             "--max-rows", "100000"] + os.environ.get("ICCS_BENCH_SERVE_ARGS", "").split(), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    started(proc, url)
    return proc, url


def installed(command):
    """The path of a server's command (on PATH or beside this Python), or None, saying it is skipped."""
    exe = shutil.which(command) or os.path.join(os.path.dirname(sys.executable), command)
    if os.path.exists(exe):
        return exe
    print(f"{command} (pip install {command}) not found: skipped", file=sys.stderr)
    return None


def start_oxigraph():
    """Oxigraph's own server, in memory like the engine of `iccs serve`, the graph pushed in."""
    from iccs.sparql.remote import push

    exe = installed("oxigraph")
    if exe is None:
        return None, None
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    started(proc, url)
    push(f"http://127.0.0.1:{port}/store")
    return proc, url


def start_rdflib_endpoint():
    """rdflib-endpoint (a Python endpoint over rdflib, pip rdflib-endpoint), the issue's baseline."""
    from iccs.resources import ontology_files

    exe = installed("rdflib-endpoint")
    if exe is None:
        return None, None
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--host", "127.0.0.1", "--port", str(port)] + ontology_files(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"  # its CLI serves the endpoint at /
    started(proc, url, 120)
    return proc, url


def start_virtuoso():
    url = os.environ.get("ICCS_TEST_VIRTUOSO")
    if not url:
        print("ICCS_TEST_VIRTUOSO not set (tools/ci/virtuoso.sh): Virtuoso skipped", file=sys.stderr)
        return None, None
    from iccs.sparql.remote import push

    split = urlsplit(url)
    store = f"{split.scheme}://{split.netloc}/sparql-graph-crud-auth"
    push(store, graph="https://w3id.org/iccs/1.0",
         auth=(os.environ.get("ICCS_TEST_VIRTUOSO_USER", "dba"),
               os.environ.get("ICCS_TEST_VIRTUOSO_PASSWORD", "dba")))
    return None, url + "?default-graph-uri=" + "https%3A%2F%2Fw3id.org%2Ficcs%2F1.0"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per cell and server")
    parser.add_argument("--rounds", type=int, default=3, help="turns per cell (median counts)")
    parser.add_argument("--max-requests", type=int, default=20000, help="per cell")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--servers", nargs="+", default=["iccs", "oxigraph", "virtuoso", "rdflib-endpoint"])
    args = parser.parse_args()

    import iccs.sparql

    expected = {k: len(iccs.sparql.query(q)) for k, q in QUERIES.items()}
    started = {"iccs": start_iccs, "oxigraph": start_oxigraph, "virtuoso": start_virtuoso,
               "rdflib-endpoint": start_rdflib_endpoint}
    servers, procs = {}, []
    try:
        for name in args.servers:
            proc, url = started[name]()
            if url:
                servers[name] = url
            if proc:
                procs.append(proc)
        print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
              f"{args.seconds:g} s per cell; rows expected {expected}")
        results = {}
        print(f"{'server':15} {'query':10} {'clients':>7} {'req/s':>9} {'median ms':>10} {'p95 ms':>8} {'errors':>6}")
        for kind, text in QUERIES.items():
            for clients in args.clients:
                for url in servers.values():
                    measure(url, text, 1, 0.3, 200, expected[kind])  # warm up
                # the servers take turns, round after round, so that a burst of load on the
                # machine does not fall on one of them only; the median round counts
                rounds = {name: [] for name in servers}
                for _ in range(args.rounds):
                    for name, url in servers.items():
                        rounds[name].append(measure(url, text, clients, args.seconds / args.rounds,
                                                    args.max_requests // args.rounds, expected[kind]))
                for name in servers:
                    by_rps = sorted(rounds[name], key=lambda r: r["rps"])
                    r = dict(by_rps[len(by_rps) // 2], errors=sum(x["errors"] for x in by_rps))
                    results[name, kind, clients] = r
                    print(f"{name:15} {kind:10} {clients:>7} {r['rps']:>9.0f} {r['median_ms']:>10.2f} "
                          f"{r['p95_ms']:>8.2f} {r['errors']:>6}", flush=True)
        print("\nratios of iccs serve's requests per second to the others (>1: iccs is faster)")
        for kind in QUERIES:
            for clients in args.clients:
                mine = results["iccs", kind, clients]["rps"] if ("iccs", kind, clients) in results else None
                others = ", ".join(f"{name} {mine / results[name, kind, clients]['rps']:.2f}"
                                   for name in servers if name != "iccs" and mine
                                   and results[name, kind, clients]["rps"])
                print(f"  {kind:10} {clients} client(s): {others}")
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
