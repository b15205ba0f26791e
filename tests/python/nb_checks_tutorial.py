"""Checks of notebooks/06-python-tutorial.ipynb after nbconvert executed it (wired in by test_notebooks.py).

Each section of the tutorial must show the behaviour its Python counterpart shows. Worker output may reach a cell
as a stream or, when it comes after the cell's code ended, as a display the kernel kept for it: `_text` reads both.
"""
import re

from nb_cells import cell as _cell

NOTEBOOK = "06-python-tutorial.ipynb"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _text(nb, cell_id, name=None):
    parts = []
    for o in _cell(nb, cell_id).outputs:
        if o.output_type == "stream" and (name is None or o.name == name):
            parts.append(o.text)
        elif o.output_type == "display_data" and name is None:
            parts.append(o.data.get("text/plain", ""))
    return "".join(parts)


def _result(nb, cell_id):
    results = [o for o in _cell(nb, cell_id).outputs if o.output_type == "execute_result"]
    assert len(results) == 1, f"cell {cell_id!r} has no single value: {_cell(nb, cell_id).outputs}"
    return results[0].data["text/plain"]


def check_tutorial(nb):
    # every section names the Python API it mirrors, in the tutorial's order
    headings = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    for python_api in ("`Process(target=f", "`current_process().name`", "`daemon = True`", "`terminate()`",
                       "`exitcode`", "`multiprocessing.log_to_stderr()`", "`class Worker(Process)", "`apply_async(func",
                       "`apply_async(...).get()`", "`top`", "callback=cb", "`Queue()`", "`JoinableQueue`", "`Event()`",
                       "`apply` versus `apply_async`", "Globals are not shared", "`Value(", "`Manager().dict()`"):
        assert any(python_api in h for h in headings), f"no section mirrors {python_api}: {headings}"
    numbers = [int(h.split()[1].rstrip(".")) for h in headings]
    assert numbers == sorted(numbers), headings

    assert _result(nb, "one-child") == "0"
    assert "[Proc-" in _text(nb, "one-child") and "] hello bob" in _text(nb, "one-child")
    assert sorted(re.findall(r"Worker: (\d)", _text(nb, "several"))) == list("01234")

    names = _text(nb, "names")
    for who in ("my_service", "worker 1"):
        assert f"[{who}] {who} starting" in names and f"[{who}] {who} exiting" in names, names
    assert re.search(r"\[(Proc-\d+)\] \1 starting", names), names
    assert _result(nb, "names") == "MainProcess"

    daemon = _text(nb, "daemon")
    assert "d.isAlive() true" in daemon and "non-daemon runs and exits" in daemon and "daemon exiting" not in daemon

    term = _text(nb, "terminate")
    assert "BEFORE: alive false" in term and "DURING: alive true" in term
    assert "JOINED: alive false, exit code -15" in term and "never printed" not in term

    codes = {m.group(1): m.group(2) for m in re.finditer(r"(\w+)\.exitCode = (-?\d+)", _text(nb, "exit-codes", "stdout"))}
    assert codes == {"exit_error": "1", "exit_ok": "0", "raises": "1", "terminated": "-15"}, codes
    failed = _text(nb, "exit-codes", "stderr")
    assert "There was an error!" in failed and re.search(r"\(cell \[\d+\], line 4\)", failed), failed

    log = _text(nb, "logging", "stderr").splitlines()
    proc = re.match(r"\[INFO/(Proc-\d+)\] child process calling self.run\(\)", log[0]).group(1)
    assert log[1:] == [f"[INFO/{proc}] process shutting down", f"[INFO/{proc}] process exiting with exitcode 0"], log
    assert f"[{proc}] Doing some work" in _text(nb, "logging", "stdout")

    assert len(re.findall(r"\[(Proc-\d+)\] In \1", _text(nb, "subclass"))) == 3

    pool = _text(nb, "pool-void")
    lines = re.findall(r"\[(PoolWorker-\d+)\] \1-hello (\d)", pool)
    assert sorted(int(n) for _, n in lines) == list(range(10)), pool
    assert pool.rstrip().endswith("Sub-process(es) done."), "close() + join() waited for the tasks' output"
    assert _result(nb, "pool-values") == "[" + ", ".join(f"PoolWorker-hello {i}" for i in range(10)) + "]"

    assert re.search(r"cpu0 +\[[# .]*\] +\d+\.\d%", _result(nb, "cpu")), _result(nb, "cpu")

    assert _result(nb, "callbacks") == "[callback ran, error callback: / by zero, value 42]"
    assert sorted(re.findall(r"child success (\d)", _text(nb, "callbacks"))) == ["0", "1"]

    assert re.search(r"\[(Proc-\d+)\] Doing something fancy in \1 for Fancy Dan!", _text(nb, "queue"))
    assert _result(nb, "consumers") == "10 results, e.g. 0 * 0 = 0"

    event = _text(nb, "event")
    assert "[nonblock] nonblock: is set -> false" in event and "[block] block: is set -> true" in event

    assert _result(nb, "apply-vs-async") == "42 false late"
    assert re.search(r"child sees \[\+\+\+, 1, 2, 3\]", _text(nb, "globals"))
    assert _result(nb, "globals") == "notebook sees [+++, a, b, c]"
    assert _text(nb, "value-array", "stdout") == "10.0 [1, 2, 3, 4, 5]\n"
    assert _result(nb, "value-array") == "10.78 [1, 2, 9999, 4, 5]"
    assert _text(nb, "manager", "stdout") == "[0, 1, 2, 3, 4, 11, 22, 33]\n"
    assert _result(nb, "manager") == "{index1=aaaaaa, index2=bbbbbb}"

    errors = [o for o in _cell(nb, "map-fails").outputs if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "jpool.pool.MapFailed", errors
    tb = "\n".join(ANSI.sub("", line) for line in errors[0].traceback)
    assert "input #4 5: in the worker: java.lang.IllegalStateException: forgot to load the data for topic 5" in tb, tb
    assert re.search(r"at fit\(cell \[\d+\], line 2\)", tb), tb
    assert _result(nb, "kept") == "7 of 8 results kept; failed: [5]"


CHECKS = {NOTEBOOK: check_tutorial}
