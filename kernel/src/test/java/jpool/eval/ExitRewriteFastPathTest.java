package jpool.eval;

import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExitRewriteFastPathTest {
    @Test
    void aClassNamingNoExitOwnerIsLeftAsItIs() throws Exception {
        byte[] plain = ClassFileTest.bytesOf(NoExit.class);
        assertFalse(ExitRewrite.mayReachExit(plain));
        assertSame(plain, ExitRewrite.guard(plain), "a class that cannot reach exit was rewritten");
    }

    @Test
    void reflectiveAndMethodHandleRoutesAreRewritten() throws Exception {
        for (Class<?> c : new Class<?>[]{ReflectiveExit.class, HandleExit.class, ExitReference.class, CallsExit.class}) {
            byte[] b = ClassFileTest.bytesOf(c);
            assertTrue(ExitRewrite.mayReachExit(b), c.getName());
            byte[] guarded = ExitRewrite.guard(b);
            assertNotSame(b, guarded, c.getName());
            String text = new String(guarded, StandardCharsets.ISO_8859_1);
            assertTrue(text.contains("jpool/ExitGuard") || text.contains("jpool/ReflectiveExitGuard"), c.getName());
        }
    }
}

final class NoExit {
    static int work(int x) {
        return Math.abs(x) + String.valueOf(x).length();
    }
}

final class ReflectiveExit {
    static Object run() throws Exception {
        return Class.forName("java.lang.Sys" + "tem").getMethod("exit", int.class).invoke(null, 0);
    }
}

final class HandleExit {
    static Object run() throws Throwable {
        return MethodHandles.lookup().findStatic(Class.forName("java.lang.Sys" + "tem"), "exit",
                MethodType.methodType(void.class, int.class));
    }
}

final class ExitReference {
    static IntConsumer run() {
        return System::exit;
    }
}
