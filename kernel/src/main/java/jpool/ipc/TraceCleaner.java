package jpool.ipc;

import java.util.regex.Pattern;

/**
 * Makes a worker's stack trace readable: JShell wrapper names ({@code REPL.$JShell$12$Point.norm}) become the
 * names the user wrote ({@code Point.norm}), and the frames of jpool's own task-running machinery below the user's
 * code are dropped.
 */
final class TraceCleaner {
    /** A wrapper prefix in a class or member name: {@code REPL.$JShell$12$Point} is Point, {@code REPL.$JShell$30.k} is k. */
    private static final Pattern WRAPPER = Pattern.compile("REPL\\.\\$JShell\\$\\d+[A-Z]?(?:[.$]|\\b)");
    /** Frames of classes a worker loaded from the notebook carry its loader's name: {@code at jpool-notebook//...}. */
    private static final Pattern LOADER = Pattern.compile("\\bat jpool-notebook//\\.?");
    /** A lambda written at a cell's top level, e.g. {@code lambda$do_it$$f2f37f2d$1}. */
    private static final Pattern CELL_LAMBDA = Pattern.compile("\\blambda\\$do_it\\$\\$?[0-9a-f]*\\$\\d+");
    /** A lambda inside a method, e.g. {@code lambda$steps$0}. */
    private static final Pattern METHOD_LAMBDA = Pattern.compile("\\blambda\\$([A-Za-z_]\\w*)\\$\\d+");
    private static final Pattern WRAPPER_FILE = Pattern.compile("\\(\\$JShell\\$(\\d+[A-Z]?)\\.java:(\\d+)\\)");

    private TraceCleaner() {
    }

    static String clean(String trace) {
        StringBuilder out = new StringBuilder();
        for (String line : trace.split("\n", -1)) {
            String t = line.strip();
            // jpool's own frames (running the task, adapting a void task) say nothing about the user's code
            if (t.startsWith("at jpool.") || t.startsWith("at java.base/jdk.internal.reflect.")
                    || t.startsWith("at java.base/java.lang.reflect.Method.invoke")) continue;
            String cleaned = LOADER.matcher(line).replaceAll("at ");
            cleaned = WRAPPER.matcher(cleaned).replaceAll("");
            // the kernel knows which cell and line a wrapper's line is (jpool.eval.CellLines); it rewrites this marker
            cleaned = WRAPPER_FILE.matcher(cleaned).replaceAll("(notebook cell \\$JShell\\$$1:$2)");
            cleaned = CELL_LAMBDA.matcher(cleaned).replaceAll("<lambda in cell>");
            cleaned = METHOD_LAMBDA.matcher(cleaned).replaceAll("<lambda in $1>");
            cleaned = cleaned.replace("at .", "at ").replace("at do_it$", "at <cell>");
            out.append(cleaned).append('\n');
        }
        return out.toString().stripTrailing();
    }

    /** A class name or message as the user wrote it: {@code REPL.$JShell$35$MyError} is MyError. */
    static String names(String text) {
        return text == null ? null : WRAPPER.matcher(text).replaceAll("");
    }
}
