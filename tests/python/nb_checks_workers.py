"""Checks on the saved outputs of the executed worker notebooks (02-processes, 03-pool).

Each check takes the notebook as nbconvert wrote it after execution (an ``nbformat`` NotebookNode) and asserts on
its outputs. Cells are found by their tags (``metadata.tags``), so markdown edits do not break the checks.
Timing figures are printed by the notebooks but never asserted on.
"""
import html
import re

__all__ = ["CHECKS", "check02", "check03"]


# ---- helpers ------------------------------------------------------------------------------------------------

def _cell(nb, tag):
    found = [c for c in nb.cells if c.cell_type == "code" and tag in c.metadata.get("tags", [])]
    assert len(found) == 1, f"expected one code cell tagged {tag!r}, found {len(found)}"
    return found[0]


def _stream(cell, name="stdout"):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.output_type == "stream" and o.name == name)


def _lines(cell, name="stdout"):
    return _stream(cell, name).splitlines()


def _result(cell, mime="text/plain"):
    res = [o for o in cell.get("outputs", []) if o.output_type == "execute_result"]
    assert res, f"cell {_tags(cell)} has no result; outputs: {_summary(cell)}"
    assert mime in res[-1].data, f"cell {_tags(cell)} result has no {mime}: {list(res[-1].data)}"
    return res[-1].data[mime]


def _table(cell):
    """Rows of the HTML table the cell's result renders as: a list of {column: text}."""
    page = _result(cell, "text/html")
    head = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", page, re.S)]
    body = page.split("<tbody>", 1)[1] if "<tbody>" in page else page
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [html.unescape(td) for td in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        if cells:
            assert len(cells) == len(head), f"row {cells} does not match header {head}"
            rows.append(dict(zip(head, cells)))
    return rows


def _tags(cell):
    return cell.metadata.get("tags", [])


def _summary(cell):
    out = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            out.append(f"{o.name}: {o.text[:500]}")
        elif o.output_type == "error":
            out.append(f"error: {o.ename}: {o.evalue[:500]}")
        else:
            out.append(f"{o.output_type}: {str(o.get('data', {}).get('text/plain', ''))[:300]}")
    return "\n".join(out)


def _no_unexpected_errors(nb):
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        errors = [o for o in c.get("outputs", []) if o.output_type == "error"]
        if "raises-exception" in _tags(c):
            assert errors, f"cell tagged raises-exception did not raise:\n{c.source}"
        else:
            assert not errors, f"cell raised {errors[0].ename}: {errors[0].evalue}\n--- cell ---\n{c.source}"


def _has_line(lines, pattern, what=None):
    rx = re.compile(pattern)
    hits = [ln for ln in lines if rx.search(ln)]
    assert hits, f"no line matching {pattern!r} ({what or ''}) in:\n" + "\n".join(lines)
    return hits


# ---- 02-processes -------------------------------------------------------------------------------------------

def check02(nb):
    _no_unexpected_errors(nb)

    c = _cell(nb, "start-join")
    out = _lines(c)
    _has_line(out, r"^\[Proc-\d+\] hello from a worker JVM$")
    assert "exit code: 0" in out, out
    assert "stopped exitcode=0" in _result(c)

    c = _cell(nb, "five-named")
    out = _lines(c)
    for name in ["alpha", "bravo", "charlie", "delta", "echo"]:
        assert f"[{name}] my name is {name}" in out, (name, out)
    assert _result(c) == ("[alpha exited with 0, bravo exited with 0, charlie exited with 0, "
                          "delta exited with 0, echo exited with 0]")

    c = _cell(nb, "interleaved")
    out = _lines(c)
    workers = sorted({m.group(1) for ln in out for m in [re.match(r"^\[(Proc-\d+)\] ", ln)] if m})
    assert len(workers) == 2, f"expected two anonymous workers, got {workers}: {out}"
    for w in workers:
        steps = [int(m.group(1)) for ln in out for m in [re.match(rf"^\[{w}\] {w} working, step (\d+)$", ln)] if m]
        assert steps == [1, 2, 3, 4, 5], (w, steps)
    beats = [int(m.group(1)) for ln in out for m in [re.match(r"^\[service\] service heartbeat (\d+)$", ln)] if m]
    assert beats == [1, 2, 3, 4], beats

    c = _cell(nb, "daemon")
    out = _lines(c)
    _has_line(out, r"^\[ticker\] tick 0$")
    assert "alive after join(1.0): true" in out, out
    assert "daemon" in _result(c)

    c = _cell(nb, "terminate")
    out = _lines(c)
    assert "exit code after terminate(): -15" in out, out
    assert "alive: false" in out, out

    c = _cell(nb, "exit-codes")
    rows = {r["process"]: r for r in _table(c)}
    assert list(rows) == ["exits-1", "returns", "throws", "killed"], list(rows)
    assert rows["exits-1"]["exitCode"] == "1"
    assert rows["returns"]["exitCode"] == "0"
    assert rows["throws"]["exitCode"] == "1"
    assert "java.lang.IllegalStateException: bad input row 42" in rows["throws"]["failure"], rows["throws"]
    assert rows["killed"]["exitCode"] == "-9"
    assert "[returns] done normally" in _lines(c)
    assert "bad input row 42" in _stream(c, "stderr"), "the failure is reported in the cell when it happens"

    c = _cell(nb, "remote-trace")
    out = _stream(c)
    assert "class:   java.lang.IllegalStateException" in out, out
    assert "message: bad input row 42" in out, out
    assert "java.lang.IllegalStateException: bad input row 42\n\tat " in out, out

    c = _cell(nb, "subclass")
    out = _lines(c)
    assert out == ["[rocket] 3...", "[rocket] 2...", "[rocket] 1...", "[rocket] liftoff from rocket"], out
    assert _result(c) == "0"

    c = _cell(nb, "current")
    out = _lines(c)
    kernel_pid = int(re.search(r"in the kernel: MainProcess \(pid (\d+)\)", "\n".join(out)).group(1))
    worker_pid = int(re.search(r"^\[inspector\] in the worker: inspector \(pid (\d+)\)$", "\n".join(out), re.M).group(1))
    assert f"the kernel sees the worker's pid as {worker_pid}" in out, out
    assert worker_pid != kernel_pid

    c = _cell(nb, "ship-k")
    out = _lines(c)
    assert out == ["[times-1] 1 * k = 7", "[times-2] 2 * k = 14", "[times-3] 3 * k = 21"], out

    c = _cell(nb, "snapshot")
    out = _lines(c)
    assert "[later] this process sees k = 100" in out, out
    assert "the kernel still has k = 100" in out, out

    c = _cell(nb, "record")
    out = _lines(c)
    # whole lines: printf pieces must not be split into separately tagged lines
    assert out == ["[converter] roof: 21.5 C = 70.7 F", "[converter] cellar: 12.0 C = 53.6 F",
                   "[converter] oven: 180.0 C = 356.0 F"], out

    c = _cell(nb, "mp")
    out = _lines(c)
    _has_line(out, r"^CPUs available: [1-9]\d*$")
    _has_line(out, r"^while napping: \[<Proc name='napper' pid=\d+ started>\]$")
    assert "after join:    []" in out, out

    c = _cell(nb, "not-serializable")
    errors = [o for o in c.outputs if o.output_type == "error"]
    assert errors and errors[0].ename.endswith("NotShippable"), c.outputs
    assert "process peek reads notebook variable 'socket' (java.net.Socket)" in errors[0].evalue, errors[0].evalue
    assert "not Serializable" in errors[0].evalue, errors[0].evalue
    assert not any("the worker sees" in line for line in _lines(c)), "nothing was started"

    c = _cell(nb, "not-shippable")
    errors = [o for o in c.outputs if o.output_type == "error"]
    assert errors[0].ename.endswith("NotShippable"), errors[0].ename
    assert "java.lang.Thread is not Serializable" in errors[0].evalue, errors[0].evalue

    c = _cell(nb, "fixed")
    assert "[opens-its-own] my own socket, connected: false" in _lines(c)
    assert _result(c) == "0"

    # the log of a process that outlives its cell is saved in that cell (stream while it ran, then its late display)
    c = _cell(nb, "late-logs")
    assert "the cell is done" in _result(c)
    log = "".join(o.get("text", "") if o.output_type == "stream" else o.get("data", {}).get("text/plain", "")
                  for o in c.outputs if o.output_type in ("stream", "display_data")).splitlines()
    expected = []
    for batch in (1, 2, 3):
        expected += [f"[etl] reading batch {batch}", f"[etl] INFO etl.load: loaded batch {batch}"]
    expected.append("[etl] WARNING etl.check: 3 batches, 0 rejected rows")
    # lines printed while the cell still ran are a stream below the display the later ones update: compare as sets
    assert sorted(ln for ln in log if ln.startswith("[etl] ")) == sorted(expected), "\n".join(log)

    c = _cell(nb, "late-join")
    assert _result(c) == "0"
    assert "lines in etl.log: 7" in _lines(c), _lines(c)
    assert not any(ln.startswith("[etl] ") for ln in _lines(c)), "the late lines belong to the cell that started etl"


# ---- 03-pool ------------------------------------------------------------------------------------------------

TOPICS = ["sales", "traffic", "energy", "weather", "churn", "latency", "yield", "demand"]


def check03(nb):
    _no_unexpected_errors(nb)

    c = _cell(nb, "pool")
    assert re.match(r"Pool-\d+ \[run\]: \d+ workers", _result(c)), _result(c)

    c = _cell(nb, "apply-async-names")
    out = _lines(c)
    tasks = {}
    for ln in out:
        m = re.match(r"^\[(PoolWorker-\d+)\] task (\d+) runs in (PoolWorker-\d+)$", ln)
        if m:
            assert m.group(1) == m.group(3), ln  # the tag names the worker the task ran in
            tasks[int(m.group(2))] = m.group(1)
    assert sorted(tasks) == list(range(10)), out
    assert len(set(tasks.values())) >= 2, f"ten tasks should spread over several workers: {tasks}"
    assert not _stream(c, "stderr"), _stream(c, "stderr")

    c = _cell(nb, "apply-async-values")
    assert _result(c) == "[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]"
    assert not _stream(c, "stderr"), _stream(c, "stderr")

    c = _cell(nb, "apply")
    assert re.fullmatch(r"12 squared is 144, computed in PoolWorker-\d+", _result(c)), _result(c)

    c = _cell(nb, "callbacks")
    out = _lines(c)
    assert "callback got 25" in out, out
    _has_line(out, r"^error callback got: task failed for input 0: java.lang.ArithmeticException: / by zero$")
    assert "good: ready=true successful=true" in out, out
    assert "bad:  ready=true successful=false" in out, out

    c = _cell(nb, "map-order")
    assert _result(c) == "[800, 600, 400, 200, 0]"
    finished = [int(m.group(1)) for ln in _lines(c) for m in [re.search(r"finished the (\d+) ms item$", ln)] if m]
    assert sorted(finished) == [0, 200, 400, 600, 800], finished
    assert finished != [800, 600, 400, 200, 0], f"the items should finish out of input order: {finished}"

    c = _cell(nb, "imap")
    out = _lines(c)
    ordered = [int(ln.split()[-1]) for ln in out if ln.startswith("imap gives ")]
    unordered = [int(ln.split()[-1]) for ln in out if ln.startswith("imapUnordered gives ")]
    assert ordered == [800, 600, 400, 200, 0], ordered
    assert sorted(unordered) == [0, 200, 400, 600, 800], unordered
    assert unordered != ordered, f"imapUnordered should yield in completion order: {unordered}"

    c = _cell(nb, "starmap")
    assert _result(c) == "[1024, 81, 1000]"

    c = _cell(nb, "big-arrays")
    assert _lines(c) == ["same sum in the kernel and in a worker: true",
                         "made in a worker: 4000000 doubles, the last 3999999.0",
                         "their shared-memory files left: 0"], _lines(c)

    c = _cell(nb, "initializer")
    out = _lines(c)
    loaded = [m.group(1) for ln in out for m in [re.match(r"^\[(PoolWorker-\d+)\] loading the model once, in \1$", ln)] if m]
    assert len(loaded) == 2, out
    scored = [m.groups() for ln in out for m in [re.match(r"^([abcd]) scored by model@(PoolWorker-\d+)$", ln)] if m]
    assert [s[0] for s in scored] == ["a", "b", "c", "d"], out
    assert {s[1] for s in scored} <= set(loaded), (scored, loaded)

    c = _cell(nb, "max-tasks")
    out = _stream(c)
    pids = re.search(r"pids: \[([\d, ]+)\]", out).group(1).split(", ")
    assert len(pids) == 12, pids
    distinct = int(re.search(r"distinct worker processes: (\d+)", out).group(1))
    assert distinct == len(set(pids)) and distinct >= 4, out
    for p in set(pids):
        assert pids.count(p) <= 3, f"pid {p} ran more than maxTasksPerChild=3 tasks: {pids}"

    c = _cell(nb, "map-failed")
    out = _stream(c)
    assert "1 of 20 inputs failed (19 results kept" in out, out
    assert "input #12 13: java.lang.IllegalArgumentException: no square root for unlucky 13" in out, out
    assert "kept 19 of 20 results" in out, out
    assert "failed inputs: [13]" in out, out

    c = _cell(nb, "map-results")
    rows = _table(c)
    assert [r["input"] for r in rows] == ["5", "0", "4", "3"], rows
    assert [r["value"] for r in rows] == ["12", "null", "15", "20"], rows
    assert "ArithmeticException: / by zero" in rows[1]["error"], rows
    assert [r["error"] for r in rows[0::2]] == ["null", "null"] and rows[3]["error"] == "null", rows
    assert all(r["worker"].startswith("PoolWorker-") for r in rows), rows

    c = _cell(nb, "worker-died")
    out = _lines(c)
    _has_line(out, r"^\[PoolWorker-\d+\] about to call System\.exit\(3\)$")
    _has_line(out, r"^WorkerDied: PoolWorker-\d+ \(pid \d+\) died while running this task: exit code 3")
    _has_line(out, r"^worker PoolWorker-\d+, exit code 3$")
    assert "the pool carries on: [2, 4, 6]" in out, out

    c = _cell(nb, "timeout")
    _has_line(_lines(c), r"^PoolWorker-\d+ was killed because the task ran longer than its timeout of 2\.0 s$")
    assert "[run]" in _result(c)

    c = _cell(nb, "retries")
    attempts = [int(m.group(1)) for ln in _lines(c) for m in [re.match(r"^\[PoolWorker-\d+\] attempt (\d+) in PoolWorker-\d+$", ln)] if m]
    assert attempts == [1, 2, 3], _lines(c)
    assert _result(c) == "succeeded on attempt 3"

    c = _cell(nb, "terminate")
    assert "the running task was cancelled: the pool was terminated before this task finished" in _lines(c)
    assert "[terminate]: 0 workers" in _result(c), _result(c)

    c = _cell(nb, "close")
    out = _lines(c)
    assert "finished after close()" in out, out
    _has_line(out, r"^after close: Pool-\d+ is closed; it takes no new tasks$")

    c = _cell(nb, "try-with-resources")
    assert "[WITH, STATEMENT]" in _lines(c)

    # the motivating case: one grid search per topic over the pool, then the same serially in the kernel
    c = _cell(nb, "topic-table")
    _has_line(_lines(c), r"^pool of \d+ workers: [\d.]+ s$")
    parallel = _table(c)
    assert [r["topic"] for r in parallel] == TOPICS, [r["topic"] for r in parallel]
    for r in parallel:
        assert r["worker"].startswith("PoolWorker-"), r
        assert 1 <= int(r["bestDegree"]) <= 8, r
        assert float(r["bestLambda"]) > 0 and float(r["cvRmse"]) > 0 and float(r["seconds"]) > 0, r
        assert int(r["pid"]) > 0, r
    # noise grows with the topic index, so does the best achievable error
    rmse = [float(r["cvRmse"]) for r in parallel]
    assert rmse == sorted(rmse), rmse
    # the map ran for seconds: its live task board was saved in its final state
    boards = [o for o in c.outputs if o.output_type == "display_data" and 'class="jpool-board"' in o.data.get("text/html", "")]
    assert len(boards) == 1, [o.output_type for o in c.outputs]
    assert 'data-state="final"' in boards[0].data["text/html"], boards[0].data["text/html"][:300]
    assert re.search(r"map of 8 items: 8/8 done", boards[0].data["text/plain"]), boards[0].data["text/plain"]

    c = _cell(nb, "serial")
    out = _lines(c)
    _has_line(out, r"^serial in the kernel: [\d.]+ s$")
    _has_line(out, r"^pool: +[\d.]+ s \(speed-up [\d.]+x on \d+ CPUs\)$")
    assert "same best models: true" in out, out
    serial = _table(c)
    assert [r["topic"] for r in serial] == TOPICS
    assert all(r["worker"] == "MainProcess" for r in serial), serial
    for a, b in zip(parallel, serial):
        assert (a["bestLambda"], a["bestDegree"], a["cvRmse"]) == (b["bestLambda"], b["bestDegree"], b["cvRmse"]), (a, b)


CHECKS = {"02-processes.ipynb": check02, "03-pool.ipynb": check03}
