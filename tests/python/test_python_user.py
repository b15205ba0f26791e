"""Issue 14: the tutorial's Python idioms as a Python user writes them in jpool, checked through a Jupyter client:
void tasks in every submit form, callback-only overloads, timeouts in seconds, managed collections with initial
contents, null queue items, and what a cell shows (compile errors run nothing, no PrintStream value, is_complete)."""

import re

import pytest

from kernel_helpers import kernel, wait_until  # noqa: F401 (fixture)


def tagged(text):
    """(tag, rest) of every `[Tag] rest` line."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^\[([^\]]+)\] (.*)$", text, re.M)]


@pytest.fixture(scope="module")
def pool(kernel):
    kernel.ok('Pool upool = new Pool(2);\nvoid work(int x) { System.out.println("work " + x); }')
    yield "upool"
    kernel.execute("upool.terminate();")


def test_void_tasks_in_every_submit_form(kernel, pool):
    r = kernel.ok('''
        List<AsyncResult<Void>> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) started.add(upool.runAsync(x -> work(x), i));
        for (AsyncResult<Void> a : started) a.get();
        upool.run(x -> work(x), 10);
        upool.forEach(x -> work(x), List.of(20, 21));
        upool.forEachAsync(x -> work(x), List.of(30)).get();
        upool.apply(() -> work(40));
        upool.applyAsync(() -> work(41)).get();
        upool.starForEach((a, b) -> work(a + b), List.of(Map.entry(50, 1)));
        started.get(0).get() == null
    ''')
    assert r.result == "true"
    lines = sorted(int(rest.split()[1]) for tag, rest in tagged(r.stdout) if rest.startswith("work "))
    assert lines == [0, 1, 2, 10, 20, 21, 30, 40, 41, 51], r.stdout
    assert all(re.fullmatch(r"PoolWorker-\d+", tag) for tag, _ in tagged(r.stdout))


def test_a_failing_void_map_keeps_the_others(kernel, pool):
    r = kernel.execute('upool.forEach(x -> { if (x == 2) throw new IllegalStateException("two"); work(x); }, List.of(1, 2, 3));')
    assert r.status == "error"
    assert "MapFailed" in r.error_text() and "two" in r.error_text(), r.error_text()


def test_the_value_overload_still_wins_for_value_tasks(kernel, pool):
    assert kernel.ok("upool.apply(() -> 6 * 7)").result == "42"
    assert kernel.ok("upool.apply(x -> x + 1, 41)").result == "42"


def test_a_pool_cell_of_only_statements(kernel, pool):
    r = kernel.ok("%%pool -n 2 --map List.of(1, 2) --out _void\nwork(it);")
    assert sorted(int(rest.split()[1]) for _, rest in tagged(r.all_text()) if rest.startswith("work ")) == [1, 2]
    assert kernel.ok("_void").result == "[null, null]"


def test_callback_only_overloads(kernel, pool):
    r = kernel.ok('''
        var got = new java.util.concurrent.CopyOnWriteArrayList<Object>();
        var a = upool.applyAsync(x -> x * 2, 21, v -> got.add("value " + v));
        var b = upool.applyAsync(() -> "called", v -> got.add(v));
        var c = upool.runAsync(x -> work(x), 7, () -> got.add("done"));
        a.get(); b.get(); c.get();
        upool.close();
        upool.join();
        new TreeSet<>(got.stream().map(String::valueOf).toList())
    ''')
    assert r.result == "[called, done, value 42]"


def test_timeouts_take_seconds(kernel):
    r = kernel.ok('''
        Pool tpool = new Pool(1).timeout(30.0);
        var slow = tpool.applyAsync(() -> { Thread.sleep(100_000); return 1; });
        boolean early = slow.waitFor(0.2);
        var quick = tpool.applyAsync(() -> 5);
        tpool.terminate();
        early
    ''')
    assert r.result == "false"
    r = kernel.execute('''
        Pool t2 = new Pool(1).timeout(0.5);
        try { t2.apply(() -> { Thread.sleep(100_000); return 1; }); } finally { t2.terminate(); }
    ''')
    assert r.status == "error", r
    assert "ran longer than its timeout of 0.5 s" in r.error_text(), r.error_text()


def test_manager_collections_start_with_contents(kernel):
    r = kernel.ok('''
        Manager mgr = new Manager();
        SharedList<Integer> numbers = mgr.list(java.util.stream.IntStream.range(0, 5).boxed().toList());
        SharedMap<String, Integer> ages = mgr.map(Map.of("ann", 31));
        var p = new Proc(() -> { numbers.add(5); ages.put("bob", 42); });
        p.start(); p.join();
        numbers.snapshot() + " " + new TreeMap<>(ages.snapshot())
    ''')
    assert r.result.strip('"') == "[0, 1, 2, 3, 4, 5] {ann=31, bob=42}"
    kernel.ok("mgr.close();")


def test_null_is_a_queue_item_like_none(kernel):
    r = kernel.ok('''
        MpQueue<String> tasks = new MpQueue<>();
        MpQueue<String> seen = new MpQueue<>();
        var consumer = new Proc("consumer", () -> {
            while (true) {
                String t = tasks.get();
                if (t == null) { seen.put("pill"); break; }
                seen.put("task " + t);
            }
        });
        consumer.start();
        tasks.put("a"); tasks.put(null);
        consumer.join();
        tasks.put(null);
        String local = tasks.getNow();
        seen.get() + ", " + seen.get() + ", " + local + ", " + consumer.exitCode()
    ''')
    assert r.result.strip('"') == "task a, pill, null, 0"
    r = kernel.execute("tasks.getNow()")
    assert r.status == "error" and "queue empty" in r.error_text()


def test_a_cell_with_a_compile_error_anywhere_runs_nothing(kernel):
    kernel.ok("int ran = 0;")
    r = kernel.execute('''
        ran = 1;
        System.out.println("printed before the error");
        int helper = ran + 1;
        String wrong = helper;
    ''')
    assert r.status == "error"
    assert r.errors[0]["ename"] == "CompilationError"
    assert "line 5" in r.error_text() and "int cannot be converted to java.lang.String" in r.error_text()
    assert r.stdout == "", r.stdout
    assert kernel.ok("ran").result == "0"
    # nothing of it was declared either, and a fixed cell then runs in full
    assert "cannot find symbol" in kernel.execute("helper").error_text()
    r = kernel.ok('ran = 1;\nint helper = ran + 1;\nString right = "" + helper;\nright')
    assert r.result == "2"


def test_the_check_follows_what_ran_before(kernel):
    # a cell that stopped half-way (runtime error) declared only what came before the error
    r = kernel.execute('int before = 1;\nif (before == 1) throw new IllegalStateException("stop");\nint after = 2;')
    assert r.status == "error" and "stop" in r.error_text()
    assert "cannot find symbol" in kernel.execute("int z = after;\nz").error_text()
    # a declaration replaced in a cell that failed to compile keeps its old value and type
    kernel.ok('String kept = "old";')
    r = kernel.execute('int kept = 5;\nint y = "no";')
    assert r.status == "error"
    assert kernel.ok('kept.length();\nkept').result == "old"
    # one-snippet cells are followed too
    kernel.ok("double single = 2.5;")
    assert kernel.ok("double twice = single * 2;\ntwice").result == "5.0"


def test_a_pool_call_checked_before_it_submits(kernel, pool):
    kernel.ok("Pool cpool = new Pool(1);")
    r = kernel.execute('''
        var started = cpool.applyAsync(() -> { System.out.println("ran in the worker"); return 1; });
        started.get();
        int broken = "text";
    ''')
    assert r.status == "error" and "ran in the worker" not in r.all_text()
    assert "tasks 0 done, 0 pending" in kernel.ok("cpool.status()").result
    kernel.ok("cpool.terminate();")


def test_printf_at_the_end_of_a_cell_shows_no_value(kernel):
    r = kernel.ok('System.out.printf("%d apples%n", 3)')
    assert r.stdout == "3 apples\n"
    assert r.result is None
    r = kernel.ok('System.err.format("warned%n");\nnew java.io.PrintWriter(System.out).printf("x")')
    assert r.result is None
    assert kernel.ok('new StringBuilder("sb").append(1)').result == "sb1"  # a value, not a stream


def test_a_failed_task_shows_its_remote_trace_pointing_at_the_cell(kernel):
    kernel.ok("Pool tpool2 = new Pool(1);")
    defining = kernel.ok('''
        int check(int x) {
            if (x == 3) throw new IllegalArgumentException("no threes");
            return x;
        }
    ''')
    n = defining.reply["execution_count"]
    r = kernel.execute("tpool2.apply(x -> check(x), 3)")
    m = r.reply["execution_count"]
    assert r.status == "error"
    text = re.sub(r"\x1b\[[0-9;]*m", "", r.error_text())
    assert "TaskFailed" in text and "in the worker: java.lang.IllegalArgumentException: no threes" in text, text
    assert f"at check (cell [{n}], line 3)" in text or f"check(cell [{n}], line 3)" in text, text
    assert f"(cell [{m}], line 1)" in text, text
    assert not re.search(r"^\s+at jpool\.", text, re.M), text  # trimmed of jpool's own frames
    # the same trace is on the exception object, and the last cell exception is at hand
    r = kernel.ok('TaskFailed tf = Mp.lastError();\ntf.remoteTrace()')
    assert f"(cell [{n}], line 3)" in r.result, r.result


def test_map_failed_shows_traces_and_keeps_results_in_the_last_error(kernel):
    r = kernel.execute("tpool2.map(x -> check(x), List.of(1, 2, 3, 4))")
    assert r.status == "error"
    text = re.sub(r"\x1b\[[0-9;]*m", "", r.error_text())
    assert "MapFailed" in text and "input #2 3: in the worker: java.lang.IllegalArgumentException: no threes" in text, text
    assert kernel.ok("MapFailed mf = Mp.lastError();\nmf.results()").result == "[1, 2, null, 4]"
    kernel.ok("tpool2.terminate();")


def test_log_to_stderr_prints_lifecycle_events_tagged_by_process(kernel):
    r = kernel.ok('''
        Mp.logToStderr("DEBUG");
        var logged = new Proc("logged", () -> System.out.println("doing some work"));
        logged.start();
        logged.join();
        Mp.logToStderr("OFF");
        var quiet = new Proc("quiet", () -> System.out.println("quiet work"));
        quiet.start();
        quiet.join();
    ''')
    err = r.stderr.splitlines()
    assert "[INFO/logged] child process calling self.run()" in err, r.stderr
    assert "[DEBUG/MainProcess] calling join() for process logged" in err, r.stderr
    assert err.index("[INFO/logged] process shutting down") < err.index("[INFO/logged] process exiting with exitcode 0")
    assert "[logged] doing some work" in r.stdout and "[quiet] quiet work" in r.stdout
    assert "quiet" not in r.stderr, r.stderr
    assert "must be one of DEBUG, INFO, WARNING, OFF" in kernel.execute('Mp.logToStderr("LOUD");').error_text()
