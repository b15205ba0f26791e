package jpool.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}

/** Calls System.exit; the test runs it only after the call has been redirected. */
final class CallsExit implements Runnable {
    @Override
    public void run() {
        System.exit(42);
    }
}
