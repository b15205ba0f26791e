package jpool.ipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernel's end of the private channel to its workers: a UNIX-domain socket inside a directory only this user
 * can enter (0700), plus a random per-kernel secret that each worker receives on its stdin. A connection whose
 * first frame does not carry the secret is closed before anything from it is deserialized; until it has shown the
 * secret it gets only a small, timed handshake ({@link Handshakes}).
 */
public final class LocalServer implements AutoCloseable {
    private final Path dir;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final String secret;
    private final Map<String, CompletableFuture<Hello>> expected = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private final Handshakes handshakes;

    /** A worker that proved it knows the secret. */
    public record Hello(String workerId, long pid, FrameChannel channel) {
    }

    public LocalServer() throws IOException {
        dir = KernelTempDir.create();
        socketPath = dir.resolve("kernel.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        secret = HexFormat.of().formatHex(raw);
        handshakes = new Handshakes(server, this::greet);
        acceptor = new Thread(handshakes, "jpool-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where workers connect. */
    public Path socketPath() {
        return socketPath;
    }

    /** The directory holding the socket (and worker log files). */
    public Path directory() {
        return dir;
    }

    /** What a worker must present; handed to it on stdin, never on the command line (visible in ps). */
    public String secret() {
        return secret;
    }

    /** Registers a worker about to be launched; the future completes when it has connected and authenticated. */
    public CompletableFuture<Hello> expect(String workerId) {
        return expected.computeIfAbsent(workerId, k -> new CompletableFuture<>());
    }

    /** Forgets a worker that will not connect (its launch failed). */
    public void forget(String workerId) {
        expected.remove(workerId);
    }

    /** Checks a HELLO payload (worker id, secret, pid); true when it authenticated an expected worker. */
    private boolean greet(SocketChannel s, byte[] hello) {
        String id, offered;
        long pid;
        try {
            Message.Hello h = (Message.Hello) Message.decode(new Frame(Frame.HELLO, hello));
            id = h.workerId();
            offered = h.secret();
            pid = h.pid();
        } catch (RuntimeException | IOException e) {
            return false;
        }
        boolean ok = MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
        // the id is looked up only once the secret matched: a stranger's name selects nothing
        CompletableFuture<Hello> waiting = ok ? expected.remove(id) : null;
        if (waiting == null) return false;
        Hello greeted = new Hello(id, pid, new FrameChannel(s));
        // completed on a thread of its own, as before: whatever waits on it must not hold up the accepting thread
        Thread t = new Thread(() -> waiting.complete(greeted), "jpool-hello-" + id);
        t.setDaemon(true);
        t.start();
        return true;
    }

    /** Stops accepting and deletes the kernel's temporary directory (socket and worker logs): the kernel is ending. */
    @Override
    public void close() {
        handshakes.close();
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing useful to do while shutting down
        }
        KernelTempDir.delete(dir); // the socket and the worker logs: the kernel is ending
    }
}
