"""iccs serve as a command: started, asked, stopped with Ctrl-C.

Apart from tests/test_serve.py on purpose: that module's server runs in a thread of the test
process and forks a fresh worker when one ends (after a runaway query). A fork while this test
is inside ``subprocess.Popen`` hands the worker the pipe through which Popen learns that the
child started, and Popen then waits for as long as the worker lives (CI hung so once)."""
import http.client
import json
import time
from urllib.parse import urlencode

import pytest


def bindings(data):
    return {tuple(b[v]["value"] for v in sorted(b)) for b in json.loads(data)["results"]["bindings"]}


def test_serve_command_starts_answers_and_stops(tmp_path):
    import os
    import signal
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "extra.ttl"
    data.write_text("<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> \"extra\" .\n")
    proc = subprocess.Popen([sys.executable, "-m", "iccs.cli", "serve", "--port", str(port), "--workers", "1",
                             "--data", str(data)], stderr=subprocess.PIPE, env=dict(os.environ))
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/sparql?" + urlencode({"query": "SELECT ?l WHERE { ?x rdfs:label ?l FILTER(STR(?l) = \"extra\") }"}))
                response = conn.getresponse()
                body = response.read()
                break
            except OSError:
                time.sleep(0.1)
        assert response.status == 200 and bindings(body) == {("extra",)}
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode in (0, 130) and b"serving the ICCS at http://127.0.0.1:" in err
    with pytest.raises(OSError):  # nothing listens any more: the workers went with it
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
