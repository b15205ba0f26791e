"""Checks of the executed notebooks/04-magics-and-monitoring.ipynb (what nbconvert saved after running it).

    CHECKS = {"04-magics-and-monitoring.ipynb": check(nb)}        nb: the executed notebook as a dict (json.load)
    HTML_CHECKS = {"04-magics-and-monitoring.ipynb": check(page)}  page: `jupyter nbconvert --to html` of it

test_notebooks.py applies CHECKS to the notebook it executes; test_notebooks_magics.py applies HTML_CHECKS (it runs
after test_notebooks.py and reuses its executed copy) and CHECKS too where test_notebooks.py does not. Cells are found
by their nbformat id (see notebooks/make_04_magics.py, which writes the notebook).
"""
import os
import re
import subprocess
import tempfile
from pathlib import Path

NOTEBOOK = "04-magics-and-monitoring.ipynb"
CPUS = os.cpu_count()  # what /proc/stat lists, as %cpu does


def _java_processors():
    """Runtime.availableProcessors() of a JVM on this machine: the default pool size (cgroup quotas and taskset make
    it differ from os.cpu_count())."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "Processors.java"
        src.write_text("class Processors { public static void main(String[] a) {"
                       " System.out.print(Runtime.getRuntime().availableProcessors()); } }")
        return int(subprocess.run(["java", str(src)], capture_output=True, text=True, check=True).stdout)


POOL_SIZE = _java_processors()
# primes in [k, k+1) million for k = 0..15 (differences of the prime-counting function)
PRIMES_PER_MILLION = [78498, 70435, 67883, 66330, 65367, 64336, 63799, 63129, 62712, 62090]
PRIMES_BELOW_16M = 1031130


def _text(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def _cell(nb, cell_id):
    found = [c for c in nb["cells"] if c.get("id") == cell_id]
    assert len(found) == 1, f"{NOTEBOOK}: expected one cell with id {cell_id!r}, found {len(found)}"
    return found[0]


def _outputs(nb, cell_id, output_type=None):
    return [o for o in _cell(nb, cell_id)["outputs"] if output_type is None or o["output_type"] == output_type]


def _result(nb, cell_id):
    res = _outputs(nb, cell_id, "execute_result")
    assert len(res) == 1, f"{cell_id}: no single value in {_outputs(nb, cell_id)}"
    return {mime: _text(v) for mime, v in res[0]["data"].items()}


def _stream(nb, cell_id, name):
    return "".join(_text(o["text"]) for o in _outputs(nb, cell_id, "stream") if o["name"] == name)


def _html_displays(nb, cell_id):
    return [_text(o["data"]["text/html"]) for o in _outputs(nb, cell_id, "display_data") if "text/html" in o["data"]]


def _plain_displays(nb, cell_id):
    return [_text(o["data"].get("text/plain")) for o in _outputs(nb, cell_id, "display_data")]


def _cpu_groups(html):
    return [int(n) for n in re.findall(r'<g class="cpu" data-cpu="(\d+)">', html)]


def _assert_cpu_panel(html, where):
    """One inline <svg class="jpool-cpu"> with exactly one <g class="cpu"> (and timeline) per CPU, in order."""
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="jpool-cpu"') == 1, f"{where}: no single CPU panel"
    assert _cpu_groups(html) == list(range(CPUS)), f"{where}: expected one g.cpu per CPU ({CPUS}): {_cpu_groups(html)}"
    assert html.count('<polygon class="timeline"') == CPUS, where
    assert html.rstrip().endswith("</div>") and "</svg>" in html


def _final_board(nb, cell_id):
    """The cell's one task board, which must have reached its final, static state."""
    boards = [h for h in _html_displays(nb, cell_id) if 'class="jpool-board"' in h]
    assert len(boards) == 1, f"{cell_id}: expected one task board, found {len(boards)}"
    board = boards[0]
    assert board.startswith('<div class="jpool-board" data-state="final"'), f"{cell_id}: board not final: {board[:200]}"
    assert "<script" not in board and " onclick" not in board, f"{cell_id}: the final board must be static HTML"
    _assert_cpu_panel(board, f"{cell_id} board")
    # a run shorter than one sample interval says so instead of showing a made-up average
    assert ("per-CPU utilisation over the run (average cpu0 " in board
            or "per-CPU utilisation: the run was too short to measure" in board), cell_id
    return board


def _table(nb, cell_id):
    """The %%pool results table of a cell: header and rows as lists of cell texts."""
    html = _result(nb, cell_id)["text/html"]
    assert html.startswith('<table class="jpool-table">'), f"{cell_id}: no results table: {html[:200]}"
    rows = [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]
    return rows[0], rows[1:]


def _ps_rows(text):
    rows = {}
    for line in text.splitlines()[1:]:
        m = re.match(r"(.+?)\s+(\d+) (\S+)\s+(-?\d+)?", line)
        assert m, line
        rows[m.group(1).strip()] = (int(m.group(2)), m.group(3), m.group(4))
    return rows


def check_magics_notebook(nb):
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"cells ran out of order: {counts}"
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            assert o["output_type"] != "error", f"{c['id']}: {o.get('ename')}: {o.get('evalue')}"
            html = _text(o.get("data", {}).get("text/html"))
            assert 'data-state="running"' not in html, f"{c['id']}: a board was saved while still running"

    listed = _result(nb, "lsmagic")["text/plain"]
    for magic in ("%%pool", "%pool", "%%process", "%ps", "%join", "%terminate", "%cpu", "%lsmagic"):
        assert re.search(rf"^\s+{re.escape(magic)}\s", listed, re.M), magic
    assert _result(nb, "pool-help")["text/plain"].startswith("%%pool: ")

    # %cpu: one series per CPU, before and after
    for cell_id in ("cpu-before", "cpu-after"):
        r = _result(nb, cell_id)
        assert r["text/plain"].startswith("per-CPU utilisation over 500 ms")
        assert [int(n) for n in re.findall(r"^cpu(\d+)\s+\[", r["text/plain"], re.M)] == list(range(CPUS))
        assert _cpu_groups(r["text/html"]) == list(range(CPUS)), cell_id

    # the prime-counting %%pool: final board, results table in input order, values right
    board = _final_board(nb, "pool-primes")
    assert "%%pool 16 items on Pool-" in board and "16/16 done" in board and "failed" not in board
    assert len(re.findall(r"<td[^>]*>PoolWorker-", board)) == POOL_SIZE, "one worker row per processor (the default pool size)"
    states = re.findall(r"<td[^>]*>PoolWorker-\d+</td><td[^>]*>\d+</td><td[^>]*>(\w+)</td>", board)
    assert states == ["idle"] * POOL_SIZE, f"the final board shows every worker idle: {states}"
    header, rows = _table(nb, "pool-primes")
    assert header == ["#", "block", "result", "worker", "ms"]
    assert [r[0] for r in rows] == [str(i) for i in range(16)], "table in input order"
    assert [r[1] for r in rows] == [str(i) for i in range(16)]
    assert [int(r[2]) for r in rows[:len(PRIMES_PER_MILLION)]] == PRIMES_PER_MILLION
    assert sum(int(r[2]) for r in rows) == PRIMES_BELOW_16M
    assert _result(nb, "pool-total")["text/plain"] == f"78498 primes below a million, {PRIMES_BELOW_16M} below 16 million"

    # --unordered: completion order, # keeps the input position
    _final_board(nb, "pool-pi")
    header, rows = _table(nb, "pool-pi")
    assert header[:3] == ["#", "seed", "result"]
    assert sorted(int(r[0]) for r in rows) == list(range(8))
    assert all(int(r[1]) == int(r[0]) + 1 for r in rows), "each row's seed is its input element"
    assert all(3.13 < float(r[2]) < 3.155 for r in rows), rows
    assert re.fullmatch(r"mean of 8 estimates: 3\.14\d\d", _result(nb, "pi-mean")["text/plain"])

    # --chunk 6: ordered, each chunk on one worker
    _final_board(nb, "pool-chunk")
    header, rows = _table(nb, "pool-chunk")
    assert [(r[0], r[2]) for r in rows] == [(str(n), str(n * n)) for n in range(24)]
    for start in range(0, 24, 6):
        assert len({r[3] for r in rows[start:start + 6]}) == 1, f"chunk at {start} ran on several workers"

    # failures are listed, the other results kept
    board = _final_board(nb, "pool-failures")
    assert "4/4 done · 1 failed" in board and "/ by zero" in board
    header, rows = _table(nb, "pool-failures")
    assert [r[2] for r in rows[::2]] + [rows[3][2]] == ["10", "20", "25"]
    assert rows[1][2].startswith("FAILED: ") and "ArithmeticException: / by zero" in rows[1][2]
    assert "1 of 4 elements failed (their ratios entries are null)" in _stream(nb, "pool-failures", "stderr")
    assert _result(nb, "ratios")["text/plain"] == "[10, null, 20, 25]"

    # %%process --join: tagged output, final board with exit 0
    out = [l for l in _stream(nb, "process-join", "stdout").splitlines()]
    assert out == ["[sieve] primes below 1 million: 78498", "[sieve] primes below 2 million: 148933",
                   "[sieve] primes below 3 million: 216816"], out
    assert "exit 0" in _final_board(nb, "process-join")
    # a background process's board reached its final state too (its cell had finished by then)
    board = _final_board(nb, "process-bg")
    assert "%%process burner: 1/1 done" in board and re.search(r"<td[^>]*>exit 0</td>", board)
    assert "primes below 10 million: 664579" in board, "the board keeps the process's last output"

    # %cpu --for: one display, ends with the average
    shown = _html_displays(nb, "cpu-during")
    assert len(shown) == 1, "the sampling chart is one display updated in place"
    assert _plain_displays(nb, "cpu-during")[0].startswith("per-CPU utilisation over 2.0 s (average)")
    assert _cpu_groups(shown[0]) == list(range(CPUS))
    assert not _outputs(nb, "cpu-during", "execute_result")

    running = _ps_rows(_result(nb, "ps-running")["text/plain"])
    # burner runs for seconds more on a 2-core machine; a much faster one may have finished it already
    assert running["burner"][1] in ("running", "stopped") and running["sieve"][1:] == ("stopped", "0"), running
    assert "name='burner'" in _result(nb, "join-burner")["text/plain"]
    assert "exitcode=0" in _result(nb, "join-burner")["text/plain"]
    assert "sleeper is still running after 1 s" in _stream(nb, "process-long", "stderr"), _stream(nb, "process-long", "stderr")
    assert _result(nb, "terminate")["text/plain"] == "sent SIGTERM to sleeper"
    assert "name='sleeper'" in _result(nb, "join-sleeper")["text/plain"]

    ps = _ps_rows(_result(nb, "ps")["text/plain"])
    assert ps["sieve"][1:] == ("stopped", "0") and ps["burner"][1:] == ("stopped", "0"), ps
    assert ps["sleeper"][1] == "stopped", ps
    workers = {n: r for n, r in ps.items() if n.startswith("PoolWorker-")}
    assert len(workers) == POOL_SIZE and all(r[1] == "idle" for r in workers.values()), ps

    status = _result(nb, "pool-status")
    assert re.match(rf"Pool-\d+ \[run\]: {POOL_SIZE} workers \(0 busy\), tasks \d+ done, 0 pending, 1 failed",
                    status["text/plain"]), status["text/plain"]
    pids = [int(p) for p in re.findall(r"pid (\d+)", status["text/plain"])]
    assert sorted(pids) == sorted(r[0] for r in workers.values()), "%pool and %ps name the same worker PIDs"
    for pid in pids:
        assert f"<td>{pid}</td>" in status["text/html"]

    assert re.fullmatch(r"terminated \[Pool-\d+\]", _result(nb, "shutdown")["text/plain"])
    assert _result(nb, "pool-empty")["text/plain"] == "no pools running"

    # -n 1, --daemon, %terminate --all
    board = _plain_displays(nb, "pool-n")[-1]
    assert "3 items on Pool-" in board and "(1 worker)" in board and "3/3 done" in board, board
    assert ">bb</td><td>2</td>" in _result(nb, "pool-n")["text/html"]
    ps = _result(nb, "ps-daemon")["text/plain"]
    assert re.search(r"^ticker\s+\d+ running daemon", ps, re.M), ps
    assert re.fullmatch(r"sent SIGTERM to ticker", _result(nb, "terminate-all")["text/plain"])
    assert "stopped exitcode=-15" in _result(nb, "join-ticker")["text/plain"]
    assert re.fullmatch(r"terminated \[Pool-\d+\]", _result(nb, "shutdown-again")["text/plain"])


def check_magics_html(page):
    """The HTML export keeps the final boards with their inline per-CPU SVG (nbconvert leaves text/html alone)."""
    boards = re.findall(r'<div class="jpool-board" data-state="(\w+)"', page)
    assert boards == ["final"] * 9, boards  # 5 %%pool cells, 4 %%process cells
    svgs = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="jpool-cpu".*?</svg>', page, re.S)
    assert len(svgs) == 9 + 3, len(svgs)  # the boards and the three %cpu charts
    for svg in svgs:
        assert _cpu_groups(svg) == list(range(CPUS)), svg[:300]
        assert svg.count('<polygon class="timeline"') == CPUS
    assert '<table class="jpool-table"><thead><tr><th>#</th><th>block</th><th>result</th>' in page
    assert "78498 primes below a million" in page


CHECKS = {NOTEBOOK: check_magics_notebook}
HTML_CHECKS = {NOTEBOOK: check_magics_html}
