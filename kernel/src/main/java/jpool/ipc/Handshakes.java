package jpool.ipc;

import jpool.log.KernelLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Accepts connections on the worker socket and reads each one's HELLO frame, all on one thread with one selector,
 * before the peer has shown the secret. Until then a peer is a stranger, so it gets only a bounded handshake: at
 * most {@link #MAX_HELLO} bytes (a header announcing more is refused at once, nothing is allocated for it), a plain
 * HELLO frame and nothing else (no parts, no shared-memory lane: no file a stranger names is ever opened), within
 * {@link #TIMEOUT_MILLIS}, and at most {@link #MAX_PENDING} strangers at a time (more are closed at accept).
 * A stranger costs one buffer of its own and one descriptor, never a thread.
 */
final class Handshakes implements Runnable {
    /** Largest HELLO payload: a worker id, the 64-character secret and a pid need far less. */
    static final int MAX_HELLO = 4096;
    /** How long a connection may take to send its HELLO (a worker sends it as soon as it has connected). */
    static final long TIMEOUT_MILLIS = 5_000;
    /** Connections waiting to authenticate at once; workers start a few at a time, so this is never reached by them. */
    static final int MAX_PENDING = 64;

    /** What to do with a connection that sent a well-formed HELLO: check it; false closes the connection. */
    interface Greeter {
        boolean greet(SocketChannel channel, byte[] hello);
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Greeter greeter;
    private volatile boolean closed;
    private int refusedSinceLog, loggedThisSecond;
    private long lastLog = System.nanoTime() - 2_000_000_000L;

    /** One connection before authentication: its length header, then its body, and its deadline. */
    private static final class Pending {
        final ByteBuffer header = ByteBuffer.allocate(5); // int length (counting the type byte), byte type
        ByteBuffer body;
        final long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000;
    }

    Handshakes(ServerSocketChannel server, Greeter greeter) throws IOException {
        this.server = server;
        this.greeter = greeter;
        this.selector = Selector.open();
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    @Override
    public void run() {
        try {
            while (!closed && server.isOpen() && selector.isOpen()) {
                try {
                    serveOnce();
                } catch (IOException | RuntimeException e) {
                    // one failure (a connection reset mid-accept, no descriptor left) must not stop the accepting
                    // thread: without it no worker could ever connect again, and every pool would hang starting
                    if (!closed) KernelLog.warn("worker channel: " + e + "; accepting on");
                }
            }
            if (!closed) KernelLog.warn("worker channel stopped accepting: its socket was closed; new workers cannot connect");
        } finally {
            for (SelectionKey k : selector.keys()) close(k);
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing down
            }
        }
    }

    private void serveOnce() throws IOException {
        selector.select(500);
        // a copy: reading a hello to its end deregisters its channel (selectNow), which changes the selected set
        List<SelectionKey> ready = new ArrayList<>(selector.selectedKeys());
        selector.selectedKeys().clear();
        for (SelectionKey key : ready) {
            if (!key.isValid()) continue;
            if (key.isAcceptable()) accept();
            else if (key.isReadable()) read(key);
        }
        expire();
        logRefusals();
    }

    private void accept() throws IOException {
        SocketChannel s;
        while ((s = server.accept()) != null) {
            if (waiting() >= MAX_PENDING) {
                // the oldest waiting connection makes room, not the new one: a worker sends its hello as soon as it
                // connects, so a flood of idle strangers holding every place cannot keep a pool from starting
                closeOldest();
                // a registered channel keeps its descriptor until the selector drops the cancelled key: without this
                // a burst of strangers would hold one descriptor each until the next select, past the bound
                selector.selectNow();
                refused("more than " + MAX_PENDING + " connections waiting to authenticate; the oldest was closed");
            }
            s.configureBlocking(false);
            SelectionKey key = s.register(selector, SelectionKey.OP_READ, new Pending());
            read(key); // a worker's hello is usually there already: greeted now, it never waits behind strangers
        }
    }

    private void read(SelectionKey key) {
        Pending p = (Pending) key.attachment();
        SocketChannel s = (SocketChannel) key.channel();
        try {
            if (p.body == null) {
                if (s.read(p.header) < 0) throw new IOException("closed before its hello");
                if (p.header.hasRemaining()) return;
                int length = p.header.getInt(0);
                byte type = p.header.get(4);
                if (length < 1 || length - 1 > MAX_HELLO)
                    throw new IOException("frame header announces " + length + " bytes; at most " + MAX_HELLO
                            + " are read before the secret is shown");
                if (type != Frame.HELLO) throw new IOException("first frame is not a plain hello (type " + type + ")");
                p.body = ByteBuffer.allocate(length - 1);
            }
            if (s.read(p.body) < 0) throw new IOException("closed in the middle of its hello");
            if (p.body.hasRemaining()) return;
            key.cancel();
            selector.selectNow(); // deregisters the channel, so that it can be made blocking again
            s.configureBlocking(true);
            if (!greeter.greet(s, p.body.array())) {
                quietClose(s);
                refused("wrong secret or unknown worker id");
            }
        } catch (IOException | RuntimeException e) {
            close(key);
            refused(e.getMessage());
        }
    }

    /** Connections accepted and not yet authenticated (closed ones stay in the key set until the next select). */
    private int waiting() {
        int n = 0;
        for (SelectionKey k : selector.keys()) if (k.isValid() && k.attachment() instanceof Pending) n++;
        return n;
    }

    private void closeOldest() {
        SelectionKey oldest = null;
        for (SelectionKey k : selector.keys())
            if (k.isValid() && k.attachment() instanceof Pending p
                    && (oldest == null || p.deadline - ((Pending) oldest.attachment()).deadline < 0)) oldest = k;
        if (oldest != null) close(oldest);
    }

    /** Closes every connection whose handshake took too long. */
    private void expire() {
        long now = System.nanoTime();
        for (SelectionKey k : selector.keys()) {
            if (k.attachment() instanceof Pending p && now - p.deadline > 0) {
                close(k);
                refused("no hello within " + TIMEOUT_MILLIS / 1000 + " s");
            }
        }
    }

    /** Logs a refusal: up to 10 lines a second, the rest of a burst summed up, so a flood cannot fill the log. */
    private void refused(String why) {
        logRefusals();
        if (loggedThisSecond < 10) {
            loggedThisSecond++;
            KernelLog.warn("refused a worker-socket connection before authentication: " + why);
        } else {
            refusedSinceLog++;
        }
    }

    private void logRefusals() {
        if (System.nanoTime() - lastLog < 1_000_000_000L) return;
        if (refusedSinceLog > 0)
            KernelLog.warn("refused " + refusedSinceLog + " more worker-socket connections before authentication");
        refusedSinceLog = 0;
        loggedThisSecond = 0;
        lastLog = System.nanoTime();
    }

    private static void close(SelectionKey k) {
        k.cancel();
        quietClose(k.channel());
    }

    private static void quietClose(Channel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to tell a stranger
        }
    }

    /** Stops accepting; pending connections are closed by the selector thread as it ends. */
    void close() {
        closed = true;
        selector.wakeup();
    }
}
