package jpool.magics;

import java.util.ArrayList;
import java.util.List;

/** Splits a magic's argument line like a shell: spaces separate, quotes group, backslash escapes. */
final class ArgSplitter {
    private ArgSplitter() {
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean inToken = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else cur.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                inToken = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
                inToken = true;
            } else if (Character.isWhitespace(c)) {
                if (inToken) out.add(cur.toString());
                cur.setLength(0);
                inToken = false;
            } else {
                cur.append(c);
                inToken = true;
            }
        }
        if (quote != 0) throw new MagicException("unclosed quote " + quote + " in: " + line);
        if (inToken) out.add(cur.toString());
        return out;
    }

    /**
     * Splits a magic line whose values may be Java expressions: whitespace separates tokens only outside
     * parentheses, brackets, braces and string or char literals, and quotes are kept (they belong to the Java),
     * except around a token that is a single quoted word, e.g. {@code --name "my job"}.
     */
    static List<String> splitJava(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                cur.append(c);
                if (c == '\\' && i + 1 < line.length()) cur.append(line.charAt(++i));
                else if (c == quote) quote = 0;
                continue;
            }
            if (c == '"' || c == '\'') quote = c;
            else if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth = Math.max(0, depth - 1);
            if (Character.isWhitespace(c) && depth == 0) {
                if (cur.length() > 0) out.add(unquote(cur.toString()));
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quote != 0) throw new MagicException("unclosed quote " + quote + " in: " + line);
        if (cur.length() > 0) out.add(unquote(cur.toString()));
        return out;
    }

    private static String unquote(String token) {
        if (token.length() >= 2 && token.charAt(0) == '"' && token.charAt(token.length() - 1) == '"'
                && token.indexOf('"', 1) == token.length() - 1) return token.substring(1, token.length() - 1);
        return token;
    }
}
