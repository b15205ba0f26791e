package jpool.cluster;

/**
 * Runs a Spark daemon's main class ({@code ParentWatch MAIN_CLASS ARGS...}) and ends it when its stdin reaches
 * end-of-file, i.e. when the kernel that started it is gone for any reason (even SIGKILL): a local standalone
 * cluster never outlives its kernel. The exit runs Spark's shutdown hooks, so a Worker stops its executors.
 */
public final class ParentWatch {
    private ParentWatch() {
    }

    /** Entry point of a Master or Worker JVM of {@link LocalStandalone}. */
    public static void main(String[] args) throws Throwable {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever sent; only the end matters
                }
            } catch (java.io.IOException ignored) {
                // a broken pipe means the same
            }
            System.exit(0);
        }, "jpool-parent-watch");
        watch.setDaemon(true);
        watch.start();
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object) rest);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
