"""Every jpool magic driven through jupyter_client, as a frontend would: %%pool (results variable, --as, --unordered,
--chunk, --timeout/--retries, failures, the live task board), %pool, %%process, %ps, %join, %terminate, %cpu,
%lsmagic, --help, and bad input (one-line errors, nothing started, the kernel stays usable).

One kernel serves the whole module (a JVM and its workers are slow to start on a small machine); every %%pool cell
uses -n 2 so the magic's pool, and its warm workers, are shared by the tests.
"""
import os
import re
import subprocess
import time
from html.parser import HTMLParser

import pytest

from magics_kernel import MagicsKernel

CPUS = os.cpu_count()
N = 2  # workers of every %%pool cell here (one pool, reused)
MAGICS = ["%%pool", "%pool", "%%process", "%ps", "%join", "%terminate", "%cpu", "%lsmagic", "%classpath", "%cluster", "%checkpoints", "%maven", "%%loadFromPOM"]


@pytest.fixture(scope="module")
def k():
    kernel = MagicsKernel()
    yield kernel
    kernel.shutdown()


# ---------------------------------------------------------------------------------------------------------- helpers

class Tags(HTMLParser):
    """Every start tag of an HTML fragment as (tag, attributes dict), in document order."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.text = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def cpu_groups(html):
    """data-cpu of every <g class="cpu"> inside <svg class="jpool-cpu"> panels."""
    return [int(a["data-cpu"]) for a in Tags(html).find("g", **{"class": "cpu"})]


def bar_percentages(html):
    """The percentage printed next to each CPU's bar in an SVG panel, per CPU."""
    return [int(p) for p in re.findall(r'<text x="\d+" y="\d+">\s*(\d+)%</text></?[a-z]', html)]


def text_percentages(text):
    return [float(p) for p in re.findall(r"^cpu\d+\s+\[[# ]*\]\s+(\d+\.\d)%$", text, re.M)]


def boards(cell):
    """The cell's task-board display messages: [(msg_type, display_id, data)] in order."""
    return [d for d in cell.displays() if (d[1] or "").startswith("jpool-board-")]


def final_board(cell):
    b = boards(cell)
    assert b, f"no task board in {cell!r}"
    assert b[-1][0] == "update_display_data", b[-1][0]
    return b[-1][2]


def table_rows(html):
    """The results table (jpool-table) as a list of rows of cell texts, header first."""
    m = re.search(r'<table class="jpool-table">.*?</table>', html, re.S)
    assert m, f"no results table in {html[:500]}"
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", m.group(0), re.S)]


def value(k, expr):
    """text/plain of a Java expression's value."""
    return k.ok(expr).text


def kernel_children(k):
    """PIDs of the kernel JVM's child processes (workers it started)."""
    pid = k.km.provisioner.process.pid
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return sorted(int(p) for p in out.split())


def ps_rows(k):
    """%ps as {name: (pid, state, exit)} (CPU% and RSS left out: they change)."""
    text = k.ok("%ps").text
    if text.startswith("no processes"):
        return {}
    rows = {}
    for line in text.splitlines()[1:]:
        m = re.match(r"(.+?)\s+(\d+) (\S+)(?: daemon)?\s+(-?\d+)?", line)
        assert m, line
        rows[m.group(1).strip()] = (int(m.group(2)), m.group(3), m.group(4))
    return rows


def pool_workers(k):
    """%pool as {pid: (pool line, worker name)}."""
    text = k.ok("%pool").text
    workers, pool = {}, None
    for line in text.splitlines():
        if not line.startswith(" "):
            pool = line
            continue
        m = re.match(r"\s+(\S+)\s+pid (\d+)", line)
        assert m, line
        workers[int(m.group(2))] = (pool, m.group(1))
    return workers


def working_children(k):
    """The kernel's child processes that are not idle spare workers (those refill in the background at any time).
    The spares are read after the children: a spare that started before the `ps` is listed by then."""
    children = kernel_children(k)
    spares = {int(p) for p in re.findall(r"\d+", k.ok("jpool.workers.Workers.sparePids()").text)}
    return sorted(set(children) - spares)


def snapshot(k):
    return {"ps": {n: r[0] for n, r in ps_rows(k).items()}, "pool": sorted(pool_workers(k)),
            "children": working_children(k)}


def wait_until(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def pid_alive(pid):
    out = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(out) and not out.startswith("Z")


# ------------------------------------------------------------------------------------------------ %lsmagic and help

def test_lsmagic_lists_every_magic_with_a_line_of_help(k):
    text = k.ok("%lsmagic").text
    listed = re.findall(r"^\s+(%%?\w+)\s+\S", text, re.M)
    assert sorted(listed) == sorted(MAGICS), text
    assert "--help" in text.splitlines()[0]


@pytest.mark.parametrize("magic", MAGICS)
def test_help_of_each_magic(k, magic):
    for flag in ("--help", "-h"):
        c = k.ok(f"{magic} {flag}")
        lines = c.text.splitlines()
        assert lines[0].startswith(f"{magic}: ") and len(lines[0]) > len(magic) + 10, c.text
        assert lines[1].startswith(f"usage: {magic}"), c.text
        assert not boards(c) and c.stderr == ""


def test_help_details_the_options(k):
    pool_help = k.ok("%%pool --help").text
    for option in ("-n N", "--map EXPR", "--as VAR", "--chunk K", "--unordered", "--out NAME", "--timeout S",
                   "--retries R", "_pool", "input order"):
        assert option in pool_help, option
    assert "--join" in k.ok("%%process --help").text and "--name" in k.ok("%%process --help").text
    cpu_help = k.ok("%cpu --help").text
    assert "--interval MS" in cpu_help and "--for SECONDS" in cpu_help
    assert "shutdown NAME|--all" in k.ok("%pool --help").text


# ----------------------------------------------------------------------------------------------------------- %%pool

def test_pool_results_variable_holds_values_in_input_order(k):
    # later elements finish first (shorter sleeps), but --out and the table keep the input order
    c = k.ok(f"%%pool -n {N} --map List.of(1, 2, 3, 4, 5, 6) --out sq\n"
             "Thread.sleep(60L * (7 - it));\n"
             "it * it")
    assert value(k, "sq") == "[1, 4, 9, 16, 25, 36]"
    assert value(k, "sq.getClass().getSimpleName() + \" \" + sq.size()") in ('"ArrayList 6"', "ArrayList 6")
    rows = table_rows(c.result["text/html"])
    assert rows[0] == ["#", "it", "result", "worker", "ms"]
    assert [r[:3] for r in rows[1:]] == [[str(i), str(i + 1), str((i + 1) ** 2)] for i in range(6)]
    assert {r[3] for r in rows[1:]} <= {f"PoolWorker-{i}" for i in range(1, 10)}
    assert "{#=0, it=1, result=1," in c.text  # text/plain fallback of the same table


def test_pool_default_variable_is_underscore_pool(k):
    k.ok(f"%%pool -n {N} --map List.of(\"a\", \"bb\", \"ccc\")\nit.length() * 10")
    assert value(k, "_pool") == "[10, 20, 30]"
    # the next %%pool cell replaces it
    k.ok(f"%%pool -n {N} --map new int[]{{7, 8}}\nit + 1")
    assert value(k, "_pool") == "[8, 9]"


def test_pool_as_binds_the_element_with_its_static_type(k):
    k.ok('record City(String name, int people) implements java.io.Serializable {}\n'
         'var cities = List.of(new City("Oslo", 709), new City("Rome", 2873), new City("Lima", 10092));')
    c = k.ok(f"%%pool -n {N} --map cities --as city --out big\n"
             "String label = city.name().toUpperCase();\n"
             "label + \":\" + (city.people() > 1000)")
    assert value(k, "big") == "[OSLO:false, ROME:true, LIMA:true]"
    rows = table_rows(c.result["text/html"])
    assert rows[0][:3] == ["#", "city", "result"]
    assert rows[1][1] == "City[name=Oslo, people=709]"


def test_pool_map_expression_may_contain_spaces_and_calls(k):
    k.ok(f"%%pool -n {N} --map IntStream.rangeClosed(1, 4).boxed().map(i -> i * 100).toList() --as v --out w\n"
         "v / 100")
    assert value(k, "w") == "[1, 2, 3, 4]"
    k.ok(f"%%pool -n {N} --map Stream.of(\"x y\", \"z\") --out w2\nit.replace(\" \", \"_\")")
    assert value(k, "w2") == "[x_y, z]"


def test_pool_body_ending_in_a_statement_gives_nulls(k):
    c = k.ok(f"%%pool -n {N} --map List.of(1, 2) --out none\nSystem.out.println(\"item \" + it);")
    assert value(k, "none") == "[null, null]"
    assert "item 1" in c.stdout and "item 2" in c.stdout


def test_pool_unordered_gives_completion_order(k):
    c = k.ok(f"%%pool -n {N} --map List.of(12, 1, 5) --unordered --out u\n"
             "Thread.sleep(200L * it);\n"
             "it")
    # 1 finishes first, then 5 (after 1.2 s), while 12 (started first on the other worker) runs 2.4 s
    assert value(k, "u") == "[1, 5, 12]"
    rows = table_rows(c.result["text/html"])
    assert [r[1] for r in rows[1:]] == ["1", "5", "12"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "0"], "the # column keeps each element's input position"


def test_pool_chunk_sends_elements_in_groups(k):
    c = k.ok(f"%%pool -n {N} --map IntStream.range(0, 7).boxed().toList() --chunk 3 --out ch\n"
             "it * 2")
    assert value(k, "ch") == "[0, 2, 4, 6, 8, 10, 12]"
    rows = table_rows(c.result["text/html"])[1:]
    for start in (0, 3, 6):  # each chunk of 3 consecutive elements ran on one worker
        assert len({r[3] for r in rows[start:start + 3]}) == 1, rows


def test_pool_timeout_and_retries_are_accepted(k):
    k.ok(f"%%pool -n {N} --map List.of(1, 2, 3) --timeout 120 --retries 2 --out tr\nit + 0.5")
    assert value(k, "tr") == "[1.5, 2.5, 3.5]"
    k.ok(f"%%pool -n {N} --map List.of(1) --timeout=30.5 --retries=0 --chunk=1 --out=tr2\n-it")
    assert value(k, "tr2") == "[-1]"


def test_pool_failures_are_listed_and_the_other_results_kept(k):
    c = k.ok(f"%%pool -n {N} --map List.of(1, 2, 3, 4, 5) --as x --out r\n"
             "if (x % 2 == 0) throw new IllegalStateException(\"even \" + x);\n"
             "x * 10")
    assert value(k, "r") == "[10, null, 30, null, 50]"
    assert "2 of 5 elements failed (their r entries are null)" in c.stderr
    assert "#1 2: " in c.stderr and "IllegalStateException: even 2" in c.stderr
    assert "#3 4: " in c.stderr and "IllegalStateException: even 4" in c.stderr
    rows = table_rows(c.result["text/html"])[1:]
    assert [r[2] for r in rows[::2]] == ["10", "30", "50"]
    assert all(r[2].startswith("FAILED: ") and "even" in r[2] for r in rows[1::2])
    board = final_board(c)
    assert "5/5 done · 2 failed" in board["text/plain"]
    assert "failures" in board["text/html"] and "even 4" in board["text/html"]


def test_pool_compile_error_in_the_body_is_reported_as_such(k):
    before = snapshot(k)
    c = k.execute(f"%%pool -n {N} --map List.of(1)\nString s = it;\ns")
    assert c.status == "error" and c.reply["ename"] == "CompilationError", c
    assert "incompatible types" in c.reply["evalue"]
    assert not boards(c)
    assert snapshot(k)["children"] == before["children"]


def test_pool_board_is_one_display_updated_in_place_and_ends_static(k):
    c = k.ok(f"%%pool -n {N} --map IntStream.range(0, 8).boxed().toList() --out b\n"
             "long end = System.nanoTime() + 250_000_000L;\n"
             "long n = 0;\n"
             "while (System.nanoTime() < end) n++;\n"
             "it")
    assert value(k, "b") == "[0, 1, 2, 3, 4, 5, 6, 7]"
    msgs = [m for m in c.msgs if m["content"].get("transient", {}).get("display_id", "").startswith("jpool-board-")]
    ids = {m["content"]["transient"]["display_id"] for m in msgs}
    assert len(ids) == 1, ids
    board_id = ids.pop()
    assert re.fullmatch(r"jpool-board-[0-9a-f-]{36}", board_id)
    types = [m["msg_type"] for m in msgs]
    assert types[0] == "display_data" and types.count("display_data") == 1, types
    assert len(types) >= 3 and set(types[1:]) == {"update_display_data"}, types

    states = [re.search(r'data-state="(\w+)"', m["content"]["data"]["text/html"]).group(1) for m in msgs]
    assert states[-1] == "final" and set(states[:-1]) == {"running"}, states

    # at most 4 updates a second while running (and the final one)
    times = [m["header"]["date"].timestamp() for m in msgs]
    running = times[:-1]
    for i in range(len(running)):
        window = [t for t in running if running[i] <= t < running[i] + 0.9]  # 0.1 s for timestamp jitter
        assert len(window) <= 4, f"{len(window)} board messages within one second: {times}"

    final = msgs[-1]["content"]["data"]
    html = final["text/html"]
    assert "8/8 done" in final["text/plain"] and "finished" in final["text/plain"]
    tags = Tags(html)
    assert tags.find("div", **{"class": "jpool-board", "data-state": "final"})
    assert not [t for t, a in tags.tags if t == "script" or any(n.startswith("on") for n in a)], "static HTML only"
    assert len(tags.find("svg", **{"class": "jpool-cpu"})) == 1
    assert cpu_groups(html) == list(range(CPUS)), f"one g.cpu per CPU ({CPUS})"
    assert len(tags.find("polygon", **{"class": "timeline"})) == CPUS
    assert "per-CPU utilisation over the run (average" in html
    # the final bars show the run's average, as the title and the text/plain summary do
    title_avg = [int(p) for p in re.findall(r"cpu\d+ (\d+)%", re.search(r"\(average ([^)]*)\)", html).group(1))]
    assert bar_percentages(html) == title_avg and len(title_avg) == CPUS, html
    assert [round(p) for p in text_percentages(final["text/plain"])] == title_avg
    workers = tags.find("table", **{"class": "jpool-workers"})
    assert workers and len(re.findall(r"<td[^>]*>PoolWorker-", html)) == N
    # the final state is consistent: every worker idle again
    states = re.findall(r"<td[^>]*>PoolWorker-\d+</td><td[^>]*>\d+</td><td[^>]*>(\w+)</td>", html)
    assert states == ["idle"] * N, states
    for c_ in range(CPUS):
        assert re.search(rf"^cpu{c_}\s+\[", final["text/plain"], re.M), final["text/plain"]
    # the running frames carry the same panel
    assert cpu_groups(msgs[0]["content"]["data"]["text/html"]) == list(range(CPUS))


def board_rows(html):
    """(worker, state, detail) of each row of a board's worker table."""
    return re.findall(r"<td[^>]*>(PoolWorker-\d+)</td><td[^>]*>\d+</td><td[^>]*>([^<]*)</td><td[^>]*>[^<]*</td>"
                      r"<td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td>", html)


def test_pool_board_comes_before_the_tasks_output_and_counts_this_runs_inputs(k):
    for run in (1, 2):  # the second run is on the same warm pool: its board counts its own inputs only
        c = k.ok("%%pool -n 2 --map List.of(1, 2, 3, 4, 5, 6)\n"
                 "System.out.println(\"line \" + it);\n"
                 "it")
        first_stream = next(i for i, m in enumerate(c.msgs) if m["msg_type"] == "stream")
        first_board = next(i for i, m in enumerate(c.msgs) if m["msg_type"] == "display_data"
                           and m["content"]["transient"]["display_id"].startswith("jpool-board-"))
        assert first_board < first_stream, [m["msg_type"] for m in c.msgs]
        rows = board_rows(final_board(c)["text/html"])
        assert len(rows) == 2 and sum(int(r[2].split()[0]) for r in rows) == 6, (run, rows)
        assert all(r[2].endswith(" inputs") or r[2] == "1 input" for r in rows), rows


def test_an_interrupted_pool_board_says_cancelled_and_shows_its_workers_killed(k):
    interrupted = []

    def on_message(m):
        if not interrupted and m["msg_type"] == "stream" and m["content"]["text"].count("started ") >= 2:
            interrupted.append(True)
            k.interrupt()

    c = k.execute("%%pool -n 2 --map java.util.stream.IntStream.range(0, 20).boxed().toList()\n"
                  "System.out.println(\"started \" + it);\n"
                  "Thread.sleep(600_000);\n"
                  "it", on_message=on_message)
    assert interrupted, c
    final = final_board(c)
    assert 'data-state="cancelled"' in final["text/html"], final["text/html"][:300]
    head = final["text/plain"].splitlines()[0]
    assert ": 0/20 done · 20 cancelled · " in head and head.endswith(" · cancelled") and "failed" not in head, head
    rows = board_rows(final["text/html"])
    assert [r[1] for r in rows] == ["killed", "killed"], rows
    assert [r[2] for r in rows] == ["0 inputs", "0 inputs"], rows
    # the pool replaced them: the next run works on new workers
    c = k.ok("%%pool -n 2 --map List.of(1, 2)\nit * 10")
    assert k.ok("_pool").text == "[10, 20]"
    assert not {r[0] for r in rows} & {r[0] for r in board_rows(final_board(c)["text/html"])}


# ------------------------------------------------------------------------------------------------------------- %cpu

def test_cpu_shows_one_series_per_cpu(k):
    c = k.ok("%cpu")
    text, html = c.result["text/plain"], c.result["text/html"]
    assert text.splitlines()[0] == "per-CPU utilisation over 500 ms"
    series = re.findall(r"^cpu(\d+)\s+\[[# ]{20}\]\s+(\d+\.\d)%$", text, re.M)
    assert [int(s[0]) for s in series] == list(range(CPUS)), text
    assert all(0 <= float(s[1]) <= 100 for s in series)
    assert cpu_groups(html) == list(range(CPUS))
    c = k.ok("%cpu --interval 100")
    assert c.text.startswith("per-CPU utilisation over 100 ms")


def test_cpu_for_a_span_updates_one_display_and_ends_with_the_average(k):
    t0 = time.monotonic()
    c = k.ok("%cpu --for 1 --interval 250")
    assert time.monotonic() - t0 >= 1.0
    assert c.result is None
    shown = c.displays()
    ids = {d[1] for d in shown}
    assert len(ids) == 1 and ids.pop().startswith("jpool-cpu-"), shown
    assert [d[0] for d in shown][0] == "display_data"
    assert [d[0] for d in shown][1:] == ["update_display_data"] * (len(shown) - 1) and len(shown) >= 3
    assert all("sampling every 250 ms" in d[2]["text/plain"] for d in shown[:-1])
    last = shown[-1][2]
    assert last["text/plain"].splitlines()[0] == "per-CPU utilisation over 1.0 s (average)"
    assert [int(n) for n in re.findall(r"^cpu(\d+)", last["text/plain"], re.M)] == list(range(CPUS))
    assert cpu_groups(last["text/html"]) == list(range(CPUS))
    # the bars of the final chart show the same averages as the text
    # (the text has one decimal, the bar label none: they may round a half differently)
    bars, texts = bar_percentages(last["text/html"]), text_percentages(last["text/plain"])
    assert len(bars) == len(texts) == CPUS and all(abs(b - t) <= 1 for b, t in zip(bars, texts)), (bars, texts)
    # the timeline has one point per sample (about 4) for each CPU
    points = re.findall(r'<polygon class="timeline" points="([^"]+)"', last["text/html"])
    assert len(points) == CPUS and all(len(p.split()) >= 5 for p in points)


def test_cpu_average_over_a_span_of_saturated_cpus_is_the_true_average(k):
    # one spinning thread per CPU in the kernel keeps every CPU busy (busy is busy, whoever else runs): the
    # average over the span is ~100% as top shows, not 80% (4 samples and a 0% one taken at the start)
    k.ok("var cpuSpin = new java.util.concurrent.atomic.AtomicBoolean(true);\n"
         f"for (int i = 0; i < {CPUS}; i++) {{ Thread t = new Thread(() -> {{ while (cpuSpin.get()) {{}} }}); "
         "t.setDaemon(true); t.start(); }")
    try:
        c = k.ok("%cpu --for 2 --interval 500")
    finally:
        k.ok("cpuSpin.set(false);")
    last = c.displays()[-1][2]
    assert last["text/plain"].startswith("per-CPU utilisation over 2.0 s (average)"), last["text/plain"]
    averages = text_percentages(last["text/plain"])
    assert len(averages) == CPUS and all(a >= 90 for a in averages), last["text/plain"]
    # every sample covers a real interval: none is a 0% point at the start of the timeline
    for points in re.findall(r'<polygon class="timeline" points="([^"]+)"', last["text/html"]):
        tops = [float(p.split(",")[1]) for p in points.split()[1:-1]]
        assert len(tops) >= 6 and max(tops) - min(tops) < 17 * 0.5, points


# ------------------------------------------------------------------------------------------------ %%process and co.

def test_process_join_with_seconds_says_when_the_process_is_still_running(k):
    k.ok("MpEvent slowGo = new MpEvent();")
    c = k.ok("%%process --name slowp --join 0.5\n"
             "slowGo.waitFor();")
    assert "slowp is still running after 0.5 s" in c.stderr, c.stderr
    assert ps_rows(k)["slowp"][1] == "running", ps_rows(k)
    k.ok("slowGo.set();")
    k.ok("%join slowp 60")
    assert ps_rows(k)["slowp"][1:] == ("stopped", "0"), ps_rows(k)


def test_process_join_streams_tagged_output_and_ps_shows_exit_code_0(k):
    c = k.ok("%%process --name x --join\n"
             "System.out.println(\"hello from x\");\n"
             "System.out.println(6 * 7);")
    lines = [l for l in c.stdout.splitlines() if not l.startswith("[x] WARNING")]
    assert lines == ["[x] hello from x", "[x] 42"], c.stdout
    board = final_board(c)
    assert 'data-state="final"' in board["text/html"] and "exit 0" in board["text/plain"]
    assert cpu_groups(board["text/html"]) == list(range(CPUS))
    rows = ps_rows(k)
    assert "x" in rows and rows["x"][1:] == ("stopped", "0"), rows
    assert value(k, "_proc.exitCode()") == "0"


def board_messages(k, board_id):
    """Every board message with this display id read so far, from any cell, as (parent msg_id, msg)."""
    return [(parent, m) for parent, msgs in k.by_parent.items() for m in msgs
            if m["content"].get("transient", {}).get("display_id") == board_id]


def test_background_process_board_ends_final_under_the_running_cell(k):
    # nbclient (nbconvert) applies display updates only from the cell executing at the time: a background
    # process's final board must come with the running cell as parent, not with its own finished cell
    c = k.ok("%%process --name bg1\nThread.sleep(1_000);")
    board_id = boards(c)[0][1]
    assert 'data-state="running"' in boards(c)[-1][2]["text/html"]
    # bg1 ends while this cell runs: the cell waits for a line of input, which the test sends only once the final
    # board has arrived
    msg_id = k.kc.execute("_proc.join(120);\nnew java.util.Scanner(System.in).nextLine();\n1", allow_stdin=True)
    k.kc.get_stdin_msg(timeout=120)

    def finals():
        return [m for m in k.by_parent.get(msg_id, []) if m["msg_type"] == "update_display_data"
                and m["content"]["transient"]["display_id"] == board_id
                and 'data-state="final"' in m["content"]["data"]["text/html"]]
    k.wait_for(finals, timeout=120, what="the final board under the running cell")
    k.kc.input("go on")
    k.collect(msg_id, timeout=120).assert_ok()
    finals = finals()
    assert finals, "no board update arrived under the running cell"
    assert 'data-state="final"' in finals[-1]["content"]["data"]["text/html"]
    assert "exit 0" in finals[-1]["content"]["data"]["text/plain"]


def test_join_redelivers_a_board_that_finished_between_cells(k):
    c = k.ok("%%process --name bg2\nThread.sleep(1_500);")
    board_id = boards(c)[0][1]
    pid = int(re.search(r"<td[^>]*>bg2</td><td[^>]*>(\d+)</td>", boards(c)[0][2]["text/html"]).group(1))
    # wait without running a cell (a running cell would receive the final board)
    wait_until(lambda: not pid_alive(pid), 60, "bg2 to stop")
    # the board's final state goes out while no cell runs (under bg2's own, finished cell)
    k.wait_for(lambda: any('data-state="final"' in m["content"]["data"].get("text/html", "")
                           for _, m in board_messages(k, board_id)), timeout=120, what="bg2's final board")
    joined = k.ok("%join bg2")
    finals = [d for d in joined.displays() if d[1] == board_id]
    assert finals and finals[-1][0] == "update_display_data", joined.displays()
    assert 'data-state="final"' in finals[-1][2]["text/html"]
    again = k.ok("%join bg2")
    assert not [d for d in again.displays() if d[1] == board_id], "delivered once is enough"


def test_join_waits_for_a_process_by_name(k):
    k.ok("%%process --name napper\nThread.sleep(1500);\nSystem.out.println(\"rested\");")
    assert ps_rows(k)["napper"][1] == "running"
    t0 = time.monotonic()
    text = k.ok("%join napper").text
    assert "name='napper'" in text and "exitcode=0" in text, text
    assert ps_rows(k)["napper"][1:] == ("stopped", "0")
    assert time.monotonic() - t0 < 60


def test_terminate_stops_a_process_by_name(k):
    k.ok("%%process --name sleeper\nThread.sleep(120_000);")
    pid, state, _ = ps_rows(k)["sleeper"]
    assert state == "running" and pid_alive(pid)
    assert k.ok("%terminate sleeper").text == "sent SIGTERM to sleeper"
    t0 = time.monotonic()
    text = k.ok("%join sleeper 60").text
    assert time.monotonic() - t0 < 60 and "stopped" in text, text
    assert ps_rows(k)["sleeper"][1] == "stopped"
    wait_until(lambda: not pid_alive(pid), 30, f"pid {pid} to end")
    # a stopped process: %terminate says so without failing, %join returns at once
    assert k.ok("%terminate sleeper").text == "sent SIGTERM to sleeper"
    assert "stopped" in k.ok("%join sleeper").text


def test_join_and_terminate_errors_are_one_line(k):
    for code, message in [("%join nosuch", "%join: no process named 'nosuch' (%ps lists them)"),
                          ("%terminate nosuch", "%terminate: no process named 'nosuch' (%ps lists them)"),
                          ("%join", "usage: %join NAME [SECONDS]"),
                          ("%join x -1", "%join: SECONDS must be positive, got -1"),
                          ("%join x soon", "%join: SECONDS must be a number, got 'soon'"),
                          ("%terminate", "usage: %terminate NAME|--all"),
                          ("%ps -a", "%ps takes no arguments")]:
        c = k.execute(code)
        assert c.error_line() == f"MagicError: {message}", code


# ------------------------------------------------------------------------------------------------------------ %pool

def test_pool_status_lists_the_workers_with_their_pids(k):
    k.ok("%pool shutdown --all")
    k.ok(f"%%pool -n {N} --map List.of(1)\nit")  # its own pool: no earlier test needs to have left one
    workers = pool_workers(k)
    assert len(workers) == N, workers
    text = k.ok("%pool").text
    assert re.match(r"Pool-\d+ \[run\]: 2 workers \(0 busy\), tasks \d+ done, 0 pending", text), text
    for pid, (_, name) in workers.items():
        assert pid_alive(pid)
        cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
        assert "jpool.workers.WorkerMain" in cmd, cmd
        assert re.fullmatch(r"PoolWorker-\d+", name)
    assert sorted(workers) == sorted(p for p in kernel_children(k) if p in workers)
    # %ps lists the same workers
    ps = ps_rows(k)
    assert {r[0] for n, r in ps.items() if "(Pool-" in n} == set(workers)
    html = k.ok("%pool status").result["text/html"]
    assert html.startswith('<table class="jpool-pools">')
    for pid in workers:
        assert f"<td>{pid}</td>" in html


# -------------------------------------------------------------------------------------------------------- bad input

BAD = [
    ("%nosuch", "UnknownMagic: Unknown line magic 'nosuch'. %lsmagic lists the magics."),
    ("%%nosuch\n1 + 1", "UnknownMagic: Unknown cell magic 'nosuch'. %lsmagic lists the magics."),
    ("%%pool\nit", "MagicError: %%pool: --map EXPR is required: the elements to run the cell body for "
                   "(see %%pool --help)"),
    ("%%pool -n 2 --map 42\nit", "MagicError: %%pool: --map 42 is a java.lang.Integer, not something to iterate over "
                                 "(use a List, Set, array, Stream or other Iterable)"),
    ("%%pool --map undefinedVar\nit", "MagicError: %%pool: --map undefinedVar does not compile: cannot find symbol "
                                       "(variable undefinedVar)"),
    ("%%pool --map List.of(1) --as class\nclass", "MagicError: %%pool: --as needs a Java identifier, got 'class'"),
    ("%%pool --map List.of(1) --out 2x\nit", "MagicError: %%pool: --out needs a Java identifier, got '2x'"),
    ("%%pool -n -2 --map List.of(1)\nit", "MagicError: %%pool: -n must be at least 1, got -2"),
    ("%%pool -n two --map List.of(1)\nit", "MagicError: %%pool: -n needs a whole number, got 'two'"),
    ("%%pool --map List.of(1) --chunk 0\nit", "MagicError: %%pool: --chunk must be at least 1, got 0"),
    ("%%pool --map List.of(1) --timeout 0\nit",
     "MagicError: %%pool: --timeout must be a positive number of seconds, got 0"),
    ("%%pool --map List.of(1) --retries -1\nit", "MagicError: %%pool: --retries must be at least 0, got -1"),
    ("%%pool --map List.of(1) --unorderd\nit", "MagicError: %%pool: unknown option --unorderd (see %%pool --help)"),
    ("%%pool --bogus --map List.of(1)\nit", "MagicError: %%pool: unknown option --bogus (see %%pool --help)"),
    ("%%pool --map List.of(1) -q\nit", "MagicError: %%pool: unknown option -q (see %%pool --help)"),
    ("%%pool --map List.of(1) --unordered=yes\nit", "MagicError: %%pool: --unordered takes no value"),
    ("%%pool --map List.of(1)\n", "MagicError: %%pool: the cell has no body to run for each element"),
    ("%%pool --map\nit", "MagicError: %%pool: --map needs a value"),
    ("%%process --bogus\n1", "MagicError: %%process: unknown option --bogus (see %%process --help)"),
    ("%%process extra\n1", "MagicError: %%process: unexpected argument 'extra' (see %%process --help)"),
    ("%%process --name x\n", "MagicError: %%process: the cell has no body to run"),
    ("%%process --join 0\nint a = 1;", "MagicError: %%process: --join must be a positive number of seconds, got 0"),
    ("%cpu --bogus", "MagicError: %cpu: unknown option --bogus (see %cpu --help)"),
    ("%cpu --interval 10", "MagicError: %cpu: --interval must be at least 50, got 10"),
    ("%cpu --for -1", "MagicError: %cpu: --for must be a positive number of seconds, got -1"),
    ("%pool --bogus", "MagicError: %pool: unknown argument '--bogus' (usage: %pool [status] | %pool shutdown "
                      "NAME|--all; see %pool --help)"),
    ("%pool shutdown", "MagicError: %pool shutdown: name a pool (e.g. Pool-1) or give --all"),
    ("%pool shutdown Pool-999", "MagicError: %pool shutdown: no running pool named Pool-999; %pool lists them"),
]


@pytest.mark.parametrize("code,error", BAD, ids=[b[0].split("\n")[0] for b in BAD])
def test_bad_input_is_a_one_line_error_and_starts_nothing(k, code, error):
    before = snapshot(k)
    c = k.execute(code)
    assert c.error_line() == error, c
    assert "\n" not in c.reply["evalue"]
    assert len(c.errors) == 1 and len(c.errors[0]["traceback"]) == 1, c.errors
    assert not boards(c) and c.stdout == "", c
    assert snapshot(k) == before, "a failed magic started or stopped something"
    assert value(k, "1 + 1") == "2", "the kernel stays usable"


def test_a_bad_line_magic_in_a_magic_cell_stops_the_rest(k):
    # a cell that starts with a line magic may mix more line magics and Java lines; they run in order
    c = k.execute("%cpu --interval 50\nint before = 1;\n%nosuch\nint after = 2;")
    assert c.error_line().startswith("UnknownMagic: ")
    assert value(k, "before") == "1"
    c = k.execute("after")
    assert c.status == "error"


def test_daemon_process_is_marked_and_terminate_all_stops_every_process(k):
    k.ok("%%process --name ghost --daemon\nThread.sleep(600_000);")
    k.ok("%%process --name mortal\nThread.sleep(600_000);")
    ps = k.ok("%ps").text
    assert re.search(r"^ghost\s+\d+ running daemon", ps, re.M), ps
    assert re.search(r"^mortal\s+\d+ running(?! daemon)", ps, re.M), ps
    assert k.ok("_proc.daemon()").text == "false"  # _proc is the last %%process
    rows = ps_rows(k)
    text = k.ok("%terminate --all").text
    assert text.startswith("sent SIGTERM to ") and "ghost" in text and "mortal" in text, text
    for name in ("ghost", "mortal"):
        assert "stopped" in k.ok(f"%join {name} 60").text
        wait_until(lambda: not pid_alive(rows[name][0]), 30, f"{name} to end")
    rows = ps_rows(k)
    assert rows["ghost"][1:] == ("stopped", "-15") and rows["mortal"][1:] == ("stopped", "-15"), rows


def test_pool_shutdown_by_name_stops_only_that_pool(k):
    k.ok(f"%%pool -n {N} --map List.of(1)\nit")
    big = pool_workers(k)
    k.ok("%%pool -n 1 --map List.of(1, 2)\nit + 1")
    assert value(k, "_pool") == "[2, 3]"
    small = {pid: w for pid, w in pool_workers(k).items() if pid not in big}
    assert len(small) == 1, small
    name = re.match(r"(Pool-\d+) ", next(iter(small.values()))[0]).group(1)
    text = k.ok(f"%pool shutdown {name}").text
    assert name in text, text
    for pid in small:
        wait_until(lambda: not pid_alive(pid), 30, f"worker {pid} of {name} to end")
    assert name not in k.ok("%pool").text
    assert sorted(pool_workers(k)) == sorted(big) and all(pid_alive(p) for p in big), "the other pool stays"


# -------------------------------------------------------------------------------------------- %pool shutdown (last)

def test_pool_shutdown_all_stops_every_worker(k):
    k.ok(f"%%pool -n {N} --map List.of(1)\nit")
    workers = pool_workers(k)
    assert workers, "the magic's pool is running"
    text = k.ok("%pool shutdown --all").text
    assert re.fullmatch(r"terminated \[Pool-\d+(, Pool-\d+)*\]", text), text
    assert k.ok("%pool").text == "no pools running"
    for pid in workers:
        wait_until(lambda: not pid_alive(pid), 30, f"worker {pid} to end")
    assert k.ok("%pool shutdown --all").text == "no pools running"
    # a new %%pool cell starts a fresh pool
    k.ok(f"%%pool -n {N} --map List.of(3)\nit * 3")
    assert value(k, "_pool") == "[9]"
    assert set(pool_workers(k)).isdisjoint(workers)
    k.ok("%pool shutdown --all")
