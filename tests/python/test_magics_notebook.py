"""Runs notebooks/04-magics-and-monitoring.ipynb with nbconvert and applies nb_checks_magics (the saved outputs and
the HTML export), unless test_notebooks.py already does so for every notebook it runs."""
import json
import pathlib
import subprocess

import pytest

import magics_kernel  # noqa: F401  (isolates Jupyter and installs the kernelspec when run on its own)
from nb_checks_magics import CHECKS, HTML_CHECKS, NOTEBOOK

ROOT = pathlib.Path(__file__).resolve().parents[2]
JUPYTER = "/usr/bin/jupyter"  # Debian's Jupyter
HERE = pathlib.Path(__file__).resolve().parent
WIRED = (HERE / "test_notebooks.py").exists() and "nb_checks_magics" in (HERE / "test_notebooks.py").read_text()

pytestmark = pytest.mark.skipif(WIRED, reason="test_notebooks.py runs the nb_checks_magics checks")


def nbconvert(*args):
    proc = subprocess.run([JUPYTER, "nbconvert", *map(str, args)], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"nbconvert {' '.join(map(str, args))} failed:\n{proc.stderr[-6000:]}"


def test_magics_notebook_is_saved_clean_for_jpool():
    nb = json.loads((ROOT / "notebooks" / NOTEBOOK).read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"] == {"display_name": "Java (jpool)", "language": "java", "name": "jpool"}
    assert nb["metadata"]["language_info"]["name"] == "java"
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            assert c["outputs"] == [] and c["execution_count"] is None, c["source"]


def test_magics_notebook_runs_and_exports(tmp_path):
    nbconvert("--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600", "--output-dir", tmp_path,
              ROOT / "notebooks" / NOTEBOOK)
    executed = tmp_path / NOTEBOOK
    CHECKS[NOTEBOOK](json.loads(executed.read_text(encoding="utf-8")))
    nbconvert("--to", "html", "--output-dir", tmp_path, executed)
    HTML_CHECKS[NOTEBOOK]((tmp_path / NOTEBOOK.replace(".ipynb", ".html")).read_text(encoding="utf-8"))
