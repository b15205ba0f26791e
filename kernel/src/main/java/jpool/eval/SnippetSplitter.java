package jpool.eval;

import jdk.jshell.SourceCodeAnalysis;

import java.util.ArrayList;
import java.util.List;

/** Splits a cell into JShell snippets, remembering where each starts so errors can name the cell's line. */
final class SnippetSplitter {
    /** One snippet of a cell: its source (as JShell wants it) and its start offset in the cell. */
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
            if (!c.isComplete()) {
                // incomplete or unknown: hand the rest to JShell as is, so it reports the real compile error
                pieces.add(new Piece(remaining.substring(leadingBlank(remaining)), offset + leadingBlank(remaining), c));
                break;
            }
            int consumed = remaining.length() - info.remaining().length();
            // JShell keeps the blank lines before a snippet in its source, but then numbers diagnostic positions from
            // there and maps stack-trace lines wrongly (a method's frames all say line 1): hand it the snippet from its
            // first character, which is where the piece's offset points
            String source = info.source();
            pieces.add(new Piece(source.substring(leadingBlank(source)), offset + leadingBlank(remaining), c));
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
