"""jpool's Pool (like multiprocessing.Pool) through a real Jupyter client: tagged worker output, results in order,
callbacks, lifecycle, recycling, initializers, failures that lose nothing, dead workers, interrupts, parallelism."""

import os
import re
import signal

import pytest

from kernel_helpers import cleanup, kernel, pid_alive, wait_until, worker_processes  # noqa: F401 (fixture)


def tagged_pairs(text):
    """(tag, rest) for every `[Tag] rest` line."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^\[([^\]]+)\] (.*)$", text, re.M)]


def java_list(text):
    """Parses a printed List of ints/longs such as `[1, 2, 3]`."""
    text = text.strip().strip('"')
    assert text.startswith("[") and text.endswith("]"), text
    inner = text[1:-1].strip()
    return [int(v) for v in inner.split(",")] if inner else []


def test_ten_apply_async_print_worker_names(kernel, cleanup):
    cleanup.append("p4")
    r = kernel.execute('''
        Pool p4 = new Pool(4);
        List<AsyncResult<String>> named = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            named.add(p4.applyAsync(() -> {
                String me = Mp.current().name();
                System.out.println("task " + n + " runs in " + me);
                return me;
            }));
        }
        for (AsyncResult<String> a : named) a.get();
        p4.workers().stream().map(w -> w.name()).sorted().toList()
    ''').assert_ok()
    workers = r.result.strip('"[]').split(", ")
    assert len(set(workers)) == 4, r.result
    lines = [(tag, rest) for tag, rest in tagged_pairs(r.stdout) if rest.startswith("task ")]
    assert sorted(int(rest.split()[1]) for _, rest in lines) == list(range(10)), r.stdout
    for tag, rest in lines:
        assert re.fullmatch(r"PoolWorker-\d+", tag), tag
        assert rest.endswith(f"runs in {tag}"), (tag, rest)  # the tag names the worker that printed it
    assert {tag for tag, _ in lines} <= set(workers), (lines, workers)


def test_apply_async_values_in_order(kernel, cleanup):
    cleanup.append("pv")
    r = kernel.execute('''
        Pool pv = new Pool(4);
        List<AsyncResult<Integer>> squares = new ArrayList<>();
        for (int i = 0; i < 10; i++) { int n = i; squares.add(pv.applyAsync(() -> n * n)); }
        squares.stream().map(AsyncResult::get).toList()
    ''').assert_ok()
    assert java_list(r.result) == [i * i for i in range(10)]
    r = kernel.execute('''
        var blocking = pv.apply(x -> x + 1, 41);
        blocking + " " + pv.apply(() -> Mp.current().name())
    ''').assert_ok()
    value, worker = r.result.strip('"').split()
    assert value == "42"
    assert re.fullmatch(r"PoolWorker-\d+", worker)


def test_callbacks_receive_value_and_error(kernel, cleanup):
    cleanup.append("pc")
    r = kernel.execute('''
        Pool pc = new Pool(2);
        var gotValue = new java.util.concurrent.CompletableFuture<Object>();
        var gotError = new java.util.concurrent.CompletableFuture<RuntimeException>();
        pc.applyAsync(x -> x * 3, 14,
                v -> { System.out.println("callback got " + v); gotValue.complete(v); },
                e -> gotValue.completeExceptionally(e));
        pc.applyAsync(x -> { if (x > 0) throw new IllegalArgumentException("bad input " + x); return x; }, 5,
                v -> gotError.complete(null),
                e -> { System.out.println("error callback got " + e.getClass().getSimpleName()); gotError.complete(e); });
        var err = gotError.get(60, java.util.concurrent.TimeUnit.SECONDS);
        gotValue.get(60, java.util.concurrent.TimeUnit.SECONDS) + " | " + (err instanceof TaskFailed) + " | " + err.getMessage()
    ''').assert_ok()
    value, is_task_failed, message = r.result.strip('"').split(" | ", 2)
    assert value == "42"
    assert is_task_failed == "true"
    assert "IllegalArgumentException" in message and "bad input 5" in message, message
    assert "callback got 42" in r.stdout
    assert "error callback got TaskFailed" in r.stdout


def test_map_is_ordered_when_later_items_finish_first(kernel, cleanup):
    cleanup.append("pm")
    r = kernel.execute('''
        Pool pm = new Pool(4);
        pm.map(x -> { Thread.sleep((10 - x) * 50L); System.out.println("done " + x); return x * 10; },
               java.util.stream.IntStream.range(0, 10).boxed().toList(), 1)
    ''').assert_ok()
    assert java_list(r.result) == [x * 10 for x in range(10)]
    finished = [int(rest.split()[1]) for _, rest in tagged_pairs(r.stdout) if rest.startswith("done ")]
    assert sorted(finished) == list(range(10)), r.stdout
    assert finished != sorted(finished), f"the items finished in input order, so ordering was not tested: {finished}"


def test_close_join_terminate(kernel, cleanup):
    cleanup.append("pl")
    kernel.execute('Pool pl = new Pool(2);').assert_ok()
    r = kernel.execute('pl.join()')
    assert r.status == "error"
    assert "IllegalStateException" in r.error_text()
    assert "join() needs close() or terminate() first" in r.error_text()
    # close lets submitted work finish, then join returns at once
    r = kernel.execute('''
        AsyncResult<Integer> slow = pl.applyAsync(() -> { Thread.sleep(300); return 7; });
        pl.close();
        pl.join();
        slow.ready() + " " + slow.get()
    ''').assert_ok()
    assert r.result.strip('"') == "true 7"
    r = kernel.execute('pl.map(x -> x, List.of(1, 2))')
    assert r.status == "error"
    assert "closed" in r.error_text() and "IllegalStateException" in r.error_text(), r.error_text()

    cleanup.append("pt")
    r = kernel.execute('''
        Pool pt = new Pool(2);
        long ptPid = pt.apply(() -> ProcessHandle.current().pid());
        AsyncResult<Integer> never = pt.applyAsync(() -> { Thread.sleep(120_000); return 1; });
        pt.terminate();
        String outcome;
        try { outcome = "value " + never.get(); } catch (RuntimeException e) { outcome = e.getClass().getName() + ": " + e.getMessage(); }
        ptPid + " " + outcome
    ''').assert_ok()
    pid, outcome = r.result.strip('"').split(" ", 1)
    assert outcome.startswith("java.util.concurrent.CancellationException") and "terminated" in outcome, outcome
    wait_until(lambda: not pid_alive(int(pid)), 15, f"worker {pid} of the terminated pool to exit")
    r = kernel.execute('pt.apply(() -> 1)')
    assert r.status == "error" and "terminated" in r.error_text(), r.error_text()


def test_max_tasks_per_child_recycles_workers(kernel, cleanup):
    cleanup.append("pr")
    r = kernel.execute('''
        Pool pr = new Pool(2, null, 1);
        pr.map(x -> ProcessHandle.current().pid(), List.of(1, 2, 3, 4, 5, 6), 1)
    ''').assert_ok()
    pids = java_list(r.result)
    assert len(pids) == 6
    assert len(set(pids)) == 6, f"a worker ran more than one task: {pids}"


def test_initializer_effects_visible_in_tasks(kernel, cleanup):
    cleanup.append("pi")
    since = len(kernel.iopub_log)
    r = kernel.execute('''
        class Setting { static String greeting = "not initialized"; }
        Pool pi = new Pool(2, () -> {
            Setting.greeting = "initialized in " + Mp.current().name();
            System.out.println("initializer ran");
        });
        pi.map(x -> Setting.greeting, List.of(1, 2, 3, 4), 1)
    ''').assert_ok()
    values = [v.strip() for v in r.result.strip().strip("[]").split(",")]
    assert len(values) == 4
    for v in values:
        assert re.fullmatch(r"initialized in PoolWorker-\d+", v), r.result
    # each worker runs the initializer once; one may still be initializing when the other has done all four
    # tasks, so its line can arrive after the cell ended (as late output in that cell)
    def init_lines():
        seen = "".join(m["content"].get("text", "") + m["content"].get("data", {}).get("text/plain", "")
                       for m in kernel.iopub_log[since:])
        return set(re.findall(r"\[(PoolWorker-\d+)\] initializer ran", seen))
    kernel.wait_for(lambda: len(init_lines()) == 2, timeout=30, what="both workers' initializer output")


def test_map_failure_keeps_other_results(kernel, cleanup):
    cleanup.append("pf")
    kernel.execute('''
        Pool pf = new Pool(2);
        Fn<Integer, Integer> failsAt19 = x -> { if (x == 19) throw new IllegalStateException("nineteen is bad"); return x * 2; };
        List<Integer> twenty = java.util.stream.IntStream.range(0, 20).boxed().toList();
    ''').assert_ok()
    r = kernel.execute('pf.map(failsAt19, twenty)')
    assert r.status == "error"
    text = r.error_text()
    assert "MapFailed" in text and "input #19" in text, text
    assert "IllegalStateException: nineteen is bad" in text, text
    r = kernel.execute('''
        String summary;
        try { pf.map(failsAt19, twenty); summary = "no failure"; }
        catch (MapFailed e) {
            List<Integer> kept = e.results();
            summary = kept.size() + " " + kept.stream().filter(java.util.Objects::nonNull).count() + " " + kept.get(18)
                    + " " + kept.get(19) + " " + e.failures().size() + " " + e.failures().get(0).input();
        }
        summary
    ''').assert_ok()
    assert r.result.strip('"') == "20 19 36 null 1 19"


def test_killed_worker_fails_only_its_task(kernel, cleanup):
    cleanup.append("pk")
    kernel.execute('Pool pk = new Pool(2);').assert_ok()
    killed = []

    def on_message(msg):
        if killed or msg["msg_type"] != "stream":
            return
        m = re.search(r"victim pid (\d+)", msg["content"]["text"])
        if m:
            pid = int(m.group(1))
            # only ever kill a worker of our own kernel
            assert pid in worker_processes(kernel.pid), f"{pid} is not a worker of this kernel"
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    r = kernel.execute('''
        AsyncResult<Integer> victim = pk.applyAsync(() -> {
            System.out.println("victim pid " + ProcessHandle.current().pid());
            Thread.sleep(120_000);
            return 1;
        });
        String died;
        try { died = "value " + victim.get(); } catch (WorkerDied e) { died = "WorkerDied " + e.exitCode() + " " + e.getMessage(); }
        died
    ''', on_message=on_message).assert_ok()
    assert killed, f"the task never printed its pid: {r.stdout}"
    died = r.result.strip('"')
    assert died.startswith("WorkerDied -9 "), died
    assert "signal 9" in died, died
    r = kernel.execute('pk.map(x -> ProcessHandle.current().pid() + ":" + (x + 1), List.of(1, 2, 3, 4), 1)').assert_ok()
    items = [v.strip() for v in r.result.strip("[]").split(",")]
    assert [v.split(":")[1] for v in items] == ["2", "3", "4", "5"]
    assert str(killed[0]) not in [v.split(":")[0] for v in items]


def test_failing_callback_is_reported_and_pool_works(kernel, cleanup):
    cleanup.append("pcb")
    r = kernel.execute('''
        Pool pcb = new Pool(2);
        pcb.applyAsync(x -> x, 1, v -> { throw new RuntimeException("callback exploded"); }, null).get()
    ''').assert_ok()
    assert r.result == "1"
    display_id = r.late_display_id()

    def reported():
        seen = r.stream() + "".join(r.display_updates(display_id) if display_id else [])
        return "callback failed" in seen and "callback exploded" in seen

    kernel.wait_for(reported, timeout=30, what="the callback's failure to be reported in its cell")
    assert kernel.execute('pcb.apply(x -> x * 2, 21)').assert_ok().result == "42"


def test_interrupt_during_map(kernel, cleanup):
    cleanup.append("pin")
    kernel.execute('Pool pin = new Pool(2);').assert_ok()
    msg_id = kernel.kc.execute('pin.map(x -> { System.out.println("started " + x); Thread.sleep(100_000); return x; }, List.of(1, 2))')
    kernel.wait_for(lambda: any("started" in m["content"].get("text", "")
                                for m in kernel.by_parent.get(msg_id, []) if m["msg_type"] == "stream"),
                    timeout=60, what="the map's tasks to start")
    kernel.interrupt()
    kernel.collect(msg_id, timeout=10)  # TimeoutError when the interrupted cell does not come back promptly
    assert java_list(kernel.execute('pin.map(x -> x * 2, List.of(1, 2, 3))').assert_ok().result) == [2, 4, 6]


def test_cpu_bound_map_runs_in_parallel(kernel, cleanup):
    cleanup.append("pp")
    r = kernel.execute('''
        Pool pp = new Pool(2);
        var spins = pp.mapResults(x -> {
            long end = System.nanoTime() + 700_000_000L, s = 0;
            while (System.nanoTime() < end) s += Long.hashCode(s * 31 + x);
            return s;
        }, List.of(1, 2, 3, 4));
        spins.stream().map(o -> o.ok() + ":" + o.pid() + ":" + o.startMillis() + ":" + o.endMillis())
             .collect(java.util.stream.Collectors.joining(","))
    ''').assert_ok()
    outcomes = []
    for item in r.result.strip('"').split(","):
        ok, pid, start, end = item.split(":")
        assert ok == "true", r.result
        outcomes.append((int(pid), int(start), int(end)))
    assert len({pid for pid, _, _ in outcomes}) >= 2, outcomes
    overlapping = [(a, b) for a in outcomes for b in outcomes
                   if a[0] != b[0] and a[1] < b[2] and b[1] < a[2]]
    assert overlapping, f"no two tasks on different workers ran at the same time: {outcomes}"


def test_state_shipped_to_pool_tasks(kernel, cleanup):
    cleanup.append("ps")
    kernel.execute('int factor = 7; Pool ps = new Pool(2);').assert_ok()
    r = kernel.execute('ps.map(x -> x * factor, List.of(1, 2, 3))').assert_ok()
    assert java_list(r.result) == [7, 14, 21]
    # the same function object again (serialized once, reused by every task): each call still sees the variable's
    # value at that moment
    kernel.execute('Fn<Integer, Integer> times = x -> x * factor;').assert_ok()
    assert kernel.execute('ps.apply(times, 5)').assert_ok().result == "35"
    kernel.execute('factor = 8;').assert_ok()
    assert kernel.execute('ps.apply(times, 5)').assert_ok().result == "40"
    assert java_list(kernel.execute('ps.map(times, List.of(1, 2, 3), 1)').assert_ok().result) == [8, 16, 24]
    # the pool remembers which variables a function's code reads: redeclaring a variable or redefining a method
    # it calls must still give in the workers what the same function gives in the kernel
    kernel.execute('int offset() { return 1; }\nFn<Integer, Integer> shifted = x -> x * factor + offset();').assert_ok()
    assert kernel.execute('ps.apply(shifted, 5)').assert_ok().result == "41"
    kernel.execute('long factor = 100;').assert_ok()
    kernel.execute('int offset() { return 2; }').assert_ok()
    both = kernel.execute('shifted.apply(5) + " " + ps.apply(shifted, 5)').assert_ok().result.strip('"')
    local, remote = both.split()
    assert local == remote, both


def test_record_defined_after_workers_started(kernel, cleanup):
    cleanup.append("pd")
    r = kernel.execute('Pool pd = new Pool(2); pd.map(x -> x + 1, List.of(1, 2))').assert_ok()
    assert java_list(r.result) == [2, 3]
    kernel.execute('record Point(int x, int y) { int sum() { return x + y; } }').assert_ok()
    r = kernel.execute('pd.map(i -> new Point(i, i * i), List.of(1, 2, 3))').assert_ok()
    assert r.result == "[Point[x=1, y=1], Point[x=2, y=4], Point[x=3, y=9]]"
    r = kernel.execute('pd.map(p -> p.sum(), List.of(new Point(1, 2), new Point(30, 4)))').assert_ok()
    assert java_list(r.result) == [3, 34]


def test_non_serializable_argument_is_a_clear_error(kernel, cleanup):
    cleanup.append("pn")
    r = kernel.execute('Pool pn = new Pool(1); pn.apply(b -> b.size(), new java.io.ByteArrayOutputStream())')
    assert r.status == "error"
    text = r.error_text()
    assert "ByteArrayOutputStream" in text and "not Serializable" in text, text
    assert kernel.execute('pn.apply(x -> x + 1, 1)').assert_ok().result == "2"
    # a notebook variable the task reads is refused before anything runs, named with its type
    kernel.execute('var poolBuffer = new java.io.ByteArrayOutputStream();').assert_ok()
    r = kernel.execute('pn.map(x -> x + poolBuffer.size(), List.of(1, 2))')
    assert r.status == "error", r.result
    assert "reads notebook variable 'poolBuffer' (java.io.ByteArrayOutputStream)" in r.error_text(), r.error_text()
    assert kernel.execute('pn.map(x -> x * 2, List.of(1, 2))').assert_ok().result == "[2, 4]"


def test_variable_of_a_type_that_may_not_travel(kernel, cleanup):
    """A notebook variable whose type the worker refuses to deserialize is named once, and does not turn the other
    tasks of the same map into unrelated errors (they used to fail with EOFException)."""
    cleanup.append("pa")
    kernel.execute('var awtPoint = new java.awt.Point(1, 2); Pool pa = new Pool(1);').assert_ok()
    r = kernel.execute('pa.map(x -> x + awtPoint.x, List.of(1, 2, 3), 1)')
    assert r.status == "error"
    assert "note: notebook variable 'awtPoint'" in r.stderr and "java.awt.Point" in r.stderr, r.stderr
    text = r.error_text()
    assert "3 of 3 inputs failed" in text, text
    assert "EOFException" not in text, text
    assert text.count("NullPointerException") >= 3, text
    assert java_list(kernel.execute('pa.map(x -> x + 1, List.of(1, 2, 3), 1)').assert_ok().result) == [2, 3, 4]
    r = kernel.execute('pa.apply(() -> new java.awt.Point(3, 4))')
    assert r.status == "error"
    assert "java.awt.Point" in r.error_text() and "may not be sent" in r.error_text(), r.error_text()


def test_task_failure_speaks_the_users_names(kernel, cleanup):
    cleanup.append("pe")
    kernel.execute('''
        class Overdrawn extends RuntimeException { Overdrawn(String m) { super(m); } }
        record Account(int balance) {
            int withdraw(int n) { if (n > balance) throw new Overdrawn("short by " + (n - balance)); return balance - n; }
        }
        Pool pe = new Pool(1);
    ''').assert_ok()
    r = kernel.execute('pe.apply(() -> new Account(5).withdraw(8))')
    assert r.status == "error"
    text = r.error_text()
    assert "task failed: Overdrawn: short by 3" in text, text  # no "input null" for a task without input
    r = kernel.execute('''
        String trace;
        try { pe.map(n -> new Account(5).withdraw(n), List.of(9)); trace = "no failure"; }
        catch (MapFailed e) { trace = ((TaskFailed) e.failures().get(0).error()).remoteTrace(); }
        System.out.println(trace);
    ''').assert_ok()
    assert "Overdrawn: short by 4" in r.stdout, r.stdout
    assert "Account.withdraw" in r.stdout, r.stdout
    assert "$JShell$" not in r.stdout and "jpool-notebook//" not in r.stdout, r.stdout


def test_task_output_after_its_cell_ended_goes_to_that_cell(kernel, cleanup, tmp_path):
    cleanup.append("plate")
    trigger = tmp_path / "go"
    r = kernel.execute(f'''
        String poolTrigger = "{trigger}";
        Pool plate = new Pool(1);
        AsyncResult<Integer> later = plate.applyAsync(() -> {{
            long end = System.currentTimeMillis() + 60_000;
            while (!java.nio.file.Files.exists(java.nio.file.Path.of(poolTrigger)) && System.currentTimeMillis() < end)
                Thread.sleep(10);
            System.out.println("printed after the cell ended");
            return 5;
        }});
    ''').assert_ok()
    display_id = r.late_display_id()
    assert display_id, r.msgs
    r2 = kernel.execute('java.nio.file.Files.createFile(java.nio.file.Path.of(poolTrigger)); later.get()').assert_ok()
    assert r2.result == "5"
    assert "printed after the cell ended" not in r2.own_text()
    kernel.wait_for(lambda: any(re.search(r"\[PoolWorker-\d+\] printed after the cell ended", t)
                                for _, t in kernel.display_updates(display_id)),
                    timeout=30, what="the task's line in the submitting cell's late-output display")


def test_result_that_cannot_travel_fails_only_its_input(kernel, cleanup):
    cleanup.append("pu")
    r = kernel.execute('''
        Pool pu = new Pool(1);
        String outcome;
        try { pu.map(x -> x == 2 ? new Object() : (x == 3 ? new java.awt.Point(x, x) : x), List.of(1, 2, 3, 4), 4); outcome = "no failure"; }
        catch (MapFailed e) { outcome = e.results() + "\\n" + e.getMessage(); }
        outcome
    ''').assert_ok()
    text = r.result.strip('"').replace("\\n", "\n")
    kept, message = text.split("\n", 1)
    assert kept == "[1, null, null, 4]", text  # one chunk of four inputs: the good results survive
    assert "2 of 4 inputs failed" in message, message
    assert "input #1 2" in message and "java.lang.Object is not Serializable" in message, message
    assert "input #2 3" in message and "java.awt.Point" in message, message
    assert "ChunkTask" not in message, message


def test_chatty_initializer_and_large_task_do_not_deadlock(kernel, cleanup):
    """A task sent while the initializer still ran blocked (under the pool's lock) until the worker read it, while
    the worker's output waited for that lock: the cell hung forever."""
    cleanup.append("pchat")
    r = kernel.execute('''
        Pool pchat = new Pool(1, () -> { for (int i = 0; i < 200_000; i++) System.out.println("init line " + i); });
        double[] bigInput = new double[2_000_000];
        pchat.map(a -> a.length, List.of(bigInput))
    ''', timeout=90).assert_ok()
    assert java_list(r.result) == [2_000_000]
    assert "[PoolWorker-" in r.stdout and "init line 0" in r.stdout
    # the count of lines the rate limit held back is told in this cell, by its end, not in a later cell
    assert "lines not shown (output rate limit)" in r.stdout, r.stdout[-500:]


def test_big_arrays_travel_both_ways(kernel, cleanup):
    """Big primitive arrays leave the serialization stream (bulk transfer): arguments, results, notebook state,
    nested in records and lists, several per value, each kind of array."""
    cleanup.append("pbig")
    r = kernel.execute('''
        record Series(String name, double[] values) {}
        Pool pbig = new Pool(2);
        double[] ramp = new double[1_000_000];
        for (int i = 0; i < ramp.length; i++) ramp[i] = i * 0.5;
        byte[] blob = new byte[3 << 20];
        new Random(5).nextBytes(blob);
        Series doubled = pbig.apply(s -> {
            double[] v = s.values().clone();
            for (int i = 0; i < v.length; i++) v[i] *= 2;
            return new Series(s.name() + "!", v);
        }, new Series("ramp", ramp));
        List<long[]> fromState = pbig.apply(() -> List.of(new long[]{(long) ramp[999_999]}, new long[200_000]));
        List<Integer> hashes = pbig.map(b -> java.util.Arrays.hashCode(b), List.of(blob, blob.clone(), new byte[0]), 1);
        System.out.println(doubled.name() + " " + doubled.values().length + " " + doubled.values()[999_999]);
        System.out.println(fromState.get(0)[0] + " " + fromState.get(1).length);
        System.out.println(hashes.get(0) == java.util.Arrays.hashCode(blob) && hashes.get(1).equals(hashes.get(0)) && hashes.get(2) == 1);
    ''', timeout=120).assert_ok()
    assert r.stdout.split("\n")[:3] == ["ramp! 1000000 999999.0", "499999 200000", "true"], r.stdout


def test_timeout_does_not_count_the_initializer(kernel, cleanup):
    cleanup.append("pslowinit")
    r = kernel.execute('''
        Pool pslowinit = new Pool(1, () -> Thread.sleep(2000)).timeout(java.time.Duration.ofMillis(1000));
        pslowinit.apply(() -> "quick task")
    ''').assert_ok()
    assert r.result == "quick task"


def interrupt_and_wait(kernel):
    """Sends interrupt_request on the control channel and waits for its reply (the interrupt has been handled)."""
    msg = kernel.kc.session.msg("interrupt_request", {})
    kernel.kc.control_channel.send(msg)
    while True:
        reply = kernel.kc.get_control_msg(timeout=10)
        if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            assert reply["content"]["status"] == "ok", reply
            return


def test_interrupt_on_idle_kernel_spares_background_tasks(kernel, cleanup):
    cleanup.append("pbg")
    kernel.execute('''
        Pool pbg = new Pool(1);
        MpEvent bgGo = new MpEvent();
        AsyncResult<Integer> bg = pbg.applyAsync(() -> { bgGo.waitFor(); return 7; });
    ''').assert_ok()
    interrupt_and_wait(kernel)  # no cell is running: nothing is the interrupt's target
    assert kernel.execute('bgGo.set(); bg.get()').assert_ok().result == "7"


def test_worker_death_requeues_tasks_queued_behind_it(kernel, cleanup):
    cleanup.append("prq")
    # short tasks first, so the pool queues several tasks ahead in its one worker
    kernel.execute('''
        Pool prq = new Pool(1);
        for (int i = 0; i < 200; i++) prq.apply(x -> x, i);
        Fn<Integer, Integer> dies = x -> { if (x == 50) Runtime.getRuntime().halt(7); return x + 1000; };
        String outcome;
        try { outcome = "no failure " + prq.map(dies, java.util.stream.IntStream.range(0, 120).boxed().toList(), 1).size(); }
        catch (MapFailed e) {
            outcome = e.failures().size() + " failed: input " + e.failures().get(0).input() + " " + e.failures().get(0).error().getClass().getSimpleName()
                    + "; kept " + e.results().stream().filter(java.util.Objects::nonNull).count()
                    + "; in order " + e.results().get(49) + "," + e.results().get(51) + "," + e.results().get(119);
        }
    ''').assert_ok()
    assert kernel.execute('outcome').assert_ok().result.strip('"') == \
        "1 failed: input 50 WorkerDied; kept 119; in order 1049,1051,1119"


def test_interrupt_skips_tasks_queued_in_a_worker(kernel, cleanup):
    cleanup.append("psk")
    kernel.execute('''
        Pool psk = new Pool(1).terminateOnInterrupt(false);
        for (int i = 0; i < 200; i++) psk.apply(x -> x, i);   // short tasks: the pool now queues ahead
        MpEvent skGo = new MpEvent();
    ''').assert_ok()
    msg_id = kernel.kc.execute('psk.map(x -> { System.out.println("began " + x); if (x == 0) skGo.waitFor(); return x; }, List.of(0, 1, 2, 3, 4, 5), 1)')
    kernel.wait_for(lambda: any("began 0" in m["content"].get("text", "")
                                for m in kernel.by_parent.get(msg_id, []) if m["msg_type"] == "stream"),
                    timeout=60, what="the first task to start")
    interrupt_and_wait(kernel)
    kernel.collect(msg_id, timeout=10)
    # the running task finishes (terminateOnInterrupt(false)); those queued behind it in the worker are skipped
    r = kernel.execute('skGo.set(); psk.apply(x -> "after " + x, 1)').assert_ok()
    assert r.result.strip('"') == "after 1"
    seen = "".join(m["content"].get("text", "") + m["content"].get("data", {}).get("text/plain", "")
                   for m in kernel.iopub_log)
    assert "began 0" in seen
    assert not re.search(r"began [1-5]", seen), seen


def test_long_map_from_code_shows_a_live_task_board(kernel, cleanup):
    cleanup.append("pbd")
    kernel.execute('Pool pbd = new Pool(2);').assert_ok()
    # eight inputs of ~0.4 s on two workers: about 1.6 s, past the second after which a board appears
    r = kernel.execute('''
        var slow = pbd.map(x -> { System.out.println("working on " + x); Thread.sleep(400); if (x == 5) throw new IllegalStateException("five"); return x; },
                           List.of(0, 1, 2, 3, 4, 5, 6, 7), 1);
    ''')
    assert r.status == "error" and "MapFailed" in r.error_text()
    boards = [d for d in r.display_ids() if d.startswith("jpool-board-")]
    assert len(boards) == 1, r.display_ids()
    # the board holds its place above the tasks' output from their first line, though it is shown a second later
    order = [m["msg_type"] for m in r.msgs if m["msg_type"] == "stream" and "working on" in m["content"]["text"]
             or m["content"].get("transient", {}).get("display_id") == boards[0]]
    assert order[0] == "display_data" and "stream" in order, order
    frames = [m["content"]["data"] for m in kernel.iopub_log if m["msg_type"] in ("display_data", "update_display_data")
              and m["content"].get("transient", {}).get("display_id") == boards[0]]
    assert len(frames) >= 2, "the board is updated in place while the map runs"
    final = frames[-1]
    assert 'data-state="final"' in final["text/html"] and "<svg" in final["text/html"], final["text/html"][:300]
    text = final["text/plain"]
    assert "map of 8 items: 8/8 done · 1 failed" in text, text
    assert "PoolWorker-" in text and "#5: task failed for input 5: java.lang.IllegalStateException: five" in text, text
    assert float(re.search(r"· ([\d.]+) s · finished", text).group(1)) >= 1.6, "elapsed counts from the call's start"
    assert any("ETA" in f["text/plain"] for f in frames[:-1]), "while running, the board estimates the time left"


def test_task_output_reaches_the_cell_before_its_callback_and_join(kernel, cleanup):
    """A task's stderr and stdout lines are in the cell before the lines its callback prints, and before what the
    cell prints after close() + join() (each stream is coalesced on its own; a switch sends the other first)."""
    cleanup.append("po")
    r = kernel.execute('''
        Pool po = new Pool(2);
        for (int i = 0; i < 8; i++) {
            po.applyAsync(x -> { System.err.println("task err " + x); System.out.println("task out " + x); return x; }, i,
                    v -> System.out.println("callback " + v), null);
        }
        po.close();
        po.join();
        System.out.println("joined");
    ''').assert_ok()
    lines = []
    for m in r.of_type("stream"):
        lines += [(m["content"]["name"], ln) for ln in m["content"]["text"].splitlines()]
    order = [ln for _, ln in lines]
    for i in range(8):
        err = next(k for k, ln in enumerate(order) if ln.endswith(f"task err {i}"))
        out = next(k for k, ln in enumerate(order) if ln.endswith(f"task out {i}"))
        cb = order.index(f"callback {i}")
        assert err < cb and out < cb, order
    assert order[-1] == "joined", order
