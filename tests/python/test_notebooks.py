"""Runs every notebook in notebooks/ on the jpool kernel with nbconvert, as a user would, and checks what it saved.

Each notebook may have its own check function (registered with @checks("file name")); a notebook without one must
still run to the end with errors only in cells tagged "raises-exception". Cells are found by their nbformat id.
"""
import base64
import importlib
import json
import pathlib
import re
import struct
import subprocess

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
# Debian's Jupyter runs only on /usr/bin/python3; its nbconvert is /usr/bin/jupyter
JUPYTER = "/usr/bin/jupyter"
NOTEBOOK_TIMEOUT = 900  # seconds for nbconvert to run a whole notebook (each cell has 600)
ANSI = re.compile(r"\x1b\[[0-9;]*m")

CHECKS = {}


def checks(file_name):
    """Registers the check function of one notebook."""
    def register(fn):
        CHECKS[file_name] = fn
        return fn
    return register


def nbconvert(*args):
    proc = subprocess.run([JUPYTER, "nbconvert", *map(str, args)], capture_output=True, text=True,
                          timeout=NOTEBOOK_TIMEOUT)
    assert proc.returncode == 0, f"nbconvert {' '.join(map(str, args))} failed:\n{proc.stderr[-6000:]}"
    return proc


@pytest.fixture(scope="session")
def executed(tmp_path_factory):
    """Executes a notebook once per test session (with the kernel its metadata names); returns the saved copy."""
    out_dir = tmp_path_factory.mktemp("executed-notebooks")
    done = {}

    def run(notebook):
        if notebook.name not in done:
            nbconvert("--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600",
                      "--output-dir", out_dir, notebook)
            done[notebook.name] = out_dir / notebook.name
        return done[notebook.name]
    return run


def load(path):
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def text(value):
    """nbformat stores multi-line strings as lists of lines."""
    return "".join(value) if isinstance(value, list) else value


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def cell(nb, cell_id):
    found = [c for c in nb["cells"] if c.get("id") == cell_id]
    assert len(found) == 1, f"expected one cell with id {cell_id!r}, found {len(found)}"
    return found[0]


def outputs(nb, cell_id, output_type=None):
    outs = cell(nb, cell_id)["outputs"]
    return [o for o in outs if output_type is None or o["output_type"] == output_type]


def result(nb, cell_id):
    """The data of a cell's execute_result (its last expression's value)."""
    results = outputs(nb, cell_id, "execute_result")
    assert len(results) == 1, f"cell {cell_id!r} has no single value: {outputs(nb, cell_id)}"
    return {mime: text(v) for mime, v in results[0]["data"].items()}


def error(nb, cell_id):
    errors = outputs(nb, cell_id, "error")
    assert len(errors) == 1, f"cell {cell_id!r} did not fail once: {outputs(nb, cell_id)}"
    return errors[0], [ANSI.sub("", line) for line in errors[0]["traceback"]]


def stdout(nb, cell_id):
    return "".join(text(o["text"]) for o in outputs(nb, cell_id, "stream") if o["name"] == "stdout")


def check_common(nb, name):
    """What every executed notebook must satisfy."""
    cells = code_cells(nb)
    assert cells, f"{name} has no code cells"
    for c in cells:
        assert c.get("execution_count") is not None, f"{name}: a cell did not run:\n{text(c['source'])}"
        for o in c["outputs"]:
            if o["output_type"] == "error":
                assert "raises-exception" in tags(c), (
                    f"{name}: unexpected {o['ename']}: {o['evalue']} in a cell not tagged raises-exception:\n"
                    f"{text(c['source'])}\n" + "\n".join(ANSI.sub("", l) for l in o["traceback"]))
            blob = json.dumps(o)
            assert "jpool internal error" not in blob, f"{name}: kernel failure in output {blob[:2000]}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_saved_clean_for_the_jpool_kernel(notebook):
    nb = load(notebook)
    assert nb["metadata"]["kernelspec"]["name"] == "jpool"
    assert nb["metadata"]["language_info"]["name"] == "java"
    for c in code_cells(nb):
        assert c["outputs"] == [] and c["execution_count"] is None, (
            f"{notebook.name} is saved with outputs (CI runs it; save it cleared):\n{text(c['source'])}")


# Checks kept next to the features they test (nb_checks_*.py, each exposing CHECKS = {file name: fn}); they take
# the executed notebook as an nbformat NotebookNode. A module may also expose NEEDS = {file name: fn}, fn returning why
# the notebook cannot run on this machine (a skip reason, e.g. Maven Central out of reach) or None.
NODE_CHECKS = {}
NEEDS = {}
for _module in ("nb_checks_workers", "nb_checks_magics", "nb_checks_sharing", "nb_checks_tutorial", "nb_checks_checkpoints",
                "nb_checks_maven", "nb_checks_cluster"):
    try:
        _checks = importlib.import_module(_module)
        NODE_CHECKS.update(_checks.CHECKS)
        NEEDS.update(getattr(_checks, "NEEDS", {}))
    except ModuleNotFoundError as e:
        if e.name != _module:
            raise


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(notebook, executed):
    why_not = NEEDS[notebook.name]() if notebook.name in NEEDS else None
    if why_not:
        pytest.skip(why_not)
    path = executed(notebook)
    nb = load(path)
    check_common(nb, notebook.name)
    check = CHECKS.get(notebook.name)
    if check is not None:
        check(nb)
    node_check = NODE_CHECKS.get(notebook.name)
    if node_check is not None:
        node_check(nbformat.read(str(path), as_version=4))


def test_every_check_has_its_notebook():
    missing = sorted((set(CHECKS) | set(NODE_CHECKS)) - {p.name for p in NOTEBOOKS})
    assert not missing, f"checks for notebooks that do not exist (renamed?): {missing}"


@checks("01-java-basics.ipynb")
def check_java_basics(nb):
    counts = [c["execution_count"] for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"cells ran out of order: {counts}"

    # values persist across cells and the last expression is the cell's value
    assert result(nb, "apples-cost") == {"text/plain": "3.0"}
    assert result(nb, "greet-call")["text/plain"] == "Hello, notebook!"
    assert result(nb, "several")["text/plain"] == "3"
    assert result(nb, "imports")["text/plain"] == "THURSDAY"
    assert result(nb, "record-value")["text/plain"] == "Measurement[station=Oslo, day=2024-01-15, celsius=-4.5]"
    assert result(nb, "streams")["text/plain"] == "{Nairobi=19.25, Oslo=6.75, Rome=18.5}"
    assert result(nb, "after-error")["text/plain"] == "5"
    # a help cell ("Math.max?") answers with a pager payload, which nbconvert does not save: it ran and shows nothing
    assert outputs(nb, "help") == []
    for quiet in ("variables", "greet-def", "record-def"):
        assert outputs(nb, quiet) == [], f"declarations show nothing, but {quiet!r} has {outputs(nb, quiet)}"

    # printed text arrives as a stream
    assert stdout(nb, "print").splitlines() == ["Nairobi   19.25 °C", "Oslo       6.75 °C", "Rome      18.50 °C"]

    # a list of records is an HTML table
    table = result(nb, "readings-table")["text/html"]
    assert table.startswith('<table class="jpool-table"><thead><tr><th>station</th><th>day</th><th>celsius</th></tr>')
    assert table.count("<tr>") == 1 + 6
    assert "<tr><td>Rome</td><td>2024-07-15</td><td>27.5</td></tr>" in table

    squares = result(nb, "list-table")
    assert "<th>n</th><th>n squared</th><th>n cubed</th>" in squares["text/html"], squares["text/html"]
    assert "<tr><td>4</td><td>16</td><td>64</td></tr>" in squares["text/html"], squares["text/html"]
    summary = result(nb, "summary-table")
    assert "<tr><th>station</th><th>coldest</th><th>warmest</th></tr>" in summary["text/html"]
    assert "<tr><td>Oslo</td><td>-4.5</td><td>18.0</td></tr>" in summary["text/html"]
    assert summary["text/plain"].splitlines()[0].split() == ["station", "coldest", "warmest"]

    # rich values: HTML and SVG
    html = result(nb, "html")
    assert "<b>Nairobi</b> with a mean of 19.25" in html["text/html"]
    assert html["text/plain"] == "Warmest station\nNairobi with a mean of 19.25 °C"
    svg = result(nb, "svg")["image/svg+xml"]
    assert svg.startswith("<svg xmlns='http://www.w3.org/2000/svg'") and svg.endswith("</svg>")
    assert svg.count("class='bar'") == 3
    assert "width='154.0'" in svg  # Nairobi: 19.25 * 8

    # Display.show + DisplayHandle.update: one output, replaced in place by the update
    shown = outputs(nb, "display-update")
    assert [o["output_type"] for o in shown] == ["display_data"], shown
    assert text(shown[0]["data"]["text/html"]) == "<b>done</b>: the sum of 1 … 1,000,000 is 500000500000"

    # a BufferedImage is a PNG of its size
    png = base64.b64decode(result(nb, "image")["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (240, 80)

    # errors: only in the tagged cells, pointing at cell, line and column
    raising = [c["id"] for c in code_cells(nb) if "raises-exception" in tags(c)]
    assert raising == ["compile-error", "runtime-error", "exit-blocked"]

    n = cell(nb, "compile-error")["execution_count"]
    err, tb = error(nb, "compile-error")
    assert err["ename"] == "CompilationError"
    assert err["evalue"] == "incompatible types: int cannot be converted to java.lang.String"
    assert tb[0].startswith(f"Compile error in cell [{n}], line 2, column 16: incompatible types")
    assert tb[1:] == ["    String label = total;", "    " + " " * 15 + "^^^^^"]

    n = cell(nb, "runtime-error")["execution_count"]
    err, tb = error(nb, "runtime-error")
    assert (err["ename"], err["evalue"]) == ("java.lang.ArithmeticException", "/ by zero")
    assert tb == ["java.lang.ArithmeticException: / by zero",
                  f"    at average (cell [{n}], line 4)",
                  f"    at <cell> (cell [{n}], line 7)"]

    # ending the kernel from a cell is refused, and the notebook goes on
    err, tb = error(nb, "exit-blocked")
    assert err["ename"].endswith("SecurityException"), err
    assert "Runtime.halt(1) was blocked: it would end the kernel" in err["evalue"], err
    assert result(nb, "after-error") is not None


def test_java_basics_exports_to_html_with_its_rich_output(executed, tmp_path):
    notebook = NOTEBOOK_DIR / "01-java-basics.ipynb"
    nbconvert("--to", "html", "--output-dir", tmp_path, executed(notebook))
    page = (tmp_path / "01-java-basics.html").read_text(encoding="utf-8")
    assert '<table class="jpool-table"><thead><tr><th>station</th><th>day</th><th>celsius</th>' in page
    # Debian's nbconvert passes SVG through lxml's clean_html, which keeps the <svg> element and its text but drops
    # shapes, so only those are checked here (the shapes are checked in the executed notebook above)
    svg_output = re.search(r'data-mime-type="image/svg\+xml">\s*(<svg[^>]*>.*?</svg>)', page, re.S)
    assert svg_output, "no SVG output in the HTML page"
    assert 'width="320"' in svg_output.group(1) and "Nairobi" in svg_output.group(1), svg_output.group(1)
    assert "data:image/png;base64," in page
    assert "<b>done</b>: the sum of 1 … 1,000,000 is 500000500000" in page
    assert "<i>crunching numbers…</i>" not in page, "the display update replaced the first content"
    assert "Hello, notebook!" in page
    assert "line 2, column 16" in page and "/ by zero" in page
