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
}
