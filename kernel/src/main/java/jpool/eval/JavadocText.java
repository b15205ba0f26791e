package jpool.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Javadoc comment's text (HTML with inline tags such as {@code {@code x}} and block tags such as {@code @param})
 * rendered for people: Markdown for notebook pagers and tooltips, plain text for consoles. Only what doc comments
 * commonly use is understood; any other HTML tag is dropped, keeping its text.
 */
public final class JavadocText {
    private static final Pattern INLINE = Pattern.compile("\\{@(code|literal|linkplain|link|value|docRoot|inheritDoc)\\b\\s*([^{}]*(?:\\{[^{}]*}[^{}]*)*)}");
    private static final Pattern BLOCK = Pattern.compile("(?m)^\\s*@(param|return|throws|exception|see|since|author|version|deprecated"
            + "|apiNote|implNote|implSpec|serial)\\b\\s*");
    private static final Map<String, String> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("deprecated", "Deprecated");
        SECTIONS.put("param", "Parameters");
        SECTIONS.put("return", "Returns");
        SECTIONS.put("throws", "Throws");
        SECTIONS.put("see", "See also");
        SECTIONS.put("since", "Since");
    }

    private JavadocText() {
    }

    /** The comment as Markdown. */
    public static String markdown(String javadoc) {
        return render(javadoc, true);
    }

    /** The comment as plain text. */
    public static String plain(String javadoc) {
        return render(javadoc, false);
    }

    private static String render(String javadoc, boolean md) {
        String text = javadoc.replace("\r", "");
        Matcher b = BLOCK.matcher(text);
        String main = text;
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        if (b.find()) {
            main = text.substring(0, b.start());
            int start = b.end();
            String tag = b.group(1);
            while (true) {
                boolean more = b.find();
                String body = text.substring(start, more ? b.start() : text.length()).strip();
                blocks.computeIfAbsent(tag.equals("exception") ? "throws" : tag, t -> new ArrayList<>()).add(body);
                if (!more) break;
                tag = b.group(1);
                start = b.end();
            }
        }
        StringBuilder out = new StringBuilder(body(main, md).strip());
        for (Map.Entry<String, String> section : SECTIONS.entrySet()) {
            List<String> items = blocks.get(section.getKey());
            if (items == null) continue;
            out.append("\n\n").append(md ? "**" + section.getValue() + ":**" : section.getValue() + ":");
            for (String item : items) {
                String line = flow(item, md).replaceAll("\\s+", " ").strip();
                if (section.getKey().equals("param") || section.getKey().equals("throws")) {
                    String[] nameAndText = line.split(" ", 2);
                    String name = md ? "`" + nameAndText[0] + "`" : nameAndText[0];
                    line = name + (nameAndText.length > 1 ? " - " + nameAndText[1] : "");
                }
                out.append(md ? "\n- " : "\n  ").append(line);
            }
        }
        return out.toString().strip();
    }

    /** The description: paragraphs, lists and preformatted blocks. */
    private static String body(String html, boolean md) {
        StringBuilder out = new StringBuilder();
        Matcher pre = Pattern.compile("(?is)<pre>(.*?)</pre>").matcher(html);
        int at = 0;
        while (pre.find()) {
            out.append(flow(html.substring(at, pre.start()), md));
            String code = entities(INLINE.matcher(pre.group(1)).replaceAll(m -> Matcher.quoteReplacement(m.group(2))))
                    .replaceAll("(?m)^ ?", "").strip();
            out.append("\n\n").append(md ? "```java\n" + code + "\n```" : indent(code)).append("\n\n");
            at = pre.end();
        }
        return out.append(flow(html.substring(at), md)).toString().replaceAll("\n{3,}", "\n\n");
    }

    private static String indent(String code) {
        return code.lines().map(l -> "    " + l).reduce((a, c) -> a + "\n" + c).orElse("");
    }

    /** Text outside {@code <pre>}: line breaks within a paragraph are spaces, as a browser shows them. */
    private static String flow(String html, boolean md) {
        String s = inline(html, md);
        s = s.replaceAll("(?i)<li>", "\u0000- ").replaceAll("(?i)</li>", "")
                .replaceAll("(?i)</?(ul|ol)>", "\u0001")
                .replaceAll("(?i)</?p>|<br\\s*/?>|</?h\\d>|</?dl>|</?blockquote>", "\u0001")
                .replaceAll("(?i)<dt>", "\u0001").replaceAll("(?i)<dd>", ": ")
                .replaceAll("(?i)</?(b|strong)>", md ? "**" : "")
                .replaceAll("(?i)</?(i|em)>", md ? "*" : "")
                .replaceAll("<[^>]+>", "");
        s = s.replaceAll("[ \t]*\n[ \t]*", " ").replaceAll("[ \t]+", " ");
        s = s.replace("\u0000", "\n").replaceAll(" *\u0001 *", "\n\n").replaceAll("\n ", "\n");
        return entities(s);
    }

    /** Inline tags: code as code, links as their label (or the name they link to). */
    private static String inline(String text, boolean md) {
        return INLINE.matcher(text).replaceAll(m -> {
            String tag = m.group(1), arg = m.group(2).strip();
            String value = switch (tag) {
                case "code" -> md ? "`" + arg + "`" : arg;
                case "link", "linkplain" -> {
                    String[] targetAndLabel = arg.split("\\s+", 2);
                    if (targetAndLabel.length > 1) yield targetAndLabel[1];
                    String target = targetAndLabel[0].startsWith("#") ? targetAndLabel[0].substring(1) : targetAndLabel[0].replace('#', '.');
                    yield tag.equals("link") && md ? "`" + target + "`" : target;
                }
                case "inheritDoc", "docRoot" -> "";
                default -> arg;
            };
            // code kept as typed: its < and > must not be taken for HTML tags by what follows (entities() restores them)
            return Matcher.quoteReplacement(tag.equals("code") || tag.equals("literal")
                    ? value.replace("<", "&lt;").replace(">", "&gt;") : value);
        });
    }

    private static String entities(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&nbsp;", " ").replace("&amp;", "&");
    }
}
