package jpool.eval;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.VarSnippet;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Keeps the values of the last {@link #KEPT} expression cells as JShell's {@code $N} variables and drops older ones.
 * <p>Why: JShell turns every expression with a value into an active variable {@code $N}, and each later snippet is
 * checked against every active snippet, so a cell takes longer the more values a session has shown (measured: the
 * same {@code 1 + 1} took 12 ms after 450 cells and 57 ms after 1,800). IPython bounds its {@code Out} cache for the
 * same reason. A {@code $N} that an active declaration names (a method or variable that uses it) is kept, so
 * nothing that still depends on it breaks.
 * <p>Only touched on the thread that runs cells.
 */
final class CellValueWindow {
    /** How many recent {@code $N} values stay usable. */
    static final int KEPT = 20;

    private final JShell shell;
    private final Deque<VarSnippet> recent = new ArrayDeque<>();

    CellValueWindow(JShell shell) {
        this.shell = shell;
    }

    /** A cell created the temporary variable {@code v}; retire the oldest ones beyond the window. */
    void added(VarSnippet v) {
        recent.addLast(v);
        while (recent.size() > KEPT) retire(recent.removeFirst());
    }

    private void retire(VarSnippet old) {
        if (!shell.status(old).isActive()) return;
        Pattern named = Pattern.compile("(?<![\\w$])" + Pattern.quote(old.name()) + "(?![\\w$])");
        boolean used = shell.snippets()
                .filter(s -> s != old && s.kind() != Snippet.Kind.ERRONEOUS && shell.status(s).isActive())
                .anyMatch(s -> named.matcher(s.source()).find());
        if (!used) shell.drop(old);
    }
}
