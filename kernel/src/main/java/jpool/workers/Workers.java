package jpool.workers;

import jpool.KernelEvents;
import jpool.ipc.LocalServer;
import jpool.ipc.ErrorReport;
import jpool.ipc.Message;
import jpool.log.KernelLog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Starts worker JVMs for this kernel and keeps track of them. Spare workers with default options are kept started
 * ahead of time, so starting a process or a pool usually costs a hand-over instead of a JVM start: one after the
 * first worker start, and up to as many as default-option workers were alive at once (a {@code Pool(4)} leaves
 * room for four), at most {@link #spareLimit()} (JPOOL_SPARES; 0 turns pre-starting off). A spare is an idle JVM
 * (tens of MB); it dies with the kernel like every worker: shutdown stops it, and it exits by itself when the
 * kernel's end of its stdin or of its channel closes.
 */
public final class Workers {
    /**
     * JVM options every worker gets: a clean exit on OOM (reported as a died worker), no GUI, and the serial GC: one
     * worker per core is the pool's model, so a parallel collector's threads in every worker would only fight over
     * the same cores, and it starts fast. Big arrays are not pretenured: a task's 50 MB argument allocated in the
     * old generation landed on never-touched pages every time (the Linux kernel's page faults cost ~20 ms per
     * 50 MB, more than the transfer), while in the young generation the next one reuses the same, touched pages.
     */
    static final List<String> BASE_OPTIONS = List.of("-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
            "-XX:+UseSerialGC", "-Xshare:auto", "-XX:-UsePerfData");
    /** Default cap on spare workers (and at most one per CPU): enough for a small pool, not a pile of idle JVMs. */
    static final int DEFAULT_SPARE_LIMIT = 4;
    private static final long CONNECT_TIMEOUT_SECONDS = 60;
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Set<WorkerHandle> LIVE = ConcurrentHashMap.newKeySet();
    private static LocalServer server;
    private static final ArrayDeque<Starting> SPARES = new ArrayDeque<>();
    /** How many spares to keep: the most default-option workers alive at once so far, within the limit. */
    private static int spareTarget = 1;
    private static final AtomicInteger DEFAULT_LIVE = new AtomicInteger();
    private static volatile boolean shuttingDown;
    private static boolean refillPending;

    private Workers() {
    }

    private static synchronized LocalServer server() throws IOException {
        if (server == null) {
            server = new LocalServer();
            KernelEvents.onShutdown(Workers::shutdownAll);
            KernelEvents.onCellEnd(Workers::refillWhenIdle);
        }
        return server;
    }

    /** Where worker log files are kept. */
    public static Path logDirectory() throws IOException {
        return server().directory();
    }

    /**
     * A connected worker listening to {@code listener}. {@code jvmOptions} are added to the defaults (and to
     * JPOOL_WORKER_OPTS); with none, a pre-started spare is used when there is one, and replaced at once.
     */
    public static WorkerHandle start(List<String> jvmOptions, WorkerListener listener) {
        return start(jvmOptions, listener, true);
    }

    /**
     * A pool's worker with default options, a spare when there is one. The spare is replaced only once the kernel
     * idles after the running cell, or when a pool closes or a worker exits: a JVM starting now would take the cores
     * from the new pool's first tasks; the replacement is for a later pool.
     */
    public static WorkerHandle startPoolWorker(WorkerListener listener) {
        return start(List.of(), listener, false);
    }

    private static WorkerHandle start(List<String> jvmOptions, WorkerListener listener, boolean refillNow) {
        if (shuttingDown) throw new IllegalStateException("the kernel is shutting down");
        boolean standard = jvmOptions.isEmpty();
        Starting s = null;
        if (standard) {
            synchronized (Workers.class) {
                s = SPARES.pollFirst();
            }
        }
        WorkerHandle h;
        if (s == null) {
            s = launch(jvmOptions);
            h = s.await();
        } else {
            try {
                h = s.await();
            } catch (WorkerStartFailed e) {
                s = launch(jvmOptions); // the spare died while waiting; a fresh start tells the real story
                h = s.await();
            }
        }
        h.listen(listener);
        s.flushEarlyOutput(listener);
        if (standard) {
            int alive = DEFAULT_LIVE.incrementAndGet();
            h.onExit().whenComplete((c, e) -> {
                DEFAULT_LIVE.decrementAndGet();
                refillInBackground(); // its core is free now
            });
            synchronized (Workers.class) {
                spareTarget = Math.max(spareTarget, alive);
            }
            if (refillNow) prestartSpare();
            else refillWhenIdle(); // also when the pool was made outside a cell (no cell end would refill)
        }
        return h;
    }

    /**
     * Starts as many spares as a default {@code new Pool()} would use (within {@link #spareLimit()}) while the kernel
     * itself starts, so that the first pool of a notebook finds its workers waiting instead of paying JVM starts.
     */
    public static void prestartAtKernelStart() {
        synchronized (Workers.class) {
            spareTarget = Math.max(spareTarget, Math.min(spareLimit(), Runtime.getRuntime().availableProcessors()));
        }
        prestartSpare();
    }

    /** Starts spare workers in the background until as many as wanted are waiting (see the class comment). */
    public static void prestartSpare() {
        synchronized (Workers.class) {
            int want = Math.min(spareTarget, spareLimit());
            while (SPARES.size() < want && !shuttingDown) {
                try {
                    Starting spare = launch(List.of());
                    SPARES.addLast(spare);
                    warmUpWhenIdle(spare);
                } catch (RuntimeException e) {
                    KernelLog.warn("could not pre-start a worker: " + e.getMessage());
                    return;
                }
            }
        }
    }

    /**
     * Replaces the spares that cells took once the kernel idles ({@link KernelEvents#whenIdle}): starting JVMs (and their
     * task-path warm-up) right after a pool's cell would take the cores from the next cell, which in a notebook is
     * often the one that uses the pool.
     */
    private static void refillWhenIdle() {
        synchronized (Workers.class) {
            if (refillPending || shuttingDown || SPARES.size() >= Math.min(spareTarget, spareLimit())) return;
            refillPending = true;
        }
        KernelEvents.whenIdle(() -> {
            synchronized (Workers.class) {
                refillPending = false;
            }
            prestartSpare();
        }, () -> !shuttingDown);
    }

    /** Tells a spare, once the kernel idles and the spare has connected, to warm its task path up. */
    private static void warmUpWhenIdle(Starting spare) {
        BooleanSupplier stillSpare = () -> {
            synchronized (Workers.class) {
                return SPARES.contains(spare); // taken meanwhile: its work warms it
            }
        };
        spare.hello.thenRun(() -> KernelEvents.whenIdle(() -> {
            synchronized (Workers.class) {
                if (!SPARES.contains(spare)) return;
                try {
                    spare.hello.join().channel().send(new Message.WarmUp());
                } catch (IOException | RuntimeException e) {
                    // a spare that cannot be told stays cold; taking it will show what is wrong
                }
            }
        }, stillSpare));
    }

    /** {@link #prestartSpare} off the caller's thread when spares are missing (a cell's reply need not wait for it). */
    private static void refillInBackground() {
        synchronized (Workers.class) {
            if (shuttingDown || SPARES.size() >= Math.min(spareTarget, spareLimit())) return;
        }
        Thread t = new Thread(Workers::prestartSpare, "jpool-prestart");
        t.setDaemon(true);
        t.start();
    }

    /** The most spare workers kept: JPOOL_SPARES when set (0 = none), else the CPU count up to {@value #DEFAULT_SPARE_LIMIT}. */
    public static int spareLimit() {
        String env = System.getenv("JPOOL_SPARES");
        if (env != null && !env.isBlank()) {
            try {
                return Math.max(0, Integer.parseInt(env.strip()));
            } catch (NumberFormatException e) {
                KernelLog.warn("JPOOL_SPARES=" + env + " is not a number; using the default");
            }
        }
        return Math.max(1, Math.min(DEFAULT_SPARE_LIMIT, Runtime.getRuntime().availableProcessors()));
    }

    /** Process ids of the spare workers waiting now (started or starting). */
    public static List<Long> sparePids() {
        synchronized (Workers.class) {
            return SPARES.stream().map(x -> x.process.pid()).toList();
        }
    }

    /** Workers that are running now. */
    public static List<WorkerHandle> live() {
        return new ArrayList<>(LIVE);
    }

    private static Starting launch(List<String> jvmOptions) {
        LocalServer srv;
        try {
            srv = server();
        } catch (IOException e) {
            throw new WorkerStartFailed("cannot open the private worker channel: " + e.getMessage());
        }
        String id = "w" + IDS.incrementAndGet();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(BASE_OPTIONS);
        String env = System.getenv("JPOOL_WORKER_OPTS");
        if (env != null && !env.isBlank()) cmd.addAll(Arrays.asList(env.trim().split("\\s+")));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                srv.socketPath().toString(), id));
        var hello = srv.expect(id);
        Process p = null;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            OutputStream stdin = p.getOutputStream();
            stdin.write((srv.secret() + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush(); // stdin stays open: its end-of-file tells the worker the kernel is gone
        } catch (IOException e) {
            if (p != null && exitsSoon(p)) {
                // it died before reading the secret (a JVM option it refused): waiting for it tells why, in the
                // JVM's own words, which a "Broken pipe" from our write did not
                return new Starting(id, p, hello, String.join(" ", jvmOptions));
            }
            srv.forget(id);
            if (p != null) p.destroyForcibly();
            throw new WorkerStartFailed("cannot start a worker JVM (" + cmd.get(0) + "): " + e.getMessage());
        }
        return new Starting(id, p, hello, String.join(" ", jvmOptions));
    }

    /** Whether {@code p} has ended or ends within a few seconds. */
    private static boolean exitsSoon(Process p) {
        try {
            return p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Stops every worker: SIGTERM, a short grace period, then SIGKILL. Listed non-daemon processes are reported. */
    static void shutdownAll() {
        shuttingDown = true;
        for (Proc p : Proc.active()) {
            // warn, not info: always on the kernel's stderr (the console's terminal, the notebook server's log)
            if (!p.daemon()) KernelLog.warn("kernel shutting down: stopping non-daemon process " + p);
        }
        List<WorkerHandle> all = live();
        synchronized (Workers.class) {
            SPARES.forEach(x -> x.process.destroyForcibly());
            SPARES.clear();
        }
        all.forEach(WorkerHandle::terminate);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (WorkerHandle h : all) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                h.kill();
            }
        }
        if (server != null) server.close();
    }

    /** A worker JVM between launch and its hello; collects what the JVM prints meanwhile. */
    private static final class Starting {
        private final String id;
        private final Process process;
        private final CompletableFuture<LocalServer.Hello> hello;
        private final String options;
        private final ArrayDeque<String> early = new ArrayDeque<>();
        private volatile WorkerListener target;
        private final Thread pump;

        Starting(String id, Process process, CompletableFuture<LocalServer.Hello> hello, String options) {
            this.id = id;
            this.process = process;
            this.hello = hello;
            this.options = options;
            pump = new Thread(this::pump, "jpool-worker-console-" + process.pid());
            pump.setDaemon(true);
            pump.start();
        }

        /** The JVM's own stdout/stderr (VM warnings, crash reports): kept until a listener exists, then forwarded. */
        private void pump() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    WorkerListener l;
                    synchronized (this) {
                        l = target;
                        if (l == null) {
                            early.add(line);
                            if (early.size() > 200) early.removeFirst();
                            continue;
                        }
                    }
                    l.log(2, line + "\n");
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }


        synchronized void flushEarlyOutput(WorkerListener l) {
            for (String line : early) l.log(2, line + "\n");
            early.clear();
            target = l;
        }

        WorkerHandle await() {
            try {
                LocalServer.Hello h = hello.applyToEither(process.onExit().thenApply(p -> (LocalServer.Hello) null), x -> x)
                        .get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (h == null) throw failed("exited with code " + process.exitValue() + " before connecting");
                WorkerHandle handle = new WorkerHandle(id, process, h.channel(), NO_LISTENER);
                LIVE.add(handle);
                handle.onExit().whenComplete((c, e) -> LIVE.remove(handle));
                return handle;
            } catch (TimeoutException e) {
                process.destroyForcibly();
                throw failed("did not connect within " + CONNECT_TIMEOUT_SECONDS + " s");
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new WorkerStartFailed("interrupted while starting a worker");
            } catch (ExecutionException e) {
                process.destroyForcibly();
                throw failed(String.valueOf(e.getCause()));
            }
        }

        private WorkerStartFailed failed(String why) {
            try {
                process.onExit().get(2, TimeUnit.SECONDS);
                pump.join(2000); // let the pump read the JVM's last words
            } catch (Exception ignored) {
                // still running: report what we have
            }
            String said;
            synchronized (this) {
                said = String.join("\n", early);
            }
            return new WorkerStartFailed("worker JVM" + (options.isEmpty() ? "" : " (options: " + options + ")")
                    + " " + why + (said.isBlank() ? "" : ":\n" + said.strip()));
        }
    }

    private static final WorkerListener NO_LISTENER = new WorkerListener() {
        @Override
        public void log(int stream, String text) {
            KernelLog.info("idle worker: " + text.strip());
        }

        @Override
        public void result(long taskId, byte[] value, Object[] arrays) {
        }

        @Override
        public void failed(long taskId, ErrorReport error) {
        }

        @Override
        public void exited(int exitCode) {
        }
    };
}
