"""The compiled cache: fresh processes start from it without rdflib, and it follows the graph."""
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from iccs import cache
from iccs.resources import ontology_files

PROBE = "import iccs, sys; c = iccs.load(); print(c['0101'].label('en')); print('rdflib' in sys.modules)"


def run_probe(cache_dir):
    env = dict(os.environ, ICCS_CACHE_DIR=str(cache_dir), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True)
    return out.stdout.split("\n")[:2]


def test_second_start_uses_the_cache_not_rdflib(tmp_path, classification):
    """In a checkout (no packaged copy) the first start compiles, later starts read the cache."""
    label = classification["0101"].label("en")
    assert run_probe(tmp_path) == [label, "True"]  # first start compiles the graph
    assert len(list(tmp_path.glob("iccs-*.marshal"))) == 1
    assert run_probe(tmp_path) == [label, "False"]  # later starts read the cache only


def test_cache_follows_the_graph(tmp_path, monkeypatch):
    """A change to the content of any Turtle file makes the cache stale (its time alone does not)."""
    monkeypatch.setenv("ICCS_CACHE_DIR", str(tmp_path / "cache"))
    copies = []
    for path in ontology_files():
        copy = tmp_path / os.path.basename(path)
        copy.write_bytes(open(path, "rb").read())
        copies.append(str(copy))
    monkeypatch.setattr(cache, "ontology_files", lambda: copies)
    monkeypatch.setattr("iccs.graph.ontology_files", lambda: copies)
    first = cache.stamp()
    os.utime(copies[0], ns=(0, 0))
    assert cache.stamp() == first
    with open(copies[-1], "a", encoding="utf-8") as f:
        f.write("\n<https://w3id.org/iccs/1.0/category/0101> <http://www.w3.org/2004/02/skos/core#altLabel> \"Test label\"@en .\n")
    assert cache.stamp() != first
    data = cache.load_compiled()
    assert "Test label" not in str(cache.unpack(data["categories"]["0101"]))  # altLabel is not compiled
    assert cache.read(cache.cache_path(), cache.stamp()) is not None
    assert cache.read(cache.cache_path(), first) is None


@pytest.fixture(scope="module")
def compiled():
    return cache.compile_now()


@pytest.mark.parametrize("damage", ["truncate", "flip", "edit"])
def test_damaged_or_edited_cache_is_never_served(tmp_path, monkeypatch, classification, compiled, damage):
    """A truncated file, any flipped bit, or a hand edit that keeps the file readable: the cache
    is rebuilt, never served (a checksum covers the data)."""
    monkeypatch.setenv("ICCS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "packaged_path", lambda: str(tmp_path / "none"))
    monkeypatch.setattr(cache, "compile_now", lambda: compiled)  # compiling itself is tested above
    cache.load_compiled()
    (path,) = tmp_path.glob("iccs-*.marshal")
    blob = bytearray(path.read_bytes())
    label = classification["0101"].label("en")
    if damage == "truncate":
        blob = blob[:100]
    elif damage == "flip":
        for position in range(200, len(blob), len(blob) // 60):  # 60 places across the file
            flipped = bytearray(blob)
            flipped[position] ^= 0x10
            path.write_bytes(flipped)
            assert cache.read(str(path), cache.stamp()) is None, position
        blob = flipped
    else:
        at = blob.find(label.encode())
        blob[at:at + 3] = b"XXX"
    path.write_bytes(blob)
    assert cache.read(str(path), cache.stamp()) is None
    data = cache.load_compiled()
    assert cache.unpack(data["categories"]["0101"])["label"]["en"] == label
    assert cache.read(str(path), cache.stamp()) is not None  # rewritten whole


def test_unwritable_cache_still_works(tmp_path, monkeypatch, classification):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("ICCS_CACHE_DIR", str(blocked / "sub"))
    assert len(cache.load_compiled()["categories"]) == len(classification)


def test_two_whole_caches_swapped_are_rebuilt(tmp_path, monkeypatch, classification):
    """Each cache file names what it holds (its kind and language) inside its checksummed part:
    the English and Spanish mapping indexes swapped, each whole and fresh, are not served."""
    from iccs.mapping import corpus

    monkeypatch.setenv("ICCS_CACHE_DIR", str(tmp_path))
    for lang in ("en", "es"):
        corpus.load(classification, lang)
    en, es = corpus.cache_path("en"), corpus.cache_path("es")
    os.replace(en, str(tmp_path / "swap"))
    os.replace(es, en)
    os.replace(str(tmp_path / "swap"), es)
    assert corpus.load(classification, "en").lang == "en"
    assert corpus.load(classification, "es").lang == "es"
    for lang, path in (("en", en), ("es", es)):  # both written anew, each in its own place
        assert cache.read(path, corpus._stamp(), key=f"mapping corpus {lang}")["lang"] == lang
    # nor is a file read as another kind of cache
    assert cache.read(en, corpus._stamp(), key="graph") is None
