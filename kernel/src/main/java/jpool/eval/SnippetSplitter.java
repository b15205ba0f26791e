package jpool.eval;

import jdk.jshell.SourceCodeAnalysis;

import java.util.ArrayList;
import java.util.List;

/** Splits a cell into JShell snippets, remembering where each starts so errors can name the cell's line. */
final class SnippetSplitter {
    /**
     * One snippet of a cell: its source (as JShell wants it) and its start offset in the cell. The source never starts
     * with whitespace, so {@code offset} plus a position JShell reports inside the source is a position in the cell.
     */
    record Piece(String source, int offset, SourceCodeAnalysis.Completeness completeness) {
    }

    private SnippetSplitter() {
    }

    static List<Piece> split(SourceCodeAnalysis sca, String code) {
        List<Piece> pieces = new ArrayList<>();
        String remaining = code;
        int offset = 0;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = sca.analyzeCompletion(remaining);
            var c = info.completeness();
            int blank = leadingBlank(remaining);
            if (!c.isComplete()) {
                // incomplete or unknown: hand the rest to JShell as is, so it reports the real compile error
                pieces.add(new Piece(remaining.substring(blank), offset + blank, c));
                break;
            }
            int consumed = remaining.length() - info.remaining().length();
            // JShell's source keeps the whitespace (e.g. the newline) left over from the previous snippet. Its
            // diagnostic positions count that whitespace, and its stack-trace line numbers go wrong when a snippet
            // starts with a newline (every frame says line 1), so each snippet is handed over from its first token.
            String source = info.source();
            pieces.add(new Piece(source.substring(Math.min(blank, leadingBlank(source))), offset + blank, c));
            offset += consumed;
            remaining = info.remaining();
        }
        return pieces;
    }

    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }
}
