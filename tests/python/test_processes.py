"""Worker processes (jpool's Proc) as a notebook user sees them through a real Jupyter client: tagged output in
the right cell, exit codes, state shipping, failures with clear messages, and no worker outliving its kernel."""

import os
import re
import signal
import subprocess

import pytest

from kernel_helpers import (Kernel, fresh_kernel, kernel, wait_until, worker_processes,  # noqa: F401 (fixtures)
                            worker_socket, workers_with_socket)


def tagged(text, name):
    """The lines of `text` tagged `[name] `, without the tag."""
    prefix = f"[{name}] "
    return [line[len(prefix):] for line in text.splitlines() if line.startswith(prefix)]


def java_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_start_join(kernel):
    r = kernel.execute('''
        Proc p = new Proc(() -> System.out.println("hello from " + Mp.current().name()));
        p.start();
        p.join();
        p.name() + " exit=" + p.exitCode() + " alive=" + p.isAlive()
    ''').assert_ok()
    name = r.result.strip('"').split()[0]
    assert re.fullmatch(r"Proc-\d+", name), r.result
    assert r.result.strip('"') == f"{name} exit=0 alive=false"
    assert tagged(r.stdout, name) == [f"hello from {name}"]


def test_worker_output_has_no_jvm_noise(kernel):
    # The worker JVM's own start-up chatter (e.g. the JDK's SecurityManager deprecation warning) is not user output.
    r = kernel.execute('''
        Proc p = new Proc(() -> System.out.println("quiet start"));
        p.start(); p.join(); p.exitCode()
    ''').assert_ok()
    assert r.result == "0"
    assert "quiet start" in r.stdout
    assert "WARNING" not in r.stderr and "SecurityManager" not in r.stderr, r.stderr


def test_five_named_processes(kernel):
    r = kernel.execute('''
        List<Proc> procs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Proc p = new Proc("svc-" + i, () -> System.out.println("my name is " + Mp.current().name()));
            procs.add(p.start());
        }
        for (Proc p : procs) p.join();
        procs.stream().map(p -> String.valueOf(p.exitCode())).collect(java.util.stream.Collectors.joining(","))
    ''').assert_ok()
    assert r.result.strip('"') == "0,0,0,0,0"
    for i in range(5):
        assert tagged(r.stdout, f"svc-{i}") == [f"my name is svc-{i}"], r.stdout


def test_interleaved_processes_keep_their_own_order(kernel):
    r = kernel.execute('''
        Job steps(String label, int pause) {
            return () -> {
                for (int i = 0; i < 6; i++) {
                    System.out.println(label + " step " + i);
                    Thread.sleep(pause);
                }
            };
        }
        Proc a = new Proc(steps("a", 30));
        Proc b = new Proc(steps("b", 45));
        Proc svc = new Proc("service", steps("svc", 20));
        a.start(); b.start(); svc.start();
        a.join(); b.join(); svc.join();
        a.name() + "," + b.name() + "," + a.exitCode() + b.exitCode() + svc.exitCode()
    ''').assert_ok()
    a_name, b_name, codes = r.result.strip('"').split(",")
    assert codes == "000"
    assert tagged(r.stdout, a_name) == [f"a step {i}" for i in range(6)], r.stdout
    assert tagged(r.stdout, b_name) == [f"b step {i}" for i in range(6)], r.stdout
    assert tagged(r.stdout, "service") == [f"svc step {i}" for i in range(6)], r.stdout


def test_daemon_timed_join_then_terminate(kernel):
    r = kernel.execute('''
        Proc d = new Proc("sleepy-daemon", () -> Thread.sleep(120_000)).daemon(true);
        d.start();
        d.join(1.0);
        d.daemon() + " " + d.isAlive() + " " + d.exitCode()
    ''').assert_ok()
    assert r.result.strip('"') == "true true null"
    r = kernel.execute('d.terminate(); d.join(); d.isAlive() + " " + d.exitCode()').assert_ok()
    assert r.result.strip('"') == "false -15"


def test_terminate_then_join(kernel):
    r = kernel.execute('''
        Proc t = new Proc(() -> { System.out.println("running"); Thread.sleep(120_000); });
        t.start();
        t.terminate();
        t.join();
        t.isAlive() + " " + t.exitCode()
    ''').assert_ok()
    assert r.result.strip('"') == "false -15"


@pytest.mark.parametrize("body, expected", [
    ('System.exit(1);', 1),
    ('System.out.println("done");', 0),
    ('System.exit(42);', 42),
    ('Runtime.getRuntime().exit(5);', 5),   # rewritten like System.exit: in a worker it exits
    ('Runtime.getRuntime().halt(6);', 6),   # and a halt really halts the worker
])
def test_exit_codes(kernel, body, expected):
    r = kernel.execute(f'''
        Proc e = new Proc(() -> {{ {body} }});
        e.start(); e.join(); e.exitCode()
    ''').assert_ok()
    assert r.result == str(expected)


def test_exception_gives_exit_code_1_and_remote_trace(kernel):
    r = kernel.execute('''
        Proc f = new Proc("thrower", () -> { throw new RuntimeException("boom-4711"); });
        f.start(); f.join(); f.exitCode()
    ''').assert_ok()
    assert r.result == "1"
    assert "java.lang.RuntimeException: boom-4711" in r.stderr, r.stderr  # reported in the cell
    r = kernel.execute('f.failure().remoteClass() + "|" + f.failure().remoteMessage()').assert_ok()
    assert r.result.strip('"') == "java.lang.RuntimeException|boom-4711"
    r = kernel.execute('System.out.println(f.failure().remoteTrace());').assert_ok()
    assert "java.lang.RuntimeException: boom-4711" in r.stdout
    assert "\tat " in r.stdout  # a stack trace, not just the message
    # written in the user's terms: no JShell wrapper class names, no worker class-loader prefixes
    assert "$JShell$" not in r.stdout and "jpool-notebook//" not in r.stdout, r.stdout


def test_kill_gives_minus_9(kernel):
    r = kernel.execute('''
        Proc k9 = new Proc(() -> Thread.sleep(120_000));
        k9.start(); k9.kill(); k9.join();
        k9.isAlive() + " " + k9.exitCode()
    ''').assert_ok()
    assert r.result.strip('"') == "false -9"


def test_proc_subclass_overriding_run(kernel):
    r = kernel.execute('''
        class Greeter extends Proc {
            final String who;
            Greeter(String who) { this.who = who; }
            @Override public void run() { System.out.println("greetings, " + who + ", from " + name()); }
        }
        Greeter g = new Greeter("world");
        g.start(); g.join();
        g.name() + " " + g.exitCode()
    ''').assert_ok()
    name, code = r.result.strip('"').split()
    assert code == "0"
    assert tagged(r.stdout, name) == [f"greetings, world, from {name}"], r.stdout


def test_logs_arrive_while_cell_waits(kernel, tmp_path):
    """The worker blocks until the test has seen its first line in this cell; late delivery would time it out."""
    trigger = tmp_path / "go"
    kernel.execute(f'String trigger = {java_str(str(trigger))};').assert_ok()

    def on_message(msg):
        if msg["msg_type"] == "stream" and "ping" in msg["content"]["text"]:
            trigger.touch()

    r = kernel.execute('''
        Proc w = new Proc("waiter", () -> {
            System.out.println("ping");
            long end = System.currentTimeMillis() + 30_000;
            while (!java.nio.file.Files.exists(java.nio.file.Path.of(trigger)) && System.currentTimeMillis() < end)
                Thread.sleep(10);
            System.out.println(java.nio.file.Files.exists(java.nio.file.Path.of(trigger)) ? "pong" : "never saw the trigger");
        });
        w.start(); w.join(); w.exitCode()
    ''', on_message=on_message).assert_ok()
    assert r.result == "0"
    assert tagged(r.stdout, "waiter") == ["ping", "pong"], r.stdout
    ping = next(m for m in r.of_type("stream") if "ping" in m["content"]["text"])
    assert ping["parent_header"]["msg_id"] == r.msg_id


def test_logs_after_cell_ended_update_reserved_display(kernel, tmp_path):
    trigger = tmp_path / "late"
    r = kernel.execute(f'''
        String lateTrigger = {java_str(str(trigger))};
        Proc late = new Proc("latecomer", () -> {{
            System.out.println("early line");
            long end = System.currentTimeMillis() + 60_000;
            while (!java.nio.file.Files.exists(java.nio.file.Path.of(lateTrigger)) && System.currentTimeMillis() < end)
                Thread.sleep(10);
            System.out.println("after the cell ended");
        }});
        late.start();
        "started"
    ''').assert_ok()
    display_id = r.late_display_id()
    assert display_id, f"the cell reserved no late-output display: {r.msgs}"
    kernel.wait_for(lambda: "early line" in "".join(r.display_updates(display_id)) or "early line" in r.stdout,
                    timeout=30, what="the early line")
    # the line is printed while another cell runs: it still belongs to the cell that started the process (its
    # display id); while another cell runs the update goes out under that cell, so that nbclient (nbconvert), which
    # reads only the executing cell's messages, applies it to the first cell's display too
    r2 = kernel.execute('java.nio.file.Files.createFile(java.nio.file.Path.of(lateTrigger)); late.join(); late.exitCode()')
    assert r2.assert_ok().result == "0"
    assert "after the cell ended" not in r2.own_text(), r2.own_text()
    kernel.wait_for(lambda: any("[latecomer] after the cell ended" in t for _, t in kernel.display_updates(display_id)),
                    timeout=30, what="the late line as update_display_data of the first cell's display")
    updates = kernel.display_updates(display_id)
    assert {parent for parent, _ in updates} <= {r.msg_id, r2.msg_id}, updates
    assert "[latecomer] early line" in updates[-1][1] or "[latecomer] early line" in r.stdout
    assert updates[-1][1].rstrip("\n").endswith("[latecomer] after the cell ended"), updates[-1]


def test_reserved_display_comes_after_what_the_cell_printed(kernel):
    """The late-output display is shown when the cell's code ends, so a saved notebook reads in order: the lines
    printed while the cell ran, then the display that later lines update."""
    r = kernel.execute('''
        MpEvent orderGo = new MpEvent();
        Proc order = new Proc("order", () -> { System.out.println("while the cell runs"); orderGo.waitFor(); System.out.println("later"); });
        order.start();
        long orderDeadline = System.currentTimeMillis() + 60_000;
        while (order.recentOutput().stream().noneMatch(l -> l.contains("while the cell runs")) && System.currentTimeMillis() < orderDeadline)
            Thread.sleep(10);
        System.out.println("cell done");
    ''').assert_ok()
    kinds = [m["msg_type"] for m in r.msgs if m["msg_type"] in ("stream", "display_data")]
    assert "display_data" in kinds and "stream" in kinds, r.msgs
    assert kinds.index("display_data") > max(i for i, k in enumerate(kinds) if k == "stream"), kinds
    kernel.execute('orderGo.set(); order.join(); order.exitCode()').assert_ok()


def test_state_is_shipped(kernel):
    kernel.execute('int k = 7;').assert_ok()
    r = kernel.execute('''
        for (int x = 1; x <= 3; x++) {
            int xx = x;
            Proc p = new Proc("times-" + x, () -> System.out.println("r=" + xx * k));
            p.start(); p.join();
        }
    ''').assert_ok()
    assert [tagged(r.stdout, f"times-{x}") for x in (1, 2, 3)] == [["r=7"], ["r=14"], ["r=21"]], r.stdout
    # a later value of the variable is what the next process sees
    r = kernel.execute('k = 10; Proc p10 = new Proc("times-again", () -> System.out.println("r=" + 2 * k)); '
                       'p10.start(); p10.join();').assert_ok()
    assert tagged(r.stdout, "times-again") == ["r=20"], r.stdout


def test_non_serializable_capture_is_a_clear_error(kernel):
    r = kernel.execute('''
        void launchWithBuffer() {
            var buffer = new java.io.ByteArrayOutputStream();
            new Proc(() -> System.out.println(buffer.size())).start();
        }
        launchWithBuffer();
    ''')
    assert r.status == "error"
    text = r.error_text()
    assert "ByteArrayOutputStream" in text and "not Serializable" in text, text
    assert "cannot be sent to a worker" in text, text
    assert kernel.execute('1 + 1').assert_ok().result == "2"


def test_non_serializable_variable_is_named(kernel):
    kernel.execute('var notebookBuffer = new java.io.ByteArrayOutputStream();').assert_ok()
    r = kernel.execute('Proc nb = new Proc("nb", () -> System.out.println(notebookBuffer.size())); nb.start();')
    assert r.status == "error" and r.errors[0]["ename"].endswith("NotShippable"), r.errors
    text = r.error_text()
    assert "process nb reads notebook variable 'notebookBuffer' (java.io.ByteArrayOutputStream)" in text, text
    assert "not Serializable" in text, text
    assert "[nb]" not in r.stdout, "nothing was started"
    assert kernel.execute('nb.isAlive()').assert_ok().result == "false"


def test_plain_runnable_is_explained(kernel):
    r = kernel.execute('Runnable plain = () -> System.out.println("hi"); new Proc(plain::run).start();')
    assert r.status == "error", r.result
    assert "lambda or method reference of a type that is not Serializable" in r.error_text(), r.error_text()
    assert "Job" in r.error_text(), r.error_text()


def test_bad_jvm_option_names_the_option(kernel):
    r = kernel.execute('new Proc(() -> {}).jvmOptions("-XX:+NoSuchOption").start()')
    assert r.status == "error"
    assert "NoSuchOption" in r.error_text(), r.error_text()
    assert kernel.execute('1 + 1').assert_ok().result == "2"
    r = kernel.execute('Proc ok = new Proc(() -> System.out.println("still fine")); ok.start(); ok.join(); ok.exitCode()')
    assert r.assert_ok().result == "0"
    assert "still fine" in r.stdout


# ---- worker lifetime bound to the kernel's ---------------------------------------------------------------------

START_LONG_WORK = '''
    Proc sleeper = new Proc("sleeper", () -> { System.out.println("sleeping"); Thread.sleep(600_000); }).daemon(true);
    sleeper.start();
    Pool busy = new Pool(2);
    AsyncResult<Integer> pending = busy.applyAsync(() -> { System.out.println("pool task"); Thread.sleep(600_000); return 1; });
    sleeper.pid() + " " + busy.processes()
'''


def start_long_work(k):
    r = k.execute(START_LONG_WORK).assert_ok()
    sleeper_pid = int(r.result.strip('"').split()[0])
    workers = worker_processes(k.pid)
    assert sleeper_pid in workers, (sleeper_pid, workers)
    assert len(workers) >= 3, workers  # the process and the pool's two workers (maybe a pre-started spare)
    sockets = {worker_socket(args) for args in workers.values()}
    assert workers_with_socket(sockets) == workers  # the same workers are found by socket path as by parent pid
    return workers, sockets


def test_sigkill_kernel_leaves_no_workers(fresh_kernel):
    workers, sockets = start_long_work(fresh_kernel)
    os.kill(fresh_kernel.pid, signal.SIGKILL)
    wait_until(lambda: not workers_with_socket(sockets), 15, f"workers {sorted(workers)} to exit after the kernel was killed")


def test_restart_leaves_no_worker_of_old_kernel(fresh_kernel):
    old_pid = fresh_kernel.pid
    workers, sockets = start_long_work(fresh_kernel)
    fresh_kernel.km.restart_kernel(now=False)
    assert fresh_kernel.pid != old_pid
    wait_until(lambda: not workers_with_socket(sockets), 15, f"workers {sorted(workers)} of the old kernel to exit")
    fresh_kernel.kc.wait_for_ready(timeout=60)
    assert fresh_kernel.execute('6 * 7').assert_ok().result == "42"


def test_shutdown_kills_daemon_workers(fresh_kernel):
    r = fresh_kernel.execute('''
        Proc dd = new Proc(() -> Thread.sleep(600_000)).daemon(true);
        dd.start();
        dd.pid()
    ''').assert_ok()
    pid = int(r.result)
    workers = worker_processes(fresh_kernel.pid)
    assert pid in workers
    sockets = {worker_socket(args) for args in workers.values()}
    fresh_kernel.shutdown()
    wait_until(lambda: not workers_with_socket(sockets), 15, "the daemon worker to exit at kernel shutdown")


def test_interrupt_during_join(kernel):
    msg_id = kernel.kc.execute('''
        Proc longRunner = new Proc("long-runner", () -> { System.out.println("started"); Thread.sleep(120_000); });
        longRunner.start();
        longRunner.join();
    ''')
    kernel.wait_for(lambda: any("[long-runner] started" in m["content"].get("text", "")
                                for m in kernel.by_parent.get(msg_id, []) if m["msg_type"] == "stream"),
                    timeout=60, what="the process to start")
    kernel.interrupt()
    kernel.collect(msg_id, timeout=10)  # TimeoutError when the interrupted join does not return promptly
    # interrupting the notebook stops the wait, not the process; the kernel stays usable
    r = kernel.execute('longRunner.isAlive() + " " + longRunner.exitCode()').assert_ok()
    assert r.result.strip('"') == "true null"
    r = kernel.execute('longRunner.terminate(); longRunner.join(); longRunner.exitCode()').assert_ok()
    assert r.result == "-15"


def open_log_files(pid):
    """Paths of the worker log files (*.log) the process `pid` holds open."""
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.endswith(".log"):
            found.append(target)
    return found


def test_log_files_complete_and_not_held_open(kernel):
    r = kernel.execute('''
        Proc first = new Proc("same-name", () -> System.out.println("first run"));
        first.start(); first.join();
        Proc second = new Proc("same-name", () -> System.out.println("second run"));
        second.start(); second.join();
        java.nio.file.Files.readString(first.logFile()) + "|" + java.nio.file.Files.readString(second.logFile())
            + "|" + first.logFile().equals(second.logFile())
    ''').assert_ok()
    first, second, same = r.result.strip('"').split("|")
    assert first.strip() == "[same-name] first run"   # reusing a name does not clobber the earlier log
    assert second.strip() == "[same-name] second run"
    assert same == "false"
    kernel.execute('''
        for (int i = 0; i < 25; i++) { Proc quick = new Proc(() -> System.out.println("quick")); quick.start(); quick.join(); }
        Pool logPool = new Pool(1);
    ''').assert_ok()
    for i in range(25):
        kernel.execute(f'logPool.apply(() -> {{ System.out.println("cell {i}"); return {i}; }})').assert_ok()
    held = open_log_files(kernel.pid)
    assert len(held) <= 2, f"the kernel keeps {len(held)} worker log files open: {held[:5]}"
    kernel.execute('logPool.terminate();').assert_ok()


def test_jar_added_with_classpath_reaches_the_kernel_and_workers(kernel, tmp_path):
    # a library the notebook did not have: compiled here, added with %classpath, used in a cell and in a worker
    src = tmp_path / "src" / "acme"
    src.mkdir(parents=True)
    (src / "Greeter.java").write_text(
        'package acme; public class Greeter { public static String hi(String who) { return "hi " + who; } }')
    classes = tmp_path / "classes"
    subprocess.run(["javac", "-d", str(classes), str(src / "Greeter.java")], check=True)
    jar = tmp_path / "acme.jar"
    subprocess.run(["jar", "cf", str(jar), "-C", str(classes), "."], check=True)

    kernel.execute(f"%classpath {jar}").assert_ok()
    assert kernel.execute('acme.Greeter.hi("kernel")').assert_ok().result == 'hi kernel'
    r = kernel.execute('''
        Proc p = new Proc("jar-user", () -> System.out.println(acme.Greeter.hi(Proc.current().name())));
        p.start(); p.join(); p.exitCode()
    ''').assert_ok()
    assert r.result == "0", r
    assert tagged(r.stdout, "jar-user") == ["hi jar-user"]


def test_classpath_names_a_missing_file_and_the_kernel_goes_on(kernel, tmp_path):
    r = kernel.execute(f"%classpath {tmp_path / 'nope.jar'}")
    assert r.status == "error"
    assert "no such file or directory" in r.error_text() and "nope.jar" in r.error_text()
    assert kernel.execute("1 + 1").assert_ok().result == "2"


# ---- start-up speed: spare workers and a quick exit ------------------------------------------------------------

def test_pool_takes_the_spares_and_spares_die_with_the_kernel(fresh_kernel):
    # After a Pool(2) has run, two spares wait (one per worker it had, within the limit), and the next Pool(2)
    # gets its workers from them instead of starting JVMs; spares are refilled and never outlive the kernel.
    r = fresh_kernel.execute('''
        new Proc(() -> {}).start().join();
        Pool first = new Pool(2);
        first.map(x -> x, List.of(1, 2), 1);
        first.close(); first.join();
        var spares = new ArrayList<>(jpool.workers.Workers.sparePids());
        Pool second = new Pool(2);
        var live = jpool.workers.Workers.live().stream().map(jpool.workers.WorkerHandle::pid).toList();
        spares.size() + " " + jpool.workers.Workers.spareLimit() + " " + spares.stream().filter(live::contains).count()
            + " " + jpool.workers.Workers.sparePids().stream().filter(spares::contains).count()
    ''').assert_ok()
    n, limit, taken, still_spare = map(int, r.result.strip('"').split())
    assert n == min(2, limit), r.result
    assert taken == n and still_spare == 0, r.result
    # the pool's two workers and the spares refilled once the kernel idles
    workers = wait_until(lambda: len(worker_processes(fresh_kernel.pid)) >= 2 + n and worker_processes(fresh_kernel.pid),
                         30, "the spares to be refilled")
    sockets = {worker_socket(args) for args in workers.values()}
    os.kill(fresh_kernel.pid, signal.SIGKILL)
    wait_until(lambda: not workers_with_socket(sockets), 15, f"workers and spares {sorted(workers)} to exit")


def test_a_new_kernel_starts_the_spares_a_first_pool_takes():
    # Spares start with the kernel, beside JShell, before any cell: a notebook's first pool cell often comes right after
    # its first cell, too soon for spares started only then. JPOOL_SPARES=0 keeps an idle kernel free of worker JVMs.
    k = Kernel()  # has had its kernel_info reply; no cell has run
    try:
        wait_until(lambda: worker_processes(k.pid), 30, "a spare worker JVM under a kernel that has run no cell")
        limit = int(k.execute("jpool.workers.Workers.spareLimit()").assert_ok().result)
        cpus = int(k.execute("Runtime.getRuntime().availableProcessors()").assert_ok().result)
        want = min(limit, cpus)
        wait_until(lambda: len(worker_processes(k.pid)) >= want, 30, f"{want} spares to start")
        spares = k.execute("jpool.workers.Workers.sparePids()").assert_ok().result
        assert set(spares.strip('"[]').split(", ")) <= {str(p) for p in worker_processes(k.pid)}, spares
        r = k.execute("Pool p = new Pool(%d); var pids = p.map(x -> ProcessHandle.current().pid(), "
                      "java.util.stream.IntStream.range(0, 20).boxed().toList(), 1); p.terminate(); "
                      "new TreeSet<>(pids).toString()" % want).assert_ok()
        taken = set(r.result.strip('"[]').split(", "))
        assert taken <= set(spares.strip('"[]').split(", ")), (taken, spares)
    finally:
        k.shutdown()
    quiet = Kernel(extra_env={"JPOOL_SPARES": "0"})
    try:
        assert quiet.execute("1 + 1").assert_ok().result == "2"
        assert quiet.execute("jpool.workers.Workers.sparePids().size()").assert_ok().result == "0"
        assert worker_processes(quiet.pid) == {}
    finally:
        quiet.shutdown()


def test_a_new_pool_leaves_the_spares_it_took_unreplaced_until_its_cell_ends(fresh_kernel):
    # A spare a pool takes is replaced once the kernel idles after its cell (or the pool closes), not at once: a JVM
    # starting beside the new pool's first tasks took their cores. Inside the cell, the kernel has no worker JVMs but
    # the pool's and the spares it did not take; once the kernel idles after the cell, the spares are back.
    k = fresh_kernel
    limit = int(k.execute("jpool.workers.Workers.spareLimit()").assert_ok().result)
    want = min(limit, int(k.execute("Runtime.getRuntime().availableProcessors()").assert_ok().result))
    wait_until(lambda: len(worker_processes(k.pid)) >= want, 30, f"{want} spares to start")
    r = k.execute('''
        Pool p = new Pool(2);
        p.map(x -> x, List.of(1, 2), 1);
        jpool.workers.Workers.sparePids().size() + " " + ProcessHandle.current().children()
            .filter(c -> c.info().commandLine().orElse("").contains("jpool.workers.WorkerMain")).count()
    ''').assert_ok()
    spares_during, workers_during = map(int, r.result.strip('"').split())
    left = max(0, want - 2)  # the spares the pool did not take
    assert (spares_during, workers_during) == (left, 2 + left), r.result
    # replaced once the kernel has idled a second after the cell (watched in the process table: a cell would be
    # activity): as many spares as default workers were alive at once
    spares_wanted = min(max(want, 2), limit)
    wait_until(lambda: len(worker_processes(k.pid)) >= 2 + spares_wanted, 30, "the spares to be replaced")
    spares_after = k.execute("jpool.workers.Workers.sparePids()").assert_ok().result.strip('"[]').split(", ")
    assert len(spares_after) == spares_wanted, spares_after
    assert set(spares_after) <= {str(p) for p in worker_processes(k.pid)}, (spares_after, worker_processes(k.pid))
    k.execute("p.terminate()").assert_ok()


def test_an_idle_spare_compiles_the_task_path_before_its_first_task(fresh_kernel):
    # A spare runs made-up pool tasks through the real task path while it waits, so a new pool's first tasks run
    # compiled code, not the interpreter: `jcmd PID Compiler.codelist` lists the task decoder of every spare as
    # compiled although no task has been sent to it.
    k = fresh_kernel
    wait_until(lambda: worker_processes(k.pid), 30, "a spare worker JVM")
    spares = worker_processes(k.pid)
    jcmd = os.path.join(os.path.dirname(spares[min(spares)].split()[0]), "jcmd")

    def compiled(pid):
        out = subprocess.run([jcmd, str(pid), "Compiler.codelist"], capture_output=True, text=True).stdout
        return "jpool.shipping.ChunkCodec.decodeTask(" in out

    for pid in spares:
        wait_until(lambda: compiled(pid), 60, f"spare {pid} to compile the task path")
    assert k.execute("jpool.workers.Workers.live().size()").assert_ok().result == "0"  # none has run a task


def test_exit_keeps_shutdown_hook_output_and_status(kernel):
    # A worker's exit wakes its blocked readers (the JVM otherwise waits 0.3 s for them) by shutting only the
    # reading side of its channel: what shutdown hooks print still arrives, and the status is the one asked for.
    r = kernel.execute('''
        Proc hooked = new Proc("hooked", () -> {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook ran")));
            System.out.println("exiting");
            System.exit(7);
        });
        hooked.start(); hooked.join(); hooked.exitCode()
    ''').assert_ok()
    assert r.result == "7"
    assert tagged(r.stdout, "hooked") == ["exiting", "hook ran"], r.stdout


FLOOD_NOTE = re.compile(r"… (\d+) lines not shown \(output rate limit\); the full log is (.+)")


def test_output_flood_is_rate_limited_in_the_cell_and_complete_in_the_log_file(kernel):
    lines = 200_000
    r = kernel.execute(f'''
        Proc flood = new Proc("flood", () -> {{ for (int i = 0; i < {lines}; i++) System.out.println("line " + i); }});
        flood.start(); flood.join();
        flood.exitCode() + "|" + flood.logFile()
    ''', timeout=180).assert_ok()
    code, log_file = r.result.strip('"').split("|", 1)
    assert code == "0"

    def seen():
        """What the notebook shows of the flood: the cell's stream output, plus its late-output display (the last
        note can come when the router closes, after the cell ended)."""
        text = r.stdout
        late = r.late_display_id()
        updates = kernel.display_updates(late) if late else []
        return text + ("\n" + updates[-1][1] if updates else "")

    def accounted():
        shown = tagged(seen(), "flood")
        return len(shown) + sum(int(n) for n, _ in FLOOD_NOTE.findall(seen()))

    kernel.wait_for(lambda: accounted() >= lines, timeout=60,
                    what=f"shown lines plus 'lines not shown' notes to account for all {lines} lines")
    shown = tagged(seen(), "flood")
    notes = FLOOD_NOTE.findall(seen())
    assert accounted() == lines, (len(shown), notes)
    assert 0 < len(shown) <= lines // 4, f"{len(shown)} of {lines} lines were shown: not rate-limited"
    assert shown[:3] == ["line 0", "line 1", "line 2"]  # the burst comes first, in order
    assert notes and {path.strip() for _, path in notes} == {log_file}, notes
    numbers = [int(s.split()[1]) for s in shown]
    assert numbers == sorted(numbers)  # a rate-limited view of the output, not a reordering of it
    assert numbers[:2000] == list(range(2000)), "the first 2,000 lines (the burst) are all shown"

    def log_lines():
        with open(log_file, encoding="utf-8") as f:
            return f.read().splitlines()

    wait_until(lambda: len(log_lines()) >= lines, timeout=60, what="the whole flood in the log file")
    assert log_lines() == [f"[flood] line {i}" for i in range(lines)]


def test_java_util_logging_and_system_logger_are_tagged_with_the_worker(kernel):
    r = kernel.execute('''
        Proc logs = new Proc("logger-worker", () -> {
            java.util.logging.Logger.getLogger("jul.app").info("jul says hello");
            java.util.logging.Logger.getLogger("jul.app").warning("jul warns");
            System.getLogger("syslog.app").log(System.Logger.Level.INFO, "system logger says {0}", "hi");
            System.getLogger("syslog.app").log(System.Logger.Level.ERROR, "system logger fails", new IllegalStateException("bad state"));
        });
        logs.start(); logs.join(); logs.exitCode() + "|" + logs.logFile()
    ''').assert_ok()
    code, log_file = r.result.strip('"').split("|", 1)
    assert code == "0"
    text = r.stdout + r.stderr
    tagged_lines = tagged(text, "logger-worker")
    assert tagged_lines == [
        "INFO jul.app: jul says hello",
        "WARNING jul.app: jul warns",
        "INFO syslog.app: system logger says hi",
        "SEVERE syslog.app: system logger fails java.lang.IllegalStateException: bad state",
    ], text
    untagged = [line for line in text.splitlines() if line.strip() and not line.startswith("[logger-worker] ")]
    assert not untagged, f"log output without the worker's tag: {untagged}"
    # the log file has them too
    wait_until(lambda: "system logger fails" in open(log_file, encoding="utf-8").read(), timeout=30,
               what="the log lines in the worker's log file")
