package jpool.workers;

import jpool.api.Job;
import jpool.shipping.WorkerTask;
import jpool.shipping.Shipment;
import jpool.shipping.StateSnapshot;
import jpool.shipping.StateCapture;
import jpool.display.CellScope;
import jpool.ipc.ErrorReport;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker process running one job, like Python's {@code multiprocessing.Process}:
 * <pre>{@code
 * Proc p = new Proc("greeter", () -> System.out.println("hello from " + Proc.current().name()));
 * p.start();
 * p.join();
 * p.exitCode()   // 0
 * }</pre>
 * The job (or an overriding {@link #run()} in a subclass) runs in a fresh worker JVM that has every class the
 * notebook defined and the current values of the notebook variables it reads. Its output appears in the cell that
 * called {@link #start()}, tagged with the process name. Exit codes: 0 ok, 1 uncaught exception, n for
 * {@code System.exit(n)}, -N when killed by signal N; null while it runs.
 */
public class Proc implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final List<Proc> ACTIVE = new CopyOnWriteArrayList<>();
    private static final List<Proc> STARTED = new CopyOnWriteArrayList<>();

    private String name;
    private boolean daemon;
    private final Job job;
    private transient List<String> jvmOptions;
    private transient volatile Started started;

    /** A process that will run {@code job}; named Proc-N. */
    public Proc(Job job) {
        this(null, job);
    }

    /** A process named {@code name} that will run {@code job}. */
    public Proc(String name, Job job) {
        this.job = job;
        this.name = name != null ? name : "Proc-" + COUNTER.incrementAndGet();
    }

    /** For subclasses that override {@link #run()}. */
    protected Proc() {
        this(null, null);
    }

    /** What the process does; runs in the worker. Override it, or pass a {@link Job} to the constructor. */
    public void run() throws Exception {
        if (job == null)
            throw new IllegalStateException(name + " has nothing to run: pass a lambda to new Proc(...) or override run()");
        job.run();
    }

    /** The process name (in a worker, {@code Proc.current().name()} is the worker's). */
    public String name() {
        return name;
    }

    /** Renames the process; only before {@link #start()}. */
    public Proc name(String newName) {
        requireNotStarted("rename");
        if (newName == null || newName.isBlank()) throw new IllegalArgumentException("a process name must not be blank");
        name = newName;
        return this;
    }

    /** Whether this is a daemon: it never holds up kernel shutdown and is killed with the kernel without notice. */
    public boolean daemon() {
        return daemon;
    }

    /** Sets the daemon flag; only before {@link #start()}. */
    public Proc daemon(boolean value) {
        requireNotStarted("change the daemon flag of");
        daemon = value;
        return this;
    }

    /** Extra JVM options for this process's worker (e.g. {@code "-Xmx2g"}); only before {@link #start()}. */
    public Proc jvmOptions(String... options) {
        requireNotStarted("set JVM options of");
        jvmOptions = new ArrayList<>(Arrays.asList(options));
        return this;
    }

    /** Starts the process in a worker JVM and returns at once. A process can be started once. */
    public Proc start() {
        if (WorkerIdentity.isWorker())
            throw new IllegalStateException("processes are started from the notebook kernel, not inside a worker");
        synchronized (this) {
            if (started != null) throw new IllegalStateException(name + " was already started; a Proc starts only once");
            Shipment shipment = StateCapture.prepare(new ProcTask(this), "process " + name);
            LogRouter router = new LogRouter(CellScope.current(), name, this::isAlive);
            Started s = new Started(router, shipment.state());
            WorkerHandle handle;
            try {
                handle = Workers.start(jvmOptions == null ? List.of() : jvmOptions, s);
            } catch (RuntimeException e) {
                router.close();
                throw e;
            }
            s.handle = handle;
            started = s;
            s.log(MpLog.Level.INFO, "child process calling self.run()");
            ACTIVE.add(this);
            STARTED.add(this);
            s.exit.whenComplete((c, e) -> ACTIVE.remove(this));
            try {
                handle.run(1, name, true, shipment);
            } catch (IOException e) {
                handle.kill();
                throw new WorkerStartFailed(name + ": the worker hung up before it got its job: " + e.getMessage());
            }
        }
        return this;
    }

    /**
     * Waits until the process ends. Interrupting the kernel stops the wait with a CancellationException (the process
     * keeps running): returning quietly let the rest of the cell go on as if the process had finished.
     */
    public void join() {
        Started s = requireStarted("join");
        MpLog.main(MpLog.Level.DEBUG, "calling join() for process " + name);
        try {
            s.exit.get();
        } catch (InterruptedException e) {
            throw interruptedJoin();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Waits at most {@code timeout} for the process to end; check {@link #isAlive()} afterwards. */
    public void join(Duration timeout) {
        Started s = requireStarted("join");
        MpLog.main(MpLog.Level.DEBUG, "calling join() for process " + name);
        try {
            s.exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // still running: as in multiprocessing, a timed join just returns
        } catch (InterruptedException e) {
            throw interruptedJoin();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private CancellationException interruptedJoin() {
        Thread.currentThread().interrupt();
        return new CancellationException("interrupted while waiting for " + name + " (it is still running; "
                + "terminate() or kill() stops it)");
    }

    /** Waits at most {@code seconds} for the process to end. */
    public void join(double seconds) {
        join(Duration.ofNanos((long) (seconds * 1e9)));
    }

    /** True from {@link #start()} until the process has ended. */
    public boolean isAlive() {
        Started s = started;
        return s != null && !s.exit.isDone();
    }

    /** Sends SIGTERM; a later {@link #join()} sees exit code -15. */
    public void terminate() {
        Started s = requireStarted("terminate");
        MpLog.main(MpLog.Level.DEBUG, "terminating " + name);
        s.terminated = true;
        s.handle.terminate();
    }

    /** Sends SIGKILL; a later {@link #join()} sees exit code -9. */
    public void kill() {
        Started s = requireStarted("kill");
        s.terminated = true;
        s.handle.kill();
    }

    /** The worker's OS process id, or null before {@link #start()}. */
    public Long pid() {
        Started s = started;
        return s == null ? (WorkerIdentity.isWorker() && name.equals(WorkerIdentity.name()) ? ProcessHandle.current().pid() : null)
                : Long.valueOf(s.handle.pid());
    }

    /** Null until the process ended; then 0 ok, 1 uncaught exception, n for System.exit(n), -N for signal N. */
    public Integer exitCode() {
        Started s = started;
        return s == null || !s.exit.isDone() ? null : s.exit.join();
    }

    /** The exception {@code run()} threw in the worker, with its remote stack trace; null if it did not throw. */
    public ProcessFailed failure() {
        Started s = started;
        return s == null ? null : s.failure;
    }

    /** The file with every line this process printed (the notebook shows a rate-limited view). */
    public Path logFile() {
        Started s = started;
        return s == null ? null : s.router.file();
    }

    @Override
    public String toString() {
        Started s = started;
        String state = s == null ? "initial" : !s.exit.isDone() ? "started" : "stopped exitcode=" + s.exit.join();
        return "<Proc name='" + name + "'" + (s == null ? "" : " pid=" + s.handle.pid()) + " " + state
                + (daemon ? " daemon" : "") + ">";
    }

    /** The process running this code: in a worker, the worker's own Proc; in the kernel, "MainProcess". */
    public static Proc current() {
        return new Proc(WorkerIdentity.name(), null);
    }

    /** Every process started from this kernel (running or ended), in start order. */
    public static List<Proc> started() {
        return List.copyOf(STARTED);
    }

    /** The most recently started process with this name, or null. */
    public static Proc byName(String name) {
        for (int i = STARTED.size() - 1; i >= 0; i--) if (STARTED.get(i).name.equals(name)) return STARTED.get(i);
        return null;
    }

    /** Completes with the exit code when the process has ended (e.g. {@code p.onExit().thenAccept(...)}). */
    public CompletableFuture<Integer> onExit() {
        return requireStarted("wait for").exit.copy();
    }

    /** The last few lines the process printed (for status displays). */
    public List<String> recentOutput() {
        Started s = started;
        if (s == null) return List.of();
        return s.tail.get();
    }

    /** Processes started from the kernel that are still running, in start order. */
    static List<Proc> active() {
        return List.copyOf(ACTIVE);
    }

    private void requireNotStarted(String what) {
        if (started != null) throw new IllegalStateException("cannot " + what + " " + name + " after it started");
    }

    private Started requireStarted(String what) {
        Started s = started;
        if (s == null) throw new IllegalStateException("cannot " + what + " " + name + ": it was not started (call start() first)");
        return s;
    }

    /** Ships the Proc itself (a subclass's fields included) and calls its run() in the worker. */
    private record ProcTask(Proc proc) implements WorkerTask {
        @Override
        public Object execute() throws Exception {
            proc.run();
            return null;
        }
    }

    /** Kernel-side state of a started process; also receives its worker's reports. */
    private final class Started implements WorkerListener {
        final LogRouter router;
        final StateSnapshot state;
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        volatile WorkerHandle handle;
        volatile ProcessFailed failure;
        volatile boolean terminated;
        final RecentLines tail = new RecentLines();

        Started(LogRouter router, StateSnapshot state) {
            this.router = router;
            this.state = state;
        }

        /** A lifecycle line of this process ({@link MpLog}), among its output. */
        void log(MpLog.Level at, String message) {
            if (MpLog.enabled(at)) router.note(2, MpLog.line(at, name, message));
        }

        @Override
        public void log(int stream, String text) {
            tail.add(text);
            router.output(name, stream, text);
        }

        @Override
        public void result(long taskId, byte[] value, Object[] arrays) {
        }

        @Override
        public void failed(long taskId, ErrorReport error) {
            failure = new ProcessFailed(name, error);
            router.note(2, "Process " + name + " failed:\n" + failure.remoteTrace());
        }

        @Override
        public void exited(int exitCode) {
            if (exitCode >= 0) { // a process killed by a signal says nothing more, as in Python
                log(MpLog.Level.INFO, "process shutting down");
                log(MpLog.Level.INFO, "process exiting with exitcode " + exitCode);
            }
            router.close();
            exit.complete(exitCode);
        }
    }
}
