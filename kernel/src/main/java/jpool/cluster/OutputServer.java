package jpool.cluster;

import jpool.log.KernelLog;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where executors send the lines their tasks print: a TCP port on the driver's address. Each connection first
 * presents the pool's secret (random per pool, sent to executors inside the job); one that does not is closed
 * unread. Then each line is {@code long taskId, byte stream, UTF tag, UTF text}.
 */
final class OutputServer implements AutoCloseable {
    /** Receives one printed line of a task. */
    interface Lines {
        void line(long taskId, int stream, String tag, String text);
    }

    private final ServerSocket server;
    private final String secret;
    private final Lines sink;

    OutputServer(String bindHost, Lines sink) throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.secret = HexFormat.of().formatHex(random);
        this.sink = sink;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(bindHost), 0));
        Thread t = new Thread(this::accept, "jpool-cluster-output");
        t.setDaemon(true);
        t.start();
    }

    String host() {
        return server.getInetAddress().getHostAddress();
    }

    int port() {
        return server.getLocalPort();
    }

    String secret() {
        return secret;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> read(s), "jpool-cluster-output-reader");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void read(Socket s) {
        try (s; DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()))) {
            s.setSoTimeout(10_000); // the secret comes first, at once
            String presented = in.readUTF();
            if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) return;
            s.setSoTimeout(0);
            while (true) {
                long task = in.readLong();
                int stream = in.readByte();
                String tag = in.readUTF();
                String text = in.readUTF();
                try {
                    sink.line(task, stream, tag, text);
                } catch (RuntimeException e) { // one line the kernel failed to show must not close the channel
                    KernelLog.warn("executor output could not be shown", e);
                }
            }
        } catch (IOException e) {
            // the executor went away
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
