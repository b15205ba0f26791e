package jpool.protocol;

import jpool.log.KernelLog;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A ZeroMQ socket speaking the Jupyter wire format. Sends are serialised with a lock because ZeroMQ sockets are not
 * thread-safe and output reaches iopub from many threads (cells, background threads, worker log readers).
 */
final class Channel {
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    private final ZMQ.Socket socket;
    private final Signer signer;
    private final String name;
    private final Object sendLock = new Object();
    private final Object pollLock = new Object();
    private Selector selector;

    Channel(String name, ZMQ.Socket socket, Signer signer) {
        this.name = name;
        this.socket = socket;
        this.signer = signer;
    }

    /** The channel's Jupyter name (shell, control, stdin, iopub), for log lines about it. */
    String name() {
        return name;
    }

    ZMQ.Socket socket() {
        return socket;
    }

    /**
     * Waits up to {@code timeoutMs} for a message to read (0: just checks). Used by one reader thread at a time (the
     * stdin reader); the shell and control loops use their own pollers.
     */
    boolean poll(int timeoutMs) {
        try {
            synchronized (pollLock) {
                if (selector == null) selector = Selector.open();
                ZMQ.PollItem[] items = {new ZMQ.PollItem(socket, ZMQ.Poller.POLLIN)};
                return ZMQ.poll(selector, items, timeoutMs) > 0 && items[0].isReadable();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads every frame of the next multipart message, then parses and checks it; a bad message never blocks the
     * loop. Every MalformedMessageException names this channel and why the message was dropped.
     */
    WireMessage receive() throws MalformedMessageException {
        List<byte[]> frames = new ArrayList<>();
        do {
            byte[] f = socket.recv(0);
            if (f == null) throw new MalformedMessageException(name + ": receive interrupted");
            frames.add(f);
        } while (socket.hasReceiveMore());
        int d = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                d = i;
                break;
            }
        }
        if (d < 0 || frames.size() < d + 6)
            throw new MalformedMessageException(name + ": message has no <IDS|MSG> delimiter or too few parts (" + frames.size() + " frames)");
        String signature = new String(frames.get(d + 1), StandardCharsets.US_ASCII);
        byte[] h = frames.get(d + 2), p = frames.get(d + 3), m = frames.get(d + 4), c = frames.get(d + 5);
        if (!signer.verify(signature, h, p, m, c))
            throw new MalformedMessageException(name + ": message signature does not match the connection key; dropped");
        List<byte[]> identities = new ArrayList<>(frames.subList(0, d));
        JsonObject header;
        try {
            header = parse(h);
        } catch (RuntimeException e) {
            throw new MalformedMessageException(name + ": message JSON could not be parsed: " + e.getMessage() + "; dropped", e);
        }
        String problem = MessageCheck.problem(header);
        if (problem != null) throw new MalformedMessageException(name + ": " + problem + "; dropped");
        WireMessage msg;
        try {
            msg = new WireMessage(identities, header, parse(p), parse(m), parse(c),
                    new ArrayList<>(frames.subList(d + 6, frames.size())));
        } catch (RuntimeException e) {
            WireMessage answerable = new WireMessage(identities, header, new JsonObject(), new JsonObject(), new JsonObject(), List.of());
            throw new MalformedMessageException(name + ": " + answerable.type() + " JSON could not be parsed: "
                    + e.getMessage() + "; dropped", e, answerable.type().endsWith("_request") ? answerable : null);
        }
        String bad = MessageCheck.contentProblem(msg.type(), msg.content());
        if (bad != null) throw new MalformedMessageException(name + ": " + msg.type() + " " + bad + "; dropped", null, msg);
        return msg;
    }

    private static JsonObject parse(byte[] json) {
        var e = JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
        if (!e.isJsonObject()) throw new IllegalArgumentException("expected a JSON object");
        return e.getAsJsonObject();
    }

    void send(WireMessage msg) {
        byte[] h = bytes(msg.header()), p = bytes(msg.parentHeader()), m = bytes(msg.metadata()), c = bytes(msg.content());
        String sig = signer.sign(h, p, m, c);
        synchronized (sendLock) {
            for (byte[] id : msg.identities()) socket.sendMore(id);
            socket.sendMore(DELIMITER);
            socket.sendMore(sig.getBytes(StandardCharsets.US_ASCII));
            socket.sendMore(h);
            socket.sendMore(p);
            socket.sendMore(m);
            if (msg.buffers().isEmpty()) {
                socket.send(c, 0);
            } else {
                socket.sendMore(c);
                for (int i = 0; i < msg.buffers().size(); i++) {
                    if (i == msg.buffers().size() - 1) socket.send(msg.buffers().get(i), 0);
                    else socket.sendMore(msg.buffers().get(i));
                }
            }
        }
    }

    private static byte[] bytes(JsonObject o) {
        return (o == null ? "{}" : o.toString()).getBytes(StandardCharsets.UTF_8);
    }

    void close() {
        synchronized (sendLock) {
            socket.setLinger(200);
            socket.close();
        }
        synchronized (pollLock) {
            try {
                if (selector != null) selector.close();
            } catch (IOException e) {
                KernelLog.warn("could not close a selector", e);
            }
        }
    }
}
