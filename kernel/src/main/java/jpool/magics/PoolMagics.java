package jpool.magics;

import jpool.api.Fn;
import jpool.checkpoint.CheckpointUnavailable;
import jpool.display.Html;
import jpool.display.MimeBundle;
import jpool.eval.CellError;
import jpool.eval.CellResult;
import jpool.monitor.ProcessStats;
import jpool.monitor.TaskBoard;
import jpool.pool.AsyncResult;
import jpool.pool.Outcome;
import jpool.pool.Pool;
import jpool.pool.PoolBoard;
import jpool.pool.PoolStatus;
import jpool.workers.Mp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.lang.model.SourceVersion;

/** {@code %%pool} (run the cell body for each element, on a pool) and {@code %pool} (status, shutdown). */
final class PoolMagics {
    static final String CELL_USAGE = "%%pool [-n N] --map EXPR [--as VAR] [--chunk K] [--unordered] [--out NAME] [--timeout S] [--retries R]\n"
            + "       [--checkpoint NAME [--keep-failures]] [--cluster URL]\n"
            + "  Runs the cell body once per element of EXPR (bound to VAR, default 'it') on a pool of N workers\n"
            + "  (default: CPU count). The body's last expression is each element's result; the results land in the\n"
            + "  List<Object> variable NAME (default _pool) in input order (completion order with --unordered).\n"
            + "  A live task board shows progress, workers, their output and per-CPU load; a results table follows.\n"
            + "  --checkpoint NAME stores each element's outcome as it arrives (see %checkpoints); run again, the cell\n"
            + "  takes the stored ones and computes only the rest (failed ones too, unless --keep-failures).\n"
            + "  --cluster URL runs the elements on the Apache Spark cluster at URL (default: the one %cluster set).";
    static final String LINE_USAGE = "%pool [status]             status of every pool (workers, PIDs, busy/idle, tasks, CPU, memory)\n"
            + "%pool shutdown NAME|--all  terminate one pool (e.g. Pool-2) or all of them";
    private static final Map<String, Flags.Arity> SPEC = Map.ofEntries(Map.entry("-n", Flags.Arity.ONE), Map.entry("--map", Flags.Arity.ONE),
            Map.entry("--as", Flags.Arity.ONE), Map.entry("--chunk", Flags.Arity.ONE), Map.entry("--unordered", Flags.Arity.NONE),
            Map.entry("--out", Flags.Arity.ONE), Map.entry("--timeout", Flags.Arity.ONE), Map.entry("--retries", Flags.Arity.ONE),
            Map.entry("--checkpoint", Flags.Arity.ONE), Map.entry("--keep-failures", Flags.Arity.NONE),
            Map.entry("--cluster", Flags.Arity.ONE));
    /** Pools the magic created, by size, reused by later %%pool cells (workers stay warm). */
    private static final Map<Integer, Pool> MAGIC_POOLS = new ConcurrentHashMap<>();

    private final JavaRunner java;

    PoolMagics(JavaRunner java) {
        this.java = java;
    }

    Object poolCell(List<String> args, String body) throws Exception {
        Flags f = Flags.parse("%%pool", joinExpression(args), SPEC);
        if (!f.positional().isEmpty()) throw new MagicException("%%pool: unexpected argument '" + f.positional().get(0) + "' (see %%pool --help)");
        if (!f.has("--map")) throw new MagicException("%%pool: --map EXPR is required: the elements to run the cell body for (see %%pool --help)");
        int n = f.intValue("-n", Mp.cpuCount(), 1);
        String var = identifier(f.get("--as", "it"), "--as");
        String out = identifier(f.get("--out", "_pool"), "--out");
        int chunk = f.intValue("--chunk", 1, 1);
        Double timeout = f.seconds("--timeout");
        int retries = f.intValue("--retries", 0, 0);
        String expr = f.get("--map", "");
        String checkpoint = f.get("--checkpoint", null);
        if (f.has("--keep-failures") && checkpoint == null)
            throw new MagicException("%%pool: --keep-failures goes with --checkpoint NAME (see %%pool --help)");
        if (body.isBlank()) throw new MagicException("%%pool: the cell has no body to run for each element");

        // 1. evaluate EXPR in the notebook, keeping its static type for the body's variable
        String itemsVar = JavaRunner.freshName("items");
        CellResult captured = java.tryRun("var " + itemsVar + " = jpool.magics.PoolCell.capture(" + expr + ");");
        if (captured.error() != null && "CompilationError".equals(captured.error().ename()))
            // the generated line around EXPR would only confuse (its caret points into jpool's own code): name EXPR
            throw new MagicException("%%pool: --map " + expr + " does not compile: " + compileDetail(captured.error()));
        if (captured.error() != null) throw new MagicFailure(captured);
        Object items = PoolCell.takeCaptured();
        List<Object> elements;
        try {
            elements = PoolCell.elements(items);
        } catch (IllegalStateException e) { // endless or too many elements: InputReader's message says what to do
            throw new MagicException(e.getMessage());
        }
        if (elements == null)
            throw new MagicException("%%pool: --map " + expr + " is " + (items == null ? "null" : "a " + items.getClass().getName())
                    + ", not something to iterate over (use a List, Set, array, Stream or other Iterable)");

        // 2. compile the body as a task over one element
        List<String> pieces = java.evaluator().snippets(body);
        String lambda = "jpool.magics.PoolCell.stage(" + itemsVar + ", (" + var + ") -> {\n%s\n});";
        CellResult staged = java.tryRun(String.format(lambda, BodyRewriter.returningLast(java.evaluator().analysis(), pieces)));
        if (staged.error() != null && staged.error().evalue().contains("void")) // the last expression has no value
            staged = java.tryRun(String.format(lambda, BodyRewriter.returningNull(pieces)));
        if (staged.error() != null) throw new MagicFailure(staged);
        Fn<Object, Object> fn = PoolCell.takeStaged();

        // 3. run it with a live board, shown before the run starts: above every line the tasks print
        // jpool.cluster hook: --cluster URL (or the notebook's %cluster) runs the elements on a Spark cluster
        String clusterUrl = f.get("--cluster", jpool.cluster.Cluster.current() == null || f.has("-n") ? null : jpool.cluster.Cluster.current().master());
        // --retries on a cluster: Spark's own retries apply; refused before a Spark application is started for nothing
        if (clusterUrl != null && retries > 0)
            throw new MagicException("%%pool --retries: a cluster's tasks are re-run by Spark when their executor is lost; "
                    + "set spark.task.maxFailures (%cluster URL spark.task.maxFailures=" + (retries + 1) + ") instead");
        Pool pool = clusterUrl == null ? magicPool(n) : clusterPool(clusterUrl);
        pool.timeout(timeout == null ? null : Duration.ofMillis((long) (timeout * 1000))).retries(retries);
        String title = "%%pool " + elements.size() + (elements.size() == 1 ? " item" : " items") + " on " + pool.name() + " ("
                + n + (n == 1 ? " worker)" : " workers)");
        List<List<String>> failed = new ArrayList<>(List.of(List.of())); // filled in before the board's final state
        AtomicReference<AsyncResult<List<Outcome<Object>>>> running = new AtomicReference<>();
        AtomicReference<PoolBoard> rows = new AtomicReference<>();
        TaskBoard board = new TaskBoard(java.dispatcher().currentCell(), title, () -> {
            AsyncResult<List<Outcome<Object>>> r = running.get();
            if (r == null) return new TaskBoard.State(0, 0, elements.size(), PoolBoard.rows(pool), List.of());
            return TaskBoard.State.of(r.done(), r.failed(), r.cancelled(), r.total(), rows.get().rows(), failed.get(0));
        }).start();
        AsyncResult<List<Outcome<Object>>> run;
        try {
            run = checkpoint == null ? pool.mapResultsAsync(fn, elements, chunk)
                    : pool.checkpoint(checkpoint).keepFailures(f.has("--keep-failures")).mapResultsAsync(fn, elements, chunk);
        } catch (CheckpointUnavailable e) {
            board.finish();
            throw new MagicException("%%pool: " + e.getMessage());
        } catch (RuntimeException e) {
            board.finish();
            throw e;
        }
        if (run.fromCheckpoint() > 0) board.title(title + ", " + run.fromCheckpoint() + " from checkpoint '" + checkpoint + "'");
        rows.set(new PoolBoard(pool, run));
        running.set(run);
        List<Outcome<Object>> shown;
        List<String> failures;
        try {
            shown = new ArrayList<>(run.get());
            if (f.has("--unordered")) shown.sort(Comparator.comparingLong(Outcome::endMillis));
            failures = shown.stream().filter(o -> !o.ok())
                    .map(o -> "#" + o.index() + " " + o.input() + ": " + o.error().getMessage()).toList();
            failed.set(0, failures);
        } finally {
            board.finish();
        }

        // 4. the results variable and table
        List<Object> values = new ArrayList<>();
        for (Outcome<Object> o : shown) values.add(o.value());
        PoolCell.offerResults(values);
        java.run("List<Object> " + out + " = jpool.magics.PoolCell.takeResults();");
        List<Map<String, Object>> table = new ArrayList<>();
        for (Outcome<Object> o : shown) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("#", o.index());
            row.put(var, o.input());
            row.put("result", o.ok() ? o.value() : "FAILED: " + o.error().getMessage());
            row.put("worker", o.worker());
            row.put("ms", o.endMillis() - o.startMillis());
            table.add(row);
        }
        if (!failures.isEmpty())
            System.err.println(failures.size() + " of " + shown.size() + " elements failed (their " + out + " entries are null):\n  "
                    + String.join("\n  ", failures));
        return table;
    }


    /** "cannot find symbol (variable undefinedVar)": the compiler's message with its symbol line, on one line. */
    static String compileDetail(CellError e) {
        String detail = e.evalue().strip().split("\n")[0];
        for (String line : e.traceback()) {
            String plain = line.replaceAll("\u001b\\[[0-9;]*m", "");
            for (String part : plain.split("\n")) {
                String t = part.strip();
                if (t.startsWith("symbol:")) return detail + " (" + t.substring("symbol:".length()).strip().replaceAll("\\s+", " ") + ")";
            }
        }
        return detail;
    }

    /** --map's expression may contain spaces ("new int[]{1, 2}", "a + b"): it runs up to the next option. */
    static List<String> joinExpression(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            out.add(a);
            if (!a.equals("--map")) continue;
            StringBuilder expr = new StringBuilder();
            while (i + 1 < args.size() && !isOption(args.get(i + 1)))
                expr.append(expr.length() == 0 ? "" : " ").append(args.get(++i));
            if (expr.length() > 0) out.add(expr.toString());
        }
        return out;
    }

    /**
     * Whether a token after --map's expression starts the next option. Any "--word" counts, not only the known
     * ones: a misspelt flag (--unorderd) used to be glued onto the expression and surfaced as a baffling Java
     * compile error about the generated code; now Flags reports it as an unknown option before anything runs.
     * A top-level "--word" token is never valid Java after an expression, and "-word" could only subtract, which
     * gives a number, never something to map over, so no usable expression is cut short.
     */
    private static boolean isOption(String token) {
        String name = token.split("=", 2)[0];
        return SPEC.containsKey(name) || name.matches("--?[A-Za-z][\\w-]*");
    }


    private static synchronized Pool magicPool(int n) {
        Pool p = MAGIC_POOLS.get(n);
        if (p == null || !Pool.all().contains(p) || !p.snapshot().running()) {
            p = new Pool(n).progressDisplays(false);
            MAGIC_POOLS.put(n, p);
        }
        return p;
    }

    private static final Map<String, Pool> CLUSTER_POOLS = new ConcurrentHashMap<>();

    /** The %%pool cells' pool on a Spark cluster (the %cluster default's settings when it names the same master). */
    private static synchronized Pool clusterPool(String url) {
        Pool p = CLUSTER_POOLS.get(url);
        if (p == null || !Pool.all().contains(p) || p.status().contains("[close]") || p.status().contains("[terminate]")) {
            jpool.cluster.Cluster current = jpool.cluster.Cluster.current();
            jpool.cluster.Cluster c = current != null && current.master().equals(url) ? current : jpool.cluster.Cluster.spark(url);
            try {
                p = new Pool(c).progressDisplays(false);
            } catch (jpool.cluster.ClusterFailure e) {
                throw new MagicException("%%pool --cluster: " + e.getMessage());
            }
            CLUSTER_POOLS.put(url, p);
        }
        return p;
    }

    static String identifier(String s, String option) {
        if (!SourceVersion.isIdentifier(s) || SourceVersion.isKeyword(s))
            throw new MagicException("%%pool: " + option + " needs a Java identifier, got '" + s + "'");
        return s;
    }

    Object poolLine(List<String> args) {
        if (!args.isEmpty() && args.get(0).equals("shutdown")) {
            List<String> rest = args.subList(1, args.size());
            if (rest.isEmpty()) throw new MagicException("%pool shutdown: name a pool (e.g. Pool-1) or give --all");
            List<Pool> victims = new ArrayList<>();
            for (Pool p : Pool.all()) if (rest.contains("--all") || rest.contains(p.name())) victims.add(p);
            if (victims.isEmpty() && rest.contains("--all")) return "no pools running";
            if (victims.isEmpty()) throw new MagicException("%pool shutdown: no running pool named " + String.join(" ", rest) + "; %pool lists them");
            victims.forEach(Pool::terminate);
            MAGIC_POOLS.values().removeIf(victims::contains);
            return "terminated " + victims.stream().map(Pool::name).toList();
        }
        // "%pool status" is accepted as a spelled-out form of "%pool". Other arguments fail in one line (the usage was
        // appended over three lines before, burying the actual complaint); --help shows the full usage.
        if (args.size() == 1 && args.get(0).equals("status")) return status(Pool.all());
        if (!args.isEmpty())
            throw new MagicException("%pool: unknown argument '" + args.get(0) + "' (usage: %pool [status] | %pool shutdown NAME|--all; see %pool --help)");
        return status(Pool.all());
    }

    static MimeBundle status(List<Pool> pools) {
        if (pools.isEmpty()) return new MimeBundle("no pools running");
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder("<table class=\"jpool-pools\"><tr><th>pool</th><th>worker</th><th>pid</th><th>state</th>"
                + "<th>tasks run</th><th>CPU time</th><th>RSS</th></tr>");
        for (Pool p : pools) {
            PoolStatus status = p.snapshot();
            text.append(status.line()).append('\n');
            html.append("<tr><td colspan=\"7\"><b>").append(Html.escape(status.line())).append("</b></td></tr>");
            for (PoolStatus.Worker w : status.workers()) {
                // a Spark executor's figures are its own readings (its process may be on another machine)
                double[] st = w.usage() != null ? new double[]{w.usage().cpuSeconds(), w.usage().rss()} : ProcessStats.read(w.pid());
                long pid = w.usage() != null ? w.usage().pid() : w.pid();
                String cpu = st == null ? "" : String.format("%.1f s", st[0]);
                String rss = st == null ? "" : w.usage() != null ? w.usage().memory() : ProcessStats.bytes(st[1]);
                text.append(String.format("  %-14s pid %-7d %-5s %4d tasks  cpu %8s  rss %s%n", w.name(), pid,
                        w.busy() ? "busy" : "idle", w.tasksRun(), cpu, rss));
                html.append("<tr><td>").append(p.name()).append("</td><td>").append(w.name()).append("</td><td>").append(pid)
                        .append("</td><td>").append(w.busy() ? "busy" : "idle").append("</td><td>").append(w.tasksRun())
                        .append("</td><td>").append(cpu).append("</td><td>").append(rss).append("</td></tr>");
            }
        }
        html.append("</table>");
        return new MimeBundle(text.toString().stripTrailing()).with("text/html", html.toString());
    }
}
