package jpool.eval;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel records the bytes of every class a cell defines (to ship to workers) and makes them Serializable. */
class ClassCaptureTest {
    private static Cells cells;

    @BeforeAll
    static void start() {
        cells = new Cells();
    }

    @AfterAll
    static void stop() {
        cells.close();
    }

    private static int indexOf(List<Map.Entry<String, byte[]>> classes, String suffix) {
        for (int i = 0; i < classes.size(); i++) if (classes.get(i).getKey().endsWith(suffix)) return i;
        return -1;
    }

    @Test
    void everyClassACellDefinesIsRecordedInOrderWithItsLoadedBytes() throws Exception {
        ClassStore store = cells.evaluator.classes();
        int before = store.size();
        cells.define("record Trade(String symbol, double quantity) {}");
        cells.define("class Book {\n    List<Trade> trades = new ArrayList<>();\n}\ninterface Priced { double price(); }");
        List<Map.Entry<String, byte[]>> added = store.since(before);
        assertEquals(3, added.stream().filter(e -> CapturingExecutionControl.isUserType(e.getKey())).count(),
                "each of the three types once: " + added.stream().map(Map.Entry::getKey).toList());

        int trade = indexOf(added, "$Trade"), book = indexOf(added, "$Book"), priced = indexOf(added, "$Priced");
        assertTrue(trade >= 0 && book >= 0 && priced >= 0, added.stream().map(Map.Entry::getKey).toList().toString());
        assertTrue(trade < book, "definition order");
        for (Map.Entry<String, byte[]> e : added) {
            assertEquals(e.getKey(), new ClassFile(e.getValue()).name(), "the bytes are the class's");
            assertArrayEquals(e.getValue(), store.bytes(e.getKey()));
            assertEquals(e.getKey(), cells.evaluator.control().classForName(e.getKey()).getName(), "and it is loaded");
        }
        // cell types are made Serializable, interfaces and JShell's wrapper classes are not touched
        assertTrue(new ClassFile(added.get(trade).getValue()).interfaces().contains("java.io.Serializable"));
        assertTrue(new ClassFile(added.get(book).getValue()).interfaces().contains("java.io.Serializable"));
        assertFalse(new ClassFile(added.get(priced).getValue()).interfaces().contains("java.io.Serializable"));
        added.stream().filter(e -> !CapturingExecutionControl.isUserType(e.getKey())).forEach(e ->
                assertFalse(new ClassFile(e.getValue()).interfaces().contains("java.io.Serializable"), e.getKey()));
    }

    @Test
    void instancesOfCellClassesSerializeAndComeBack() throws Exception {
        cells.define("class Counter { int n; Counter add() { n++; return this; } }");
        Object counter = cells.value("new Counter().add().add()");
        assertInstanceOf(Serializable.class, counter);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(counter);
        }
        CapturingExecutionControl control = cells.evaluator.control();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                return control.classForName(desc.getName());
            }
        }) {
            Object back = in.readObject();
            assertEquals(counter.getClass(), back.getClass());
            var n = back.getClass().getDeclaredField("n");
            n.setAccessible(true);
            assertEquals(2, n.getInt(back));
        }
    }

    @Test
    void userTypesAreTheClassesNestedInAWrapper() {
        assertTrue(CapturingExecutionControl.isUserType("REPL.$JShell$12$Foo"));
        assertTrue(CapturingExecutionControl.isUserType("REPL.$JShell$12$Foo$Inner"));
        assertFalse(CapturingExecutionControl.isUserType("REPL.$JShell$12"));
        assertFalse(CapturingExecutionControl.isUserType("java.lang.String"));
    }

    @Test
    void theStoreKeepsFirstDefinitionsInOrder() {
        ClassStore store = new ClassStore();
        store.add("A", new byte[]{1});
        store.add("B", new byte[]{2});
        store.add("A", new byte[]{3});
        assertEquals(2, store.size());
        assertEquals(List.of("A", "B"), store.since(0).stream().map(Map.Entry::getKey).toList());
        assertEquals(List.of("B"), store.since(1).stream().map(Map.Entry::getKey).toList());
        assertEquals(List.of(), store.since(5));
        assertNull(store.bytes("C"));
    }
}
