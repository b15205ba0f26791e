package jpool.eval;

import jdk.jshell.Diag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Formats compile and runtime errors for Jupyter: compile errors point at the cell's line and column with the
 * offending source underlined; stack traces name cells and lines instead of JShell's generated wrapper classes and
 * leave out the kernel's own frames.
 */
public final class ErrorFormatter {
    static final String RED = "\u001b[0;31m", BOLD_RED = "\u001b[1;31m", GREEN = "\u001b[0;32m", RESET = "\u001b[0m";
    /** JShell's generated prefix of cell classes and variables: {@code REPL.$JShell$23.} or {@code REPL.$JShell$18$}. */
    private static final Pattern WRAPPER_PREFIX = Pattern.compile("REPL\\.\\$JShell\\$\\d+[A-Z]?[.$]");
    /** javac's "location: class" line names JShell's nameless wrapper class: it says nothing to the user. */
    private static final Pattern EMPTY_LOCATION = Pattern.compile("(?m)^\\s*location: class\\s*$\\n?");

    /** Where a snippet came from: the cell's execution count and the cell line it starts on. */
    record Origin(int cell, int line) {
    }

    CellError simple(String ename, String evalue) {
        return new CellError(ename, evalue, List.of(BOLD_RED + ename + RESET + ": " + evalue), null);
    }

    CellError compileError(String code, SnippetSplitter.Piece piece, List<Diag> diags, int cellNumber) {
        List<String> tb = new ArrayList<>();
        String first = null;
        String[] lines = code.split("\n", -1);
        for (Diag d : diags) {
            if (!d.isError()) continue;
            String message = EMPTY_LOCATION.matcher(cleanMessage(d.getMessage(Locale.ROOT))).replaceAll("").stripTrailing();
            if (first == null) first = message.lines().findFirst().orElse(message);
            long pos = d.getStartPosition() >= 0 ? d.getStartPosition() : d.getPosition();
            int abs = (int) Math.min(code.length(), piece.offset() + Math.max(0, pos));
            int line = JShellEvaluator.lineOf(code, abs);
            int col = abs - code.lastIndexOf('\n', abs - 1);
            tb.add(BOLD_RED + "Compile error" + RESET + " in cell [" + cellNumber + "], line " + line + ", column " + col + ": " + message);
            if (line - 1 < lines.length) {
                String src = lines[line - 1];
                tb.add("    " + src);
                long end = d.getEndPosition() >= 0 ? d.getEndPosition() : pos + 1;
                int width = (int) Math.max(1, Math.min(src.length() - (col - 1), end - pos));
                tb.add("    " + " ".repeat(Math.max(0, col - 1)) + RED + "^".repeat(Math.max(1, width)) + RESET);
            }
        }
        if (first == null) {
            first = "the cell could not be compiled";
            tb.add(first);
        }
        return new CellError("CompilationError", first, tb, null);
    }

    CellError runtimeError(Throwable t, Map<String, Origin> origins) {
        List<String> tb = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        StackTraceElement[] enclosing = null;
        for (Throwable cur = t; cur != null && seen.add(cur); cur = cur.getCause()) {
            tb.add((enclosing == null ? "" : "Caused by: ") + BOLD_RED + className(cur) + RESET
                    + (cur.getMessage() == null ? "" : ": " + cleanMessage(cur.getMessage())));
            if (cur instanceof RemoteTraced remote) {
                int shown = 0;
                for (RemoteTraced.Trace r : remote.remoteTraces()) {
                    if (shown++ == MAX_REMOTE_TRACES) break;
                    if (r.trace() == null) continue;
                    remoteTrace(tb, r.inputLabel() == null ? "" : r.inputLabel() + " " + abbreviate(String.valueOf(r.input())) + ": ", r.trace());
                }
            }
            StackTraceElement[] frames = cur.getStackTrace();
            int lastUser = lastUserFrame(frames);
            int sharedFrom = frames.length - (enclosing == null ? 0 : sharedTail(frames, enclosing));
            int repeated = 0;
            for (int i = 0; i < frames.length; i++) {
                // Below the cell's last frame is the kernel calling it (reflection, JShell, jpool, the cell's
                // thread); above it every frame is real, also reflection or JDK code the cell called. Without any
                // cell frame (e.g. a thread the cell started), the kernel's own frames are left out.
                boolean kernel = lastUser >= 0 ? i > lastUser : isKernelFrame(frames[i]);
                if (kernel) continue;
                if (i >= sharedFrom) repeated++;
                else tb.add("    at " + frame(frames[i], origins));
            }
            if (repeated > 0) tb.add("    ... " + repeated + " more (as above)");
            enclosing = frames;
        }
        String evalue = t.getMessage() == null ? "" : cleanMessage(t.getMessage());
        return new CellError(className(t), evalue, tb, t);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** Remote traces a MapFailed shows in the cell (every one is in its failures()). */
    private static final int MAX_REMOTE_TRACES = 3;

    /** A worker's stack trace under the failure it caused, indented, its frames pointing at cells where known. */
    private static void remoteTrace(List<String> tb, String label, String trace) {
        List<String> lines = trace.lines().toList();
        if (lines.isEmpty()) return;
        tb.add("  " + label + "in the worker: " + BOLD_RED + lines.get(0) + RESET);
        for (String l : lines.subList(1, lines.size())) {
            String t = l.strip();
            tb.add("    " + (t.contains("(cell [") ? GREEN + t + RESET : t));
        }
    }

    /** How many frames at the bottom of a cause's trace repeat its enclosing exception's (Java's "... n more"). */
    private static int sharedTail(StackTraceElement[] frames, StackTraceElement[] enclosing) {
        int n = 0;
        while (n < frames.length && n < enclosing.length
                && frames[frames.length - 1 - n].equals(enclosing[enclosing.length - 1 - n])) n++;
        return n;
    }

    private static int lastUserFrame(StackTraceElement[] frames) {
        for (int i = frames.length - 1; i >= 0; i--) if (isUserFrame(frames[i])) return i;
        return -1;
    }

    /** JShell reports user exceptions as EvalException carrying the real class name; a cell's class gets its own name. */
    private static String className(Throwable t) {
        String name = t instanceof jdk.jshell.EvalException ev ? ev.getExceptionClassName() : t.getClass().getName();
        String user = name.startsWith("REPL.") ? userName(name) : name;
        return user.isEmpty() ? name : user;
    }

    /**
     * Messages name cell classes and variables by JShell's generated names (helpful NullPointerExceptions say
     * {@code "REPL.$JShell$23.o" is null}, casts say {@code class REPL.$JShell$18$Point}): show the user's names.
     */
    static String cleanMessage(String message) {
        return WRAPPER_PREFIX.matcher(message).replaceAll("");
    }

    static boolean isKernelFrame(StackTraceElement f) {
        String c = f.getClassName();
        return c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.reflect.")
                || c.startsWith("jdk.jshell.") || c.startsWith("jpool.eval.");
    }

    /** Frames of cell code: raw wrapper classes, or frames JShell already translated to "#snippet-id" files. */
    private static boolean isUserFrame(StackTraceElement f) {
        return f.getClassName().startsWith("REPL.") || (f.getFileName() != null && f.getFileName().startsWith("#"));
    }

    /** A stack frame, with JShell wrapper names replaced by the cell and line they came from. */
    static String frame(StackTraceElement f, Map<String, Origin> origins) {
        String cls = f.getClassName();
        if (!isUserFrame(f)) return f.toString();
        String simple = userName(cls);
        String method = methodName(f.getMethodName());
        String where = f.getFileName() == null ? "?" : f.getFileName();
        if (where.startsWith("#")) {
            Origin o = origins.get(where.substring(1));
            if (o != null && f.getLineNumber() > 0)
                return (simple.isEmpty() ? "" : simple + ".") + method + GREEN + " (cell [" + o.cell() + "], line "
                        + (o.line() + f.getLineNumber() - 1) + ")" + RESET;
        }
        return (simple.isEmpty() ? "" : simple + ".") + method + " (" + where + ":" + f.getLineNumber() + ")";
    }

    /** The cell's own code is "<cell>"; a lambda JShell compiled to {@code lambda$do_it$$0} is "lambda". */
    private static String methodName(String raw) {
        if ("do_it$".equals(raw) || raw.isEmpty()) return "<cell>";
        if (raw.startsWith("lambda$")) return "lambda";
        return raw;
    }

    /** {@code REPL.$JShell$12$Foo$Bar} becomes {@code Foo.Bar}; a bare wrapper becomes "". */
    public static String userName(String binaryName) {
        int w = binaryName.indexOf("$JShell$");
        if (w < 0) return binaryName.startsWith("REPL.") ? binaryName.substring(5) : binaryName;
        int rest = binaryName.indexOf('$', w + "$JShell$".length());
        return rest < 0 ? "" : binaryName.substring(rest + 1).replace('$', '.');
    }
}
