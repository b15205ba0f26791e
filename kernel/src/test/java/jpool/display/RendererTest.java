package jpool.display;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RendererTest {
    record Sale(String item, double amount) {
    }

    record Other(int x) {
    }

    @Test
    void plainValuesAreTextOnly() {
        assertEquals(Map.of("text/plain", "hello <b>"), Renderer.render("hello <b>"));
        assertEquals(Map.of("text/plain", "42"), Renderer.render(42));
        assertEquals(Map.of("text/plain", "null"), Renderer.render(null));
        assertEquals(Map.of("text/plain", "[a, b]"), Renderer.render(List.of("a", "b")));
    }

    @Test
    void arraysAreListedElementByElement() {
        assertEquals("[1, 2, 3]", Renderer.plainText(new int[]{1, 2, 3}));
        assertEquals("[[a], [b, c]]", Renderer.plainText(new String[][]{{"a"}, {"b", "c"}}));
        assertEquals("[true]", Renderer.plainText(new boolean[]{true}));
    }

    @Test
    void htmlFromDisplayHtmlIsKeptAsIs() {
        Map<String, Object> b = Renderer.render(Display.html("<h3>Results</h3>"));
        assertEquals("<h3>Results</h3>", b.get("text/html"));
        assertEquals("Results", b.get("text/plain"));
    }

    @Test
    void svgFromDisplaySvg() {
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><circle r=\"4\"/></svg>";
        Map<String, Object> b = Renderer.render(Display.svg(svg));
        assertEquals(svg, b.get("image/svg+xml"));
        assertTrue(b.containsKey("text/plain"));
    }

    @Test
    void imagesBecomePngs() throws Exception {
        BufferedImage img = new BufferedImage(8, 5, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 4, 5);
        g.dispose();
        Map<String, Object> b = Renderer.render(img);
        byte[] png = Base64.getDecoder().decode((String) b.get("image/png"));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(8, back.getWidth());
        assertEquals(5, back.getHeight());
        assertEquals(Color.RED.getRGB(), back.getRGB(1, 1));
        assertEquals(Color.BLACK.getRGB(), back.getRGB(6, 1));
        assertEquals("[BufferedImage 8x5]", b.get("text/plain"));
    }

    @Test
    void aListOfRecordsIsAnHtmlTableWithEscapedCells() {
        Map<String, Object> b = Renderer.render(List.of(new Sale("tea & <cake>", 3.5), new Sale("\"coffee\"", 2.0)));
        assertEquals("<table class=\"jpool-table\"><thead><tr><th>item</th><th>amount</th></tr></thead><tbody>"
                + "<tr><td>tea &amp; &lt;cake&gt;</td><td>3.5</td></tr>"
                + "<tr><td>&quot;coffee&quot;</td><td>2.0</td></tr></tbody></table>", b.get("text/html"));
        assertTrue(((String) b.get("text/plain")).contains("Sale[item=tea & <cake>, amount=3.5]"));
    }

    @Test
    void aListOfMapsIsATableOfAllTheirKeys() {
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("city", "Oslo");
        first.put("temp", -3);
        Map<String, Object> second = new LinkedHashMap<>();
        second.put("city", "Rome");
        second.put("rain", true);
        String html = (String) Renderer.render(List.of(first, second)).get("text/html");
        assertTrue(html.contains("<tr><th>city</th><th>temp</th><th>rain</th></tr>"), html);
        assertTrue(html.contains("<tr><td>Oslo</td><td>-3</td><td></td></tr>"), html);
        assertTrue(html.contains("<tr><td>Rome</td><td></td><td>true</td></tr>"), html);
    }

    @Test
    void onlyUniformRecordsOrMapsMakeATable() {
        assertFalse(Renderer.render(List.of(new Sale("a", 1), new Other(2))).containsKey("text/html"));
        assertFalse(Renderer.render(List.of()).containsKey("text/html"));
        assertFalse(Renderer.render(Set.of(1, 2)).containsKey("text/html"));
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        assertFalse(Renderer.render(withNull).containsKey("text/html"));
    }

    @Test
    void longTablesAreCutWithANote() {
        List<Other> rows = IntStream.range(0, 250).mapToObj(Other::new).toList();
        String html = (String) Renderer.render(rows).get("text/html");
        assertEquals(200 + 1, html.split("<tr>").length - 1, "header row + 200 rows");
        assertTrue(html.endsWith("<p>… 50 more rows</p>"), html.substring(html.length() - 40));
    }

    @Test
    void ownRenderingsViaRich() {
        Rich rich = () -> Map.of("text/html", "<i>mine</i>");
        Map<String, Object> b = Renderer.render(rich);
        assertEquals("<i>mine</i>", b.get("text/html"));
        assertTrue(b.containsKey("text/plain"), "a plain-text fallback is always there");
    }

    @Test
    void mimeBundlesKeepOrderAndCheckTypes() {
        MimeBundle b = new MimeBundle("plain").with("text/html", "<b>x</b>").with("application/json", Map.of("a", 1));
        assertEquals(List.of("text/plain", "text/html", "application/json"), new ArrayList<>(b.mimeBundle().keySet()));
        assertEquals("plain", b.toString());
        assertThrows(UnsupportedOperationException.class, () -> b.mimeBundle().put("x/y", "z"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.with("html", "x"));
        assertEquals("not a MIME type: 'html' (expected e.g. text/html)", e.getMessage());
    }

    @Test
    void htmlEscaping() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;R&amp;D&lt;/a&gt;", Html.escape("<a href=\"x\">R&D</a>"));
        assertEquals("", Html.escape(null));
        assertEquals("plain", Html.escape("plain"));
    }

    @Test
    void htmlAsPlainTextKeepsLinesAndDecodesEntities() {
        assertEquals("Warmest\nNairobi at 19 °C", Html.toPlainText("<h3>Warmest</h3>\n  <p><b>Nairobi</b> at 19 &deg;C</p>"));
        assertEquals("one\ntwo", Html.toPlainText("one<br>two<BR/>"));
        assertEquals("&lt; is written &amp;lt;", Html.toPlainText("&amp;lt; is written &amp;amp;lt;"));
        assertEquals("é € 😀 &unknown;", Html.toPlainText("&#233; &#x20AC; &#128512; &unknown;"));
        assertEquals("", Html.toPlainText(null));
    }

    @Test
    void textTablesAlignColumns() {
        String text = Tables.text(List.of(new Sale("a", 10.25), new Sale("longer name", 1.0)));
        assertEquals("item         amount\na            10.25\nlonger name  1.0", text);
    }
}
