package jpool.magics;

import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis;

import java.util.List;
import java.util.Set;

/**
 * Turns a magic cell's body (statements, optionally ending in an expression, as in any cell) into a lambda body
 * that returns that last expression's value, or null when the body ends in a statement.
 */
final class BodyRewriter {
    private static final Set<String> STATEMENT_KEYWORDS = Set.of("if", "for", "while", "do", "try", "switch", "return",
            "throw", "synchronized", "break", "continue", "var", "final", "assert", "yield");

    private BodyRewriter() {
    }

    /** @param pieces the body split into complete snippets (in order) */
    static String returningLast(SourceCodeAnalysis analysis, List<String> pieces) {
        if (pieces.isEmpty()) return "return null;";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces.size() - 1; i++) sb.append(terminated(pieces.get(i))).append('\n');
        String last = pieces.get(pieces.size() - 1).strip();
        if (isExpression(analysis, last)) {
            String expr = last.endsWith(";") ? last.substring(0, last.length() - 1) : last;
            sb.append("return (Object) (").append(expr).append(");");
        } else {
            sb.append(terminated(last)).append("\nreturn null;");
        }
        return sb.toString();
    }

    /** The same body with no value returned (used when the last expression turned out to be void). */
    static String returningNull(List<String> pieces) {
        StringBuilder sb = new StringBuilder();
        for (String p : pieces) sb.append(terminated(p)).append('\n');
        return sb.append("return null;").toString();
    }

    private static String terminated(String piece) {
        String p = piece.strip();
        return p.endsWith(";") || p.endsWith("}") ? p : p + ";";
    }

    /** An expression (not a declaration or statement); names the body's own variables make JShell unsure. */
    static boolean isExpression(SourceCodeAnalysis analysis, String src) {
        String s = src.strip();
        if (s.endsWith(";")) return false; // "x;" ends a statement on purpose: no value
        String first = s.split("[\\s(]", 2)[0];
        if (STATEMENT_KEYWORDS.contains(first) || s.endsWith("}")) return false;
        List<Snippet> snippets = analysis.sourceToSnippets(s);
        if (snippets.isEmpty()) return false;
        Snippet sn = snippets.get(0);
        return switch (sn.kind()) {
            case EXPRESSION -> true;
            case VAR -> sn.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
            case ERRONEOUS -> !s.matches("^[A-Za-z_$][\\w$<>,\\[\\]. ?]*\\s+[A-Za-z_$][\\w$]*\\s*=.*"); // not "Type x = ..."
            default -> false;
        };
    }
}
