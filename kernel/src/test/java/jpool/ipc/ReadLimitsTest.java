package jpool.ipc;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadLimitsTest {
    private static final ShipFilter FILTER = new ShipFilter(c -> false);

    /** Sets nested {@code depth} deep, each holding the next twice over: reading it calls hashCode 2^depth times. */
    static Set<Object> nestedSets(int depth) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root, s2 = new HashSet<>();
        for (int i = 0; i < depth; i++) {
            Set<Object> t1 = new HashSet<>(), t2 = new HashSet<>();
            t1.add("x");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    @Test
    void aValueThatIsSlowToReadIsRefusedWithinItsTimeBudget() throws Exception {
        byte[] bytes = Serial.write(nestedSets(60)).bytes();
        InvalidClassException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThrows(InvalidClassException.class, () -> Serial.read(bytes, getClass().getClassLoader(), FILTER)));
        assertTrue(e.getMessage().contains("took more than 2 s to read"), e.getMessage());
    }

    @Test
    void aForgedArrayLengthIsRefusedBeforeAllocating() throws Exception {
        byte[] bytes = Serial.write(new Object[]{"a", "b"}).bytes();
        // the stream writes the array length as a big-endian int right after the class descriptor: find it (2)
        int at = -1;
        for (int i = bytes.length - 4; i >= 0 && at < 0; i--)
            if (bytes[i] == 0 && bytes[i + 1] == 0 && bytes[i + 2] == 0 && bytes[i + 3] == 2) at = i;
        bytes[at] = 0x3f; // 1 056 964 610 elements
        InvalidClassException e = assertThrows(InvalidClassException.class,
                () -> Serial.read(bytes, getClass().getClassLoader(), FILTER));
        assertTrue(e.getMessage().contains("declares an array of 1056964610 elements"), e.getMessage());
    }

    @Test
    void tooDeepAGraphIsRefusedAndOrdinaryNestingPasses() throws Throwable {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> { // nesting 1,100 lists deep needs a bigger stack than a test thread has
            try {
                tooDeep();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "deep", 256L << 20);
        t.start();
        t.join();
        if (failure[0] != null) throw failure[0];
    }

    private void tooDeep() throws Exception {
        List<Object> deep = new ArrayList<>(), at = deep;
        for (int i = 0; i < 1_100; i++) {
            List<Object> next = new ArrayList<>();
            at.add(next);
            at = next;
        }
        byte[] bytes = write(deep);
        InvalidClassException e = assertThrows(InvalidClassException.class,
                () -> Serial.read(bytes, getClass().getClassLoader(), FILTER));
        assertTrue(e.getMessage().contains("nested more than 1000 deep"), e.getMessage());
        // the same shape 12 deep reads in well under the budget (the sets are mutated after insertion, so compare sizes)
        Object modest = Serial.read(Serial.write(nestedSets(12)).bytes(), getClass().getClassLoader(), FILTER);
        assertEquals(2, ((Set<?>) modest).size());
    }

    private static byte[] write(Object v) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(out)) {
            o.writeObject(v);
        }
        return out.toByteArray();
    }
}
