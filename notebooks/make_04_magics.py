"""Writes notebooks/04-magics-and-monitoring.ipynb (saved without outputs). Run with Debian's Python:

    /usr/bin/python3 notebooks/make_04_magics.py

Edit the cells here, not in the .ipynb, so the cell ids the checks (tests/python/nb_checks_magics.py) use stay put.
"""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parent / "04-magics-and-monitoring.ipynb"

cells = []


def md(cell_id, text):
    c = new_markdown_cell(text.strip("\n"))
    c.id = cell_id
    cells.append(c)


def code(cell_id, text):
    c = new_code_cell(text.strip("\n"))
    c.id = cell_id
    cells.append(c)


md("intro", """
# Magics and monitoring: fanning work out to worker processes

jpool cells are Java, but a cell may also start with a **magic**: a `%name` line (a *line magic*) or a `%%name`
first line that applies to the whole cell (a *cell magic*). The magics here run work in separate **worker JVMs** and
show what those workers are doing while they run:

| magic | what it does |
| --- | --- |
| `%%pool` | runs the cell body once per element of a collection, on a pool of workers, with a live task board |
| `%pool` | lists the pools with their workers and PIDs; `%pool shutdown --all` stops them |
| `%%process` | runs the cell body in a new worker process (`--join` waits for it) |
| `%ps`, `%join`, `%terminate` | list, wait for and stop the processes the notebook started |
| `%cpu` | per-CPU utilisation, now or over a few seconds |

The workload is CPU-bound on purpose (counting primes, estimating π), so the per-CPU charts show the difference
between one busy core and all of them. The whole notebook takes well under a minute on an idle 2-core machine.
""")

code("lsmagic", "%lsmagic")

md("help-md", """
Every magic explains itself with `--help` (or `-h`):
""")

code("pool-help", "%%pool --help")

md("cpu-before-md", """
## `%cpu`: per-CPU utilisation

`%cpu` measures how busy each CPU is over half a second (the numbers `top` shows after pressing `1`), as a bar and a
row per CPU. Before any work starts they are close to idle, unless other programs on the machine keep them busy
(those count too: this is the whole machine, not just the notebook).
""")

code("cpu-before", "%cpu")

md("workload-md", """
## The workload

Plain Java methods, defined in the notebook like any others. Worker processes receive them (and the classes and
variables the cell bodies use) automatically.
""")

code("workload", """
static boolean isPrime(long n) {
    if (n < 2) return false;
    for (long d = 2; d * d <= n; d++) if (n % d == 0) return false;
    return true;
}

static long countPrimes(long from, long to) {
    long count = 0;
    for (long n = from; n < to; n++) if (isPrime(n)) count++;
    return count;
}

/** Monte-Carlo estimate of pi: the share of random points in the unit square that fall inside the quarter circle. */
static double estimatePi(long seed, int samples) {
    var random = new java.util.SplittableRandom(seed);
    int inside = 0;
    for (int i = 0; i < samples; i++) {
        double x = random.nextDouble(), y = random.nextDouble();
        if (x * x + y * y <= 1) inside++;
    }
    return 4.0 * inside / samples;
}

long MILLION = 1_000_000L;
countPrimes(0, 100)
""")

md("pool-md", """
## `%%pool`: one task per element

`%%pool --map EXPR` runs the rest of the cell once for every element of `EXPR` (a `List`, `Set`, array, `Stream` or
any `Iterable`), each time with the element bound to a variable (`--as block` here; the default is `it`). The
cell's last expression is that element's result.

While it runs, a **task board** shows progress, each worker with its PID, state, CPU and memory, and a per-CPU panel
with a timeline. The board is one display updated in place a few times a second; when the run ends it is replaced by
a static summary, so the saved notebook keeps the picture of the run: both CPUs busy from start to end.

The results land in the variable named by `--out` (default `_pool`) **in input order**, and a table lists each
element with its result, the worker that computed it and how long it took. Without `-n` the pool has one worker per
CPU; it stays up for the next `%%pool` cell.
""")

code("pool-primes", """
%%pool --map IntStream.range(0, 16).boxed().toList() --as block --out counts
countPrimes(block * MILLION, (block + 1) * MILLION)
""")

md("pool-total-md", """
`counts` is an ordinary `List<Object>`: block 0 (0 to 1 million) first. Primes thin out as numbers grow, so the
counts go down. Their sum is the number of primes below 16 million:
""")

code("pool-total", """
long total = counts.stream().mapToLong(c -> (Long) c).sum();
counts.get(0) + " primes below a million, " + total + " below 16 million"
""")

md("pool-pi-md", """
### `--unordered`, `--timeout`, `--retries`

With `--unordered` the results (and the table) come in the order the tasks **finished**; the `#` column still names
each element's input position. `--timeout S` fails an element that runs longer than S seconds and `--retries R`
gives a failed element R more tries.

Here each seed draws 10, 20 or 30 million points, so the tasks finish out of order.
""")

code("pool-pi", """
%%pool --map LongStream.rangeClosed(1, 8).boxed().toList() --as seed --unordered --timeout 120 --retries 1 --out estimates
int samples = (int) (10_000_000 * (1 + seed % 3));
estimatePi(seed, samples)
""")

code("pi-mean", """
String.format("mean of %d estimates: %.4f", estimates.size(), estimates.stream().mapToDouble(e -> (Double) e).average().getAsDouble())
""")

md("pool-chunk-md", """
### `--chunk`: fewer, larger tasks

For many tiny elements, sending each one to a worker on its own costs more than the work. `--chunk K` sends them K
at a time: below, 24 elements travel as 4 tasks of 6, and every element of a chunk ran on the same worker.
""")

code("pool-chunk", """
%%pool --map IntStream.range(0, 24).boxed().toList() --chunk 6 --as n --out squares
(long) n * n
""")

md("pool-failures-md", """
### When some elements fail

An exception in one element does not stop the others: the failed elements are listed (on the board, in the table
and on stderr) and their entries in the results variable are `null`. Here `100 / 0` fails:
""")

code("pool-failures", """
%%pool --map List.of(10, 0, 5, 4) --as d --out ratios
100 / d
""")

code("ratios", "ratios")

md("process-md", """
## `%%process`: a cell in its own process

`%%process --name NAME` runs the cell body in a new worker JVM and returns at once; `--join` waits for it to end.
What it prints streams into the cell as it runs, each line tagged with the process name.
""")

code("process-join", """
%%process --name sieve --join
long found = 0;
for (int m = 1; m <= 3; m++) {
    found += countPrimes((m - 1) * MILLION, m * MILLION);
    System.out.println("primes below " + m + " million: " + found);
}
""")

md("process-bg-md", """
### A process in the background, watched with `%cpu --for`

Without `--join` the cell returns at once and the process keeps running. `%cpu --for 2 --interval 250` samples
every CPU four times a second for two seconds, redrawing one chart in place, and ends with the average: on an
otherwise idle machine one CPU is busy with `burner` and the other mostly idle. `%ps` lists every process the
notebook started, with its PID, state, exit code, CPU% and memory, and `%join burner` waits for it to finish.
""")

code("process-bg", """
%%process --name burner
System.out.println("primes below 10 million: " + countPrimes(0, 10 * MILLION));
""")

code("cpu-during", "%cpu --for 2 --interval 250")

code("ps-running", "%ps")

code("join-burner", "%join burner")

md("terminate-md", """
### `%terminate`

A process that would run for ten minutes is stopped with `%terminate NAME` (SIGTERM); `%join NAME SECONDS` waits
at most that long. `%%process --join SECONDS` waits at most that long too, and says so when the process is still
running; it goes on in the background.
""")

code("process-long", """
%%process --name sleeper --join 1
for (int i = 0; i < 600; i++) Thread.sleep(1_000);
""")

code("terminate", "%terminate sleeper")

code("join-sleeper", "%join sleeper 30")

md("status-md", """
## Status: `%ps` and `%pool`

`%ps` now shows `sieve` and `burner` stopped with exit code 0, `sleeper` stopped, and the pool's workers idle.
`%pool` lists each pool with its workers, their PIDs, how many tasks each ran, and their CPU time and memory.
""")

code("ps", "%ps")

code("pool-status", "%pool")

md("cpu-after-md", """
After the work, the CPUs are back to (nearly) idle:
""")

code("cpu-after", "%cpu")

md("shutdown-md", """
## Cleaning up

`%pool shutdown --all` stops every pool's workers (they would also end with the kernel).
""")

code("shutdown", "%pool shutdown --all")

code("pool-empty", "%pool")

md("more-md", """
## A smaller pool, a daemon process, stopping everything

`-n N` sets the size of a `%%pool` cell's pool (one pool per size is kept for later cells). `%%process --daemon`
marks a helper process that nobody needs to wait for (`%ps` shows `daemon`; shutting the kernel down does not
warn about it), and `%terminate --all` sends SIGTERM to every process still running.
""")

code("pool-n", """
%%pool -n 1 --map List.of("a", "bb", "ccc") --as s --out lengths
s.length()
""")

code("process-daemon", """
%%process --name ticker --daemon
for (int i = 0; ; i++) { System.out.println("tick " + i); Thread.sleep(500); }
""")

code("ps-daemon", "%ps")

code("terminate-all", "%terminate --all")

code("join-ticker", "%join ticker 30")

code("shutdown-again", "%pool shutdown --all")

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"display_name": "Java (jpool)", "language": "java", "name": "jpool"},
    "language_info": {"codemirror_mode": "text/x-java", "file_extension": ".java", "mimetype": "text/x-java",
                      "name": "java", "pygments_lexer": "java"},
})
nbformat.validate(nb)
nbformat.write(nb, OUT)
print(f"wrote {OUT} ({len(cells)} cells)")
