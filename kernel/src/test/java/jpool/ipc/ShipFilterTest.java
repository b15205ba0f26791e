package jpool.ipc;

import jpool.shaded.BundledStandIn;
import org.junit.jupiter.api.Test;

import java.awt.Point;
import java.io.InvalidClassException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShipFilterTest {
    private static final ShipFilter FILTER = new ShipFilter(c -> false);

    @Test
    void valuesAndCollectionsPass() throws Exception {
        Object v = new ArrayList<>(List.of(1, "two", 3.0, Map.of("k", new int[]{4})));
        List<?> back = (List<?>) Serial.read(Serial.write(v).bytes(), getClass().getClassLoader(), FILTER);
        assertEquals(List.of(1, "two", 3.0), back.subList(0, 3));
        assertEquals(4, ((int[]) ((Map<?, ?>) back.get(3)).get("k"))[0]);
    }

    @Test
    void unknownClassesAreRefused() throws Exception {
        byte[] bytes = Serial.write(new Point(1, 2)).bytes(); // Serializable, but not on the allow-list
        assertThrows(InvalidClassException.class, () -> Serial.read(bytes, getClass().getClassLoader(), FILTER));
    }

    @Test
    void jpoolsBundledLibrariesAreRefusedThoughTheyAreUnderJpool() throws Exception {
        // relocation moved gson, H2, jeromq, the resolver... under jpool.shaded.*: the "jpool." allowance must not
        // let their (gadget-prone) classes in
        byte[] bytes = Serial.write(new BundledStandIn()).bytes();
        assertThrows(InvalidClassException.class, () -> Serial.read(bytes, getClass().getClassLoader(), FILTER));
    }

    @Test
    void writeRecordsClassesAndLambdas() throws Exception {
        IntSupplier s = (IntSupplier & Serializable) () -> 7;
        Serial.Written w = Serial.write(s);
        assertEquals(1, w.lambdas().size());
        assertEquals(ShipFilterTest.class.getName(), w.lambdas().get(0)[0]);
    }
}
