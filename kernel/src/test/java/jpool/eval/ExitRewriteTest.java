package jpool.eval;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExitRewriteTest {
    @Test
    void systemExitCallsAreRedirectedAndNothingElseChanges() throws Exception {
        byte[] original = ClassFileTest.bytesOf(CallsExit.class);
        byte[] rewritten = new ClassFile(original).redirectStaticCall("java.lang.System", "exit", "(I)V", FakeGuard.class.getName());
        Class<?> c = new ClassFileTest.OneClassLoader(CallsExit.class.getName(), rewritten).loadClass(CallsExit.class.getName());
        var constructor = c.getDeclaredConstructor();
        constructor.setAccessible(true); // another loader: another runtime package
        Runnable r = (Runnable) constructor.newInstance();
        IllegalStateException e = assertThrows(IllegalStateException.class, r::run);
        assertEquals("exit 42", e.getMessage());
        assertEquals(42, FakeGuard.last);
        byte[] untouched = ClassFileTest.bytesOf(FakeGuard.class);
        assertArrayEquals(untouched, new ClassFile(untouched).redirectStaticCall("java.lang.System", "exit", "(I)V", "x.Y"));
    }

    /** CallsRuntimeExit with Runtime.exit and Runtime.halt redirected to FakeGuard, loaded in a loader of its own. */
    private static Class<?> rewrittenRuntimeCaller() throws Exception {
        byte[] b = ClassFileTest.bytesOf(CallsRuntimeExit.class);
        b = new ClassFile(b).redirectVirtualCall("java.lang.Runtime", "exit", "(I)V", FakeGuard.class.getName());
        b = new ClassFile(b).redirectVirtualCall("java.lang.Runtime", "halt", "(I)V", FakeGuard.class.getName());
        return new ClassFileTest.OneClassLoader(CallsRuntimeExit.class.getName(), b).loadClass(CallsRuntimeExit.class.getName());
    }

    private static IllegalStateException call(Class<?> c, String method, int status) throws Exception {
        var m = c.getDeclaredMethod(method, int.class);
        m.setAccessible(true);
        var e = assertThrows(InvocationTargetException.class, () -> m.invoke(null, status));
        return assertInstanceOfIse(e.getCause());
    }

    private static IllegalStateException assertInstanceOfIse(Throwable t) {
        assertTrue(t instanceof IllegalStateException, String.valueOf(t));
        return (IllegalStateException) t;
    }

    @Test
    void runtimeExitAndHaltCallsBecomeStaticCallsWithTheRuntimeAsFirstArgument() throws Exception {
        Class<?> c = rewrittenRuntimeCaller();
        assertEquals("runtime exit 5", call(c, "exit", 5).getMessage());
        assertEquals(5, FakeGuard.last);
        assertEquals("runtime halt 6", call(c, "halt", 6).getMessage());
        assertEquals(6, FakeGuard.last);
        // through a local variable, inside a lambda body, and as a bound method reference
        assertEquals("runtime halt 7", call(c, "haltViaVariable", 7).getMessage());
        assertEquals("runtime exit 8", call(c, "exitInLambda", 8).getMessage());
        assertEquals("runtime halt 9", call(c, "haltByMethodReference", 9).getMessage());
        assertEquals("runtime exit 10", call(c, "exitByMethodReference", 10).getMessage());
        // other Runtime calls and the code around the calls are untouched
        var m = c.getDeclaredMethod("processors");
        m.setAccessible(true);
        assertEquals(Runtime.getRuntime().availableProcessors(), m.invoke(null));
        var sw = c.getDeclaredMethod("switches", int.class);
        sw.setAccessible(true);
        assertEquals("one", sw.invoke(null, 1));
        assertEquals("many", sw.invoke(null, 1000));
        assertEquals("runtime halt 3", assertInstanceOfIse(
                assertThrows(InvocationTargetException.class, () -> sw.invoke(null, 3)).getCause()).getMessage());
    }

    @Test
    void classesWithoutTheCallsAreUnchangedAndRewrittenOnesPassVerification() throws Exception {
        byte[] untouched = ClassFileTest.bytesOf(CallsExit.class);
        assertArrayEquals(untouched, new ClassFile(untouched).redirectVirtualCall("java.lang.Runtime", "halt", "(I)V", "x.Y"));
        // the rewritten class still passes verification (its stack map frames are unchanged)
        Class<?> c = rewrittenRuntimeCaller();
        assertEquals(c, Class.forName(c.getName(), true, c.getClassLoader()));
    }

    @Test
    void theGuardRefusesInTheKernel() {
        SecurityException e = assertThrows(SecurityException.class, () -> jpool.ExitGuard.halt(Runtime.getRuntime(), 4));
        assertTrue(e.getMessage().startsWith("Runtime.halt(4) was blocked: it would end the kernel."), e.getMessage());
        e = assertThrows(SecurityException.class, () -> jpool.ExitGuard.exit(Runtime.getRuntime(), 4));
        assertTrue(e.getMessage().startsWith("Runtime.exit(4) was blocked: it would end the kernel."), e.getMessage());
        assertThrows(NullPointerException.class, () -> jpool.ExitGuard.halt(null, 4));
    }
}

/** Calls System.exit; the test runs it only after the call has been redirected. */
final class CallsExit implements Runnable {
    @Override
    public void run() {
        System.exit(42);
    }
}

/** Calls Runtime.exit and Runtime.halt in several ways; the test runs them only after the calls have been redirected. */
final class CallsRuntimeExit {
    private CallsRuntimeExit() {
    }

    static void exit(int status) {
        Runtime.getRuntime().exit(status);
    }

    static void halt(int status) {
        Runtime.getRuntime().halt(status);
    }

    static void haltViaVariable(int status) {
        Runtime r = Runtime.getRuntime();
        r.halt(status);
    }

    static void exitInLambda(int status) {
        Runnable body = () -> Runtime.getRuntime().exit(status);
        body.run();
    }

    static void haltByMethodReference(int status) {
        IntConsumer c = Runtime.getRuntime()::halt;
        c.accept(status);
    }

    static void exitByMethodReference(int status) {
        IntConsumer c = Runtime.getRuntime()::exit;
        c.accept(status);
    }

    static int processors() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String switches(int n) {
        switch (n) {
            case 1: return "one";
            case 2: return "two";
            case 3: Runtime.getRuntime().halt(3); return "three";
            default: break;
        }
        String s = switch (n) {
            case 10 -> "ten";
            case 1000 -> "many";
            default -> "other";
        };
        return s;
    }
}
