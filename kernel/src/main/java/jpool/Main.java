package jpool;

import jpool.display.CellInputStream;
import jpool.display.CellPrintStream;
import jpool.ipc.KernelTempDir;
import jpool.protocol.ConnectionInfo;
import jpool.log.KernelLog;
import jpool.protocol.KernelServer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Starts the kernel: {@code java -jar jpool.jar CONNECTION_FILE}. Exit status 2 when the connection file is
 * missing or invalid, with the reason on stderr.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.out.println("jpool " + Version.VERSION);
            return;
        }
        if (args.length == 1 && args[0].equals("--rehearse-start")) { // install.sh: see JavaKernel.rehearseStart
            JavaKernel.rehearseStart();
            KernelEvents.fireShutdown(); // its pool's worker and temporary directory go, as at a kernel's shutdown
            System.exit(0);
        }
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -jar jpool.jar CONNECTION_FILE   (Jupyter passes {connection_file})");
            System.exit(2);
        }
        ConnectionInfo info;
        try {
            info = ConnectionInfo.read(Path.of(args[0]));
        } catch (IOException e) {
            System.err.println("jpool: " + e.getMessage());
            System.exit(2);
            return;
        }
        KernelLog.info("starting with " + args[0]);
        StartingKernel kernel = new StartingKernel();
        CellPrintStream.install();
        CellInputStream.install(); // reading System.in in a cell asks the frontend (input_request)
        KernelServer server = new KernelServer(info, kernel);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ExitWitness.report();
            KernelEvents.fireShutdown();
        }, "jpool-shutdown"));
        watchParent(System.getenv("JPY_PARENT_PID"));
        Thread sweep = new Thread(KernelTempDir::sweep, "jpool-sweep"); // what killed kernels left in /tmp
        sweep.setDaemon(true);
        sweep.start();
        try {
            server.serve();
        } catch (Exception e) {
            KernelLog.warn("kernel failed: " + e);
            System.exit(1);
        }
        System.exit(0);
    }

    /**
     * Ends the kernel when the Jupyter process that started it is gone without having shut it down (killed client,
     * crashed server): nobody can reach the kernel any more, and an orphaned JVM with its workers would run forever.
     * Jupyter names that process in JPY_PARENT_PID, as it does for every kernel it launches.
     */
    private static void watchParent(String parentPid) {
        if (parentPid == null || parentPid.isBlank()) return;
        long pid;
        try {
            pid = Long.parseLong(parentPid.strip());
        } catch (NumberFormatException e) {
            return;
        }
        if (pid <= 1) return; // init never goes away, it only adopts
        ProcessHandle.of(pid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(Main::parentGone),
                Main::parentGone);
    }

    private static void parentGone() {
        KernelLog.warn("the process that started the kernel has exited; shutting down");
        System.exit(0); // the shutdown hook stops worker processes
    }
}
