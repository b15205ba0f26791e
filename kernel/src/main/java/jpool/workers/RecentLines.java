package jpool.workers;

import java.util.ArrayDeque;
import java.util.List;

/** The last few non-blank lines a worker printed, for status displays (%ps, %pool, the task board). Thread-safe. */
public final class RecentLines {
    private static final int KEEP = 3;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    /** Records the lines of {@code text}. */
    public synchronized void add(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            lines.addLast(line);
            if (lines.size() > KEEP) lines.removeFirst();
        }
    }

    /** Forgets the kept lines (a new job begins: what the last one printed is not its output). */
    public synchronized void clear() {
        lines.clear();
    }

    /** The kept lines, oldest first. */
    public synchronized List<String> get() {
        return List.copyOf(lines);
    }
}
