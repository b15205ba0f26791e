package jpool.ipc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a worker's stack trace readable: JShell wrapper names ({@code REPL.$JShell$12$Point.norm}) become the
 * names the user wrote ({@code Point.norm}), and the frames of jpool's own task-running machinery below the user's
 * code are dropped.
 */
final class TraceCleaner {
    private static final Pattern WRAPPER = Pattern.compile("REPL\\.\\$JShell\\$\\d+[A-Z]?\\$?");
    private static final Pattern WRAPPER_FILE = Pattern.compile("\\(\\$JShell\\$\\d+[A-Z]?\\.java:(\\d+)\\)");

    private TraceCleaner() {
    }

    static String clean(String trace) {
        StringBuilder out = new StringBuilder();
        for (String line : trace.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("at jpool.workers.") || t.startsWith("at java.base/jdk.internal.reflect.")
                    || t.startsWith("at java.base/java.lang.reflect.Method.invoke")) continue;
            Matcher m = WRAPPER.matcher(line);
            String cleaned = m.replaceAll("");
            cleaned = WRAPPER_FILE.matcher(cleaned).replaceAll("(notebook cell)");
            cleaned = cleaned.replace("at .", "at ").replace("at do_it$", "at <cell>");
            out.append(cleaned).append('\n');
        }
        return out.toString().stripTrailing();
    }
}
