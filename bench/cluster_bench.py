"""Cluster pool vs local pool, side by side in one run, on a Spark standalone cluster on this machine (a Master and
WORKERS Workers of one core, separate JVMs on 127.0.0.1, started by jpool.cluster.LocalStandalone):

  * warm per-job overhead: median wall time of `pool.apply(() -> 1)` after warm-up (target: under 200 ms);
  * CPU-bound speedup: a map of 2 x WORKERS equal CPU-bound inputs, 1 executor core vs WORKERS cores
    (target: at least 0.8 x the executors' cores), next to Pool(1) vs Pool(WORKERS) locally.

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
SPIN = """long spin(int n) { long h = n; for (long i = 0; i < 400_000_000L; i++) h = h * 6364136223846793005L + i; return h; }"""


def timed(k, code, timeout=900):
    t = time.monotonic()
    k.ok(code, timeout=timeout)
    return time.monotonic() - t


def main():
    cluster = StandaloneCluster(workers=WORKERS, cores=1)
    k = Kernel()
    try:
        k.ok(SPIN)
        k.ok(f'Pool one = new Pool(Cluster.spark("{cluster.master}").executorMemory("512m").expectCores({WORKERS})'
             f'.conf("spark.cores.max", "1"));', timeout=600)
        for _ in range(5):
            timed(k, "one.apply(() -> 1)")
        jobs = [timed(k, "one.apply(() -> 1)") for _ in range(20)]
        inputs = ", ".join(str(i) for i in range(2 * WORKERS))
        t1 = timed(k, f"one.map(x -> spin(x), List.of({inputs}), 1)")
        k.ok("one.close();")
        k.ok(f'Pool all = new Pool(Cluster.spark("{cluster.master}").executorMemory("512m").expectCores({WORKERS}));', timeout=600)
        timed(k, "all.apply(() -> 1)")
        tn = timed(k, f"all.map(x -> spin(x), List.of({inputs}), 1)")
        k.ok("all.close();")
        k.ok(f"Pool l1 = new Pool(1); Pool ln = new Pool({WORKERS}); l1.apply(() -> 1); ln.map(x -> x, List.of({inputs}));")
        local_jobs = [timed(k, "l1.apply(() -> 1)") for _ in range(20)]
        l1 = timed(k, f"l1.map(x -> spin(x), List.of({inputs}), 1)")
        ln = timed(k, f"ln.map(x -> spin(x), List.of({inputs}), 1)")
        k.ok("l1.close(); ln.close();")
    finally:
        k.shutdown()
        cluster.close()
    print(f"{'':34}{'Spark cluster':>16}{'local Pool':>14}")
    print(f"{'warm one-task call, median (ms)':34}{1000 * statistics.median(jobs):16.0f}{1000 * statistics.median(local_jobs):14.0f}")
    print(f"{'CPU map, 1 core (s)':34}{t1:16.2f}{l1:14.2f}")
    print(f"{f'CPU map, {WORKERS} cores (s)':34}{tn:16.2f}{ln:14.2f}")
    print(f"{'speedup (target >= 0.8 x cores)':34}{t1 / tn:16.2f}{l1 / ln:14.2f}")
    print("(each cell's time includes the kernel round trip of executing a cell)")


if __name__ == "__main__":
    main()
