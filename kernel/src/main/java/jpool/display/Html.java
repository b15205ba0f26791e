package jpool.display;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTML escaping for text put into rendered output, and the plain-text form of HTML for consoles. */
public final class Html {
    /** Tags that end a line or block: in plain text they become line breaks, so words do not run together. */
    private static final Pattern LINE_BREAKING = Pattern.compile(
            "(?i)<br\\s*/?>|</(p|div|h[1-6]|li|tr|table|ul|ol|pre|blockquote|caption)\\s*>");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);");
    private static final Map<String, String> NAMED = Map.ofEntries(Map.entry("lt", "<"), Map.entry("gt", ">"),
            Map.entry("amp", "&"), Map.entry("quot", "\""), Map.entry("apos", "'"), Map.entry("nbsp", " "),
            Map.entry("deg", "°"), Map.entry("hellip", "…"), Map.entry("ndash", "–"), Map.entry("mdash", "—"),
            Map.entry("times", "×"), Map.entry("copy", "©"), Map.entry("euro", "€"), Map.entry("micro", "µ"));

    private Html() {
    }

    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * What a console shows for HTML: tags removed, block ends as line breaks, entities decoded, e.g.
     * {@code <h3>Total</h3><p>5 &deg;C</p>} reads "Total\n5 °C".
     */
    public static String toPlainText(String html) {
        if (html == null) return "";
        String text = TAG.matcher(LINE_BREAKING.matcher(html).replaceAll("\n")).replaceAll("");
        text = text.replaceAll("[ \\t]*\\n\\s*", "\n").strip();
        return decodeEntities(text);
    }

    /** Decodes entities in one pass, so "&amp;lt;" becomes the text "&lt;", not "<". Unknown names stay as they are. */
    static String decodeEntities(String text) {
        Matcher m = ENTITY.matcher(text);
        StringBuilder sb = new StringBuilder(text.length());
        while (m.find()) {
            String name = m.group(1);
            String decoded;
            if (name.startsWith("#x") || name.startsWith("#X")) decoded = codePoint(Integer.parseInt(name.substring(2), 16));
            else if (name.startsWith("#")) decoded = codePoint(Integer.parseInt(name.substring(1)));
            else decoded = NAMED.get(name);
            m.appendReplacement(sb, Matcher.quoteReplacement(decoded != null ? decoded : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String codePoint(int cp) {
        return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : "\uFFFD";
    }
}
