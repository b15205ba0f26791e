package jpool.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MethodScannerTest {
    static int shared = 3;
    static int unrelated = 4;

    static int readsShared() {
        return shared * 2;
    }

    static int callsAndMakesLambda() {
        IntSupplier s = () -> readsShared() + 1;
        switch (s.getAsInt()) { // a tableswitch in the middle must not derail the scan
            case 1: return 1;
            case 2: return 2;
            case 3: return 3;
            default: return unrelated;
        }
    }

    private static MethodScanner scanner() throws Exception {
        return new MethodScanner(ClassFileTest.bytesOf(MethodScannerTest.class));
    }

    @Test
    void findsTheStaticFieldsAMethodReads() throws Exception {
        MethodScanner.Refs refs = scanner().refs("readsShared", "()I");
        assertEquals(List.of(new ClassFile.FieldRef(MethodScannerTest.class.getName(), "shared")), refs.staticFields());
    }

    @Test
    void findsLambdaBodiesThroughInvokedynamicAndReadsPastASwitch() throws Exception {
        MethodScanner.Refs refs = scanner().refs("callsAndMakesLambda", "()I");
        assertEquals(1, refs.lambdas().size(), "the IntSupplier's body");
        assertTrue(refs.lambdas().get(0).name().startsWith("lambda$callsAndMakesLambda$"));
        assertTrue(refs.staticFields().stream().anyMatch(f -> f.name().equals("unrelated")), "field read after the switch");
        MethodScanner.Refs body = scanner().refs(refs.lambdas().get(0).name(), refs.lambdas().get(0).descriptor());
        assertTrue(body.calls().stream().anyMatch(m -> m.name().equals("readsShared")));
        assertFalse(body.staticFields().stream().anyMatch(f -> f.name().equals("unrelated")), "the lambda itself reads no field");
    }

    @Test
    void listsEveryMethod() throws Exception {
        assertTrue(scanner().methods().stream().anyMatch(m -> m.name().equals("readsShared") && m.descriptor().equals("()I")));
    }
}
