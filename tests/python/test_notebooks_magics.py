"""notebooks/04-magics-and-monitoring.ipynb: its HTML export keeps the final task boards with their inline per-CPU
SVG (nb_checks_magics.HTML_CHECKS), and the checks of its saved
outputs (nb_checks_magics.CHECKS, which test_notebooks.py applies too).

This module sorts after test_notebooks.py, so it reuses the copy that test executed in this session when there is
one ("executed-notebooks*" under pytest's base temp dir) and executes the notebook itself otherwise.
"""
import json
import pathlib
import subprocess

import pytest

import magics_kernel  # noqa: F401  (isolates Jupyter and installs the kernelspec when run on its own)
from nb_checks_magics import CHECKS, HTML_CHECKS, NOTEBOOK

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent
JUPYTER = "/usr/bin/jupyter"  # Debian's Jupyter


def nbconvert(*args):
    proc = subprocess.run([JUPYTER, "nbconvert", *map(str, args)], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"nbconvert {' '.join(map(str, args))} failed:\n{proc.stderr[-6000:]}"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    done = sorted(tmp_path_factory.getbasetemp().glob(f"executed-notebooks*/{NOTEBOOK}"))
    if done:
        return done[-1]
    out = tmp_path_factory.mktemp("magics-notebook")
    nbconvert("--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600", "--output-dir", out,
              ROOT / "notebooks" / NOTEBOOK)
    return out / NOTEBOOK


def test_magics_notebook_is_saved_clean_for_jpool():
    nb = json.loads((ROOT / "notebooks" / NOTEBOOK).read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"] == {"display_name": "Java (jpool)", "language": "java", "name": "jpool"}
    assert nb["metadata"]["language_info"]["name"] == "java"
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            assert c["outputs"] == [] and c["execution_count"] is None, c["source"]


def test_magics_notebook_outputs(executed):
    # also when test_notebooks.py checked the same copy: run alone, this module must check the outputs too
    CHECKS[NOTEBOOK](json.loads(executed.read_text(encoding="utf-8")))


def test_magics_notebook_html_export_keeps_the_boards(executed, tmp_path):
    nbconvert("--to", "html", "--output-dir", tmp_path, executed)
    HTML_CHECKS[NOTEBOOK]((tmp_path / NOTEBOOK.replace(".ipynb", ".html")).read_text(encoding="utf-8"))
