package jpool.eval;

import jdk.jshell.Diag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Formats compile and runtime errors for Jupyter: compile errors point at the cell's line and column with the
 * offending source underlined; stack traces name cells and lines instead of JShell's generated wrapper classes and
 * leave out the kernel's own frames.
 */
public final class ErrorFormatter {
    static final String RED = "\u001b[0;31m", BOLD_RED = "\u001b[1;31m", GREEN = "\u001b[0;32m", RESET = "\u001b[0m";

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
            String message = d.getMessage(Locale.ROOT);
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
        Throwable cur = t;
        boolean firstLevel = true;
        while (cur != null) {
            tb.add((firstLevel ? "" : "Caused by: ") + BOLD_RED + className(cur) + RESET
                    + (cur.getMessage() == null ? "" : ": " + cur.getMessage()));
            for (StackTraceElement f : cur.getStackTrace()) {
                if (isKernelFrame(f)) {
                    if (sawUserFrame(cur)) break; // everything below the cell's own code is the kernel's
                    continue;
                }
                tb.add("    at " + frame(f, origins));
            }
            firstLevel = false;
            cur = cur.getCause() == cur ? null : cur.getCause();
        }
        String evalue = t.getMessage() == null ? "" : t.getMessage();
        return new CellError(className(t), evalue, tb, t);
    }

    /** JShell reports user exceptions as EvalException carrying the real class name. */
    private static String className(Throwable t) {
        return t instanceof jdk.jshell.EvalException ev ? ev.getExceptionClassName() : t.getClass().getName();
    }

    private static boolean sawUserFrame(Throwable t) {
        for (StackTraceElement f : t.getStackTrace()) if (isUserFrame(f)) return true;
        return false;
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
        String method = "do_it$".equals(f.getMethodName()) || f.getMethodName().isEmpty() ? "<cell>" : f.getMethodName();
        String where = f.getFileName() == null ? "?" : f.getFileName();
        if (where.startsWith("#")) {
            Origin o = origins.get(where.substring(1));
            if (o != null && f.getLineNumber() > 0)
                return (simple.isEmpty() ? "" : simple + ".") + method + GREEN + " (cell [" + o.cell() + "], line "
                        + (o.line() + f.getLineNumber() - 1) + ")" + RESET;
        }
        return (simple.isEmpty() ? "" : simple + ".") + method + " (" + where + ":" + f.getLineNumber() + ")";
    }

    /** {@code REPL.$JShell$12$Foo$Bar} becomes {@code Foo.Bar}; a bare wrapper becomes "". */
    public static String userName(String binaryName) {
        int w = binaryName.indexOf("$JShell$");
        if (w < 0) return binaryName.startsWith("REPL.") ? binaryName.substring(5) : binaryName;
        int rest = binaryName.indexOf('$', w + "$JShell$".length());
        return rest < 0 ? "" : binaryName.substring(rest + 1).replace('$', '.');
    }
}
