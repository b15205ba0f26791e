package jpool.magics;

/**
 * is_complete for a magic, as IPython answers it: a line magic is complete as typed; a cell magic ({@code %%pool
 * ...}) goes on until its body ends with an empty line, so {@code jupyter console} gives continuation lines after the
 * header instead of running a cell without a body. A help request ({@code --help}, {@code -h}) is complete at once.
 */
public final class CellMagicInput {
    private CellMagicInput() {
    }

    /** "complete" or "incomplete" for a cell that starts with a magic. */
    public static String isComplete(String code) {
        String c = code.stripLeading();
        if (!c.startsWith("%%")) return "complete";
        int nl = c.indexOf('\n');
        String header = nl < 0 ? c : c.substring(0, nl);
        if (header.matches(".*\\s(--help|-h)(\\s.*)?") || header.strip().endsWith("?")) return "complete";
        String body = nl < 0 ? "" : c.substring(nl + 1);
        if (body.isBlank()) return "incomplete";
        // the user ends the body with an empty line (the console sends the text with that last line empty)
        String last = body.substring(body.lastIndexOf('\n') + 1);
        return body.contains("\n") && last.isBlank() ? "complete" : "incomplete";
    }
}
