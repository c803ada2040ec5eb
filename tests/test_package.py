"""`pip install .` from a wheel carries the graph and the shapes, and the installed command works."""
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT

from iccs.resources import ontology_files, shape_files


def test_wheel_installs_and_runs(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("iccs-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ontology_files():
        assert f"iccs/ontology/{Path(path).name}" in names
    for path in shape_files():
        assert f"iccs/shapes/{Path(path).name}" in names
    assert "iccs/compiled/iccs-%d%d.marshal" % sys.version_info[:2] in names  # the graph, precompiled
    # Install it into a folder of its own (its dependencies come from this environment) and run
    # its command line there, away from the checkout.
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    assert "iccs = iccs.entry:main" in next(target.glob("iccs-*.dist-info/entry_points.txt")).read_text()
    # Its cache folder cannot be made (a file stands in the way): the precompiled graph serves,
    # without rdflib and without compiling.
    (tmp_path / "blocked").write_text("a file, not a folder")
    env = dict(os.environ, ICCS_CACHE_DIR=str(tmp_path / "blocked" / "cache"), PYTHONPATH=str(target))
    probe = ("import sys, iccs, iccs.entry; print(iccs.__file__); sys.argv[1:] = ['show', 'ICCS0101', '--format', 'json']; "
             "iccs.entry.main(); print('rdflib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True).stdout
    assert out.startswith(str(target))
    assert '"code": "0101"' in out
    assert out.rstrip().endswith("False")
