package jpool.display;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Turns a Java value into a MIME bundle: text/plain always, plus HTML tables, PNG images and own renderings. */
public final class Renderer {
    private static final int MAX_TABLE_ROWS = 200;

    private Renderer() {
    }

    /** The MIME bundle for {@code value}. */
    public static Map<String, Object> render(Object value) {
        if (value instanceof Rich rich) {
            Map<String, Object> b = new LinkedHashMap<>(rich.mimeBundle());
            b.putIfAbsent("text/plain", String.valueOf(value));
            return b;
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("text/plain", plainText(value));
        if (isImage(value)) {
            b.put("image/png", png(value));
        } else if (value instanceof Collection<?> rows && isTable(rows)) {
            b.put("text/html", Tables.html(new ArrayList<>(rows), MAX_TABLE_ROWS));
        }
        return b;
    }

    /** The text a console shows for a value; arrays are listed element by element. */
    public static String plainText(Object value) {
        if (value == null) return "null";
        // an image's toString() is a dump of its colour model and raster: a console is better served by its size
        if (isImage(value)) {
            RenderedImage image = (RenderedImage) value;
            return "[" + value.getClass().getSimpleName() + " " + image.getWidth() + "x" + image.getHeight() + "]";
        }
        if (value instanceof Object[] a) return Arrays.deepToString(a);
        if (value.getClass().isArray()) {
            Object[] boxed = new Object[Array.getLength(value)];
            for (int i = 0; i < boxed.length; i++) boxed[i] = Array.get(value, i);
            return Arrays.toString(boxed);
        }
        return String.valueOf(value);
    }

    private static boolean isImage(Object v) {
        try {
            return v instanceof RenderedImage;
        } catch (NoClassDefFoundError e) {
            return false;
        }
    }

    private static String png(Object image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write((RenderedImage) image, "png", out);
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("could not encode the image as PNG: " + e.getMessage(), e);
        }
    }

    /** A non-empty collection of records or maps renders as a table. */
    static boolean isTable(Collection<?> rows) {
        if (rows.isEmpty()) return false;
        Object first = rows.iterator().next();
        if (first == null) return false;
        if (first.getClass().isRecord()) return rows.stream().allMatch(r -> r != null && r.getClass() == first.getClass());
        if (first instanceof Map<?, ?>) return rows.stream().allMatch(r -> r instanceof Map<?, ?>);
        return false;
    }

    /** A non-empty collection whose rows are all lists (a table for {@link Display#table}, not rendered by itself). */
    static boolean isListTable(Collection<?> rows) {
        return !rows.isEmpty() && rows.stream().allMatch(r -> r instanceof List<?>);
    }

    /** Column names and row cells of a table of records, maps or lists (numbered columns). */
    static List<String> columns(List<?> rows) {
        Object first = rows.get(0);
        if (first instanceof List<?>) {
            int width = rows.stream().mapToInt(r -> ((List<?>) r).size()).max().orElse(0);
            List<String> cols = new ArrayList<>();
            for (int i = 0; i < width; i++) cols.add(String.valueOf(i));
            return cols;
        }
        if (first.getClass().isRecord())
            return Arrays.stream(first.getClass().getRecordComponents()).map(RecordComponent::getName).toList();
        LinkedHashSet<String> cols = new LinkedHashSet<>();
        for (Object r : rows) ((Map<?, ?>) r).keySet().forEach(k -> cols.add(String.valueOf(k)));
        return new ArrayList<>(cols);
    }

    static Object cell(Object row, String column) {
        if (row instanceof List<?> list) {
            int i = Integer.parseInt(column);
            return i < list.size() ? list.get(i) : "";
        }
        if (row.getClass().isRecord()) {
            for (RecordComponent c : row.getClass().getRecordComponents()) {
                if (c.getName().equals(column)) {
                    try {
                        var m = c.getAccessor();
                        m.setAccessible(true);
                        return m.invoke(row);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return "?";
                    }
                }
            }
            return "";
        }
        for (var e : ((Map<?, ?>) row).entrySet()) if (String.valueOf(e.getKey()).equals(column)) return e.getValue();
        return "";
    }
}
