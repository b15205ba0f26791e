"""Cluster pool vs local pool, side by side in one run, on a Spark standalone cluster on this machine (a Master and
WORKERS Workers of one core, separate JVMs on 127.0.0.1, started by jpool.cluster.LocalStandalone):

  * warm per-job overhead: median wall time of `pool.apply(() -> 1)` after warm-up (target: under 200 ms);
  * CPU-bound speedup: INPUTS inputs of ~1-2 s of CPU each (heavy enough that per-job overhead does not dominate),
    run sequentially in the kernel, on the cluster (WORKERS executors x 1 core) and on a local Pool(WORKERS), all in
    this run; each speedup is sequential time / pool time, and its ratio to the target 0.8 x cores is printed.

Run with Debian's Python after install/install.sh (the installed jpool kernel is used):
    /usr/bin/python3 bench/cluster_bench.py [WORKERS]
Timings only: this is not a test (the machine is shared and noisy)."""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "python"))
from cluster_fixture import StandaloneCluster  # noqa: E402
from kernel_helpers import Kernel  # noqa: E402

WORKERS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
INPUTS = 8
SPIN = """long spin(int n) { long h = n; for (long i = 0; i < 1_500_000_000L; i++) h = h * 6364136223846793005L + i; return h; }"""


def timed(k, code, timeout=900):
    t = time.monotonic()
    k.ok(code, timeout=timeout)
    return time.monotonic() - t


def main():
    cluster = StandaloneCluster(workers=WORKERS, cores=1)
    k = Kernel()
    inputs = ", ".join(str(i) for i in range(INPUTS))
    try:
        k.ok(SPIN)
        k.ok("spin(-1);")  # the kernel's JIT warms the loop before the sequential baseline
        seq = timed(k, f"for (int x : List.of({inputs})) spin(x);")
        k.ok(f'Pool cp = new Pool(Cluster.spark("{cluster.master}").executorMemory("512m").expectCores({WORKERS}));', timeout=600)
        for _ in range(5):
            timed(k, "cp.apply(() -> 1)")
        jobs = [timed(k, "cp.apply(() -> 1)") for _ in range(10)]
        tc = timed(k, f"cp.map(x -> spin(x), List.of({inputs}), 1)")
        k.ok("cp.close();")
        k.ok(f"Pool ln = new Pool({WORKERS}); ln.map(x -> x, List.of({inputs}));")
        local_jobs = [timed(k, "ln.apply(() -> 1)") for _ in range(10)]
        tl = timed(k, f"ln.map(x -> spin(x), List.of({inputs}), 1)")
        k.ok("ln.close();")
    finally:
        k.shutdown()
        cluster.close()
    target = 0.8 * WORKERS
    print(f"sequential in the kernel: {INPUTS} inputs in {seq:.2f} s ({seq / INPUTS:.2f} s each)")
    print(f"{'':34}{'Spark cluster':>16}{'local Pool':>14}")
    print(f"{'warm one-task call, median (ms)':34}{1000 * statistics.median(jobs):16.0f}{1000 * statistics.median(local_jobs):14.0f}")
    print(f"{f'CPU map, {WORKERS} cores (s)':34}{tc:16.2f}{tl:14.2f}")
    print(f"{'speedup vs sequential':34}{seq / tc:16.2f}{seq / tl:14.2f}")
    print(f"{f'ratio to target {target:.1f}':34}{seq / tc / target:16.2f}{seq / tl / target:14.2f}")
    print("(each cell's time includes the kernel round trip of executing a cell)")


if __name__ == "__main__":
    main()
