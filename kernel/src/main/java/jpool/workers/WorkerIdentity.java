package jpool.workers;

/** Who this JVM is: the kernel ("MainProcess") or a worker with the name the kernel gave it. */
final class WorkerIdentity {
    static final String MAIN = "MainProcess";
    private static volatile String name = MAIN;
    private static volatile boolean worker;

    private WorkerIdentity() {
    }

    static void becomeWorker(String workerName) {
        worker = true;
        name = workerName;
    }

    static String name() {
        return name;
    }

    static boolean isWorker() {
        return worker;
    }
}
