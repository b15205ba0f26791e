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
        java.io.PrintStream err = System.err;
        // the JDK prints a four-line deprecation warning on stderr; the kernel's stderr is the user's terminal
        System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            System.setSecurityManager(new ExitGuard());
        } catch (UnsupportedOperationException e) {
            jpool.protocol.KernelLog.warn("System.exit in cells cannot be intercepted on this JVM (run with -Djava.security.manager=allow)");
        } finally {
            System.setErr(err);
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
