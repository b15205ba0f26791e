"""Writes notebooks/06-python-tutorial.ipynb (saved without outputs). Run with Debian's Python:

    /usr/bin/python3 notebooks/make_06_tutorial.py

The notebook walks through the sections of the Python multiprocessing tutorial this project follows, in its order,
each naming the Python API it mirrors, with jpool cells of its own. Edit the cells here, not in the .ipynb, so the
cell ids the checks (tests/python/nb_checks_tutorial.py) use stay put.
"""
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook

from nbcells import Cells

OUT = Path(__file__).resolve().parent / "06-python-tutorial.ipynb"
cells = Cells()
md, code = cells.md, cells.code


md("intro", """
# Python's `multiprocessing`, section by section, in jpool

This notebook follows a Python `multiprocessing` tutorial section by section, in its order. Each section names the
Python API it mirrors and shows the same behaviour with jpool: worker JVM processes (`Proc`), pools (`Pool`), queues,
events, shared values and managed collections. The work is kept tiny so the notebook runs in well under a minute.
""")

md("s1", """
## 1. One child process — `Process(target=f, args=(...))`, `start()`, `join()`

`new Proc(job)` takes a lambda; its arguments are simply the variables it captures. `join()` waits for the end. What
the child prints appears in this cell, tagged with the process name.
""")
code("one-child", """
void hello(String who) { System.out.println("hello " + who); }
String guest = "bob";
var p = new Proc(() -> hello(guest));
p.start();
p.join();
p.exitCode()
""")

md("s2", """
## 2. Several children — a loop of `Process(...).start()`

Five processes started in a loop run at the same time; each prints its own number.
""")
code("several", """
List<Proc> jobs = new ArrayList<>();
for (int i = 0; i < 5; i++) {
    int num = i;
    Proc w = new Proc(() -> System.out.println("Worker: " + num));
    jobs.add(w);
    w.start();
}
for (Proc w : jobs) w.join();
""")

md("s3", """
## 3. Naming processes — `Process(name=...)`, `current_process().name`

`Proc.current().name()` (or `Mp.current()`) is the name of the process the code runs in; an unnamed process gets
`Proc-N`, and the notebook itself is `MainProcess`.
""")
code("names", """
void announce(long millis) throws InterruptedException {
    String me = Proc.current().name();
    System.out.println(me + " starting");
    Thread.sleep(millis);
    System.out.println(me + " exiting");
}
var service = new Proc("my_service", () -> announce(300));
var worker1 = new Proc("worker 1", () -> announce(200));
var worker2 = new Proc(() -> announce(200));
for (Proc x : List.of(service, worker1, worker2)) x.start();
for (Proc x : List.of(service, worker1, worker2)) x.join();
Proc.current().name()
""")

md("s4", """
## 4. Daemon processes — `daemon = True`, `join(timeout)`

A daemon does not keep the program alive. `join(seconds)` waits at most that long; `isAlive()` then tells whether
the process is still running.
""")
code("daemon", """
var d = new Proc("daemon", () -> { System.out.println("daemon starting"); Thread.sleep(3000); System.out.println("daemon exiting"); });
d.daemon(true);
var n = new Proc("non-daemon", () -> System.out.println("non-daemon runs and exits"));
d.start();
n.start();
d.join(0.5);
System.out.println("d.isAlive() " + d.isAlive());
n.join();
d.terminate();
d.join();
""")

md("s5", """
## 5. Terminating — `terminate()`, then `join()`

Python's advice holds: prefer a poison pill (section 13), and after `terminate()` call `join()` so the state is
settled. A terminated process has exit code -15 (killed by SIGTERM).
""")
code("terminate", """
var slow = new Proc(() -> { System.out.println("starting slow work"); Thread.sleep(60_000); System.out.println("never printed"); });
System.out.println("BEFORE: alive " + slow.isAlive());
slow.start();
System.out.println("DURING: alive " + slow.isAlive());
slow.terminate();
slow.join();
System.out.println("JOINED: alive " + slow.isAlive() + ", exit code " + slow.exitCode());
""")

md("s6", """
## 6. Exit codes — `exitcode`

0: no error; a positive number: the process exited with it (`System.exit(n)`, or 1 for an uncaught exception);
negative: killed by that signal.
""")
code("exit-codes", """
Map<String, Job> targets = new LinkedHashMap<>();
targets.put("exit_error", () -> System.exit(1));
targets.put("exit_ok", () -> {});
targets.put("raises", () -> { throw new RuntimeException("There was an error!"); });
targets.put("terminated", () -> Thread.sleep(60_000));
List<Proc> procs = new ArrayList<>();
targets.forEach((name, job) -> procs.add(new Proc(name, job).start()));
procs.get(procs.size() - 1).terminate();
for (Proc x : procs) x.join();
for (Proc x : procs) System.out.printf("%15s.exitCode = %s%n", x.name(), x.exitCode())
""")

md("s7", """
## 7. Logging — `multiprocessing.log_to_stderr()` with level INFO

`Mp.logToStderr()` prints the lifecycle of every process on stderr, tagged `[LEVEL/process]`; `"DEBUG"` adds joins
and terminations seen from `MainProcess`, `"OFF"` stops it.
""")
code("logging", """
Mp.logToStderr("INFO");
var logged = new Proc(() -> System.out.println("Doing some work"));
logged.start();
logged.join();
Mp.logToStderr("OFF");
""")

md("s8", """
## 8. Subclassing — `class Worker(Process): def run(self)`

A subclass of `Proc` overrides `run()`; the object itself (with its fields) travels to the worker.
""")
code("subclass", """
class Greeter extends Proc {
    @Override public void run() { System.out.println("In " + name()); }
}
List<Proc> greeters = new ArrayList<>();
for (int i = 0; i < 3; i++) greeters.add(new Greeter().start());
for (Proc g : greeters) g.join();
""")

md("s9", """
## 9. A pool of workers — `Pool(processes=4)`, `apply_async(func, (msg,))`, `close()`, `join()`

A task that returns nothing goes to `runAsync` (Java cannot tell `x -> work(x)` returning a value from one returning
nothing when both method names are the same: see the README). `close()` takes no more tasks and waits for the workers
to finish, as `close()` + `join()` in Python; the order of the lines shows the tasks ran in parallel.
""")
code("pool-void", """
void func(String msg) { System.out.println(Proc.current().name() + "-" + msg); }
Pool pool = new Pool(4);
for (int i = 0; i < 10; i++) pool.runAsync(msg -> func(msg), "hello " + i);
pool.close();
pool.join();
System.out.println("Sub-process(es) done.");
""")

md("s10", """
## 10. Values from the pool — `apply_async(...).get()`

`applyAsync` returns an `AsyncResult`; `get()` waits for the value, so the results come back in submission order.
""")
code("pool-values", """
String named(String msg) { return Proc.current().name() + "-" + msg; }
Pool pool2 = new Pool(4);
List<AsyncResult<String>> results = new ArrayList<>();
for (int i = 0; i < 10; i++) results.add(pool2.applyAsync(msg -> named(msg), "hello " + i));
pool2.close();
System.out.println("Sub-process(es) done.");
results.stream().map(AsyncResult::get).map(s -> s.replaceAll("PoolWorker-\\\\d+", "PoolWorker")).toList()
""")

md("s11", """
## 11. Every core busy — what `top` shows after pressing `1`

`%cpu` shows each CPU's load now, or sampled while a pool keeps them busy (the live task board of `%%pool` shows the
same per CPU while it runs, see notebook 04).
""")
code("cpu", "%cpu --interval 300")

md("s12", """
## 12. Callbacks — `apply_async(..., callback=cb)`

The callback runs in the notebook when the task has finished well; a task without a value takes a `Runnable`. An
error callback (`error_callback`) is the fourth argument.
""")
code("callbacks", """
var finished = new java.util.concurrent.CopyOnWriteArrayList<String>();
Pool pool3 = new Pool(2);
for (int i = 0; i < 2; i++) pool3.runAsync(x -> System.out.println("child success " + x), i, () -> finished.add("callback ran"));
var doubled = pool3.applyAsync(x -> x * 2, 21, v -> finished.add("value " + v));
var failed = pool3.applyAsync(x -> 1 / x, 0, v -> finished.add("never"), e -> finished.add("error callback: " + e.getMessage().replaceAll(".*: ", "")));
pool3.close();
new TreeSet<>(finished)
""")

md("s13", """
## 13. Passing objects — `Queue()`, `put`, `get`

A record defined in the notebook travels through an `MpQueue` to a process, which calls its method there.
""")
code("queue", """
record Fancy(String name) {
    void doSomething() { System.out.println("Doing something fancy in " + Proc.current().name() + " for " + name + "!"); }
}
MpQueue<Fancy> fancyQueue = new MpQueue<>();
var reader = new Proc(() -> fancyQueue.get().doSomething());
reader.start();
fancyQueue.put(new Fancy("Fancy Dan"));
reader.join();
""")

md("s14", """
## 14. Consumers and poison pills — `JoinableQueue`, `task_done()`, `join()`, `put(None)`

Each consumer takes tasks until it gets `null` (Python's `None`), marking each one done; `tasks.join()` waits until
every task and pill is done, then the results are read.
""")
code("consumers", """
record Multiply(int a, int b) { String call() { return a + " * " + b + " = " + (a * b); } }
JoinableMpQueue<Multiply> tasks = new JoinableMpQueue<>();
MpQueue<String> answers = new MpQueue<>();
int consumers = 2 * Mp.cpuCount();
List<Proc> team = new ArrayList<>();
for (int i = 0; i < consumers; i++) {
    team.add(new Proc("Consumer-" + i, () -> {
        while (true) {
            Multiply next = tasks.get();
            if (next == null) { tasks.taskDone(); break; }
            answers.put(next.call());
            tasks.taskDone();
        }
    }).start());
}
for (int i = 0; i < 10; i++) tasks.put(new Multiply(i, i));
for (int i = 0; i < consumers; i++) tasks.put(null);
tasks.join();
List<String> got = new ArrayList<>();
for (int i = 0; i < 10; i++) got.add(answers.get());
for (Proc c : team) c.join();
new TreeSet<>(got).size() + " results, e.g. " + got.stream().sorted().findFirst().get()
""")

md("s15", """
## 15. Signalling — `Event()`, `wait()`, `wait(timeout)`, `set()`

One process waits for the event without a limit, the other at most a fraction of a second; then the notebook sets it.
""")
code("event", """
MpEvent ready = new MpEvent();
var block = new Proc("block", () -> { ready.waitFor(); System.out.println("block: is set -> " + ready.isSet()); });
var nonblock = new Proc("nonblock", () -> { boolean got = ready.waitFor(0.3); System.out.println("nonblock: is set -> " + got); });
block.start();
nonblock.start();
nonblock.join();
ready.set();
System.out.println("main: event is set");
block.join();
""")

md("s16", """
## 16. `apply` versus `apply_async`

`apply` blocks until the value is there; `applyAsync` returns at once, and `waitFor(seconds)` waits at most that long.
""")
code("apply-vs-async", """
Pool pool4 = new Pool(2);
int blocking = pool4.apply(x -> x + 1, 41);
var later = pool4.applyAsync(() -> { Thread.sleep(200); return "late"; });
boolean readyAtOnce = later.ready();
later.waitFor(30);
pool4.close();
blocking + " " + readyAtOnce + " " + later.get()
""")

md("s17", """
## 17. Globals are not shared — a child changes its own copy

A worker gets a copy of the notebook variables it reads; changing that copy changes nothing in the notebook.
""")
code("globals", """
List<Object> datalist = new ArrayList<>(List.of("+++"));
var adder = new Proc(() -> { datalist.addAll(List.of(1, 2, 3)); System.out.println("child sees " + datalist); });
adder.start();
adder.join();
datalist.addAll(List.of("a", "b", "c"));
"notebook sees " + datalist
""")

md("s18", """
## 18. Shared numbers and arrays — `Value("d", 10.0)`, `Array("i", [1, 2, 3, 4, 5])`

These live in shared memory: what a child writes, the notebook reads.
""")
code("value-array", """
SharedDouble num = new SharedDouble(10.0);
SharedIntArray arr = new SharedIntArray(new int[] {1, 2, 3, 4, 5});
System.out.println(num.get() + " " + Arrays.toString(arr.toArray()));
var changer = new Proc(() -> { num.set(10.78); arr.set(2, 9999); });
changer.start();
changer.join();
num.get() + " " + Arrays.toString(arr.toArray())
""")

md("s19", """
## 19. Managed dict and list — `Manager().dict()`, `Manager().list(range(5))`

A `Manager` makes collections that every process changes; a list can start with contents.
""")
code("manager", """
Manager manager = new Manager();
SharedMap<String, String> mydict = manager.map();
SharedList<Integer> mylist = manager.list(java.util.stream.IntStream.range(0, 5).boxed().toList());
var filler = new Proc(() -> {
    mydict.put("index1", "aaaaaa");
    mydict.put("index2", "bbbbbb");
    for (int v : List.of(11, 22, 33)) mylist.add(v);
});
filler.start();
filler.join();
System.out.println(mylist.snapshot());
new TreeMap<>(mydict.snapshot())
""")

md("s20", """
## 20. The motivating case: one error at the end loses nothing

The tutorial's author lost a day of grid search to one missing import at the very end. In a pool each input fails
alone: `map` throws `MapFailed` naming the failed input with the worker's stack trace (pointing at the cell and line
that defined the code), and every other result is kept.
""")
code("topic-fit", """
double fit(int topic) {
    if (topic == 5) throw new IllegalStateException("forgot to load the data for topic " + topic);
    double best = 0;
    for (int k = 1; k <= 200_000; k++) best = Math.max(best, Math.sin(topic * k) / k);
    return best;
}
""")
code("map-fails", """
Pool grid = new Pool(2);
grid.map(t -> fit(t), List.of(1, 2, 3, 4, 5, 6, 7, 8))
""", raises=True)
md("s20b", """
Python keeps the last exception in `sys.last_value`; `Mp.lastError()` is the same, so the kept results are still
there without running the day again:
""")
code("kept", """
MapFailed failure = Mp.lastError();
grid.close();
failure.results().stream().filter(Objects::nonNull).count() + " of 8 results kept; failed: "
    + failure.failures().stream().map(o -> o.input()).toList()
""")

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"display_name": "Java (jpool)", "language": "java", "name": "jpool"},
    "language_info": {"codemirror_mode": "text/x-java", "file_extension": ".java", "mimetype": "text/x-java",
                      "name": "java", "pygments_lexer": "java"},
})
nbformat.validate(nb)
nbformat.write(nb, OUT)
print(f"wrote {OUT} ({len(cells)} cells)")
