"""Promises of the README that no other module exercises, each checked where a user would see it: a cell's output
and error, the process table, /proc, files on disk. Every test makes its own pools, so any one can run alone."""

import os
import re
import stat
import subprocess

import pytest

from kernel_helpers import (WORKER_MAIN, Kernel, cleanup, kernel, pid_alive, wait_until,  # noqa: F401 (fixtures)
                            worker_processes, worker_socket)


def java_string(path):
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def lane_mappings(pid):
    """Lines of /proc/PID/maps that map one of jpool's shared-memory transfer files."""
    with open(f"/proc/{pid}/maps") as f:
        return [line for line in f if "/dev/shm/jpool-lane-" in line]


# --- security: the worker channel ---------------------------------------------------------------------------------

def test_socket_directory_is_private_and_the_secret_is_not_on_the_command_line(kernel, cleanup):
    cleanup.append("psec")
    kernel.ok("Pool psec = new Pool(1);\npsec.apply(() -> 1)")
    workers = worker_processes(kernel.pid)
    assert workers, "no worker process under the kernel"
    for pid, args in workers.items():
        socket = worker_socket(args)
        mode = stat.S_IMODE(os.stat(os.path.dirname(socket)).st_mode)
        assert mode == 0o700, f"socket directory {os.path.dirname(socket)} has mode {oct(mode)}"
        # after the main class: the socket and the worker's number, nothing a stranger could connect with
        after_main = args.split()[args.split().index(WORKER_MAIN) + 1:]
        assert len(after_main) == 2 and re.fullmatch(r"[a-z]*\d+", after_main[1]), args
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().split(b"\0")
        assert not [a for a in cmdline if re.fullmatch(rb"[0-9a-fA-F-]{32,}|[A-Za-z0-9+=_-]{40,}", a)], cmdline
        assert os.readlink(f"/proc/{pid}/fd/0").startswith("pipe:"), "the secret comes on stdin, a pipe"


# --- workers that cannot start -------------------------------------------------------------------------------------

def test_no_worker_can_start_gives_worker_start_failed_and_the_kernel_stays_usable():
    k = Kernel(extra_env={"JPOOL_WORKER_OPTS": "-XX:+NoSuchJpoolOption"})
    try:
        k.ok("int kept = 41;")
        r = k.execute("new Pool(1).map(x -> x + 1, List.of(1, 2, 3))", timeout=300)
        assert r.status == "error", r
        text = r.error_text()
        assert "WorkerStartFailed" in text, text
        assert "NoSuchJpoolOption" in text, "the message quotes the JVM: " + text
        assert k.ok("kept + 1").result == "42"
    finally:
        k.shutdown()


# --- interrupt: pending tasks cancelled, running workers killed -----------------------------------------------------

def test_interrupt_during_map_kills_the_running_workers_and_cancels_the_pending_tasks(kernel, cleanup, tmp_path):
    cleanup.append("pint")
    kernel.ok("Pool pint = new Pool(2);\npint.apply(() -> 1)")
    marks = java_string(tmp_path)
    msg_id = kernel.kc.execute(
        "pint.map(x -> {\n"
        f"    Files.createFile(Path.of({marks}, \"started-\" + x));\n"
        "    System.out.println(\"started \" + x + \" in \" + ProcessHandle.current().pid());\n"
        "    Thread.sleep(600_000);\n"
        "    return x;\n"
        "}, List.of(1, 2, 3, 4, 5, 6), 1)")
    running = {}

    def two_started():
        for m in kernel.by_parent.get(msg_id, []):
            if m["msg_type"] == "stream":
                for x, pid in re.findall(r"started (\d+) in (\d+)", m["content"]["text"]):
                    running[int(x)] = int(pid)
        return len(running) == 2
    kernel.wait_for(two_started, timeout=120, what="two inputs to start")
    kernel.interrupt()
    kernel.collect(msg_id, timeout=60)  # TimeoutError when the interrupted cell does not come back
    for x, pid in running.items():
        wait_until(lambda: not pid_alive(pid), 60, f"the worker running input {x} (pid {pid}) to be killed")
    # the pool works on; had the four pending inputs not been cancelled, they would have started before this map
    assert kernel.ok("pint.map(x -> x * 2, List.of(1, 2, 3))").result == "[2, 4, 6]"
    started = sorted(p.name for p in tmp_path.iterdir())
    assert started == sorted(f"started-{x}" for x in running), started


# --- %%pool --timeout and --retries -------------------------------------------------------------------------------

def test_pool_magic_timeout_kills_the_input_that_runs_over(kernel):
    r = kernel.execute("%%pool -n 2 --map List.of(1, 2, 3) --timeout 3 --out late\n"
                       "if (it == 2) Thread.sleep(600_000);\n"
                       "it * 10", timeout=300)
    text = r.all_text()
    assert "1 of 3 elements failed" in text, text
    assert re.search(r"killed because input \d+ ran longer than its timeout of 3(\.0)? s", text), text
    assert kernel.ok('String.valueOf(late)').result.strip('"') == "[10, null, 30]"


def test_pool_magic_retries_runs_an_input_again_when_its_worker_died(kernel, tmp_path):
    marks = java_string(tmp_path)
    body = ("Path mark = Path.of(" + marks + ", \"died-\" + it + \"-RUN\");\n"
            "if (it == 2 && Files.notExists(mark)) { Files.createFile(mark); System.exit(3); }\n"
            "it * 10")
    retried = kernel.execute("%%pool -n 2 --map List.of(1, 2, 3) --retries 1 --out again\n" + body.replace("RUN", "a"),
                             timeout=300)
    assert "failed" not in retried.all_text(), retried.all_text()
    assert kernel.ok('String.valueOf(again)').result.strip('"') == "[10, 20, 30]"
    assert (tmp_path / "died-2-a").exists(), "the first run of input 2 did end its worker"
    once = kernel.execute("%%pool -n 2 --map List.of(1, 2, 3) --retries 0 --out lost\n" + body.replace("RUN", "b"),
                          timeout=300)
    assert "1 of 3 elements failed" in once.all_text(), once.all_text()
    assert kernel.ok('String.valueOf(lost)').result.strip('"') == "[10, null, 30]"


# --- big arrays through shared memory ------------------------------------------------------------------------------

def test_arrays_of_a_megabyte_or_more_travel_through_shared_memory(kernel, cleanup):
    cleanup.append("pshm")
    r = kernel.ok("Pool pshm = new Pool(1);\n"
                  "double[] small = pshm.apply(() -> new double[1000]);\n"
                  "ProcessHandle.current().pid() + \" \" + pshm.apply(() -> ProcessHandle.current().pid())")
    kernel_pid, worker = map(int, r.result.strip('"').split())
    assert kernel_pid == kernel.pid
    assert not lane_mappings(worker), "8 KB went through the socket"
    r = kernel.ok("double[] big = pshm.apply(() -> { double[] a = new double[200_000]; a[199_999] = 7; return a; });\n"
                  "big.length + \" \" + big[199_999] + \" \" + pshm.apply(() -> ProcessHandle.current().pid())")
    assert r.result.strip('"') == f"200000 7.0 {worker}"
    assert lane_mappings(worker), "the worker sent 1.6 MB through a /dev/shm file"
    assert lane_mappings(kernel.pid), "the kernel read it through the same file"
    assert not [f for f in os.listdir("/dev/shm") if f.startswith(f"jpool-lane-{worker}-")], "no file left behind"


# --- prefetching queue gets ----------------------------------------------------------------------------------------

PREFETCH = """
    MpQueue<Integer> open = new MpQueue<>(), bounded = new MpQueue<>(1000);
    for (int i = 0; i < 300; i++) { open.put(i); bounded.put(i); }
    MpEvent took = new MpEvent(), leave = new MpEvent();
    Proc holder = new Proc(() -> { open.get(); bounded.get(); took.set(); leave.waitFor(600); });
    holder.start();
    System.out.println("took " + took.waitFor(120));
    System.out.println("open: " + open);
    System.out.println("bounded: " + bounded);
"""


def test_a_worker_prefetches_from_an_unbounded_queue_only_and_gives_back_when_another_finds_it_empty(kernel):
    out = kernel.ok(PREFETCH + """
    int drained = 0;
    while (open.poll() != null) drained++;  // finds the queue empty: what the holder prefetched is recalled
    System.out.println("the kernel drained " + drained + " while the holder is " + (holder.isAlive() ? "alive" : "gone"));
    leave.set();
    holder.join();
    """).stdout
    assert "took true" in out, out
    assert re.search(r"open: MpQueue\[queue-\d+: \d+ items \(and some prefetched by pid \d+\)\]", out), out
    assert re.search(r"bounded: MpQueue\[queue-\d+: 299 items of max 1000\]", out), out
    assert "the kernel drained 299 while the holder is alive" in out, out


@pytest.mark.parametrize("ending", ["leave.set();", "holder.terminate();"], ids=["exit", "sigterm"])
def test_prefetched_items_go_back_when_the_worker_exits_or_gets_sigterm(kernel, ending):
    out = kernel.ok(PREFETCH + ending + """
    holder.join();
    System.out.println("exit " + holder.exitCode() + ", left: open " + open.size() + ", bounded " + bounded.size());
    """).stdout
    assert re.search(r"open: MpQueue\[queue-\d+: \d+ items \(and some prefetched by pid \d+\)\]", out), out
    code = "0" if ending.startswith("leave") else "-15"
    assert f"exit {code}, left: open 299, bounded 299" in out, out


# --- %classpath ----------------------------------------------------------------------------------------------------

def compile_class(tmp_path, package, name, body):
    """Compiles one class into tmp_path/NAME-classes; returns that folder."""
    src = tmp_path / f"{name}-src" / package
    src.mkdir(parents=True)
    (src / f"{name}.java").write_text(f"package {package}; public class {name} {{ {body} }}")
    out = tmp_path / f"{name}-classes"
    subprocess.run(["javac", "-d", str(out), str(src / f"{name}.java")], check=True)
    return out


def test_classpath_with_a_class_folder_and_a_jar_reaches_an_already_running_worker(kernel, cleanup, tmp_path):
    cleanup.append("pcp")
    before = kernel.ok("Pool pcp = new Pool(1);\npcp.apply(() -> ProcessHandle.current().pid())").result
    folder = compile_class(tmp_path, "folks", "Hello", 'public static String to(String w) { return "hello " + w; }')
    jarred = compile_class(tmp_path, "folks", "Bye", 'public static String to(String w) { return "bye " + w; }')
    jar = tmp_path / "bye.jar"
    subprocess.run(["jar", "cf", str(jar), "-C", str(jarred), "."], check=True)
    kernel.ok(f"%classpath {folder} {jar}")
    assert kernel.ok('folks.Hello.to("kernel") + ", " + folks.Bye.to("kernel")').result == 'hello kernel, bye kernel'
    r = kernel.ok('pcp.apply(() -> folks.Hello.to("worker") + ", " + folks.Bye.to("worker") + " in "'
                  ' + ProcessHandle.current().pid())')
    assert r.result == f'hello worker, bye worker in {before}', "the running worker (same pid) got both paths"


# --- shutdown -------------------------------------------------------------------------------------------------------

def test_a_non_daemon_process_running_at_shutdown_is_named_in_the_kernel_log(tmp_path):
    log = tmp_path / "kernel.log"
    with open(log, "w") as err:
        k = Kernel(stderr=err)
        try:
            k.ok('Proc lingerer = new Proc("lingerer", () -> Thread.sleep(600_000));\n'
                 'Proc ghost = new Proc("ghost", () -> Thread.sleep(600_000));\n'
                 'ghost.daemon(true);\n'
                 'lingerer.start(); ghost.start();')
            pids = [int(p) for p in k.ok('lingerer.pid() + " " + ghost.pid()').result.strip('"').split()]
        finally:
            k.shutdown()
    for pid in pids:
        wait_until(lambda: not pid_alive(pid), 60, f"process {pid} to end with the kernel")
    text = log.read_text()
    warnings = [line for line in text.splitlines() if "stopping non-daemon process" in line]
    assert len(warnings) == 1 and "lingerer" in warnings[0], text[-3000:]
