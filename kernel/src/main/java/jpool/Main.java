package jpool;

import jpool.display.CellPrintStream;
import jpool.protocol.ConnectionInfo;
import jpool.protocol.KernelLog;
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
        JavaKernel kernel = new JavaKernel();
        CellPrintStream.install();
        KernelServer server = new KernelServer(info, kernel);
        Runtime.getRuntime().addShutdownHook(new Thread(KernelEvents::fireShutdown, "jpool-shutdown"));
        try {
            server.serve();
        } catch (Exception e) {
            KernelLog.warn("kernel failed: " + e);
            System.exit(1);
        }
        System.exit(0);
    }
}
