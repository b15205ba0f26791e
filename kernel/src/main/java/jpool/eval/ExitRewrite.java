package jpool.eval;

import java.util.Set;

/**
 * Points a cell class's calls that could end the JVM (System.exit, Runtime.exit and halt, and the reflective and
 * method-handle routes to them) at jpool's guards. Every cell's classes pass through here, so the check is cheap
 * for a class that cannot reach an exit: its constant pool is read once, and unless it names one of the owners of
 * those calls nothing is rewritten (each rewrite parses the class again).
 */
final class ExitRewrite {
    /** The classes whose methods are guarded: a class naming none of them cannot call one. */
    static final Set<String> OWNERS = Set.of("java.lang.System", "java.lang.Runtime", "java.lang.reflect.Method",
            "java.lang.invoke.MethodHandles$Lookup");

    private ExitRewrite() {
    }

    /** Whether {@code bytes} names a class whose guarded methods it might call (false: nothing to rewrite). */
    static boolean mayReachExit(byte[] bytes) {
        for (String c : new ClassFile(bytes).referencedClasses()) if (OWNERS.contains(c)) return true;
        return false;
    }

    /** {@code bytes} with every guarded call redirected to its guard; the same array when there is none. */
    static byte[] guard(byte[] bytes) {
        if (!mayReachExit(bytes)) return bytes;
        byte[] b = bytes;
        // System.exit, Runtime.exit or Runtime.halt in a cell would end the kernel; jpool.ExitGuard refuses
        // (and in a worker, exits or halts)
        b = new ClassFile(b).redirectStaticCall("java.lang.System", "exit", "(I)V", "jpool.ExitGuard");
        b = new ClassFile(b).redirectVirtualCall("java.lang.Runtime", "exit", "(I)V", "jpool.ExitGuard");
        b = new ClassFile(b).redirectVirtualCall("java.lang.Runtime", "halt", "(I)V", "jpool.ExitGuard");
        // ... and so do those reached through reflection or method handles (jpool.ReflectiveExitGuard)
        for (String[] call : jpool.ReflectiveExitGuard.rewrittenCalls())
            b = new ClassFile(b).redirectVirtualCall(call[0], call[1], call[2], "jpool.ReflectiveExitGuard");
        return b;
    }
}
