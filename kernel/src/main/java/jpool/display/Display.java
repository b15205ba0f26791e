package jpool.display;

import jpool.protocol.Cell;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Shows rich output from a cell. {@code Display.show(x)} renders any value; the returned handle updates that output
 * in place. Factories build HTML, SVG, Markdown, PNG and table outputs:
 * <pre>{@code
 * var h = Display.show(Display.html("<b>starting</b>"));
 * h.update(Display.html("<b>done</b>"));
 * }</pre>
 */
public final class Display {
    private Display() {
    }

    /** Displays {@code value} in the current cell and returns a handle to update it later. */
    public static DisplayHandle show(Object value) {
        String id = UUID.randomUUID().toString();
        cell().display(Renderer.render(value), Map.of(), id);
        return new DisplayHandle(id);
    }

    /** Clears the current cell's output. */
    public static void clear() {
        cell().clearOutput(false);
    }

    /** Clears the current cell's output when the next output arrives (smooth animations). */
    public static void clearWhenNext() {
        cell().clearOutput(true);
    }

    /** HTML content, e.g. {@code Display.html("<h3>Results</h3>")}. */
    public static MimeBundle html(String html) {
        return new MimeBundle(Html.toPlainText(html)).with("text/html", html);
    }

    /** SVG content, e.g. {@code Display.svg("<svg ...>...</svg>")}. */
    public static MimeBundle svg(String svg) {
        return new MimeBundle("[SVG image]").with("image/svg+xml", svg);
    }

    /** Markdown content. */
    public static MimeBundle markdown(String markdown) {
        return new MimeBundle(markdown).with("text/markdown", markdown);
    }

    /** A PNG image from its bytes. */
    public static MimeBundle png(byte[] png) {
        return new MimeBundle("[PNG image, " + png.length + " bytes]").with("image/png", Base64.getEncoder().encodeToString(png));
    }

    /**
     * A table of records, maps or lists (rows of a list table are numbered columns 0, 1, ...; name them with
     * {@link #table(List, Collection)}), as HTML with a plain-text fallback.
     */
    public static MimeBundle table(Collection<?> rows) {
        // not List.copyOf: it throws a bare NullPointerException on a null row instead of the message below
        List<?> list = new ArrayList<>(rows);
        if (!Renderer.isTable(list) && !Renderer.isListTable(list))
            throw new IllegalArgumentException("Display.table needs a non-empty collection of records, maps or lists, got "
                    + (list.isEmpty() ? "an empty collection" : list.get(0) == null ? "a null row" : list.get(0).getClass().getName()));
        return new MimeBundle(Tables.text(list)).with("text/html", Tables.html(list, 1000));
    }

    /** A table whose rows are lists of cells, under the given column names: {@code table(List.of("x", "x²"), rows)}. */
    public static MimeBundle table(List<String> columns, Collection<? extends List<?>> rows) {
        List<Map<String, Object>> named = new ArrayList<>();
        for (List<?> row : rows) {
            if (row == null) throw new IllegalArgumentException("Display.table: a row is null");
            if (row.size() > columns.size())
                throw new IllegalArgumentException("Display.table: a row has " + row.size() + " cells but there are only "
                        + columns.size() + " column names: " + row);
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) m.put(columns.get(i), i < row.size() ? row.get(i) : "");
            named.add(m);
        }
        return table(named);
    }

    static Cell cell() {
        Cell c = CellScope.current();
        if (c == null) throw new IllegalStateException("no notebook cell to display in");
        return c;
    }
}
