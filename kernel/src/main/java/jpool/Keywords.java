package jpool;

import jpool.eval.JShellEvaluator;

import java.util.ArrayList;
import java.util.List;

/** Java keywords as completions: JShell completes names and members, but not {@code whi} to {@code while}. */
final class Keywords {
    static final List<String> JAVA = List.of("abstract", "assert", "boolean", "break", "byte", "case", "catch", "char",
            "class", "continue", "default", "do", "double", "else", "enum", "extends", "false", "final", "finally",
            "float", "for", "if", "implements", "import", "instanceof", "int", "interface", "long", "new", "null",
            "permits", "private", "protected", "public", "record", "return", "sealed", "short", "static", "super",
            "switch", "synchronized", "this", "throw", "throws", "transient", "true", "try", "var", "void", "volatile",
            "while", "yield");

    private Keywords() {
    }

    /**
     * Adds the keywords starting with the word before {@code cursor} to {@code c} (after JShell's own matches), unless
     * the word is a member name after a dot or JShell completes a different range.
     */
    static JShellEvaluator.Completion addTo(JShellEvaluator.Completion c, String code, int cursor) {
        cursor = Math.max(0, Math.min(cursor, code.length()));
        int start = cursor;
        while (start > 0 && Character.isJavaIdentifierPart(code.charAt(start - 1))) start--;
        if (start == cursor || !Character.isJavaIdentifierStart(code.charAt(start))) return c;
        if (start > 0 && (code.charAt(start - 1) == '.' || code.charAt(start - 1) == '%')) return c;
        if (!c.matches().isEmpty() && c.start() != start) return c;
        String prefix = code.substring(start, cursor);
        List<String> matches = new ArrayList<>(c.matches());
        for (String k : JAVA) if (k.startsWith(prefix) && !k.equals(prefix) && !matches.contains(k)) matches.add(k);
        if (matches.size() == c.matches().size()) return c;
        return new JShellEvaluator.Completion(start, cursor, matches);
    }
}
