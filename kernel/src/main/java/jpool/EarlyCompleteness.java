package jpool;

/**
 * Whether typed code looks finished, judged without a compiler (used only while JShell is still starting): an
 * unclosed bracket, string or comment means more lines are coming; a cell magic's header line alone waits for its
 * body; anything else is left to the kernel to judge when it runs.
 */
final class EarlyCompleteness {
    private EarlyCompleteness() {
    }

    /** "complete" (a help request), "incomplete" or "unknown" (a frontend then runs the code, as after "complete"). */
    static String of(String code) {
        String c = code.strip();
        if (PagerRequest.parse(code) != null) return "complete"; // "Math.max?" is help, not a ternary being typed
        if (c.startsWith("%%")) return c.contains("\n") ? "unknown" : "incomplete";
        int depth = 0;
        boolean blockComment = false;
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            char next = i + 1 < c.length() ? c.charAt(i + 1) : 0;
            if (blockComment) {
                if (ch == '*' && next == '/') {
                    blockComment = false;
                    i++;
                }
            } else if (ch == '/' && next == '*') {
                blockComment = true;
                i++;
            } else if (ch == '/' && next == '/') {
                int nl = c.indexOf('\n', i);
                if (nl < 0) break;
                i = nl;
            } else if (ch == '"' || ch == '\'') {
                int end = closingQuote(c, i);
                if (end < 0) return "incomplete";
                i = end;
            } else if (ch == '(' || ch == '{' || ch == '[') {
                depth++;
            } else if (ch == ')' || ch == '}' || ch == ']') {
                depth--;
            }
        }
        return blockComment || depth > 0 ? "incomplete" : "unknown";
    }

    /** Index of the quote closing the literal opened at {@code open} on the same line, or -1. */
    private static int closingQuote(String c, int open) {
        char q = c.charAt(open);
        for (int i = open + 1; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch == '\\') i++;
            else if (ch == q) return i;
            else if (ch == '\n') return -1;
        }
        return -1;
    }
}
