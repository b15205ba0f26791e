package jpool;

import java.security.Permission;

/**
 * Stops {@code System.exit} in a cell from killing the kernel: the call fails with a clear message instead. JDK 17
 * still allows installing a SecurityManager (the kernelspec passes -Djava.security.manager=allow for newer JDKs);
 * every other permission is granted.
 */
@SuppressWarnings("removal")
final class ExitGuard extends SecurityManager {
    private static volatile boolean allowExit;

    static void install() {
        try {
            withInitialErrSilenced(() -> System.setSecurityManager(new ExitGuard()));
        } catch (UnsupportedOperationException e) {
            jpool.protocol.KernelLog.warn("System.exit in cells cannot be intercepted on this JVM (run with -Djava.security.manager=allow)");
        }
    }

    /**
     * Runs {@code r} with the JVM's initial stderr muted. setSecurityManager prints a four-line deprecation warning
     * to that stream (the JDK's private System.initialErrStream, so System.setErr cannot silence it), and the kernel's
     * stderr is the user's terminal in jupyter console. When the field cannot be reached, the warning is printed.
     */
    @SuppressWarnings("sunapi")
    private static void withInitialErrSilenced(Runnable r) {
        sun.misc.Unsafe unsafe;
        Object base;
        long offset;
        try {
            java.lang.reflect.Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            unsafe = (sun.misc.Unsafe) theUnsafe.get(null);
            java.lang.reflect.Field initialErr = System.class.getDeclaredField("initialErrStream");
            base = unsafe.staticFieldBase(initialErr);
            offset = unsafe.staticFieldOffset(initialErr);
        } catch (ReflectiveOperationException | RuntimeException e) {
            r.run();
            return;
        }
        Object saved = unsafe.getObjectVolatile(base, offset);
        unsafe.putObjectVolatile(base, offset, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            r.run();
        } finally {
            unsafe.putObjectVolatile(base, offset, saved);
        }
    }

    /** Lets the kernel itself exit (shutdown). */
    static void allowExit() {
        allowExit = true;
    }

    @Override
    public void checkExit(int status) {
        if (!allowExit)
            throw new SecurityException("System.exit(" + status + ") was blocked: it would end the kernel. "
                    + "Use the notebook's 'Restart kernel' instead (in a worker process, System.exit ends only that worker).");
    }

    @Override
    public void checkPermission(Permission perm) {
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
    }
}
