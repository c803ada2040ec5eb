"""`pip install .` from a wheel carries the graph and the shapes, not only a checkout."""
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT

from iccs.resources import ontology_files, shape_files


def test_wheel_contains_graph_and_shapes(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("iccs-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ontology_files():
        assert f"iccs/ontology/{Path(path).name}" in names
    for path in shape_files():
        assert f"iccs/shapes/{Path(path).name}" in names
    assert "iccs/cli.py" in names
    assert any(n.endswith("entry_points.txt") for n in names)
