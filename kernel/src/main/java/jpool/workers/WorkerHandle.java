package jpool.workers;

import jpool.KernelServices;
import jpool.ipc.BulkLane;
import jpool.ipc.Delivery;
import jpool.ipc.Frame;
import jpool.ipc.Message;
import jpool.ipc.FrameChannel;
import jpool.log.KernelLog;
import jpool.shipping.Shipment;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The kernel's side of one worker JVM: sends it classes and tasks, reads what it reports on a dedicated thread and
 * turns the process's end into an exit code with {@code multiprocessing}'s meaning (negative = killed by signal).
 */
public final class WorkerHandle {
    private final String id;
    private final Process process;
    private final FrameChannel channel;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private static volatile KernelCallHandler calls;
    private volatile boolean hungUp;
    private volatile WorkerListener listener;
    private volatile Integer announcedExit;
    private volatile int signalSent;
    private int classesSent;
    private int classpathSent;
    private long snapshotSent = -1;
    private byte[] stateSent;
    /** Pool functions this worker was sent (it keeps them all; see {@link Frame#FUNCTION}). */
    private final Set<Long> functionsSent = new HashSet<>();
    private static final byte[] NOTHING = new byte[0];

    WorkerHandle(String id, Process process, FrameChannel channel, WorkerListener initial) {
        this.id = id;
        this.process = process;
        this.channel = channel;
        this.listener = initial;
        channel.peerAlive(process::isAlive); // a wait for its shared-memory data ends if it dies
        Thread reader = new Thread(this::readLoop, "jpool-worker-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    public long pid() {
        return process.pid();
    }

    String id() {
        return id;
    }

    /** Sets who serves the calls workers make to kernel objects ({@code jpool.sharing} installs itself). */
    public static void serveCalls(KernelCallHandler handler) {
        calls = handler;
    }

    /**
     * Answers a worker's call with a serialized value. False when the answer cannot reach the worker (its channel
     * is closed: it exited or is exiting), so the caller can undo what the call took (e.g. put a queue item back).
     */
    public boolean reply(long requestId, byte[] value) {
        if (requestId == 0) return true;
        return sendReply(Message.Reply.ok(requestId, value));
    }

    /** Answers a worker's call with an exception (class name and message) to be rethrown in the worker. */
    public boolean replyError(long requestId, String className, String message) {
        if (requestId == 0) {
            // The worker did not wait for this call, so its failure can only be told: in the worker's output.
            KernelLog.warn("worker " + pid() + ": a call without reply failed: " + className + ": " + message);
            listener.log(2, "jpool: an operation this process did not wait for failed in the kernel: "
                    + className + ": " + message + "\n");
            return true;
        }
        return sendReply(Message.Reply.failed(requestId, className, message));
    }

    /**
     * Asks the worker to give back the items of queue {@code objectId} it received ahead of its gets (it answers
     * with a giveBack call). False when the worker cannot be reached any more.
     */
    public boolean recall(String objectId) {
        if (hungUp) return false;
        try {
            channel.send(new Message.Recall(objectId));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean sendReply(Message.Reply reply) {
        if (hungUp) return false;
        try {
            channel.send(reply);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends the notebook classes defined since the worker last got some (a value about to be sent may need them). */
    public synchronized void syncClasses() throws IOException {
        var evaluator = KernelServices.evaluator();
        if (evaluator == null || evaluator.classes().size() <= classesSent) return;
        List<Map.Entry<String, byte[]>> fresh = evaluator.classes().since(classesSent);
        channel.send(new Message.Classes(fresh));
        classesSent += fresh.size();
    }

    /** Directs the worker's reports to {@code l} from now on. */
    public void listen(WorkerListener l) {
        listener = l;
    }

    public boolean isAlive() {
        return process.isAlive() || !exit.isDone();
    }

    /** Completes with the exit code after the worker's last report has been delivered. */
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    /**
     * Sends the notebook classes and class path the worker has not seen yet, then the task.
     *
     * @param exitAfter the worker exits after this task (a {@link Proc}) instead of waiting for more (a pool worker)
     */
    public synchronized void run(long taskId, String name, boolean exitAfter, Shipment s) throws IOException {
        run(taskId, name, exitAfter, s, Delivery.NOW);
    }

    /** Like {@link #run(long, String, boolean, Shipment)}, the frame leaving as {@code delivery} says. */
    public synchronized void run(long taskId, String name, boolean exitAfter, Shipment s, Delivery delivery) throws IOException {
        syncClasses();
        var evaluator = KernelServices.evaluator();
        if (evaluator != null) {
            List<String> cp = evaluator.addedClasspath();
            if (cp.size() > classpathSent) {
                channel.send(new Message.Classpath(List.copyOf(cp.subList(classpathSent, cp.size()))));
                classpathSent = cp.size();
            }
        }
        Shipment.Function f = s.function();
        if (f != null && functionsSent.add(f.id())) // goes out with the task, in the same write
            channel.send(new Message.Function(f.id(), f.bytes()), Delivery.LATER);
        // a worker keeps the state it was sent last; the same bytes again (a loop of applyAsync calls on
        // unchanged variables) need not travel again
        boolean fresh = s.state().id() != snapshotSent && !Arrays.equals(s.state().encoded(), stateSent);
        if (fresh) {
            snapshotSent = s.state().id();
            stateSent = s.state().encoded();
        }
        // state and task as parts: written straight from their arrays and read into arrays of their own
        channel.send(new Message.Run(taskId, name, exitAfter, snapshotSent, fresh ? stateSent : NOTHING, s.task(),
                s.arrays()), delivery);
    }

    /** Takes task {@code taskId} back if the worker has not begun it (it then answers FAILED at once). */
    public void cancel(long taskId) {
        try {
            channel.send(new Message.Cancel(taskId));
        } catch (IOException e) {
            // the worker is going away; its exit settles the task
        }
    }

    /** Asks the worker to exit once its current task is done. */
    public void quit() {
        try {
            channel.send(new Message.Quit());
        } catch (IOException e) {
            process.destroy();
        }
    }

    /** SIGTERM. */
    public void terminate() {
        signalSent = 15;
        // Through the ProcessHandle, not Process.destroy(): that also closes the worker's stdin, and a worker takes
        // end-of-file on stdin as "the kernel is gone" and halts with status 0 at once, so a terminated process
        // usually reported exit code 0 instead of -15 (and a racing kill could too).
        process.toHandle().destroy();
    }

    /** SIGKILL. */
    public void kill() {
        signalSent = 9;
        process.toHandle().destroyForcibly(); // see terminate(): stdin stays open so nothing else ends the worker
    }

    private void readLoop() {
        try {
            while (true) {
                Frame f = channel.receive();
                WorkerListener l = listener;
                try {
                    Message m = Message.decode(f);
                    if (m == null) KernelLog.warn("worker " + pid() + " sent unknown frame " + f.type());
                    else dispatch(m, l);
                } catch (RuntimeException e) {
                    KernelLog.warn("worker " + pid() + " listener failed", e); // one bad report must not deafen us
                } catch (Error e) {
                    // this thread must not die: nobody would hear the worker again and its pool would wait for good.
                    // What the frame meant is lost, so the worker is ended; its tasks fail as a worker death does
                    // and its pool replaces it. Reading goes on to the end of its stream.
                    KernelLog.warn("worker " + pid() + ": handling its " + f.type() + " frame failed; the worker is"
                            + " killed and replaced", e);
                    kill();
                }
            }
        } catch (IOException e) {
            // the worker closed its end: it is exiting
        }
        hungUp = true;
        channel.close();
        BulkLane.deleteFilesOf(process.pid()); // a lane file it made and we never mapped (it died in between)
        process.onExit().thenAccept(p -> {
            int code = exitCode(p.exitValue(), announcedExit, signalSent);
            KernelLog.info("worker " + p.pid() + " exited: status " + p.exitValue() + ", announced " + announcedExit + " -> " + code);
            try {
                listener.exited(code);
            } finally {
                exit.complete(code);
            }
        });
    }

    private void dispatch(Message m, WorkerListener l) {
        if (m instanceof Message.Result r) l.result(r.taskId(), r.value(), r.arrays());
        else if (m instanceof Message.Log log) l.log(log.stream(), log.text());
        else if (m instanceof Message.Partial p) l.partial(p.taskId(), p.from(), p.value(), p.arrays());
        else if (m instanceof Message.Failed failed) l.failed(failed.taskId(), failed.error());
        else if (m instanceof Message.Exiting e) announcedExit = e.status();
        else if (m instanceof Message.Call c) call(c);
        else KernelLog.warn("worker " + pid() + " sent a frame meant for workers: " + m.getClass().getSimpleName());
    }

    private void call(Message.Call c) {
        KernelCallHandler h = calls;
        if (h == null) replyError(c.requestId(), IllegalStateException.class.getName(), "no shared objects exist in this kernel");
        else h.call(this, c.requestId(), c.objectId(), c.op(), c.args());
    }

    @Override
    public String toString() {
        return "worker " + id + " (pid " + pid() + ")";
    }

    /**
     * Exit code as {@code multiprocessing} reports it. A JVM killed by signal N exits with 128+N; an exit the worker
     * announced (System.exit(n)) is taken as it is, so System.exit(143) is not mistaken for SIGTERM.
     */
    static int exitCode(int raw, Integer announced, int signalSent) {
        if (signalSent != 0 && raw == 128 + signalSent) return -signalSent; // we sent it; whatever was under way
        if (announced != null && announced == raw) return raw;
        if (raw > 128 && raw <= 128 + 64) return -(raw - 128);
        return raw;
    }
}
