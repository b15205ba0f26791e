"""Rough throughput of jpool's sharing against Python's multiprocessing on this machine; not a test.

    /usr/bin/python3 -Xfrozen_modules=off bench/sharing_bench.py [messages] [updates] [--repeat=N] [--queue-only]

(Without JUPYTER_DATA_DIR the kernelspec of this checkout is installed into a scratch Jupyter directory first.)
With --repeat=N the queue is measured N times on each side, alternating Python and jpool (one kernel, its
producer and consumer started afresh each round), and the range of the ratios is printed.

Measures, each with one producer and one consumer process (jpool: worker JVMs; Python: multiprocessing.Process):
  * queue messages/s: small integers through MpQueue vs multiprocessing.Queue, timed inside the consumer from a
    start signal to the last message (process start-up is not counted);
  * shared-array updates/s: atomic SharedIntArray.addAndGet vs Array('i') updated under its lock, and plain
    element writes (SharedIntArray.set vs arr[i] = v without a lock), timed inside the worker.
Prints the rates and jpool/python ratios (> 1: jpool is faster).
"""
import multiprocessing as mp
import pathlib
import re
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "python"))
from kernel_helpers import Kernel  # noqa: E402
from jupyter_env import isolate_jupyter  # noqa: E402

_POSITIONAL = [a for a in sys.argv[1:] if not a.startswith("--")]
MESSAGES = int(_POSITIONAL[0]) if len(_POSITIONAL) > 0 else 50_000
UPDATES = int(_POSITIONAL[1]) if len(_POSITIONAL) > 1 else 2_000_000
REPEAT = next((int(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--repeat=")), 1)
QUEUE_ONLY = "--queue-only" in sys.argv


def py_producer(q, go, n):
    go.wait()
    for i in range(n):
        q.put(i)


def py_consumer(q, go, n, out):
    go.wait()
    t0 = time.perf_counter()
    for _ in range(n):
        q.get()
    out.value = n / (time.perf_counter() - t0)


def py_locked_updates(arr, n, out):
    t0 = time.perf_counter()
    for i in range(n):
        with arr.get_lock():
            arr[i & 7] += 1
    out.value = n / (time.perf_counter() - t0)


def py_plain_writes(arr, n, out):
    t0 = time.perf_counter()
    for i in range(n):
        arr[i & 7] = i
    out.value = n / (time.perf_counter() - t0)


def python_queue_rate():
    q, go, rate = mp.Queue(), mp.Event(), mp.Value("d", 0.0)
    ps = [mp.Process(target=py_producer, args=(q, go, MESSAGES)),
          mp.Process(target=py_consumer, args=(q, go, MESSAGES, rate))]
    for p in ps:
        p.start()
    go.set()
    for p in ps:
        p.join()
    return rate.value


def python_rates():
    queue_rate = python_queue_rate()
    arr = mp.Array("i", 8)
    rates = []
    for target in (py_locked_updates, py_plain_writes):
        out = mp.Value("d", 0.0)
        p = mp.Process(target=target, args=(arr, UPDATES // 10, out))  # Python is slow at this: fewer rounds
        p.start()
        p.join()
        rates.append(out.value)
    return queue_rate, rates[0], rates[1]


JAVA_QUEUE = """
MpQueue<Integer> bq = new MpQueue<>();
MpEvent bgo = new MpEvent();
SharedDouble brate = new SharedDouble(0);
int bn = %(messages)d;
Proc bprod = new Proc(() -> { bgo.waitFor(); for (int i = 0; i < bn; i++) bq.put(i); });
Proc bcons = new Proc(() -> {
    bgo.waitFor();
    long t0 = System.nanoTime();
    for (int i = 0; i < bn; i++) bq.get();
    brate.set(bn / ((System.nanoTime() - t0) / 1e9));
});
bprod.start(); bcons.start();
bgo.set();
bprod.join(); bcons.join();
bq.dispose();
System.out.println("QRATE " + brate.get());
"""

JAVA = JAVA_QUEUE.replace('System.out.println("QRATE " + brate.get());', "") + """
SharedIntArray barr = new SharedIntArray(8);
SharedDouble batomic = new SharedDouble(0), bplain = new SharedDouble(0);
int bu = %(updates)d;
new Proc(() -> {
    for (int round = 0; round < 2; round++) {          // the first round warms up the JIT
        long t0 = System.nanoTime();
        for (int i = 0; i < bu; i++) barr.addAndGet(i & 7, 1);
        batomic.set(bu / ((System.nanoTime() - t0) / 1e9));
        t0 = System.nanoTime();
        for (int i = 0; i < bu; i++) barr.set(i & 7, i);
        bplain.set(bu / ((System.nanoTime() - t0) / 1e9));
    }
}).start().join();
System.out.println("RATES " + brate.get() + " " + batomic.get() + " " + bplain.get());
"""


def jpool_rates():
    k = Kernel()
    try:
        out = k.ok(JAVA % {"messages": MESSAGES, "updates": UPDATES}, timeout=1200).stdout
    finally:
        k.shutdown()
    m = re.search(r"RATES (\S+) (\S+) (\S+)", out)
    return tuple(float(x) for x in m.groups())


def queue_rounds():
    """--repeat: Python and jpool queue rates in turn, REPEAT times each, in one kernel."""
    k = Kernel()
    ratios = []
    try:
        for i in range(REPEAT):
            p = python_queue_rate()
            out = k.ok(JAVA_QUEUE % {"messages": MESSAGES}, timeout=1200).stdout
            j = float(re.search(r"QRATE (\S+)", out).group(1))
            ratios.append(j / p)
            print(f"round {i + 1}: jpool {j:12,.0f}/s  python {p:12,.0f}/s  ratio {j / p:5.2f}", flush=True)
    finally:
        k.shutdown()
    ratios.sort()
    print(f"queue messages/s jpool/python over {REPEAT} rounds: {ratios[0]:.2f}-{ratios[-1]:.2f}, "
          f"median {ratios[len(ratios) // 2]:.2f}")


def main():
    isolate_jupyter()
    if REPEAT > 1 or QUEUE_ONLY:
        queue_rounds()
        return
    py = python_rates()
    jp = jpool_rates()
    names = ["queue messages/s", "atomic array updates/s (Python: under get_lock)", "plain array writes/s"]
    print(f"{'':50} {'jpool':>14} {'python':>14} {'ratio':>8}")
    for name, j, p in zip(names, jp, py):
        print(f"{name:50} {j:14,.0f} {p:14,.0f} {j / p:8.2f}")


if __name__ == "__main__":
    main()
