package jpool.magics;

import jpool.display.Html;
import jpool.display.MimeBundle;
import jpool.monitor.ProcessStats;
import jpool.monitor.TaskBoard;
import jpool.pool.Pool;
import jpool.pool.PoolStatus;
import jpool.workers.Proc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/** {@code %%process}, {@code %ps}, {@code %join}, {@code %terminate}. */
final class ProcessMagics {
    static final String CELL_USAGE = "%%process [--name NAME] [--daemon] [--join [SECONDS]]\n"
            + "  Runs the cell body (Java statements; everything earlier cells defined is available) in a new worker\n"
            + "  process and returns at once, unless --join waits for it (at most SECONDS). Its output streams into\n"
            + "  this cell, with a live board of its state. The Proc is kept in the variable _proc.";
    private static final Map<String, Flags.Arity> SPEC = Map.of("--name", Flags.Arity.ONE, "--daemon", Flags.Arity.NONE,
            "--join", Flags.Arity.OPTIONAL);
    /** The board of each %%process, so %join can make sure its final state reaches the notebook. */
    private static final Map<Proc, TaskBoard> BOARDS = Collections.synchronizedMap(new WeakHashMap<>());
    private final JavaRunner java;

    ProcessMagics(JavaRunner java) {
        this.java = java;
    }

    Object processCell(List<String> args, String body) {
        Flags f = Flags.parse("%%process", args, SPEC);
        if (!f.positional().isEmpty()) throw new MagicException("%%process: unexpected argument '" + f.positional().get(0) + "' (see %%process --help)");
        if (body.isBlank()) throw new MagicException("%%process: the cell has no body to run");
        Double joinSeconds = f.has("--join") ? f.seconds("--join") : null;
        String name = f.get("--name", null);
        if (name != null && name.isBlank()) throw new MagicException("%%process: --name must not be blank");
        String nameLiteral = name == null ? "null" : "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        String statements = String.join("\n", java.evaluator().snippets(body).stream()
                .map(p -> p.strip().endsWith(";") || p.strip().endsWith("}") ? p : p + ";").toList());
        java.run("Proc _proc = jpool.magics.PoolCell.capture(new Proc(" + nameLiteral + ", () -> {\n" + statements + "\n}));");
        Proc p = (Proc) PoolCell.takeCaptured();
        p.daemon(f.has("--daemon"));
        p.start();
        TaskBoard board = new TaskBoard(java.dispatcher().currentCell(), "%%process " + p.name() + (p.daemon() ? " (daemon)" : ""),
                () -> state(p)).start();
        BOARDS.put(p, board);
        p.onExit().whenComplete((c, e) -> board.finish());
        if (f.has("--join")) {
            if (joinSeconds == null) p.join();
            else p.join(joinSeconds);
            if (!p.isAlive()) board.finish();
            else System.err.println(p.name() + " is still running after " + f.get("--join", "") + " s; it goes on in the"
                    + " background (%join " + p.name() + " waits for it, %terminate " + p.name() + " stops it)");
        }
        return null;
    }

    private static TaskBoard.State state(Proc p) {
        Integer code = p.exitCode();
        String st = code == null ? "running" : "exit " + code;
        TaskBoard.Row row = new TaskBoard.Row(p.name(), p.pid() == null ? 0 : p.pid(), st,
                p.failure() == null ? "" : p.failure().remoteClass(), p.recentOutput());
        List<String> failures = p.failure() == null ? List.of() : List.of(p.failure().getMessage());
        return new TaskBoard.State(code == null ? 0 : 1, code != null && code != 0 ? 1 : 0, 1, List.of(row), failures);
    }

    Object ps(List<String> args) {
        if (!args.isEmpty()) throw new MagicException("%ps takes no arguments");
        List<Object[]> rows = new ArrayList<>();
        for (Proc p : Proc.started())
            rows.add(new Object[]{p.name(), p.pid(), p.isAlive() ? "running" : "stopped", p.exitCode(), p.daemon() ? "daemon" : ""});
        for (Pool pool : Pool.all())
            for (PoolStatus.Worker w : pool.workers())
                rows.add(new Object[]{w.name() + " (" + pool.name() + ")", w.pid(), w.busy() ? "busy" : "idle", null, ""});
        if (rows.isEmpty()) return new MimeBundle("no processes started yet");
        // CPU% over a short window: two readings of /proc/<pid>/stat
        double[][] before = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) before[i] = ProcessStats.read((Long) rows.get(i)[1]);
        long t0 = System.nanoTime();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double dt = (System.nanoTime() - t0) / 1e9;
        StringBuilder text = new StringBuilder(String.format("%-28s %8s %-8s %5s %6s %9s%n", "NAME", "PID", "STATE", "EXIT", "CPU%", "RSS"));
        StringBuilder html = new StringBuilder("<table class=\"jpool-ps\"><tr><th>name</th><th>pid</th><th>state</th><th>exit code</th>"
                + "<th>CPU%</th><th>RSS</th></tr>");
        for (int i = 0; i < rows.size(); i++) {
            Object[] r = rows.get(i);
            double[] now = ProcessStats.read((Long) r[1]);
            String cpu = now == null || before[i] == null ? "" : String.format("%.0f", 100 * (now[0] - before[i][0]) / dt);
            String rss = now == null ? "" : ProcessStats.bytes(now[1]);
            String exit = r[3] == null ? "" : r[3].toString();
            String state = r[2] + (((String) r[4]).isEmpty() ? "" : " " + r[4]);
            text.append(String.format("%-28s %8d %-8s %5s %6s %9s%n", r[0], (Long) r[1], state, exit, cpu, rss));
            html.append("<tr><td>").append(Html.escape(r[0].toString())).append("</td><td>").append(r[1]).append("</td><td>")
                    .append(state).append("</td><td>").append(exit).append("</td><td>").append(cpu).append("</td><td>").append(rss).append("</td></tr>");
        }
        return new MimeBundle(text.toString().stripTrailing()).with("text/html", html.append("</table>").toString());
    }

    Object join(List<String> args) {
        if (args.isEmpty() || args.size() > 2) throw new MagicException("usage: %join NAME [SECONDS]");
        Proc p = find(args.get(0), "%join");
        if (args.size() == 2) {
            double s;
            try {
                s = Double.parseDouble(args.get(1));
            } catch (NumberFormatException e) {
                throw new MagicException("%join: SECONDS must be a number, got '" + args.get(1) + "'");
            }
            if (!(s > 0)) throw new MagicException("%join: SECONDS must be positive, got " + args.get(1));
            p.join(s);
        } else {
            p.join();
        }
        TaskBoard board = BOARDS.get(p);
        if (board != null && !p.isAlive()) {
            board.finish(); // onExit may not have run yet
            board.redeliverFinal();
        }
        return p.toString();
    }

    Object terminate(List<String> args) {
        if (args.isEmpty()) throw new MagicException("usage: %terminate NAME|--all");
        List<String> done = new ArrayList<>();
        if (args.contains("--all")) {
            for (Proc p : Proc.started()) if (p.isAlive()) {
                p.terminate();
                done.add(p.name());
            }
        } else {
            for (String n : args) {
                Proc p = find(n, "%terminate");
                if (p.isAlive()) p.terminate();
                done.add(n);
            }
        }
        return done.isEmpty() ? "no running process" : "sent SIGTERM to " + String.join(", ", done);
    }

    private static Proc find(String name, String magic) {
        Proc p = Proc.byName(name);
        if (p == null) throw new MagicException(magic + ": no process named '" + name + "' (%ps lists them)");
        return p;
    }
}
