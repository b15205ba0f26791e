"""Checks of notebooks/05-sharing.ipynb after nbconvert executed it (wired in by test_notebooks.py through CHECKS).

Each function takes the executed notebook as an nbformat NotebookNode and asserts on the outputs of cells found by
their ids.
"""
import re

from nb_cells import cell as _cell


def _stdout(nb, cell_id):
    return "".join(o.text for o in _cell(nb, cell_id).outputs if o.output_type == "stream" and o.name == "stdout")


def _result(nb, cell_id):
    results = [o for o in _cell(nb, cell_id).outputs if o.output_type == "execute_result"]
    assert len(results) == 1, f"cell {cell_id!r} has no single value: {_cell(nb, cell_id).outputs}"
    return results[0].data


def _no_errors(nb):
    for c in nb.cells:
        if c.cell_type == "code":
            for o in c.outputs:
                assert o.output_type != "error", f"cell {c.get('id')} failed: {o.ename}: {o.evalue}"


def check_sharing(nb):
    _no_errors(nb)

    out = _stdout(nb, "globals")
    assert "worker sees [1, 2, 3, 99]" in out
    assert "kernel sees [1, 2, 3]" in out

    assert "total from the worker: tea: 7.5" in _stdout(nb, "queue")

    out = _stdout(nb, "pill")
    squares = [l for l in out.splitlines() if " * " in l]
    assert squares == [f"{i} * {i} = {i * i}" for i in range(10)], out
    m = re.search(r"10 results from (\d+) consumers", out)
    assert m and int(m.group(1)) >= 2, out

    out = _stdout(nb, "event")
    assert out.index("hasty: got it? false") < out.index("kernel: setting the event") < out.index("patient: event set? true"), out

    assert "balance: 10.78" in _stdout(nb, "value")
    assert "SharedIntArray[1, 2, -3, 4, 5]" in _stdout(nb, "array")
    assert "counter = 40000" in _stdout(nb, "counter")

    out = _stdout(nb, "manager")
    assert "map:  {ada=36, alan=41}" in out
    assert "list: [ada, alan]" in out
    data = _result(nb, "manager")
    assert "ada=36" in data["text/plain"]
    assert "<td>alan</td><td>41</td>" in data["text/html"]

    assert "received 100000, distinct 100000, taken twice 0" in _stdout(nb, "throughput")

    out = _stdout(nb, "lock")
    assert "locked while the holder lives: true" in out
    assert "waiter got the lock" in out
    assert "holder exit code -9, waiter exit code 0, locked now: false" in out

    assert "echo: HELLO" in _stdout(nb, "pipe")
    assert "after close:" in _stdout(nb, "cleanup") and "no longer exists" in _stdout(nb, "cleanup")


CHECKS = {"05-sharing.ipynb": check_sharing}
