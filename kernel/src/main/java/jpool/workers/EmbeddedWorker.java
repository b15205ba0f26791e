package jpool.workers;

import jpool.ipc.Payload;
import jpool.ipc.ErrorReport;
import jpool.ipc.Serial;
import jpool.shipping.ChunkCodec;
import jpool.shipping.ChunkTask;
import jpool.shipping.WorkerTask;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The executor side of a cluster pool: runs jpool chunks inside a Spark executor JVM as a worker JVM runs them.
 * The notebook's classes, the function and the notebook state come with each job ({@code shared}); output the task
 * prints goes back to the kernel over an output channel authenticated with the kernel's secret, tagged by executor.
 * Called by jpool's Spark task; not meant for notebook code.
 */
public final class EmbeddedWorker {
    /**
     * The stream number of an executor's CPU and memory reading on the output channel (1 and 2 are a task's stdout
     * and stderr): its tag is the executor's id and its text a {@link jpool.monitor.Usage#encode()} line.
     */
    public static final int USAGE_STREAM = 3;
    /**
     * The stream number of the empty message that follows the last line a chunk printed: sent before the chunk's
     * result leaves the executor, so the kernel can show every line of a chunk before its result (they travel on
     * different connections).
     */
    public static final int OUTPUT_END_STREAM = 4;
    private static ShippedClassLoader loader;
    private static long appliedSnapshot = -1;
    private static final Object SETUP = new Object();
    private static final ThreadLocal<TaskLines> CURRENT = new ThreadLocal<>();
    /** Pool initializers run here (by id, one per pool), with what each threw (empty: it ran well); under SETUP. */
    private static final Map<Long, Optional<ErrorReport>> INITIALIZED = new HashMap<>();
    private static DataOutputStream channel;
    private static String channelTo;

    /** The class name of the error of an input stopped at the pool's timeout (the kernel words it as a local timeout). */
    public static final String TIMED_OUT = InputTimedOut.class.getName();

    private EmbeddedWorker() {
    }

    /**
     * Runs one chunk {@code {Long taskId, byte[] task, Object[] arrays}}; returns {@code {Long taskId, String
     * executor, String host, byte[] result, Object[] arrays, String[] error, String runaway, Boolean outputEnded}}:
     * the chunk's own result (each input's value or error), or the error that kept the chunk from running at all;
     * {@code runaway} names the executor when an input that ran past the pool's timeout is still running (see
     * {@link InputDeadline}); {@code outputEnded} says whether the end of the chunk's lines went to the kernel (only
     * then does the kernel wait for its lines before taking the result).
     */
    public static Object[] run(byte[] shared, Object[] chunk, String executor, String host, String tag) {
        Object[] result = runChunk(shared, chunk, executor, host, tag);
        Object[] out = java.util.Arrays.copyOf(result, 8);
        out[7] = send((Long) chunk[0], OUTPUT_END_STREAM, tag, "");
        return out;
    }

    private static Object[] runChunk(byte[] shared, Object[] chunk, String executor, String host, String tag) {
        long taskId = (Long) chunk[0];
        TaskLines lines = null;
        String runaway = null;
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try {
            Payload.Reader r = new Payload.Reader(shared);
            String outHost = r.getString();
            int outPort = r.getInt();
            String secret = r.getString();
            long timeoutNanos;
            ErrorReport initFailed;
            synchronized (SETUP) {
                setUp(executor);
                int n = r.getInt();
                for (int i = 0; i < n; i++) loader.add(r.getString(), r.getBytes());
                long fnId = r.getLong();
                if (fnId >= 0) ChunkCodec.learnFunction(fnId, r.getBytes());
                long snapshotId = r.getLong();
                byte[] state = r.getBytes();
                timeoutNanos = r.getLong();
                connect(outHost, outPort, secret);
                ExecutorSampler.start(executor, (id, reading) -> send(-1, USAGE_STREAM, id, reading));
                lines = new TaskLines(taskId, tag);
                CURRENT.set(lines);
                Thread.currentThread().setContextClassLoader(loader);
                initFailed = initializeOnce(r); // before the job's own state, which is newer than the initializer's
                if (snapshotId != appliedSnapshot) {
                    appliedSnapshot = snapshotId;
                    WorkerMain.applyState(state);
                }
            }
            if (initFailed != null) {
                return new Object[]{taskId, executor, host, null, null, new String[]{initFailed.className(),
                        "the pool initializer failed on executor " + executor + ": " + initFailed.message(), initFailed.trace()}, null};
            }
            byte[] task = (byte[]) chunk[1];
            Object[] arrays = (Object[]) chunk[2];
            WorkerTask t = ChunkCodec.isTask(task) ? ChunkCodec.decodeTask(task)
                    : (WorkerTask) Serial.read(task, arrays, loader, WorkerMain.shipFilter());
            Object value;
            if (timeoutNanos > 0) {
                TaskLines mine = lines;
                ClassLoader notebook = loader;
                try (InputDeadline d = new InputDeadline(timeoutNanos, () -> {
                    CURRENT.set(mine); // what the input prints goes to its cell, as on the task's own thread
                    Thread.currentThread().setContextClassLoader(notebook);
                }, "jpool-input-" + taskId)) {
                    try {
                        // a chunk's inputs each get the whole limit; any other task is one input
                        value = t instanceof ChunkTask c ? c.execute(d) : d.run(t::execute);
                    } finally {
                        if (d.runaway()) runaway = "executor " + executor + " has a runaway task thread";
                    }
                }
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException("cancelled");
            } else {
                value = t.execute();
            }
            Serial.Written w = value instanceof Serial.Written sw ? sw : Serial.writeDetached(value);
            return new Object[]{taskId, executor, host, w.bytes(), w.arrays(), null, runaway};
        } catch (Throwable e) {
            if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("cancelled", e); // Spark is cancelling the job
            }
            ErrorReport re = ErrorReport.of(e);
            return new Object[]{taskId, executor, host, null, null, new String[]{re.className(), re.message(), re.trace()}, runaway};
        } finally {
            Thread.currentThread().setContextClassLoader(before);
            if (lines != null) lines.flushAll();
            CURRENT.remove();
        }
    }

    /**
     * Under {@link #SETUP}: runs the pool's initializer (if the job names one) unless this executor ran it already;
     * returns what it threw, then and for every later chunk of the pool here, or null when it ran well.
     */
    private static ErrorReport initializeOnce(Payload.Reader r) throws IOException, ClassNotFoundException {
        long initId = r.getLong();
        if (initId < 0) return null;
        byte[] task = r.getBytes();
        long stateId = r.getLong();
        byte[] state = r.getBytes();
        Optional<ErrorReport> done = INITIALIZED.get(initId);
        if (done != null) return done.orElse(null);
        if (stateId != appliedSnapshot) {
            appliedSnapshot = stateId;
            WorkerMain.applyState(state);
        }
        ErrorReport failed = null;
        try {
            ((WorkerTask) Serial.read(task, null, loader, WorkerMain.shipFilter())).execute();
        } catch (Throwable e) {
            failed = ErrorReport.of(e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e);
        }
        INITIALIZED.put(initId, Optional.ofNullable(failed));
        return failed;
    }

    /** Once per executor JVM: the notebook-class loader, and System.out/err that send a task's lines to the kernel. */
    private static void setUp(String executor) {
        if (loader != null) return;
        loader = new ShippedClassLoader(EmbeddedWorker.class.getClassLoader());
        WorkerMain.embed(loader);
        WorkerIdentity.becomeWorker("executor " + executor);
        System.setOut(new PrintStream(new Routed(System.out, 1), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Routed(System.err, 2), true, StandardCharsets.UTF_8));
    }

    /** Opens (once) the output channel to the kernel; a kernel that cannot be reached only costs the live output. */
    private static void connect(String host, int port, String secret) {
        String to = host + ":" + port;
        if (to.equals(channelTo) || port <= 0) return;
        channelTo = to;
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setTcpNoDelay(true);
            channel = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
            channel.writeUTF(secret);
            channel.flush();
        } catch (IOException e) {
            channel = null;
        }
    }

    /** Sends one message on the output channel; false when there is no channel or it broke (the next chunk reconnects). */
    private static boolean send(long taskId, int stream, String tag, String text) {
        synchronized (SETUP) {
            if (channel == null) return false;
            try {
                channel.writeLong(taskId);
                channel.writeByte(stream);
                channel.writeUTF(tag);
                channel.writeUTF(text.length() > 16_000 ? text.substring(0, 16_000) + "…" : text);
                channel.flush();
                return true;
            } catch (IOException e) {
                // the kernel is gone or the connection broke; the task still runs and returns its result through Spark
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already broken
                }
                channel = null;
                channelTo = null;
                return false;
            }
        }
    }

    /** The lines one running task prints, per stream, sent one complete line at a time. */
    private static final class TaskLines {
        final long taskId;
        final String tag;
        final ByteArrayOutputStream[] pending = {null, new ByteArrayOutputStream(), new ByteArrayOutputStream()};

        TaskLines(long taskId, String tag) {
            this.taskId = taskId;
            this.tag = tag;
        }

        void write(int stream, int b) {
            if (b == '\n') {
                send(taskId, stream, tag, pending[stream].toString(StandardCharsets.UTF_8));
                pending[stream].reset();
            } else {
                pending[stream].write(b);
            }
        }

        void flushAll() {
            for (int s = 1; s <= 2; s++) {
                if (pending[s].size() > 0) send(taskId, s, tag, pending[s].toString(StandardCharsets.UTF_8));
                pending[s].reset();
            }
        }
    }

    /** An executor's System.out/err: a jpool task's bytes go to its cell, everything else (Spark's own) as before. */
    private static final class Routed extends OutputStream {
        private final PrintStream original;
        private final int stream;

        Routed(PrintStream original, int stream) {
            this.original = original;
            this.stream = stream;
        }

        @Override
        public void write(int b) {
            TaskLines t = CURRENT.get();
            if (t != null) t.write(stream, b);
            else original.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            TaskLines t = CURRENT.get();
            if (t == null) {
                original.write(b, off, len);
                return;
            }
            for (int i = off; i < off + len; i++) t.write(stream, b[i]);
        }

        @Override
        public void flush() {
            if (CURRENT.get() == null) original.flush();
        }
    }
}
