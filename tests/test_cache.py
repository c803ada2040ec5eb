"""The compiled cache: fresh processes start from it without rdflib, and it follows the graph."""
import os
import subprocess
import sys

from conftest import ROOT

from iccs import cache
from iccs.resources import ontology_files

PROBE = "import iccs, sys; c = iccs.load(); print(c['0101'].label('en')); print('rdflib' in sys.modules)"


def run_probe(cache_dir):
    env = dict(os.environ, ICCS_CACHE_DIR=str(cache_dir), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True)
    return out.stdout.split("\n")[:2]


def test_second_start_uses_the_cache_not_rdflib(tmp_path, classification):
    label = classification["0101"].label("en")
    assert run_probe(tmp_path) == [label, "True"]  # first start compiles the graph
    assert len(list(tmp_path.glob("iccs-*.marshal"))) == 1
    assert run_probe(tmp_path) == [label, "False"]  # later starts read the cache only


def test_cache_follows_the_graph(tmp_path, monkeypatch):
    """A change to any Turtle file (here, its modification time) makes the cache stale."""
    monkeypatch.setenv("ICCS_CACHE_DIR", str(tmp_path))
    cache.load_compiled()
    blob = open(cache.cache_path(), "rb").read()
    files = ontology_files()
    st = os.stat(files[0])
    try:
        os.utime(files[0], ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        cache.load_compiled()
        assert open(cache.cache_path(), "rb").read() != blob
    finally:
        os.utime(files[0], ns=(st.st_atime_ns, st.st_mtime_ns))


def test_damaged_cache_is_rebuilt(tmp_path, monkeypatch, classification):
    monkeypatch.setenv("ICCS_CACHE_DIR", str(tmp_path))
    cache.load_compiled()
    (path,) = tmp_path.glob("iccs-*.marshal")
    path.write_bytes(path.read_bytes()[:100])
    data = cache.load_compiled()
    assert cache.unpack(data["categories"]["0101"])["label"]["en"] == classification["0101"].label("en")
    assert len(data["categories"]) == len(classification)


def test_unwritable_cache_still_works(tmp_path, monkeypatch, classification):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("ICCS_CACHE_DIR", str(blocked / "sub"))
    assert len(cache.load_compiled()["categories"]) == len(classification)
