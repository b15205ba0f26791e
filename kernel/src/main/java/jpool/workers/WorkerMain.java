package jpool.workers;

import jpool.api.Job;
import jpool.ipc.Delivery;
import jpool.ipc.Frame;
import jpool.ipc.Message;
import jpool.ipc.FrameChannel;
import jpool.ipc.Payload;
import jpool.ipc.ErrorReport;
import jpool.ipc.Serial;
import jpool.ipc.ShipFilter;
import jpool.shipping.ChunkCodec;
import jpool.shipping.TaskProgress;
import jpool.shipping.WorkerContext;
import jpool.shipping.WorkerTask;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.NotSerializableException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Entry point of a worker JVM: {@code java -cp jpool.jar jpool.workers.WorkerMain SOCKET WORKER_ID}, with the
 * kernel's secret as the first line of stdin. The worker connects back, receives the notebook's classes, runs tasks
 * and streams its output. It exits when stdin reaches end-of-file, i.e. when the kernel is gone for any reason,
 * including SIGKILL: no worker outlives its kernel.
 */
public final class WorkerMain {
    private static FrameChannel channel;
    private static SocketChannel socket;
    private static FileChannel stdinWatch;
    private static volatile boolean exiting;
    private static ShippedClassLoader loader;
    private static ShipFilter filter;

    /** The allow-list for what this worker reads and sends (an embedded worker reads its tasks with it). */
    static ShipFilter shipFilter() {
        return filter;
    }

    /** A Spark executor runs jpool tasks in-process (see {@link EmbeddedWorker}): its notebook-class loader. */
    static void embed(ShippedClassLoader notebookClasses) {
        loader = notebookClasses;
        filter = new ShipFilter(notebookClasses::defines);
        WorkerContext.install(loader, filter, () -> Mp.current().name());
    }

    private static long appliedSnapshot = -1;
    /**
     * State bytes of tasks taken back before they ran, by snapshot id: the kernel sends a snapshot's bytes only
     * with the first task that needs it, so a later task of the same snapshot finds them here.
     */
    private static final Map<Long, byte[]> withdrawnState = new ConcurrentHashMap<>();
    /** What a skipped task reports; the kernel has already failed it and only counts the answer. */
    public static final String CANCELLED = "jpool.TaskCancelled";
    private static PrintStream realErr;
    /** Exit status when the kernel went away: reads as "terminated by SIGTERM". */
    static final int EXIT_KERNEL_GONE = 128 + 15;

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: WorkerMain SOCKET WORKER_ID (started by the jpool kernel)");
            System.exit(2);
        }
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String secret = stdin.readLine();
        if (secret == null) System.exit(3);
        watchParent();

        socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
        channel = new FrameChannel(socket);
        channel.send(new Message.Hello(args[1], secret, ProcessHandle.current().pid()));

        realErr = System.err;
        // no autoflush: a PrintStream with autoflush flushes after every print()/printf piece, and a flush sends a
        // partial line, so printf("%s: %d%n", ...) came out as several tagged lines. LogOutputStream sends each
        // complete line by itself; an explicit flush() (and the end of every task) still sends a partial one.
        System.setOut(new PrintStream(new LogOutputStream(channel, LogOutputStream.STDOUT, System.out), false, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new LogOutputStream(channel, LogOutputStream.STDERR, realErr), false, StandardCharsets.UTF_8));
        routeLogging();
        loader = new ShippedClassLoader(WorkerMain.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        filter = new ShipFilter(loader::defines);
        KernelLink.install(channel, loader, filter);
        WorkerContext.install(loader, filter, () -> Mp.current().name());
        // SIGTERM (Proc.terminate): the running task's finished inputs are reported, and queue items prefetched and
        // not taken go back to the kernel (SIGKILL loses them)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            TaskProgress.deliverFinished();
            KernelLink.giveBackHeld();
        }, "jpool-give-back"));
        serve();
    }

    /**
     * A daemon thread that ends the JVM when the kernel closes our stdin (it exited, crashed or was killed). It reads
     * through a FileChannel, not System.in: closing the channel wakes a blocked read, which {@link #announceExit}
     * needs (see {@link #releaseBlockedReaders}). Nothing but the secret line, already read, is ever sent on stdin.
     */
    private static void watchParent() {
        stdinWatch = new FileInputStream(FileDescriptor.in).getChannel();
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(64);
            try {
                while (stdinWatch.read(buf) >= 0) buf.clear();
            } catch (IOException ignored) {
                // a broken pipe means the same as EOF; an AsynchronousCloseException means we are exiting
            }
            if (exiting) return;
            // Exit as if terminated (128 + SIGTERM): the kernel also closes our stdin when it sends SIGTERM
            // (Process.destroy does both), and this halt must not turn a terminate() into a clean exit 0.
            Runtime.getRuntime().halt(EXIT_KERNEL_GONE);
        }, "jpool-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Wakes the two threads that sit in blocking reads (stdin watch, channel reader) so that they end. JDK 17's
     * System.exit waits up to 300 ms for every thread that is in native code, which a blocked read is: without this
     * every worker exit (each Proc, each pool worker leaving) took 0.3 s longer than needed. Only the reading side
     * of the channel is shut: output printed by shutdown hooks still reaches the kernel.
     */
    private static void releaseBlockedReaders() {
        exiting = true;
        try {
            if (socket != null) socket.shutdownInput();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (stdinWatch != null) stdinWatch.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** java.util.logging and System.Logger (which defaults to it) write through System.err, i.e. to the kernel. */
    private static void routeLogging() {
        LogManager.getLogManager().reset();
        Handler h = new StreamHandler(System.err, new Formatter() {
            @Override
            public String format(LogRecord r) {
                String msg = formatMessage(r);
                String thrown = r.getThrown() == null ? "" : " " + r.getThrown();
                return r.getLevel().getName() + " " + r.getLoggerName() + ": " + msg + thrown + System.lineSeparator();
            }
        }) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        Logger.getLogger("").addHandler(h);
    }

    /**
     * Tells the kernel the worker is about to exit with {@code status} (called for System.exit in notebook code,
     * which the kernel rewrites to {@link jpool.ExitGuard#exit}, and for the worker's own exits).
     */
    public static void announceExit(int status) {
        TaskProgress.deliverFinished(); // the inputs of a pool chunk finished before this one are kept
        KernelLink.giveBackHeld();
        System.out.flush();
        System.err.flush();
        try {
            if (channel != null) channel.send(new Message.Exiting(status));
        } catch (IOException ignored) {
            // the kernel is gone
        }
        releaseBlockedReaders();
    }

    private static void exit(int status) {
        announceExit(status);
        System.exit(status);
    }

    /**
     * Runs tasks on the main thread in the order they arrive. Frames are read by a separate thread so that a task
     * can call kernel objects (a queue, a lock) and get its replies while it runs.
     */
    private static void serve() throws Exception {
        BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> read(inbox), "jpool-channel-reader");
        reader.setDaemon(true);
        reader.start();
        Thread warm = new Thread(WorkerMain::warmUp, "jpool-warm-up");
        warm.setDaemon(true);
        warm.setPriority(Thread.MIN_PRIORITY);
        warm.start();
        // a spare, once the kernel says it idles: the task path on made-up tasks, reported to the warm-up's own channel
        Message first = inbox.take();
        if (first instanceof Message.WarmUp) {
            TaskPathWarmUp.run(() -> !inbox.isEmpty());
            first = null;
        }
        TaskProgress.install(channel);
        while (true) {
            Message m = first != null ? first : inbox.take();
            first = null;
            if (m instanceof Message.WarmUp) continue; // too late: work has come
            if (m instanceof Message.Run task) run(task, !inbox.isEmpty());
            else if (m instanceof Message.Quit) exit(0);
            else throw new IOException("unexpected frame " + m.getClass().getSimpleName());
        }
    }

    /** A task-shaped value the worker ships to itself once, while idle (see {@link #warmUp}). */
    private record WarmUp(Job job, List<Object> values) implements WorkerTask {
        @Override
        public Object execute() {
            return values;
        }
    }

    /**
     * Runs the code path of a first task once before any task is waited for: serialization both ways through the
     * ship filter, a record, a serializable lambda, string concatenation. A fresh JVM spends most of the time of a
     * trivial first task there (class loading, method-handle spinning); a pre-started spare worker now pays it while
     * it idles. It runs on its own thread, so a task that arrives meanwhile does not wait for all of it (a pool
     * worker's initializer output used to come after another worker had done every task). Silent: a failure here
     * only means no warm-up.
     */
    private static void warmUp() {
        try {
            Job job = () -> System.out.print("");
            Object[] boxes = {1, 2L, 3.0, true, 'c'};
            WarmUp w = new WarmUp(job, List.of(new Proc("warm-up " + boxes.length, job), List.of(boxes),
                    Map.of("k", new int[]{1}), new ArrayList<>(List.of("v"))));
            WarmUp back = (WarmUp) Serial.read(Serial.write(w).bytes(), loader, filter);
            Serial.write(back.execute());
        } catch (Throwable ignored) {
            // no warm-up; the first task pays for it
        }
    }

    /**
     * The reader thread: replies go straight to their waiting callers, and classes are loaded at once (a running
     * task may receive an object of a class defined after it started); tasks and the rest queue for the main thread.
     */
    private static void read(BlockingQueue<Message> inbox) {
        try {
            while (true) {
                Frame f = channel.receive();
                Message m = Message.decode(f);
                if (m instanceof Message.Reply reply) KernelLink.replied(reply);
                else if (m instanceof Message.Recall recall) KernelLink.recalled(recall.objectId());
                else if (m instanceof Message.Classes c) for (Map.Entry<String, byte[]> e : c.classes()) loader.add(e.getKey(), e.getValue());
                else if (m instanceof Message.Cancel cancel) withdraw(inbox, cancel.taskId());
                else if (m instanceof Message.Function fn) ChunkCodec.learnFunction(fn.id(), fn.bytes());
                else if (m instanceof Message.Classpath cp) for (String url : cp.urls()) loader.addJar(new URL(url));
                else if (m != null) inbox.add(m);
                else throw new IOException("unknown frame type " + f.type());
            }
        } catch (EOFException e) {
            if (exiting) return; // our own shutdownInput (releaseBlockedReaders)
            Runtime.getRuntime().halt(EXIT_KERNEL_GONE); // kernel closed the channel
        } catch (IOException e) {
            if (exiting) return;
            realErr.println("jpool worker: channel to the kernel broke: " + e);
            Runtime.getRuntime().halt(1);
        }
    }

    /**
     * The kernel takes back task {@code id} (an interrupt, or a free worker will run it): if it is still waiting
     * here it is dropped and answered at once; one already taken up runs as usual (the kernel sees it started).
     */
    private static void withdraw(BlockingQueue<Message> inbox, long id) throws IOException {
        for (Message m : inbox) {
            if (!(m instanceof Message.Run task) || task.taskId() != id) continue;
            if (!inbox.remove(m)) return; // the task thread took it just now
            if (task.state().length > 0) withdrawnState.putIfAbsent(task.snapshotId(), task.state());
            channel.send(new Message.Failed(id, ErrorReport.of(CANCELLED, "taken back before it started")));
            return;
        }
    }

    /** @param more other tasks wait: the result may go out with theirs (see {@link FrameChannel#sendSoon}) */
    private static void run(Message.Run m, boolean more) throws IOException {
        long id = m.taskId();
        String name = m.worker();
        boolean exitAfter = m.exitAfter();
        long snapshotId = m.snapshotId();
        byte[] state = m.state();
        byte[] task = m.task();
        // the same name task after task: no system call each time (a task may have renamed the thread)
        if (!name.equals(WorkerIdentity.name()) || !name.equals(Thread.currentThread().getName())) {
            WorkerIdentity.becomeWorker(name);
            Thread.currentThread().setName(name);
        }
        if (state.length == 0 && snapshotId != appliedSnapshot) {
            byte[] kept = withdrawnState.remove(snapshotId);
            if (kept != null) state = kept;
        }
        Object value;
        try {
            if (snapshotId != appliedSnapshot) {
                // Marked applied first: the kernel sends a snapshot's bytes to a worker only once, so a retry with the
                // next task would read an empty payload (every later task of a map failed with EOFException).
                appliedSnapshot = snapshotId;
                applyState(state);
            }
            // a pool chunk of plain values comes in compact form; anything else is Java-serialized
            WorkerTask t = ChunkCodec.isTask(task) ? ChunkCodec.decodeTask(task)
                    : (WorkerTask) Serial.read(task, m.arrays(), loader, filter);
            TaskProgress.begin(id);
            value = t.execute();
        } catch (Throwable e) {
            Throwable shown = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            KernelLink.giveBackHeld(); // queue items this task prefetched and did not take go back before it ends
            System.out.flush();
            System.err.flush();
            channel.send(new Message.Failed(id, ErrorReport.of(shown)));
            if (shown instanceof OutOfMemoryError) exit(3);
            if (exitAfter) exit(1);
            return;
        }
        KernelLink.giveBackHeld();
        System.out.flush();
        System.err.flush();
        Serial.Written written;
        try {
            // a task may hand back its value already serialized (a pool chunk checks its results that way)
            written = value instanceof Serial.Written w ? w : Serial.writeDetached(value);
        } catch (NotSerializableException e) {
            channel.send(new Message.Failed(id, ErrorReport.of("jpool.ResultNotShippable", "the task's result ("
                    + value.getClass().getName() + ") cannot be sent back to the kernel: " + Serial.explain(e))));
            if (exitAfter) exit(1);
            return;
        }
        // the value as a part, its big arrays beside it: no copies
        channel.send(new Message.Result(id, written.bytes(), written.arrays()), more && !exitAfter ? Delivery.SOON : Delivery.NOW);
        if (exitAfter) exit(0);
    }

    /**
     * Sets the notebook's top-level variables the task reads (static fields of JShell wrapper classes). Variables
     * the kernel could not serialize are left as they are; the kernel names them in the cell. One that cannot be
     * restored here (e.g. its type is not allowed to travel) is left unset too, with a note in the cell, instead of
     * failing every task: as on the kernel's side, one bad variable does not stop the others.
     */
    static void applyState(byte[] state) throws IOException {
        Payload.Reader r = new Payload.Reader(state);
        int n = r.getInt();
        for (int i = 0; i < n; i++) {
            String key = r.getString();
            if (r.getByte() == 0) continue;
            byte[] bytes = r.getBytes();
            int hash = key.indexOf('#');
            String variable = key.substring(hash + 1);
            try {
                Object value = Serial.read(bytes, loader, filter);
                Class<?> owner = Class.forName(key.substring(0, hash), true, loader);
                Field field = owner.getDeclaredField(variable);
                field.setAccessible(true);
                field.set(null, value);
            } catch (Exception | LinkageError e) {
                String why = e instanceof IOException io ? Serial.explain(io) : e.toString();
                System.err.println("note: notebook variable '" + variable + "' could not be restored in this worker ("
                        + why + "); it is null/unset here");
            }
        }
    }
}
