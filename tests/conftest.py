import csv
import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
REFERENCE = ROOT / "reference"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

# Keep the compiled cache of the test session out of the user's home.
os.environ.setdefault("ICCS_CACHE_DIR", tempfile.mkdtemp(prefix="iccs-test-cache-"))


def read_csv(name):
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def reference_pages(lang):
    """The layout text of an edition, one string per PDF page (index 0 = page 1)."""
    return (REFERENCE / f"ICCS-v1.0-{lang}.layout.txt").read_text(encoding="utf-8").split("\f")


@pytest.fixture(scope="session")
def classification():
    import iccs

    return iccs.load()


@pytest.fixture(scope="session")
def shipped_graph():
    from iccs.graph import load_graph

    return load_graph()


@pytest.fixture(scope="session")
def shapes_graph():
    from iccs.graph import load_graph
    from iccs.resources import shape_files

    return load_graph(shape_files())
