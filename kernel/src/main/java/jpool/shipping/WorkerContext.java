package jpool.shipping;

import jpool.ipc.ShipFilter;

import java.util.function.Supplier;

/**
 * How what was shipped is read inside a worker JVM: the loader of the notebook's classes, the kernel's allow-list,
 * and the name of the process running the task. The worker's main class sets them at start; in the kernel (and in
 * unit tests) they are unset, and shipped values are read with this jar's own loader and no allow-list.
 */
public final class WorkerContext {
    private static volatile ClassLoader loader;
    private static volatile ShipFilter filter;
    private static volatile Supplier<String> processName = () -> "MainProcess";

    private WorkerContext() {
    }

    /** Called once by the worker's main class before it runs tasks. */
    public static void install(ClassLoader shippedClasses, ShipFilter allowList, Supplier<String> currentProcessName) {
        loader = shippedClasses;
        filter = allowList;
        processName = currentProcessName;
    }

    /** The loader of shipped notebook classes; this jar's loader outside a worker. */
    static ClassLoader loader() {
        ClassLoader l = loader;
        return l != null ? l : WorkerContext.class.getClassLoader();
    }

    /** The allow-list results are checked against; null outside a worker. */
    static ShipFilter filter() {
        return filter;
    }

    /** Resolves a class name the way shipped values are resolved here. */
    static Class<?> shippedClass(String name) throws ClassNotFoundException {
        return Class.forName(name, false, loader());
    }

    /** The name of the process running the current task ("PoolWorker-3"). */
    static String processName() {
        return processName.get();
    }
}
