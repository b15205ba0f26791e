#!/usr/bin/env python3
"""jpool vs Python multiprocessing, side by side in one run.

Run with Debian's Python (it has jupyter_client):  /usr/bin/python3 bench/bench.py [--quick] [--repeat=N]
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
# --repeat N: run everything N times (jpool, fork, spawn in turn) and report medians
REPEAT = int(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--repeat=")), "1"))
# --only payload,apply_rt: measure just those (pool start is always measured; it is needed anyway)
ONLY = next((a.split("=", 1)[1] if "=" in a else sys.argv[sys.argv.index(a) + 1] for a in sys.argv[1:]
             if a.startswith("--only")), None)
ONLY = set(ONLY.split(",")) if ONLY else None


def wanted(key):
    return ONLY is None or key in ONLY or key == "pool_start"
N = 2 if QUICK else max(2, os.cpu_count() or 2)
ROUNDS = 50 if QUICK else 200
ASYNC_TASKS = 500 if QUICK else 2000
MAP_ITEMS = 5000 if QUICK else 20000
MAP_ITEMS_CHUNK1 = 1000 if QUICK else 5000
PAYLOAD_MB = 50
TRANSFERS = 5  # big transfers: best of this many on both sides (one transfer is at the mercy of other load)
CPU_ITEMS = 2 * N
CPU_WORK = 300_000_000 if QUICK else 1_000_000_000  # ~0.3 / 1 s per item in a JVM, ~1 / 2.5 s in Python
STEADY = 2_000 if QUICK else 20_000


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
    # every measure runs once unmeasured first (both sides): "warm" means after the JIT / caches settled
    if wanted("apply_rt"):
        [pool.apply(noop, (i,)) for i in range(ROUNDS)]
        out["apply_rt"] = timed(lambda: [pool.apply(noop, (i,)) for i in range(ROUNDS)]) / ROUNDS
    if wanted("apply_rt_steady"):
        [pool.apply(noop, (i,)) for i in range(STEADY)]
        out["apply_rt_steady"] = timed(lambda: [pool.apply(noop, (i,)) for i in range(ROUNDS)]) / ROUNDS
    if wanted("async_tput"):
        [r.get() for r in [pool.apply_async(noop, (i,)) for i in range(ASYNC_TASKS)]]
        out["async_tput"] = ASYNC_TASKS / timed(lambda: [r.get() for r in [pool.apply_async(noop, (i,)) for i in range(ASYNC_TASKS)]])
    if wanted("async_tput_steady"):
        # Python has no JIT: the same measure after as many tasks as the jpool side gets, for symmetry
        [r.get() for r in [pool.apply_async(noop, (i,)) for i in range(STEADY)]]
        out["async_tput_steady"] = ASYNC_TASKS / timed(lambda: [r.get() for r in [pool.apply_async(noop, (i,)) for i in range(ASYNC_TASKS)]])
    if wanted("map_tput"):
        pool.map(noop, range(MAP_ITEMS))
        out["map_tput"] = MAP_ITEMS / timed(lambda: pool.map(noop, range(MAP_ITEMS)))
    if wanted("map1_tput"):
        pool.map(noop, range(MAP_ITEMS_CHUNK1), chunksize=1)
        out["map1_tput"] = MAP_ITEMS_CHUNK1 / timed(lambda: pool.map(noop, range(MAP_ITEMS_CHUNK1), chunksize=1))
    if wanted("map1_tput_steady"):
        pool.map(noop, range(STEADY), chunksize=1)
        out["map1_tput_steady"] = MAP_ITEMS_CHUNK1 / timed(lambda: pool.map(noop, range(MAP_ITEMS_CHUNK1), chunksize=1))
    if wanted("payload"):
        blob = os.urandom(PAYLOAD_MB << 20)
        pool.apply(size_of, (blob,))
        out["payload"] = min(timed(lambda: pool.apply(size_of, (blob,))) for _ in range(TRANSFERS))
    if wanted("result"):
        pool.apply(make_doubles, (PAYLOAD_MB << 17,))
        out["result"] = min(timed(lambda: pool.apply(make_doubles, (PAYLOAD_MB << 17,))) for _ in range(TRANSFERS))
    pool.close()
    pool.join()
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
// every measure runs once unmeasured first (both sides): "warm" means after the JIT / caches settled
"""),
    # every measured statement is one block = one JShell snippet: JShell compiles a cell snippet by snippet, and
    # a separate "for (...) pool.apply(...);" snippet would count its ~0.1-0.2 s of javac as pool time
    ("apply_rt", r"""
for (int i = 0; i < %(rounds)d; i++) pool.apply(noop, i);
{ long s = System.nanoTime(); for (int i = 0; i < %(rounds)d; i++) pool.apply(noop, i); out.put("apply_rt", (System.nanoTime() - s) / 1e9 / %(rounds)d); }
"""),
    ("apply_rt_steady", r"""
// a JVM compiles hot code after thousands of calls (JIT): the round trip once both sides are compiled
for (int i = 0; i < %(steady)d; i++) pool.apply(noop, i);
{ long s = System.nanoTime(); for (int i = 0; i < %(rounds)d; i++) pool.apply(noop, i); out.put("apply_rt_steady", (System.nanoTime() - s) / 1e9 / %(rounds)d); }
"""),
    ("async_tput", r"""
{ var warm = new ArrayList<AsyncResult<Integer>>(); for (int i = 0; i < %(async)d; i++) warm.add(pool.applyAsync(noop, i)); for (var r : warm) r.get(); }
{ long s = System.nanoTime(); var rs = new ArrayList<AsyncResult<Integer>>(); for (int i = 0; i < %(async)d; i++) rs.add(pool.applyAsync(noop, i)); for (var r : rs) r.get();
  out.put("async_tput", %(async)d / ((System.nanoTime() - s) / 1e9)); }
"""),
    ("async_tput_steady", r"""
// the same after %(steady)d more tasks: both sides JIT-compiled
{ var warm = new ArrayList<AsyncResult<Integer>>(); for (int i = 0; i < %(steady)d; i++) warm.add(pool.applyAsync(noop, i)); for (var r : warm) r.get(); }
{ long s = System.nanoTime(); var rs = new ArrayList<AsyncResult<Integer>>(); for (int i = 0; i < %(async)d; i++) rs.add(pool.applyAsync(noop, i)); for (var r : rs) r.get();
  out.put("async_tput_steady", %(async)d / ((System.nanoTime() - s) / 1e9)); }
"""),
    ("map_tput", r"""
var items = IntStream.range(0, %(map)d).boxed().toList();
pool.map(noop, items);
{ long s = System.nanoTime(); pool.map(noop, items); out.put("map_tput", %(map)d / ((System.nanoTime() - s) / 1e9)); }
"""),
    ("map1_tput", r"""
var items1 = IntStream.range(0, %(map1)d).boxed().toList();
pool.map(noop, items1, 1);
{ long s = System.nanoTime(); pool.map(noop, items1, 1); out.put("map1_tput", %(map1)d / ((System.nanoTime() - s) / 1e9)); }
"""),
    ("map1_tput_steady", r"""
pool.map(noop, IntStream.range(0, %(steady)d).boxed().toList(), 1);
var items1s = IntStream.range(0, %(map1)d).boxed().toList();
{ long s = System.nanoTime(); pool.map(noop, items1s, 1); out.put("map1_tput_steady", %(map1)d / ((System.nanoTime() - s) / 1e9)); }
"""),
    ("payload", r"""
byte[] blob = new byte[%(mb)d << 20]; new Random(1).nextBytes(blob);
pool.apply(b -> b.length, blob);
// one block = one snippet: JShell compiles a cell statement by statement, and the compilation of a separate
// "pool.apply(...);" snippet (~0.1-0.2 s of javac) would be measured as part of the transfer
{ double best = 1e9; for (int i = 0; i < %(transfers)d; i++) { long s = System.nanoTime(); pool.apply(b -> b.length, blob); best = Math.min(best, (System.nanoTime() - s) / 1e9); } out.put("payload", best); }
"""),
    ("result", r"""
Fn<Integer, double[]> makeDoubles = n -> new double[n];
pool.apply(makeDoubles, %(mb)d << 17);
{ double best = 1e9; for (int i = 0; i < %(transfers)d; i++) { long s = System.nanoTime(); pool.apply(makeDoubles, %(mb)d << 17); best = Math.min(best, (System.nanoTime() - s) / 1e9); } out.put("result", best); }
"""),
    ("cpu_speedup", r"""
Fn<Integer, Long> spin = n -> { long acc = 0; for (long i = 0; i < %(work)d; i++) acc += i * i %% 7; return acc + n; };
var cpuItems = IntStream.range(0, %(cpu)d).boxed().toList();
spin.apply(-1); pool.map(spin, IntStream.range(0, %(n)d).boxed().toList(), 1);  // compiled on both sides first
{ long s = System.nanoTime(); for (int x : cpuItems) spin.apply(x); double serial = (System.nanoTime() - s) / 1e9;
  s = System.nanoTime(); pool.map(spin, cpuItems, 1); double parallel = (System.nanoTime() - s) / 1e9;
  out.put("cpu_speedup", serial / parallel); }
"""),
]
JAVA = ("import java.util.stream.*;\nFn<Integer, Integer> noop = x -> x;\nvar out = new LinkedHashMap<String, Double>();\n"
        + "".join(code for key, code in JAVA_PARTS if wanted(key))
        + "pool.close();\nnew com.google.gson.Gson().toJson(out)\n")


def jpool_side():
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="jpool", startup_timeout=120)
    try:
        code = JAVA % dict(n=N, rounds=ROUNDS, steady=STEADY, async_=ASYNC_TASKS, map=MAP_ITEMS, map1=MAP_ITEMS_CHUNK1,
                           mb=PAYLOAD_MB, transfers=TRANSFERS, work=CPU_WORK, cpu=CPU_ITEMS, **{"async": ASYNC_TASKS})
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
    print(f"workers: {N}, cpus: {os.cpu_count()}, quick: {QUICK}, repeat: {REPEAT}", flush=True)
    runs = []
    for _ in range(REPEAT):  # the sides alternate, so load that comes and goes hits both alike
        runs.append((jpool_side(), python_side("fork"), python_side("spawn"),
                     python_cpu_speedup() if wanted("cpu_speedup") else None))
    j, fork, spawn = (median_of([r[i] for r in runs]) for i in range(3))
    py_speed = statistics.median(r[3] for r in runs) if wanted("cpu_speedup") else None
    rows = [
        ("Proc start + print + join, warm (s)", "proc_start", False),
        (f"Pool({N}) start, all workers up (s)", "pool_start", False),
        (f"warm apply round trip, after {ROUNDS} calls (s)", "apply_rt", False),
        (f"apply round trip after {STEADY:,} calls (JIT-compiled) (s)", "apply_rt_steady", False),
        ("applyAsync no-op throughput (tasks/s)", "async_tput", True),
        (f"applyAsync no-op throughput after {STEADY:,} more tasks (JIT-compiled) (tasks/s)", "async_tput_steady", True),
        ("map no-op throughput, default chunks (items/s)", "map_tput", True),
        ("map no-op throughput, chunk size 1 (items/s)", "map1_tput", True),
        (f"map chunk size 1 after {STEADY:,} more items (JIT-compiled) (items/s)", "map1_tput_steady", True),
        (f"{PAYLOAD_MB} MB argument transfer (s)", "payload", False),
        (f"{PAYLOAD_MB} MB result transfer (double[] / array('d')) (s)", "result", False),
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


if __name__ == "__main__":
    main()
