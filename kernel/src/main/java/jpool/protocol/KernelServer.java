package jpool.protocol;

import jpool.log.KernelLog;
import com.google.gson.JsonObject;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Binds the five Jupyter sockets from a connection file and dispatches requests to a {@link KernelBackend}.
 * Shell requests run one at a time on the shell thread; control (interrupt, shutdown) has its own thread so it is
 * answered while a cell runs. A malformed or unsigned message is logged and dropped, never fatal.
 */
public final class KernelServer {
    private final ConnectionInfo info;
    private final KernelBackend backend;
    private final ZContext zmq = new ZContext();
    private final String session = UUID.randomUUID().toString();
    private final AtomicInteger executionCount = new AtomicInteger(0);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    /** Shell requests taken off the socket after a failed cell; used by the shell thread only. */
    private final Queue<WireMessage> backlog = new ArrayDeque<>();
    private Channel shell, control, stdin, iopub;
    private Publisher publisher;

    public KernelServer(ConnectionInfo info, KernelBackend backend) {
        this.info = info;
        this.backend = backend;
    }

    /** The publisher for iopub output that does not belong to a request. */
    public Publisher publisher() {
        return publisher;
    }

    /** Binds every socket, announces "starting" and serves until a shutdown request; returns when done. */
    public void serve() throws Exception {
        Signer signer = new Signer(info.signatureScheme(), info.key());
        iopub = new Channel("iopub", bind(SocketType.PUB, info.iopubPort()), signer);
        shell = new Channel("shell", bind(SocketType.ROUTER, info.shellPort()), signer);
        control = new Channel("control", bind(SocketType.ROUTER, info.controlPort()), signer);
        stdin = new Channel("stdin", bind(SocketType.ROUTER, info.stdinPort()), signer);
        ZMQ.Socket hb = bind(SocketType.REP, info.hbPort());
        publisher = new Publisher(iopub, session);
        publisher.publishStatus(new JsonObject(), "starting");

        Thread heartbeat = daemon("jpool-heartbeat", new Heartbeat(hb, () -> running));
        Thread controlLoop = daemon("jpool-control", () -> loop(control));
        heartbeat.start();
        controlLoop.start();
        Thread shellLoop = vital("jpool-shell", () -> loop(shell));
        shellLoop.start();
        stopped.await();
        shellLoop.join(2000);
        controlLoop.join(2000);
        heartbeat.join(1000);
        for (Channel c : new Channel[]{shell, control, stdin, iopub}) c.close();
        hb.close();
        zmq.close();
    }

    private ZMQ.Socket bind(SocketType type, int port) {
        ZMQ.Socket s = zmq.createSocket(type);
        s.setLinger(1000);
        String addr = info.transport() + "://" + info.ip() + ("ipc".equals(info.transport()) ? "-" : ":") + port;
        s.bind(addr);
        return s;
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = vital(name, r);
        t.setDaemon(true);
        return t;
    }

    /**
     * A kernel thread that must not die quietly: if it ever ends by an exception its loop did not catch, the
     * kernel logs it and exits, so the frontend sees a dead kernel instead of one that answers heartbeats only.
     */
    private static Thread vital(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setUncaughtExceptionHandler((thread, e) -> {
            KernelLog.warn("kernel thread " + thread.getName() + " died unexpectedly; the kernel exits", e);
            System.exit(70); // shutdown hooks stop the workers
        });
        return t;
    }

    /**
     * Serves one channel until shutdown. Whatever a message does, the loop goes on: a malformed one is logged with
     * the channel and why and dropped, and a failure while handling one is logged and the next message served.
     */
    private void loop(Channel channel) {
        ZMQ.Poller poller = zmq.createPoller(1);
        poller.register(channel.socket(), ZMQ.Poller.POLLIN);
        try {
            while (running) {
                try {
                    serveNext(channel, poller);
                } catch (Throwable e) {
                    if (!running) break;
                    KernelLog.warn(channel.name() + ": unexpected failure, serving on", e);
                }
            }
        } finally {
            poller.close();
        }
    }

    private void serveNext(Channel channel, ZMQ.Poller poller) {
        if (poller.poll(200) <= 0) return;
        WireMessage msg;
        try {
            msg = channel.receive();
        } catch (MalformedMessageException e) {
            KernelLog.warn(e.getMessage());
            if (e.answerable() != null) replyMalformed(channel, e.answerable(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            if (running) KernelLog.warn(channel.name() + ": socket error", e);
            return;
        }
        handleSafely(channel, msg);
        if (channel == shell) {
            // requests that were queued behind a failed cell: its execute requests are aborted, the rest answered
            WireMessage queued;
            while ((queued = backlog.poll()) != null) {
                if ("execute_request".equals(queued.type())) abort(channel, queued);
                else handleSafely(channel, queued);
            }
        }
    }

    /**
     * Answers a request that could not be used with an error reply of its type (foo_request: foo_reply), as the
     * protocol allows: the frontend then knows, instead of waiting for a reply that never comes. Nothing runs.
     */
    private void replyMalformed(Channel channel, WireMessage request, String why) {
        String type = request.type();
        JsonObject c = Cell.errorContent("MalformedMessage", why, List.of("jpool: " + why));
        c.addProperty("status", "error");
        if (type.equals("execute_request")) c.addProperty("execution_count", executionCount.get());
        publisher.publishStatus(request.header(), "busy");
        reply(channel, request, type.substring(0, type.length() - "_request".length()) + "_reply", c);
        publisher.publishStatus(request.header(), "idle");
    }

    private void handleSafely(Channel channel, WireMessage msg) {
        try {
            handle(channel, msg);
        } catch (Throwable e) {
            KernelLog.warn(channel.name() + ": failed to handle '" + msg.type() + "'", e);
        }
    }

    /**
     * Takes every request already waiting on the shell socket into the backlog. Called when a cell failed with
     * stop_on_error, before its reply is sent: what is waiting then was sent before the frontend could know of the
     * failure (a "run all"), so its execute requests are aborted, as ipykernel does; requests sent later run normally.
     */
    private void takeQueued(Channel channel) {
        while (channel.poll(0)) {
            try {
                backlog.add(channel.receive());
            } catch (MalformedMessageException e) {
                KernelLog.warn(e.getMessage());
                if (e.answerable() != null) replyMalformed(channel, e.answerable(), e.getMessage());
            }
        }
    }

    private void handle(Channel channel, WireMessage msg) {
        String type = msg.type();
        if (type.startsWith("comm_") && !type.equals("comm_info_request")) {
            // No comm targets are registered: a comm_open is answered with comm_close, as the spec asks.
            if (type.equals("comm_open")) {
                JsonObject c = new JsonObject();
                c.addProperty("comm_id", msg.contentString("comm_id", ""));
                c.add("data", new JsonObject());
                publisher.publish(msg.header(), "comm_close", c);
            }
            return;
        }
        publisher.publishStatus(msg.header(), "busy");
        try {
            switch (type) {
                case "kernel_info_request" -> reply(channel, msg, "kernel_info_reply", kernelInfo());
                case "execute_request" -> execute(channel, msg);
                case "complete_request" -> reply(channel, msg, "complete_reply",
                        ok(backend.complete(msg.contentString("code", ""), msg.contentInt("cursor_pos", 0))));
                case "inspect_request" -> reply(channel, msg, "inspect_reply",
                        ok(backend.inspect(msg.contentString("code", ""), msg.contentInt("cursor_pos", 0),
                                msg.contentInt("detail_level", 0))));
                case "is_complete_request" -> reply(channel, msg, "is_complete_reply",
                        backend.isComplete(msg.contentString("code", "")));
                case "history_request" -> reply(channel, msg, "history_reply", ok(backend.history(msg.content())));
                case "comm_info_request" -> {
                    JsonObject c = new JsonObject();
                    c.add("comms", new JsonObject());
                    reply(channel, msg, "comm_info_reply", ok(c));
                }
                case "interrupt_request" -> {
                    backend.interrupt();
                    reply(channel, msg, "interrupt_reply", ok(new JsonObject()));
                }
                case "shutdown_request" -> {
                    boolean restart = msg.contentBool("restart", false);
                    backend.shutdown(restart);
                    JsonObject c = new JsonObject();
                    c.addProperty("restart", restart);
                    reply(channel, msg, "shutdown_reply", ok(c));
                    running = false;
                }
                default -> KernelLog.warn("unsupported message type '" + type + "' ignored");
            }
        } finally {
            publisher.publishStatus(msg.header(), "idle");
            if (!running) stopped.countDown();
        }
    }

    private void abort(Channel channel, WireMessage msg) {
        publisher.publishStatus(msg.header(), "busy");
        JsonObject c = new JsonObject();
        c.addProperty("status", "aborted");
        reply(channel, msg, "execute_reply", c);
        publisher.publishStatus(msg.header(), "idle");
    }

    private void execute(Channel channel, WireMessage msg) {
        String code = msg.contentString("code", "");
        boolean silent = msg.contentBool("silent", false);
        boolean store = msg.contentBool("store_history", !silent) && !silent;
        int count = store ? executionCount.incrementAndGet() : executionCount.get();
        JsonObject input = new JsonObject();
        input.addProperty("code", code);
        input.addProperty("execution_count", count);
        // a silent request (frontends' own probes) broadcasts nothing: no execute_input, no execute_result
        if (!silent) publisher.publish(msg.header(), "execute_input", input);
        StdinReader reader = msg.contentBool("allow_stdin", false) ? new StdinReader(stdin, publisher, msg) : null;
        Cell cell = new Cell(publisher, msg.header(), count, reader);
        KernelBackend.ExecutionError error;
        try {
            error = backend.execute(code, cell, silent, store);
        } catch (RuntimeException | Error e) {
            error = new KernelBackend.ExecutionError(e.getClass().getSimpleName(), String.valueOf(e.getMessage()),
                    List.of("jpool internal error: " + e));
        }
        if (error != null) cell.error(error.ename(), error.evalue(), error.traceback());
        cell.markFinished();
        JsonObject c;
        if (error == null) {
            c = ok(new JsonObject());
            c.add("payload", cell.payloads());
            c.add("user_expressions", new JsonObject());
        } else {
            c = Cell.errorContent(error.ename(), error.evalue(), error.traceback());
            c.addProperty("status", "error");
        }
        c.addProperty("execution_count", count);
        if (error != null && !silent && channel == shell && msg.contentBool("stop_on_error", true)) takeQueued(channel);
        reply(channel, msg, "execute_reply", c);
    }

    private JsonObject kernelInfo() {
        JsonObject c = backend.kernelInfo();
        c.addProperty("protocol_version", Headers.PROTOCOL_VERSION);
        return ok(c);
    }

    private static JsonObject ok(JsonObject c) {
        c.addProperty("status", "ok");
        return c;
    }

    private void reply(Channel channel, WireMessage request, String type, JsonObject content) {
        publisher.reply(channel, request, type, content);
    }
}
