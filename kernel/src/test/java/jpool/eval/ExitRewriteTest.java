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
        Runnable r = (Runnable) c.getDeclaredConstructor().newInstance();
        IllegalStateException e = assertThrows(IllegalStateException.class, r::run);
        assertEquals("exit 42", e.getMessage());
        assertEquals(42, FakeGuard.last);
        byte[] untouched = ClassFileTest.bytesOf(FakeGuard.class);
        assertArrayEquals(untouched, new ClassFile(untouched).redirectStaticCall("java.lang.System", "exit", "(I)V", "x.Y"));
    }
}

/** Stands in for jpool.ExitGuard: records the status instead of exiting. */
final class FakeGuard {
    static int last = -1;

    public static void exit(int status) {
        last = status;
        throw new IllegalStateException("exit " + status);
    }
}

/** Calls System.exit; the test runs it only after the call has been redirected. */
final class CallsExit implements Runnable {
    @Override
    public void run() {
        System.exit(42);
    }
}
