"""Pools on a real Apache Spark standalone cluster on this machine (a Master and two Workers of one core, separate
JVMs on 127.0.0.1; executors are JVMs of their own): the same Pool calls, notebook classes and variables used in
tasks, a failing input kept with the rest, executor output tagged in the cell, a lost executor that Spark replaces,
a %classpath jar used on executors, interrupts, bad master URLs, and nothing left running. Skipped when Spark cannot
be resolved (no Maven Central and nothing in ~/.m2)."""

import os
import re
import signal
import subprocess
import time

import pytest

import maven_fixture
from cluster_fixture import StandaloneCluster
from kernel_helpers import Kernel, pid_alive, process_table


@pytest.fixture(scope="module")
def cluster():
    c = StandaloneCluster(workers=2, cores=1)
    yield c
    c.close()


@pytest.fixture(scope="module")
def k(cluster, tmp_path_factory):
    kernel = Kernel(extra_env={"JPOOL_CHECKPOINT_DIR": str(tmp_path_factory.mktemp("checkpoints"))})
    kernel.ok(f'Pool cp = new Pool(Cluster.spark("{cluster.master}").executorMemory("512m").expectCores(2));', timeout=600)
    yield kernel
    kernel.execute("cp.terminate();")
    kernel.shutdown()


def wait_until(predicate, timeout, what):
    """Polls the process table until `predicate()` holds (a JVM's exit has no event a test can wait on)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(0.2)


def test_map_in_input_order_with_a_cell_class_and_a_top_level_variable(k):
    k.ok("int factor = 7; record Scaled(int x) { }")
    r = k.ok("cp.map(x -> new Scaled(x * factor), List.of(1, 2, 3, 4, 5, 6))")
    assert r.result == "[Scaled[x=7], Scaled[x=14], Scaled[x=21], Scaled[x=28], Scaled[x=35], Scaled[x=42]]"
    assert k.ok("cp.apply(() -> factor + 35)").result == "42"
    assert k.ok("cp.starmap((a, b) -> a * b, List.of(Map.entry(2, 3), Map.entry(4, 5)))").result == "[6, 20]"


def test_a_failing_input_fails_alone_with_its_remote_stack_trace(k):
    k.ok("int check(int x) { if (x == 3) throw new IllegalStateException(\"bad input \" + x); return x * 10; }")
    r = k.ok("""
var outcomes = cp.mapResults(x -> check(x), List.of(1, 2, 3, 4));
for (var o : outcomes) System.out.println(o.ok() ? "ok " + o.value() : "failed " + o.error().getMessage());
""")
    lines = [l for l in r.stdout.splitlines() if l.startswith(("ok", "failed"))]
    assert lines[0] == "ok 10" and lines[1] == "ok 20" and lines[3] == "ok 40", r.stdout
    assert lines[2].startswith("failed") and "bad input 3" in lines[2], r.stdout
    e = k.execute("cp.map(x -> check(x), List.of(1, 3))")
    assert e.status == "error"
    assert "bad input 3" in e.error_text() and "check" in e.error_text(), e.error_text()


def test_executor_output_streams_into_the_cell_tagged_by_executor_and_host(k):
    r = k.ok('cp.map(x -> { System.out.println("line from " + x); return x; }, List.of(1, 2, 3, 4))')
    tagged = re.findall(r"\[executor (\d+) @ 127\.0\.0\.1\] line from (\d)", r.stdout)
    assert sorted(n for _, n in tagged) == ["1", "2", "3", "4"], r.stdout


def test_a_jar_added_with_classpath_is_used_on_executors(k, tmp_path):
    if not (maven_fixture.JAVAC and maven_fixture.JAR):
        pytest.skip("needs javac and jar")
    src = tmp_path / "src" / "greet" / "Greeter.java"
    src.parent.mkdir(parents=True)
    src.write_text("package greet; public class Greeter { public static String hi(int x) { return \"hi \" + x; } }")
    subprocess.run([maven_fixture.JAVAC, "--release", "17", "-d", str(tmp_path / "classes"), str(src)], check=True)
    jar = tmp_path / "greeter.jar"
    subprocess.run([maven_fixture.JAR, "cf", str(jar), "-C", str(tmp_path / "classes"), "."], check=True)
    k.ok(f"%classpath {jar}")
    r = k.ok("cp.map(x -> greet.Greeter.hi(x) + \" on \" + Mp.current().name(), List.of(1, 2))")
    assert r.result.startswith("[hi 1 on executor ") and ", hi 2 on executor " in r.result, r.result


EXECUTOR_ROW = re.compile(r"^  executor (\d+) @ (\S+) +pid (\d+) +(\w+) +(?:(\d+)%)? +(?:(\d+) MB)? "
                          r"(\d+) cores?, (\d+) inputs?(?:, heap (\d+)/(\d+) MB)?", re.M)


def test_a_long_map_shows_a_board_of_the_executors_with_their_own_cpu_and_memory_and_the_spark_ui(k):
    """Each input busy-loops ~2 s: the board (shown after a second) lists both executors with host and cores, the
    CPU and memory each one read itself (live while its task runs, not only when the task ends), this run's inputs
    per executor, k/N done, and the Spark UI as a link."""
    r = k.execute("""
cp.map(x -> {
    long end = System.nanoTime() + 2_000_000_000L, spins = 0;
    while (System.nanoTime() < end) spins++;
    return x + (spins < 0 ? 1 : 0);
}, List.of(1, 2, 3, 4), 1)""", timeout=300)
    assert r.status == "ok", r.error_text()
    assert r.result == "[1, 2, 3, 4]"
    boards = [d for d in r.display_ids() if d.startswith("jpool-board-")]
    assert len(boards) == 1, r.display_ids()
    frames = [m["content"]["data"] for m in k.iopub_log if m["msg_type"] in ("display_data", "update_display_data")
              and m["content"].get("transient", {}).get("display_id") == boards[0]]
    final = frames[-1]
    text, page = final["text/plain"], final["text/html"]
    assert 'data-state="final"' in page, page[:300]
    assert re.search(r"map of 4 items on spark://\S+: 4/4 done · [\d.]+ s · finished", text), text
    ui = re.search(r"^Spark UI: (http://[\w.-]+:\d+)$", text, re.M)
    assert ui, text
    assert f'<a href="{ui.group(1)}"' in page, page
    rows = EXECUTOR_ROW.findall(text)
    assert len(rows) == 2 and len({row[0] for row in rows}) == 2, text
    for ex, host, pid, state, cpu, mem, cores, inputs, heap_used, heap_max in rows:
        assert host == "127.0.0.1" and cores == "1", text
        assert int(inputs) >= 1, f"executor {ex} ran none of the four inputs:\n{text}"
        assert cpu and mem and heap_used and heap_max, f"executor {ex} has no CPU or memory figure:\n{text}"
        assert 0 < int(mem) and 0 < int(heap_used) <= int(heap_max), text
        # the pid the executor reported is its own (here on this machine): a Spark executor backend
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            assert b"CoarseGrainedExecutorBackend" in f.read(), f"pid {pid} is not an executor"
    assert sum(int(row[7]) for row in rows) == 4, text
    assert max(int(row[4]) for row in rows) > 30, f"busy-looping executors show little CPU:\n{text}"
    # live: a frame sent while the tasks still ran already showed an executor computing (Spark's own metrics
    # would only have come at task end)
    live = [int(row[4]) for f in frames[:-1] if "· running" in f["text/plain"]
            for row in EXECUTOR_ROW.findall(f["text/plain"]) if row[4]]
    assert live and max(live) > 30, [f["text/plain"] for f in frames]
    assert any("ETA" in f["text/plain"] for f in frames[:-1]), "while running, the board estimates the time left"
    print(text)


def test_a_killed_executor_is_replaced_by_spark_and_the_map_completes(k):
    killed = []

    def kill_first(msg):
        if killed or msg["msg_type"] != "stream":
            return
        m = re.search(r"running in pid (\d+)", msg["content"]["text"])
        if m:
            killed.append(int(m.group(1)))
            os.kill(int(m.group(1)), signal.SIGKILL)

    r = k.execute("""
cp.map(x -> {
    System.out.println("running in pid " + ProcessHandle.current().pid());
    try { Thread.sleep(1500); } catch (InterruptedException e) { throw new RuntimeException(e); }
    return x * x;
}, List.of(1, 2, 3, 4, 5, 6))""", timeout=600, on_message=kill_first)
    assert killed, "no task said where it ran"
    assert r.status == "ok", r.error_text()
    assert r.result == "[1, 4, 9, 16, 25, 36]"
    assert not pid_alive(killed[0])


def test_interrupt_cancels_the_cells_spark_job_and_the_pool_goes_on(k):
    def interrupt_once_running(msg):
        if msg["msg_type"] == "stream" and "sleeping" in msg["content"]["text"] and not interrupted:
            interrupted.append(True)
            k.interrupt()

    interrupted = []
    r = k.execute("""
cp.map(x -> {
    System.out.println("sleeping " + x);
    try { Thread.sleep(600_000); } catch (InterruptedException e) { throw new RuntimeException(e); }
    return x;
}, List.of(1, 2))""", timeout=300, on_message=interrupt_once_running)
    assert interrupted
    assert r.status == "error"
    # the cell ends as an interrupted one (as with local workers) or with its inputs failed as cancelled
    assert "cancelled" in r.error_text() or "interrupted" in r.error_text(), r.error_text()
    # the job was cancelled: both executors (1 core each) are free again, so a new map runs at once on them
    assert k.ok("cp.map(x -> x + 1, List.of(1, 2, 3))", timeout=300).result == "[2, 3, 4]"


def test_interrupt_during_a_map_under_a_timeout_stops_the_inputs_on_their_executors(k, tmp_path):
    """Under a timeout each input runs on its own thread (InputDeadline): the interrupt must reach that thread too,
    not only Spark's task thread, long before the input's 250 s limit."""
    def interrupt_once_running(msg):
        if msg["msg_type"] == "stream" and "sleeping" in msg["content"]["text"] and not interrupted:
            interrupted.append(True)
            k.interrupt()

    interrupted = []
    try:
        r = k.execute(f"""
cp.timeout(250);
cp.map(x -> {{
    System.out.println("sleeping " + x);
    try {{ Thread.sleep(600_000); }}
    catch (InterruptedException e) {{ java.nio.file.Files.writeString(java.nio.file.Path.of("{tmp_path}", "stopped-" + x), "") ; throw e; }}
    return x;
}}, List.of(1, 2), 1)""", timeout=300, on_message=interrupt_once_running)
    finally:
        k.execute("cp.timeout(0);")
    assert interrupted
    assert r.status == "error"
    assert "cancelled" in r.error_text() or "interrupted" in r.error_text(), r.error_text()
    wait_until(lambda: sorted(p.name for p in tmp_path.iterdir()) == ["stopped-1", "stopped-2"], 60,
               "both inputs to see their interrupt on the executors")
    assert k.ok("cp.map(x -> x + 1, List.of(1, 2, 3))", timeout=300).result == "[2, 3, 4]"


def test_a_bad_master_url_is_one_clear_line_and_the_kernel_goes_on(k):
    r = k.execute('new Pool(Cluster.spark("spark://127.0.0.1:1"))', timeout=60)
    assert r.status == "error"
    line = r.reply["evalue"]
    assert "\n" not in line and "cannot reach the Spark master spark://127.0.0.1:1" in line, line
    r = k.execute('new Pool(Cluster.spark("nonsense://x"))', timeout=60)
    assert r.status == "error" and "bad Spark master URL" in r.reply["evalue"], r.reply
    assert k.ok("1 + 1").result == "2"


def test_a_notebook_started_cluster_and_its_pool_leave_no_jvm_after_shutdown():
    kernel = Kernel()
    try:
        r = kernel.ok("""
LocalStandalone local = Cluster.localStandalone(1, 1);
Pool lp = new Pool(local.cluster());
System.out.println("values " + lp.map(x -> x * 3, List.of(1, 2)));
System.out.println("pids " + local.pids());
""", timeout=900)
        assert "values [3, 6]" in r.stdout, r.stdout
        daemons = [int(p) for p in re.search(r"pids \[([\d, ]+)\]", r.stdout).group(1).split(", ")]
        table = process_table()
        executors = [pid for pid, (ppid, args) in table.items() if ppid in daemons and "CoarseGrainedExecutorBackend" in args]
        assert executors, "the worker started no executor"
    finally:
        kernel.shutdown()
    jpids = daemons + executors
    wait_until(lambda: not [p for p in jpids if pid_alive(p)], 90, "the cluster's JVMs to exit after the kernel's shutdown")


def test_retries_on_a_cluster_pool_is_refused_in_one_line_naming_sparks_setting(k, cluster):
    r = k.execute("cp.retries(2)")
    assert r.status == "error"
    line = r.reply["evalue"]
    assert "\n" not in line and "retries(2)" in line and 'spark.task.maxFailures", "3"' in line, line
    r = k.execute(f"%%pool --cluster {cluster.master} --map List.of(1, 2) --retries 1\nit * 2")
    assert r.status == "error" and "%%pool --retries" in r.error_text() and "spark.task.maxFailures" in r.error_text(), r.error_text()
    r = k.execute("cp.terminateOnInterrupt(false)")
    assert r.status == "error" and "\n" not in r.reply["evalue"], r.reply
    assert r.reply["evalue"].startswith("terminateOnInterrupt(false): not supported on a cluster pool"), r.reply["evalue"]
    # timeout is no longer refused (its tests follow): the same chain with a limit runs
    assert k.ok("cp.retries(0).terminateOnInterrupt(true).timeout(60).map(x -> x + 1, List.of(1))").result == "[2]"
    k.ok("cp.timeout(0);")


def test_a_checkpointed_map_on_the_cluster_computes_only_the_missing_inputs(k, tmp_path):
    flag = tmp_path / "three-may-pass"
    k.ok(f'String flag = "{flag}";')
    k.ok('Fn<Integer, Integer> shaky = x -> { System.out.println("computing " + x); '
         'if (x == 3 && !java.nio.file.Files.exists(java.nio.file.Path.of(flag))) throw new IllegalStateException("three"); '
         'return x * x; };')
    r = k.ok('cp.checkpoint("squares").mapResults(shaky, List.of(1, 2, 3, 4, 5, 6)).stream()'
             '.map(o -> o.ok() ? o.value() + "@" + o.worker() : "X").toList()')
    assert "checkpoint 'squares': 6 inputs to compute" in r.stdout, r.stdout
    values = r.result.strip("[]").split(", ")
    assert [v.split("@")[0] for v in values] == ["1", "4", "X", "16", "25", "36"], r.result
    assert all(re.fullmatch(r"\d+@executor \d+ @ 127\.0\.0\.1", v) for v in values if v != "X"), r.result
    flag.touch()
    r = k.ok('cp.checkpoint("squares").mapResults(shaky, List.of(1, 2, 3, 4, 5, 6)).stream()'
             '.map(o -> o.value() + "@" + o.worker()).toList()')
    assert "5 of 6 inputs from the store" in r.stdout and "1 to compute" in r.stdout, r.stdout
    assert re.findall(r"\[executor \d+ @ 127\.0\.0\.1\] computing (\d)", r.stdout) == ["3"], r.stdout
    assert r.result == ("[1@checkpoint, 4@checkpoint, 9@" + r.result.split("9@")[1].split(",")[0]
                        + ", 16@checkpoint, 25@checkpoint, 36@checkpoint]"), r.result
    assert re.search(r"9@executor \d+ @ 127\.0\.0\.1", r.result), r.result
    r = k.ok("%checkpoints")
    assert "squares" in r.all_text(), r.all_text()


def test_a_cluster_that_cannot_run_the_pool_is_one_clear_line_not_a_hang(cluster):
    kernel = Kernel()
    try:
        # more memory than any worker has: Spark would wait for ever; the pool gives up after startTimeout
        r = kernel.execute(f'new Pool(Cluster.spark("{cluster.master}").executorMemory("64g").startTimeout(5))', timeout=300)
        assert r.status == "error", r
        line = r.reply["evalue"]
        assert "\n" not in line and "no Spark executor started" in line and "within 5" in line and "64g per executor" in line, line
        r = kernel.execute(f'new Pool(Cluster.spark("{cluster.master}").version("9.9.9"))', timeout=300)
        assert r.status == "error", r
        assert "\n" not in r.reply["evalue"] and "Spark 9.9.9 could not be resolved" in r.reply["evalue"], r.reply["evalue"]
        assert kernel.ok("1 + 1").result == "2"
    finally:
        kernel.shutdown()


FLOOD_NOTE = re.compile(r"… (\d+) lines not shown \(output rate limit\); the full log is (.+)")


def test_a_flood_of_executor_output_is_rate_limited_in_the_cell_and_whole_in_the_log(k):
    lines = 100_000
    r = k.ok(f'cp.map(x -> {{ for (int i = 0; i < {lines}; i++) System.out.println("flood " + i); return x; }}, List.of(7))',
             timeout=300)
    assert r.result == "[7]"
    # every line the chunk printed is in the cell before its result, though lines and result travel apart
    shown = re.findall(r"^\[executor \d+ @ 127\.0\.0\.1\] flood (\d+)$", r.stdout, re.M)
    notes = FLOOD_NOTE.findall(r.stdout)
    assert len(shown) + sum(int(n) for n, _ in notes) == lines, (len(shown), notes)
    assert 0 < len(shown) <= lines // 4, f"{len(shown)} of {lines} lines were shown: not rate-limited"
    assert shown[:3] == ["0", "1", "2"]
    log = notes[0][1].strip()
    logged = [l for l in open(log).read().splitlines() if "flood " in l]
    assert len(logged) == lines, (log, len(logged))


TIMED_OUT = r"failed WorkerDied: executor \d+ @ 127\.0\.0\.1 interrupted input 2, which ran longer than its timeout of 2\.0 s"


def outcome_lines(r):
    return [l for l in r.stdout.splitlines() if l.startswith(("ok", "failed"))]


def map_where_input_2_runs_over(k, body):
    """Maps 1..6 (chunks of 3) under timeout(2) with input 2 running `body`; checks that only input 2 failed, with
    the timeout error, and returns the cell."""
    try:
        r = k.ok("""
cp.timeout(2);
var outcomes = cp.mapResultsAsync(x -> {
    if (x == 2) { """ + body + """ }
    return x * 10;
}, List.of(1, 2, 3, 4, 5, 6), 3).get();
for (var o : outcomes) System.out.println(o.ok() ? "ok " + o.value() : "failed " + o.error().getClass().getSimpleName() + ": " + o.error().getMessage());
""", timeout=300)
    finally:
        k.execute("cp.timeout(0);")
    lines = outcome_lines(r)
    assert lines[:1] + lines[2:] == ["ok 10", "ok 30", "ok 40", "ok 50", "ok 60"], r.stdout
    assert re.fullmatch(TIMED_OUT, lines[1]), lines[1]
    return r


def test_timeout_on_a_cluster_fails_the_input_that_ran_over_alone_and_its_chunk_goes_on(k):
    r = map_where_input_2_runs_over(k, 'System.out.println("sleeping in pid " + ProcessHandle.current().pid()); Thread.sleep(600_000);')
    # the input ended at its interrupt: no runaway thread, so its executor is kept
    assert "runaway" not in r.stdout + r.stderr, r.stderr
    pid = int(re.search(r"sleeping in pid (\d+)", r.stdout).group(1))
    assert k.ok("cp.map(x -> x + 1, List.of(1, 2, 3))", timeout=300).result == "[2, 3, 4]"
    assert pid_alive(pid)


def test_timeout_on_a_cluster_replaces_an_executor_whose_input_ignores_its_interrupt(k):
    r = map_where_input_2_runs_over(k, 'System.out.println("spinning in pid " + ProcessHandle.current().pid()); long n = 0; while (true) n++;')
    assert re.search(r"executor \d+ has a runaway task thread; Spark replaces it with a new executor", r.stderr), r.stderr
    pid = int(re.search(r"spinning in pid (\d+)", r.stdout).group(1))
    wait_until(lambda: not pid_alive(pid), 90, "the executor with the runaway thread to exit")
    r = k.ok("cp.map(x -> x + 1, List.of(1, 2, 3, 4))", timeout=300)
    assert r.result == "[2, 3, 4, 5]"
    # Spark started another executor in its place: the pool has two again
    wait_until(lambda: " 2 executors (2 cores)" in k.ok("cp.status()").result, 120, "a replacement executor")


def new_cluster_pool(k, cluster, initializer):
    """Replaces the module's pool `cp` (one cluster pool at a time per kernel) by one with this initializer."""
    k.ok("cp.terminate();")
    k.ok(f'cp = new Pool(Cluster.spark("{cluster.master}").executorMemory("512m").expectCores(2), {initializer});', timeout=600)


def test_a_cluster_pool_initializer_runs_once_per_executor_before_its_tasks(k, cluster):
    k.ok('class Setting { static String greeting = "not initialized"; }')
    new_cluster_pool(k, cluster, """() -> {
    Setting.greeting = "initialized in " + Mp.current().name();
    System.out.println("initializer ran");
}""")
    r = k.ok("cp.map(x -> Setting.greeting + \" / \" + Mp.current().name(), List.of(1, 2, 3, 4, 5, 6, 7, 8), 1)", timeout=300)
    pairs = re.findall(r"initialized in (executor \d+) / (executor \d+)", r.result)
    assert len(pairs) == 8 and all(a == b for a, b in pairs), r.result
    assert len({a for a, _ in pairs}) == 2, f"the tasks did not run on both executors: {r.result}"
    ran = re.findall(r"\[executor (\d+) @ 127\.0\.0\.1\] initializer ran", r.stdout)
    assert sorted(ran) == sorted({a.split()[1] for a, _ in pairs}), r.stdout
    # once per executor and pool: a later map does not run it again
    r = k.ok("cp.map(x -> Setting.greeting.startsWith(\"initialized in executor \"), List.of(1, 2, 3, 4), 1)", timeout=300)
    assert r.result == "[true, true, true, true]" and "initializer ran" not in r.stdout, r.stdout


def test_a_cluster_pool_initializer_that_throws_fails_the_inputs_with_its_message(k, cluster):
    new_cluster_pool(k, cluster, '() -> { throw new IllegalStateException("no licence server"); }')
    r = k.ok("""
for (var o : cp.mapResults(x -> x * 10, List.of(1, 2, 3))) System.out.println(o.ok() ? "ok " + o.value() : "failed " + o.error().getMessage());
""", timeout=300)
    lines = outcome_lines(r)
    assert len(lines) == 3, r.stdout
    for line in lines:
        assert re.match(r"failed .*the pool initializer failed on executor \d+: no licence server", line), r.stdout
    e = k.execute("cp.map(x -> x * 10, List.of(1))", timeout=300)
    assert e.status == "error"
    assert "IllegalStateException" in e.error_text() and "no licence server" in e.error_text(), e.error_text()


def test_pool_magic_on_a_cluster_takes_a_timeout(k, cluster):
    k.ok("cp.terminate();")  # the magic's pool is the kernel's cluster pool now
    r = k.execute(f"""%%pool --cluster {cluster.master} --map List.of(1, 2, 3) --as x --out timed --timeout 2
if (x == 2) Thread.sleep(600_000);
x * 10
""", timeout=600)
    text = r.all_text()
    assert "1 of 3 elements failed" in text and "interrupted input 2, which ran longer than its timeout of 2.0 s" in text, text
    assert k.ok('timed.get(0) + " " + timed.get(1) + " " + timed.get(2)').result.strip('"') == "10 null 30"
