package jpool.eval;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Compiles a cell before any of it runs, so that a cell with a compile error on its last line runs nothing (as
 * Python runs nothing of a cell with a syntax error). JShell compiles and runs one snippet at a time, and a
 * snippet often needs the declarations of the ones before it, so the check uses a second JShell that mirrors the
 * notebook's declarations and never runs code: its execution engine loads classes but invokes nothing.
 * <p>The mirror follows the real JShell: cells it checked stay declared in it, cells it did not check (one snippet:
 * nothing to protect) are replayed into it in the background, and snippets the real JShell never ran (the cell
 * stopped early) are dropped again. When that cannot be undone exactly (a dropped snippet had replaced an older
 * declaration), the mirror is rebuilt from the real JShell's declarations before the next check. All work on the
 * mirror happens on one thread.
 */
final class CompileCheck implements AutoCloseable {
    /** The piece of a cell that does not compile, and why. */
    record Rejection(int index, List<Diag> diagnostics) {
    }

    private final List<String> classpath = new ArrayList<>();
    private final List<String> imports;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jpool-compile-check");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    /** Only touched on {@link #thread}. */
    private JShell mirror;
    /** The snippets of the last check, per piece, and whether each piece replaced an earlier declaration. */
    private List<List<Snippet>> lastChecked = List.of();
    private List<Boolean> lastReplaced = List.of();
    /** The mirror may differ from the real JShell: rebuild it before trusting it again. */
    private volatile boolean stale;

    CompileCheck(String classpath, List<String> importStatements) {
        for (String entry : classpath.split(File.pathSeparator)) if (!entry.isBlank()) this.classpath.add(entry);
        this.imports = List.copyOf(importStatements);
        thread.submit(() -> {
            mirror = newMirror();
            mirror.eval("1"); // warms javac up while the kernel is idle, not in the first checked cell
        });
    }

    private JShell newMirror() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        JShell js = JShell.builder().executionEngine(new NoRun(), Map.of())
                .in(new ByteArrayInputStream(new byte[0])).out(nowhere).err(nowhere)
                .compilerOptions("-Xlint:-options").build();
        classpath.forEach(js::addToClasspath);
        imports.forEach(js::eval);
        return js;
    }

    /**
     * Compiles {@code pieces} in order in the mirror; the first that does not compile, or null when all do (they
     * then stay declared in the mirror: call {@link #ranOnly} if the real run stops before the end).
     * {@code declarations} gives the real JShell's declarations, read only when the mirror must be rebuilt.
     */
    Rejection check(List<String> pieces, Supplier<List<String>> declarations) {
        List<String> replay = stale ? declarations.get() : null;
        return await(thread.submit(() -> {
            if (replay != null) rebuild(replay);
            List<List<Snippet>> made = new ArrayList<>();
            List<Boolean> replaced = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                List<SnippetEvent> events = mirror.eval(pieces.get(i));
                List<Snippet> own = new ArrayList<>();
                boolean overwrote = false;
                for (SnippetEvent e : events) {
                    if (e.causeSnippet() == null) {
                        own.add(e.snippet());
                        if (e.status() == Snippet.Status.REJECTED) {
                            List<Diag> why = mirror.diagnostics(e.snippet()).toList();
                            lastChecked = made;
                            lastReplaced = replaced;
                            keepFirst(0); // the real JShell will run none of them
                            return new Rejection(i, why);
                        }
                    } else if (e.status() == Snippet.Status.OVERWRITTEN) {
                        overwrote = true;
                    }
                }
                made.add(own);
                replaced.add(overwrote);
            }
            lastChecked = made;
            lastReplaced = replaced;
            return null;
        }));
    }

    /** The real run of the last checked cell stopped after its first {@code n} pieces: forget the others. */
    void ranOnly(int n) {
        thread.submit(() -> keepFirst(n));
    }

    /**
     * Declarations and imports the real JShell ran without a check (one-snippet cells): the mirror declares them too.
     * Expressions and statements are not replayed: they declare nothing a later cell could need (a {@code $N} is
     * numbered differently in the mirror anyway), and replaying them cost as much CPU as running the cells.
     */
    void record(List<String> pieces) {
        if (pieces.isEmpty()) return;
        thread.submit(() -> {
            for (String p : pieces) {
                for (SnippetEvent e : mirror.eval(p))
                    if (e.causeSnippet() == null && e.status() == Snippet.Status.REJECTED) stale = true;
            }
        });
    }

    /** A class-path entry added to the real JShell ({@code %classpath}). */
    void addToClasspath(String entry) {
        synchronized (classpath) {
            classpath.add(entry);
        }
        thread.submit(() -> mirror.addToClasspath(entry));
    }

    private void keepFirst(int n) {
        for (int i = lastChecked.size() - 1; i >= n; i--) {
            if (lastReplaced.get(i)) stale = true; // dropping it would not bring the replaced declaration back
            for (Snippet s : lastChecked.get(i)) mirror.drop(s);
        }
        lastChecked = lastChecked.subList(0, Math.min(n, lastChecked.size()));
    }

    private void rebuild(List<String> declarations) {
        mirror.close();
        mirror = newMirror();
        for (String d : declarations) mirror.eval(d);
        stale = false;
    }

    private static <T> T await(Future<T> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // a compile takes milliseconds; the interrupt applies to the cell after it
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the compile check failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        thread.submit(() -> mirror.close());
        thread.shutdown();
    }

    /** Loads the classes JShell compiles, runs nothing: a variable's initializer, a statement, an expression. */
    private static final class NoRun extends DirectExecutionControl implements ExecutionControlProvider {
        @Override
        protected String invoke(Method doitMethod) {
            return "";
        }

        @Override
        public String varValue(String className, String varName) {
            return "";
        }

        @Override
        public String name() {
            return "jpool-compile-only";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return this;
        }
    }
}
