package jpool.eval;

import jdk.jshell.SourceCodeAnalysis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which cell and line a line of JShell's generated code came from, for stack traces that come back from workers:
 * a worker knows only the wrapper class ({@code $JShell$12}) and the line in JShell's wrapped source; JShell's own
 * translation works only for exceptions it caught itself. Filled as cells run, read when a remote failure arrives.
 */
public final class CellLines {
    /** The marker a worker's trace carries for a notebook frame: {@code (notebook cell $JShell$12:17)}. */
    private static final Pattern MARKER = Pattern.compile("\\(notebook cell (\\$JShell\\$\\w+):(\\d+)\\)");
    private static final Map<String, Entry> BY_CLASS = new ConcurrentHashMap<>();

    private record Entry(SourceCodeAnalysis.SnippetWrapper wrapper, ErrorFormatter.Origin origin) {
    }

    private CellLines() {
    }

    static void remember(SourceCodeAnalysis.SnippetWrapper w, ErrorFormatter.Origin origin) {
        String full = w.fullClassName();
        BY_CLASS.put(full.substring(full.lastIndexOf('.') + 1), new Entry(w, origin));
    }

    /** {@code trace} with every notebook frame marker replaced by {@code (cell [n], line L)} where known. */
    public static String pointAtCells(String trace) {
        if (trace == null || !trace.contains("(notebook cell ")) return trace;
        Matcher m = MARKER.matcher(trace);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String where = locate(m.group(1), Integer.parseInt(m.group(2)));
            m.appendReplacement(out, Matcher.quoteReplacement(where == null ? "(notebook cell)" : "(" + where + ")"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** "cell [n], line L" for a line of a wrapper class's source, or null when unknown. */
    static String locate(String wrapperClass, int wrappedLine) {
        Entry e = BY_CLASS.get(wrapperClass);
        if (e == null || wrappedLine < 1) return null;
        String wrapped = e.wrapper().wrapped();
        int pos = 0;
        for (int line = 1; line < wrappedLine; line++) {
            pos = wrapped.indexOf('\n', pos) + 1;
            if (pos == 0) return null;
        }
        while (pos < wrapped.length() && wrapped.charAt(pos) != '\n' && Character.isWhitespace(wrapped.charAt(pos))) pos++;
        int inSource = e.wrapper().wrappedToSourcePosition(pos);
        if (inSource < 0) return null;
        String source = e.wrapper().source();
        int line = 1;
        for (int i = 0; i < inSource && i < source.length(); i++) if (source.charAt(i) == '\n') line++;
        return "cell [" + e.origin().cell() + "], line " + (e.origin().line() + line - 1);
    }
}
