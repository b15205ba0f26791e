package jpool.ipc;

import org.junit.jupiter.api.Test;

import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CompactTest {
    private static Object roundTrip(Object v) throws StreamCorruptedException {
        Compact.Out out = new Compact.Out(8);
        assertTrue(out.value(v), "should be compact: " + v);
        Compact.In in = new Compact.In(out.toBytes(), 0);
        return in.value();
    }

    @Test
    void plainValuesReadBackAsTheSameTypesAndValues() throws Exception {
        for (Object v : new Object[]{null, true, false, 42, -7L, 2.5, 1.5f, (short) 3, (byte) -4, 'x', "héllo ✓", ""}) {
            Object back = roundTrip(v);
            assertEquals(v, back);
            if (v != null) assertSame(v.getClass(), back.getClass());
        }
        assertEquals(Double.NaN, roundTrip(Double.NaN));
        assertEquals("emoji \uD83D\uDE00 pair", roundTrip("emoji \uD83D\uDE00 pair"));
    }

    @Test
    void varLongsRoundTripFromTheSmallestToTheLargest() throws Exception {
        long[] values = {0, 1, -1, 63, -64, 64, 300, -300, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
        Compact.Out out = new Compact.Out(4);
        for (long v : values) out.putVarLong(v);
        Compact.In in = new Compact.In(out.toBytes(), 0);
        for (long v : values) assertEquals(v, in.getVarLong());
        assertEquals(1, new Compact.Out(1).putVarLong(-64).size(), "small numbers of either sign take one byte");
    }

    @Test
    void arraysAndNestedListsRoundTrip() throws Exception {
        assertArrayEquals(new byte[]{1, 2, 3}, (byte[]) roundTrip(new byte[]{1, 2, 3}));
        assertArrayEquals(new int[]{1, -2, Integer.MAX_VALUE}, (int[]) roundTrip(new int[]{1, -2, Integer.MAX_VALUE}));
        assertArrayEquals(new long[]{Long.MIN_VALUE, 0}, (long[]) roundTrip(new long[]{Long.MIN_VALUE, 0}));
        assertArrayEquals(new double[]{0.1, -0.0}, (double[]) roundTrip(new double[]{0.1, -0.0}));
        ArrayList<Object> inner = new ArrayList<>(List.of(1, "two"));
        ArrayList<Object> outer = new ArrayList<>(Arrays.asList(inner, null, 3.0));
        Object back = roundTrip(outer);
        assertEquals(outer, back);
        assertSame(ArrayList.class, ((List<?>) back).get(0).getClass());
    }

    @Test
    void otherTypesAreRefusedSoTheyTakeJavaSerialization() {
        record Point(int x, int y) {
        }
        for (Object v : new Object[]{List.of(1), new Point(1, 2), new HashMap<>(), new StringBuilder("x"),
                new byte[Compact.MAX_ARRAY_BYTES + 1], new float[]{1f}})
            assertFalse(new Compact.Out(8).value(v), "should not be compact: " + v.getClass());
        assertFalse(new Compact.Out(8).value("lone \uD800 surrogate"), "UTF-8 would turn it into '?'");
        ArrayList<Object> self = new ArrayList<>();
        self.add(self);
        assertFalse(new Compact.Out(8).value(self), "a list containing itself is refused, not a stack overflow");
    }

    @Test
    void truncatedOrCorruptInputIsAStreamErrorNotAnAllocation() {
        Compact.Out out = new Compact.Out(8);
        out.value(new ArrayList<>(List.of("a long enough string", 5)));
        byte[] bytes = out.toBytes();
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] part = Arrays.copyOf(bytes, cut);
            assertThrows(StreamCorruptedException.class, () -> new Compact.In(part, 0).value(), "cut at " + cut);
        }
        byte[] huge = {12, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}; // int[] of 2^31-1 elements, no data
        assertThrows(StreamCorruptedException.class, () -> new Compact.In(huge, 0).value());
        assertThrows(StreamCorruptedException.class, () -> new Compact.In(new byte[]{99}, 0).value());
    }
}
