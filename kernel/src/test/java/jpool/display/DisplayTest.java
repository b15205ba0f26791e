package jpool.display;

import com.google.gson.JsonObject;
import jpool.protocol.CellProbe;
import jpool.protocol.WireMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The display API as a cell uses it, checked on the messages a frontend would receive. */
class DisplayTest {
    record City(String name, int population) {
    }

    private CellProbe probe;

    @BeforeEach
    void openCell() {
        probe = new CellProbe();
    }

    @AfterEach
    void closeCell() {
        probe.close();
    }

    /** Runs {@code body} as cell code would: on a thread of its own whose current cell is the probe's. */
    private void inCell(Runnable body) throws Exception {
        CompletableFuture.runAsync(() -> {
            CellScope.enter(probe.cell());
            body.run();
        }, r -> new Thread(r, "test-cell").start()).get(30, TimeUnit.SECONDS);
    }

    private static JsonObject data(WireMessage m) {
        return m.content().getAsJsonObject("data");
    }

    private static String displayId(WireMessage m) {
        return m.content().getAsJsonObject("transient").get("display_id").getAsString();
    }

    @Test
    void showPublishesADisplayAndTheHandleUpdatesItInPlace() throws Exception {
        DisplayHandle[] handle = new DisplayHandle[1];
        inCell(() -> {
            handle[0] = Display.show("starting");
            handle[0].update(Display.html("<b>done</b>"));
        });
        WireMessage shown = probe.next();
        assertEquals("display_data", shown.type());
        assertEquals(CellProbe.REQUEST_ID, shown.parentHeader().get("msg_id").getAsString());
        assertEquals("starting", data(shown).get("text/plain").getAsString());
        assertEquals(handle[0].id(), displayId(shown));

        WireMessage updated = probe.next();
        assertEquals("update_display_data", updated.type());
        assertEquals(handle[0].id(), displayId(updated));
        assertEquals("<b>done</b>", data(updated).get("text/html").getAsString());
        assertEquals("done", data(updated).get("text/plain").getAsString());
    }

    @Test
    void eachShowHasItsOwnDisplayId() throws Exception {
        inCell(() -> {
            Display.show(1);
            Display.show(2);
        });
        assertFalse(displayId(probe.next()).equals(displayId(probe.next())));
    }

    @Test
    void threadsACellStartsShowInThatCell() throws Exception {
        inCell(() -> {
            Thread t = new Thread(() -> Display.show(List.of(new City("Oslo", 700_000))));
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        WireMessage m = probe.next();
        assertEquals(CellProbe.REQUEST_ID, m.parentHeader().get("msg_id").getAsString());
        assertTrue(data(m).get("text/html").getAsString().contains("<td>Oslo</td>"));
    }

    @Test
    void clearAndClearWhenNext() throws Exception {
        inCell(() -> {
            Display.clear();
            Display.clearWhenNext();
        });
        WireMessage now = probe.next(), later = probe.next();
        assertEquals("clear_output", now.type());
        assertFalse(now.content().get("wait").getAsBoolean());
        assertTrue(later.content().get("wait").getAsBoolean());
    }

    @Test
    void textAfterTheCellFinishedUpdatesItsReservedDisplay() throws Exception {
        inCell(() -> {
            LateOutput.reserve(probe.cell(), () -> true);
            LateOutput.cellEnded(probe.cell()); // the display goes out when the cell's code ends, work still running
        });
        WireMessage reserved = probe.next();
        assertEquals("display_data", reserved.type());
        assertEquals("", data(reserved).get("text/plain").getAsString());
        probe.finish();
        inCell(() -> {
            CellScope.target().write("stdout", "worker 1 done\n");
            CellScope.target().write("stdout", "worker 2 ");
        });
        WireMessage late = probe.next();
        assertEquals("update_display_data", late.type());
        assertEquals(displayId(reserved), displayId(late));
        assertEquals("worker 1 done\nworker 2 ", data(late).get("text/plain").getAsString());
    }

    @Test
    void workThatEndedWithItsCellLeavesNoEmptyDisplay() throws Exception {
        inCell(() -> {
            LateOutput.reserve(probe.cell(), () -> false);
            LateOutput.cellEnded(probe.cell());
            System.out.print("");
        });
        probe.finish();
        assertFalse(LateOutput.of(probe.cell()).shown(), "no empty display was sent");
    }

    @Test
    void factoriesBuildBundles() {
        Map<String, Object> html = Display.html("<h3>Sum</h3><p>a &lt; b &amp;&amp; c</p>").mimeBundle();
        assertEquals("<h3>Sum</h3><p>a &lt; b &amp;&amp; c</p>", html.get("text/html"));
        assertEquals("Sum\na < b && c", html.get("text/plain"));

        Map<String, Object> svg = Display.svg("<svg xmlns=\"http://www.w3.org/2000/svg\"/>").mimeBundle();
        assertEquals("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", svg.get("image/svg+xml"));
        assertEquals("[SVG image]", svg.get("text/plain"));

        Map<String, Object> md = Display.markdown("# Title").mimeBundle();
        assertEquals("# Title", md.get("text/markdown"));

        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        Map<String, Object> image = Display.png(png).mimeBundle();
        assertEquals(Base64.getEncoder().encodeToString(png), image.get("image/png"));
        assertEquals("[PNG image, 4 bytes]", image.get("text/plain"));
    }

    @Test
    void tableOfRecordsHasHtmlAndAlignedText() {
        Map<String, Object> t = Display.table(List.of(new City("Oslo", 700_000), new City("Bergen", 290_000))).mimeBundle();
        assertEquals("name    population\nOslo    700000\nBergen  290000", t.get("text/plain"));
        String html = (String) t.get("text/html");
        assertTrue(html.startsWith("<table class=\"jpool-table\"><thead><tr><th>name</th><th>population</th></tr></thead>"), html);
        assertTrue(html.contains("<tr><td>Bergen</td><td>290000</td></tr>"), html);
    }

    @Test
    void tableOfListsHasNumberedOrNamedColumns() {
        Map<String, Object> numbered = Display.table(List.of(List.of(1, 1), List.of(2, 4, 8))).mimeBundle();
        assertEquals("0  1  2\n1  1\n2  4  8", numbered.get("text/plain"));
        Map<String, Object> named = Display.table(List.of("x", "x²"), List.of(List.of(1, 1), List.of(3, 9))).mimeBundle();
        assertEquals("x  x²\n1  1\n3  9", named.get("text/plain"));
        assertTrue(((String) named.get("text/html")).contains("<th>x²</th>"));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> Display.table(List.of("x"), List.of(List.of(1, 2))));
        assertTrue(wide.getMessage().contains("2 cells but there are only 1 column names"), wide.getMessage());
    }

    @Test
    void tableRefusesWhatIsNotATableAndSaysWhy() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> Display.table(List.of()));
        assertTrue(empty.getMessage().endsWith("got an empty collection"), empty.getMessage());
        IllegalArgumentException strings = assertThrows(IllegalArgumentException.class, () -> Display.table(List.of("a")));
        assertTrue(strings.getMessage().endsWith("got java.lang.String"), strings.getMessage());
        List<City> withNull = new ArrayList<>();
        withNull.add(null);
        IllegalArgumentException nullRow = assertThrows(IllegalArgumentException.class, () -> Display.table(withNull));
        assertTrue(nullRow.getMessage().endsWith("got a null row"), nullRow.getMessage());
    }
}
