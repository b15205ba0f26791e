#!/usr/bin/env python3
"""jpool vs Python multiprocessing, side by side in one run.

Run with Debian's Python (it has jupyter_client):  /usr/bin/python3 bench/bench.py [--quick] [--repeat=N] [--cold]
The jpool kernelspec must be installed (install/install.sh). Prints a table of timings and ratios
(ratio = Python time / jpool time, so > 1 means jpool is faster). Not a test: numbers depend on the machine.
"""
import array
import json
import multiprocessing as mp
import os
import statistics
import sys
import time

import jupyter_client

QUICK = "--quick" in sys.argv
# --cold: only the first calls of new pools (apply_cold, async_cold), 5 runs unless --repeat says otherwise
COLD = "--cold" in sys.argv
# --repeat N: run everything N times (jpool, fork, spawn in turn) and report medians
REPEAT = int(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--repeat=")), "5" if COLD else "1"))
# --only payload,apply_warm: measure just those (pool start is always measured; it is needed anyway)
ONLY = next((a.split("=", 1)[1] if "=" in a else sys.argv[sys.argv.index(a) + 1] for a in sys.argv[1:]
             if a.startswith("--only")), None)
ONLY = set(ONLY.split(",")) if ONLY else ({"apply_cold", "async_cold"} if COLD else None)
# --kernel=NAME: the kernelspec to measure (e.g. an older build installed under another name, to compare builds)
KERNEL = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--kernel=")), "jpool")


def wanted(key):
    return ONLY is None or key in ONLY or key == "pool_start"
N = 2 if QUICK else max(2, os.cpu_count() or 2)
ROUNDS = 50 if QUICK else 200
ASYNC_TASKS = 500 if QUICK else 2000
MAP_ITEMS = 5000 if QUICK else 20000
MAP_ITEMS_CHUNK1 = 1000 if QUICK else 5000
PAYLOAD_MB = 50
TRANSFERS = 5  # big transfers: best of this many on both sides
CPU_ITEMS = 2 * N
CPU_WORK = 300_000_000 if QUICK else 1_000_000_000  # ~0.3 / 1 s per item in a JVM, ~1 / 2.5 s in Python
STEADY = 2_000 if QUICK else 20_000  # calls before a "warm" measure: enough for both JVMs to compile the path
# a JVM compiles a method after thousands of calls: a map's per-call path (8 chunks) needs hundreds of maps
MAP_WARM_CALLS = 50 if QUICK else 500
BEST = 5  # rounds of a warm measure; the best one counts (see best_of)
# before the second new pool (async_cold), both sides idle this long: jpool's spare workers, started when the first
# pool took the earlier ones, are then up and idle, as they are when a notebook makes a pool some time after another
IDLE_BEFORE_FRESH_S = 2


def noop(x):
    return x


def hello():
    print("hello from", mp.current_process().name, flush=True)


def size_of(b):
    return len(b)


def make_doubles(n):
    return array.array("d", bytes(8 * n))  # n doubles (8n bytes), like the Java side's double[]


def spin(n):
    acc = 0
    for i in range(n // 40):  # Python is ~40x slower per iteration; equal *work units* are not the point here
        acc += i * i % 7
    return acc


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def best_of(rounds, f):
    """timeit's rule: the best of several rounds is the machine's speed; slower rounds measured interference."""
    return min(timed(f) for _ in range(rounds))


def python_side(method):
    ctx = mp.get_context(method)
    out = {}
    if wanted("proc_start"):
        out["proc_start"] = min(timed(lambda: (lambda p: (p.start(), p.join()))(ctx.Process(target=hello))) for _ in range(3))
    t = time.perf_counter()
    pool = ctx.Pool(N)
    pool.map(noop, range(N), chunksize=1)  # all workers really up
    out["pool_start"] = time.perf_counter() - t
    pool.apply(noop, (1,))
    # cold: the first calls on a new pool; warm: the best of BEST rounds once the measure ran STEADY times
    # (jpool's JVMs compile hot code after thousands of calls; Python gets the same treatment)
    if wanted("apply_cold"):
        out["apply_cold"] = timed(lambda: [pool.apply(noop, (i,)) for i in range(ROUNDS)]) / ROUNDS
    if wanted("apply_warm"):
        [pool.apply(noop, (i,)) for i in range(STEADY)]
        out["apply_warm"] = best_of(BEST, lambda: [pool.apply(noop, (i,)) for i in range(ROUNDS)]) / ROUNDS
    if wanted("async_warm"):
        [r.get() for r in [pool.apply_async(noop, (i,)) for i in range(STEADY)]]
        out["async_warm"] = ASYNC_TASKS / best_of(BEST, lambda: [r.get() for r in [pool.apply_async(noop, (i,)) for i in range(ASYNC_TASKS)]])
    if wanted("map_warm"):
        for _ in range(MAP_WARM_CALLS):
            pool.map(noop, range(MAP_ITEMS))
        out["map_warm"] = MAP_ITEMS / best_of(BEST, lambda: pool.map(noop, range(MAP_ITEMS)))
    if wanted("map1_warm"):
        pool.map(noop, range(STEADY), chunksize=1)
        out["map1_warm"] = MAP_ITEMS_CHUNK1 / best_of(BEST, lambda: pool.map(noop, range(MAP_ITEMS_CHUNK1), chunksize=1))
    if wanted("payload"):
        blob = os.urandom(PAYLOAD_MB << 20)
        pool.apply(size_of, (blob,))
        out["payload"] = best_of(TRANSFERS, lambda: pool.apply(size_of, (blob,)))
    if wanted("result"):
        pool.apply(make_doubles, (PAYLOAD_MB << 17,))
        out["result"] = best_of(TRANSFERS, lambda: pool.apply(make_doubles, (PAYLOAD_MB << 17,)))
    pool.close()
    pool.join()
    if wanted("async_cold"):  # a second new pool: the first tasks it gets are applyAsync ones
        time.sleep(IDLE_BEFORE_FRESH_S)
        with ctx.Pool(N) as fresh:
            fresh.map(noop, range(N), chunksize=1)
            out["async_cold"] = ASYNC_TASKS / timed(lambda: [r.get() for r in [fresh.apply_async(noop, (i,)) for i in range(ASYNC_TASKS)]])
    return out


JAVA_PARTS = [
    ("proc_start", r"""
// the first Proc starts a cold JVM and leaves a pre-started spare behind: measure the warm path, best of 3
new Proc(() -> {}).start().join();
double best = Double.MAX_VALUE;
for (int i = 0; i < 3; i++) {
    long t0 = System.nanoTime(); var p = new Proc(() -> System.out.println("hello from " + Proc.current().name())); p.start(); p.join();
    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
}
out.put("proc_start", best);
"""),
    ("pool_start", r"""
Pool pool;
{ long s = System.nanoTime(); pool = new Pool(%(n)d).progressDisplays(false); pool.map(noop, IntStream.range(0, %(n)d).boxed().toList(), 1);
  out.put("pool_start", (System.nanoTime() - s) / 1e9); }
pool.apply(noop, 1);
// best(rounds, work): the fastest of that many rounds, in seconds (timeit's rule, as on the Python side)
double best(int rounds, Runnable work) { double b = 1e9; for (int r = 0; r < rounds; r++) { long s = System.nanoTime(); work.run(); b = Math.min(b, (System.nanoTime() - s) / 1e9); } return b; }
// warm-up: work runs `times` times, then on until the kernel's JIT compiler has been idle for a second (at most a
// minute). The compiler's queue holds javac's methods from compiling the cells, which on 2 cores kept the pool's own
// methods waiting for seconds: after 20,000 tasks the kernel still ran them as profiling (unoptimised) code
double longestSettle = 0; // reported, with whether a wait hit its cap (warm rows then ran with the JIT busy)
boolean settleCapped = false;
// CPU ticks of the JIT compiler threads (from /proc; -1 where unreadable): unlike the total compilation time, which
// grows when a compile ends, these grow while one runs (a javac method can take C2 more than a second)
long compilerTicks() { long sum = 0; try (var tasks = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/self/task"))) {
  for (var t : tasks) { String st = java.nio.file.Files.readString(t.resolve("stat")); if (!st.contains("(C1 Compiler") && !st.contains("(C2 Compiler")) continue;
    String[] f = st.substring(st.lastIndexOf(')') + 2).split(" "); sum += Long.parseLong(f[11]) + Long.parseLong(f[12]); } } catch (Exception e) { return -1; } return sum; }
void settle(int times, Runnable work) { var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
  for (int i = 0; i < times; i++) work.run();
  long t0 = System.nanoTime(), quietSince = t0, seen = jit.getTotalCompilationTime(), ticks = compilerTicks();
  boolean quiet = false;
  while (!(quiet = System.nanoTime() - quietSince >= 1_000_000_000L) && System.nanoTime() - t0 < 60_000_000_000L) {
    work.run(); long c = jit.getTotalCompilationTime(), k = compilerTicks();
    if (c != seen || k != ticks) { seen = c; ticks = k; quietSince = System.nanoTime(); } }
  settleCapped |= !quiet;
  longestSettle = Math.max(longestSettle, (System.nanoTime() - t0) / 1e9); }
// n applyAsync no-op tasks, then every result
Runnable asyncRound(Pool p, int n) { return () -> { var rs = new ArrayList<AsyncResult<Integer>>(n); for (int i = 0; i < n; i++) rs.add(p.applyAsync(noop, i)); for (var r : rs) r.get(); }; }
"""),
    # every measured statement is one block = one JShell snippet: JShell compiles a cell snippet by snippet, and
    # a separate "for (...) pool.apply(...);" snippet would count its ~0.1-0.2 s of javac as pool time
    ("apply_cold", r"""
{ long s = System.nanoTime(); for (int i = 0; i < %(rounds)d; i++) pool.apply(noop, i); out.put("apply_cold", (System.nanoTime() - s) / 1e9 / %(rounds)d); }
"""),
    ("apply_warm", r"""
// a JVM compiles hot code after thousands of calls (JIT): warm = once it has (see settle)
{ settle(%(steady)d, () -> pool.apply(noop, 1));
  out.put("apply_warm", best(%(best)d, () -> { for (int i = 0; i < %(rounds)d; i++) pool.apply(noop, i); }) / %(rounds)d); }
"""),
    ("async_warm", r"""
{ settle(1, asyncRound(pool, %(steady)d)); out.put("async_warm", %(async)d / best(%(best)d, asyncRound(pool, %(async)d))); }
"""),
    ("map_warm", r"""
var items = IntStream.range(0, %(map)d).boxed().toList();
{ settle(%(map_warm_calls)d, () -> pool.map(noop, items)); out.put("map_warm", %(map)d / best(%(best)d, () -> pool.map(noop, items))); }
"""),
    ("map1_warm", r"""
var items1 = IntStream.range(0, %(map1)d).boxed().toList();
{ var steady1 = IntStream.range(0, %(steady)d).boxed().toList(); settle(1, () -> pool.map(noop, steady1, 1)); out.put("map1_warm", %(map1)d / best(%(best)d, () -> pool.map(noop, items1, 1))); }
"""),
    ("payload", r"""
byte[] blob = new byte[%(mb)d << 20]; new Random(1).nextBytes(blob);
{ pool.apply(b -> b.length, blob); out.put("payload", best(%(transfers)d, () -> pool.apply(b -> b.length, blob))); }
"""),
    ("result", r"""
Fn<Integer, double[]> makeDoubles = n -> new double[n];
{ pool.apply(makeDoubles, %(mb)d << 17); out.put("result", best(%(transfers)d, () -> pool.apply(makeDoubles, %(mb)d << 17))); }
"""),
    ("cpu_speedup", r"""
Fn<Integer, Long> spin = n -> { long acc = 0; for (long i = 0; i < %(work)d; i++) acc += i * i %% 7; return acc + n; };
var cpuItems = IntStream.range(0, %(cpu)d).boxed().toList();
spin.apply(-1); pool.map(spin, IntStream.range(0, %(n)d).boxed().toList(), 1);  // compiled on both sides first
// and, inside the measured snippet (javac compiles a snippet just before it runs), the kernel's JIT idle: a compile
// running on one of the 2 cores slowed the serial or the parallel run (the speedup came out anywhere from 1.6 to 2.9)
{ settle(0, () -> java.util.concurrent.locks.LockSupport.parkNanos(20_000_000));
  long s = System.nanoTime(); for (int x : cpuItems) spin.apply(x); double serial = (System.nanoTime() - s) / 1e9;
  s = System.nanoTime(); pool.map(spin, cpuItems, 1); double parallel = (System.nanoTime() - s) / 1e9;
  out.put("cpu_speedup", serial / parallel); }
"""),
    ("async_cold", r"""
pool.close();
Thread.sleep(%(idle_ms)d);
// a second new pool: the first tasks its workers get are applyAsync ones
try (var fresh = new Pool(%(n)d).progressDisplays(false)) {
  fresh.map(noop, IntStream.range(0, %(n)d).boxed().toList(), 1);
  out.put("async_cold", %(async)d / best(1, asyncRound(fresh, %(async)d))); }
"""),
]
JAVA = ("import java.util.stream.*;\nFn<Integer, Integer> noop = x -> x;\nvar out = new LinkedHashMap<String, Double>();\n"
        + "".join(code for key, code in JAVA_PARTS if wanted(key))
        + ("" if wanted("async_cold") else "pool.close();\n")
        + "out.put(\"settle_max\", longestSettle);\nout.put(\"settle_capped\", settleCapped ? 1.0 : 0.0);\n"
        # JSON by hand: jpool's own gson is relocated (jpool.shaded.*) and not for cells
        + "out.entrySet().stream().map(e -> \"\\\"\" + e.getKey() + \"\\\": \" + e.getValue())"
        + ".collect(Collectors.joining(\", \", \"{\", \"}\"))\n")


def jpool_side():
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name=KERNEL, startup_timeout=120)
    try:
        code = JAVA % dict(n=N, rounds=ROUNDS, steady=STEADY, map=MAP_ITEMS, map1=MAP_ITEMS_CHUNK1, best=BEST, map_warm_calls=MAP_WARM_CALLS,
                           mb=PAYLOAD_MB, transfers=TRANSFERS, idle_ms=IDLE_BEFORE_FRESH_S * 1000, work=CPU_WORK, cpu=CPU_ITEMS, **{"async": ASYNC_TASKS})
        msg_id = kc.execute(code)
        result = None
        while True:
            m = kc.get_iopub_msg(timeout=900)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "execute_result":
                result = json.loads(m["content"]["data"]["text/plain"])
            elif m["msg_type"] == "error":
                raise RuntimeError("\n".join(m["content"]["traceback"]))
            elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        return result
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def python_cpu_speedup():
    items = list(range(CPU_ITEMS))
    serial = timed(lambda: [spin(CPU_WORK) for _ in items])
    with mp.get_context("fork").Pool(N) as pool:
        pool.map(spin, [1000] * N, chunksize=1)  # workers up before timing, as on the jpool side
        par = timed(lambda: pool.map(spin, [CPU_WORK] * len(items), chunksize=1))
    return serial / par


def median_of(results):
    """Per measure, the median over repeated runs (one run on a shared machine can be off by 2x either way)."""
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


def main():
    print(f"workers: {N}, cpus: {os.cpu_count()}, quick: {QUICK}, repeat: {REPEAT}, "
          f"load average: {os.getloadavg()[0]:.2f}", flush=True)
    runs = []
    for _ in range(REPEAT):  # the sides alternate, so load that comes and goes hits both alike
        runs.append((jpool_side(), python_side("fork"), python_side("spawn"),
                     python_cpu_speedup() if wanted("cpu_speedup") else None))
    j, fork, spawn = (median_of([r[i] for r in runs]) for i in range(3))
    py_speed = statistics.median(r[3] for r in runs) if wanted("cpu_speedup") else None
    rows = [
        ("Proc start + print + join, warm (s)", "proc_start", False),
        (f"Pool({N}) start, all workers up (s)", "pool_start", False),
        (f"apply round trip, cold: the first {ROUNDS} calls of a new pool (s)", "apply_cold", False),
        (f"apply round trip, warm: best of {BEST} x {ROUNDS} calls after {STEADY:,} and an idle JIT (s)", "apply_warm", False),
        (f"applyAsync no-op throughput, cold: the first {ASYNC_TASKS:,} tasks of a new pool (tasks/s)", "async_cold", True),
        (f"applyAsync no-op throughput, warm: best of {BEST} x {ASYNC_TASKS:,} after {STEADY:,} and an idle JIT (tasks/s)", "async_warm", True),
        (f"map no-op throughput, default chunks, warm: best of {BEST} x {MAP_ITEMS:,} items after {MAP_WARM_CALLS} calls and an idle JIT (items/s)", "map_warm", True),
        (f"map no-op throughput, chunk size 1, warm: best of {BEST} x {MAP_ITEMS_CHUNK1:,} after {STEADY:,} and an idle JIT (items/s)", "map1_warm", True),
        (f"{PAYLOAD_MB} MB argument transfer, best of {TRANSFERS} (s)", "payload", False),
        (f"{PAYLOAD_MB} MB result transfer (double[] / array('d')), best of {TRANSFERS} (s)", "result", False),
    ]
    print(f"| measure | jpool | Python fork | Python spawn | ratio vs fork | ratio vs spawn |")
    print("|---|---|---|---|---|---|")
    for label, key, higher_better in rows:
        if key not in j:
            continue
        jv, fv, sv = j[key], fork[key], spawn[key]
        rf = jv / fv if higher_better else fv / jv
        rs = jv / sv if higher_better else sv / jv
        print(f"| {label} | {jv:.4g} | {fv:.4g} | {sv:.4g} | {rf:.2f}x | {rs:.2f}x |")
    if py_speed is not None:
        print(f"| CPU-bound map speedup over serial ({N} workers) | {j['cpu_speedup']:.2f} | {py_speed:.2f} | | | |")
    print("ratio > 1: jpool is better (less time, or more throughput).")
    for key, higher_better in (("apply_cold", False), ("async_cold", True)):
        if key not in j or REPEAT < 2:
            continue
        for side, name in ((1, "fork"), (2, "spawn")):  # run by run: a cold measure moves a lot between runs
            per_run = [r[0][key] / r[side][key] if higher_better else r[side][key] / r[0][key] for r in runs]
            print(f"{key} ratio vs {name}, run by run: " + ", ".join(f"{x:.2f}x" for x in per_run)
                  + f" (range {min(per_run):.2f}x-{max(per_run):.2f}x)")
    waits = [r[0]["settle_max"] for r in runs]
    capped = any(r[0]["settle_capped"] for r in runs)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    print(f"jpool warm-up: the longest wait for an idle kernel JIT was {max(waits):.1f} s"
          + (" and a wait hit the 60 s cap: some warm rows ran with the JIT busy" if capped else " (cap 60 s)"))


if __name__ == "__main__":
    main()
