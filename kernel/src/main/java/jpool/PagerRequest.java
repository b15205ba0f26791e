package jpool;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPython's help syntax: a cell that is only {@code NAME?}, {@code ?NAME} or {@code NAME??} asks for the name's
 * documentation in the pager instead of running code. NAME is a (qualified) Java name such as {@code Math.max},
 * {@code java.util.List} or {@code myVar}, or a magic such as {@code %time}.
 *
 * <p>No such cell is valid Java (an expression cannot start or end with '?'), so detecting it never takes a cell
 * away from JShell; a '?' anywhere else (a ternary, a wildcard {@code List<?>}) leaves the cell to be run.
 *
 * @param name     the name asked about, without the question marks and with spaces around dots removed
 * @param detailed true for {@code ??} (IPython: "show the source too")
 */
public record PagerRequest(String name, boolean detailed) {
    private static final String ID = "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*";
    private static final Pattern NAME = Pattern.compile("%{0,2}" + ID + "(?:\\s*\\.\\s*" + ID + ")*");
    private static final Pattern HELP = Pattern.compile("(\\?{0,2})\\s*(" + NAME.pattern() + ")\\s*(\\?{0,2})");

    /** The pager request {@code code} is, or null when it is code to run. */
    public static PagerRequest parse(String code) {
        Matcher m = HELP.matcher(code.strip());
        if (!m.matches()) return null;
        String before = m.group(1), after = m.group(3);
        // exactly one side carries the question marks: "x" is code and "?x?" is nothing IPython knows either
        if (before.isEmpty() == after.isEmpty()) return null;
        String name = m.group(2).replaceAll("\\s+", "");
        return new PagerRequest(name, (before + after).length() == 2);
    }

    /** True when the name is a magic ({@code %time}, {@code %%pool}). */
    public boolean isMagic() {
        return name.startsWith("%");
    }
}
