"""Cluster pool vs local pool, side by side in one run, on a Spark standalone cluster on this machine (a Master and
WORKERS Workers of one core, separate JVMs on 127.0.0.1, started by jpool.cluster.LocalStandalone):

  * warm per-job overhead: `pool.apply(() -> 1)` timed inside one cell (System.nanoTime around each call, 30 calls
    after warm-up), so the kernel's own round trip of executing a cell (~100-200 ms here, the same for any pool) is
    not counted; min / median / max (target: median under 200 ms), next to a local Pool(1)'s;
  * CPU-bound speedup: a map of 2 x WORKERS equal CPU-bound inputs of ~1.5 s each (heavy enough that the per-job
    overhead does not dominate), on WORKERS executors of 1 core vs the same inputs run one after another in the
    kernel (target: at least 0.8 x the executors' cores), next to Pool(WORKERS) locally.

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
SPIN = """long spin(int n) { long h = n; for (long i = 0; i < 1_500_000_000L; i++) h = h * 6364136223846793005L + i; return h; }"""


def timed(k, code, timeout=900):
    t = time.monotonic()
    k.ok(code, timeout=timeout)
    return time.monotonic() - t


def main():
    cluster = StandaloneCluster(workers=WORKERS, cores=1)
    k = Kernel()
    inputs = ", ".join(str(i) for i in range(2 * WORKERS))
    times = ("long[] ts = new long[30]; for (int i = 0; i < 30; i++) { long t0 = System.nanoTime(); POOL.apply(() -> 1); "
             "ts[i] = (System.nanoTime() - t0) / 1000; } Arrays.sort(ts); System.out.println(\"T \" + ts[0] + \" \" + ts[15] + \" \" + ts[29]);")
    try:
        k.ok(SPIN)
        seq = timed(k, f"for (int x : List.of({inputs})) spin(x);")
        k.ok(f'Pool all = new Pool(Cluster.spark("{cluster.master}").executorMemory("512m").expectCores({WORKERS}));', timeout=600)
        for _ in range(5):
            k.ok("all.apply(() -> 1)")
        job = [int(v) / 1000 for v in k.ok(times.replace("POOL", "all")).stdout.split()[1:4]]
        tn = timed(k, f"all.map(x -> spin(x), List.of({inputs}), 1)")
        k.ok("all.close();")
        k.ok(f"Pool l1 = new Pool(1); Pool ln = new Pool({WORKERS}); l1.apply(() -> 1); ln.map(x -> x, List.of({inputs}));")
        local = [int(v) / 1000 for v in k.ok(times.replace("POOL", "l1")).stdout.split()[1:4]]
        ln = timed(k, f"ln.map(x -> spin(x), List.of({inputs}), 1)")
        k.ok("l1.close(); ln.close();")
    finally:
        k.shutdown()
        cluster.close()
    print(f"{'':40}{'Spark cluster':>16}{'local Pool':>14}")
    print(f"{'warm one-task call min/median/max (ms)':40}{'%.0f/%.0f/%.0f' % tuple(job):>16}{'%.1f/%.1f/%.1f' % tuple(local):>14}")
    print(f"{'sequential in the kernel (s)':40}{seq:16.2f}{seq:14.2f}")
    print(f"{f'CPU map, {WORKERS} cores (s)':40}{tn:16.2f}{ln:14.2f}")
    print(f"{'speedup (target >= 0.8 x cores)':40}{seq / tn:16.2f}{seq / ln:14.2f}")
    print("(the map times include one kernel round trip of executing a cell)")

if __name__ == "__main__":
    main()
