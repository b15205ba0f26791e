package jpool.sharing;

import jpool.KernelEvents;
import jpool.ipc.Serial;
import jpool.shipping.KernelClasses;
import jpool.log.KernelLog;
import jpool.workers.KernelCallHandler;
import jpool.workers.WorkerHandle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The kernel's registry of shared objects and the server of calls to them. Calls from the kernel itself run on the
 * calling thread; calls from workers arrive on that worker's reader thread, run there when they cannot block, and
 * otherwise on a thread of the broker's own, replying when done, so one worker waiting on a queue never stops its
 * channel. When a worker dies its waiting calls are cancelled and the locks it held are released.
 */
final class Broker implements KernelCallHandler {
    /** Who calls from inside the kernel JVM. */
    static final String KERNEL = "kernel";
    private static volatile Broker instance;

    private final Map<String, Core> objects = new ConcurrentHashMap<>();
    private final Map<String, Function<Args, Core>> factories = Map.of(
            "queue", a -> new QueueCore(a.getInt(0), (Boolean) a.get(1)),
            "event", a -> new EventCore(),
            "semaphore", a -> new PermitCore(a.getInt(0), (Boolean) a.get(1)),
            "lock", a -> new PermitCore(a.getInt(0), (Boolean) a.get(1)),
            "map", a -> new MapCore(),
            "list", a -> new ListCore());
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<WorkerHandle, Set<FutureTask<?>>> waiting = new ConcurrentHashMap<>();
    /** Workers by caller name ("pid N"), to send them recalls of prefetched queue items. */
    private final Map<String, WorkerHandle> callers = new ConcurrentHashMap<>();
    private final ExecutorService waiters = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jpool-sharing-wait");
        t.setDaemon(true);
        return t;
    });
    private final Segments segments = new Segments();

    private Broker() {
    }

    /** The kernel's broker, created (and made the server of worker calls) on first use. */
    static Broker get() {
        Broker b = instance;
        if (b != null) return b; // every kernel-side call comes here: no lock once it exists
        synchronized (Broker.class) {
            if (instance == null) {
                Broker created = new Broker();
                WorkerHandle.serveCalls(created);
                KernelEvents.onShutdown(created::shutdown);
                instance = created;
            }
            return instance;
        }
    }

    /** Creates a kernel object of {@code kind} ("queue", "event", ..., or "segment" for shared memory). */
    Object create(String kind, Args args) {
        if (kind.equals("segment")) return segments.create(args.getLong(0)).toString();
        Function<Args, Core> f = factories.get(kind);
        if (f == null) throw new IllegalArgumentException("unknown kind of shared object: " + kind);
        String id = kind + "-" + ids.incrementAndGet();
        Core core = f.apply(args);
        if (core instanceof QueueCore q) q.recaller(caller -> recall(caller, id));
        objects.put(id, core);
        return id;
    }

    /** A call from inside the kernel: runs on this thread, waiting there if the operation waits. */
    Object local(String id, String op, Object... args) throws InterruptedException {
        List<byte[]> raw = new ArrayList<>(args.length);
        for (Object a : args) raw.add(Reply.encode(a));
        Reply o;
        try {
            o = dispatch(id, op, new Args(raw), KERNEL, true);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        try {
            return Serial.read(o.value(), KernelClasses.loader(), KernelClasses.FILTER);
        } catch (IOException e) {
            o.undo().run();
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            o.undo().run();
            throw new IllegalStateException("a shared value of an unknown class: " + e.getMessage(), e);
        }
    }

    private Reply dispatch(String id, String op, Args args, String caller, boolean mayWait) throws Exception {
        if (id.isEmpty()) {
            if (op.equals("new")) return Reply.of(create(args.getString(0), new Args(restOf(args))));
            throw new IllegalArgumentException("unknown broker operation " + op);
        }
        Core core = objects.get(id);
        if (core == null && op.equals("giveBack")) return Reply.NONE; // the queue was disposed meanwhile
        if (core == null)
            throw new IllegalStateException(id + " no longer exists (it was disposed, or belongs to an earlier kernel)");
        if (op.equals("dispose")) {
            objects.remove(id);
            core.discard();
            return Reply.NONE;
        }
        if (op.equals("describe")) return Reply.of(core.describe());
        return core.apply(op, args, caller, mayWait);
    }

    private static List<byte[]> restOf(Args args) {
        List<byte[]> rest = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) rest.add(args.raw(i));
        return rest;
    }

    @Override
    public void call(WorkerHandle from, long requestId, String objectId, String op, List<byte[]> rawArgs) {
        watch(from);
        String caller = "pid " + from.pid();
        Args args = new Args(rawArgs);
        try {
            Reply now = dispatch(objectId, op, args, caller, false);
            if (now != null) {
                deliver(from, requestId, now);
                return;
            }
        } catch (Exception e) {
            fail(from, requestId, e);
            return;
        }
        Set<FutureTask<?>> mine = waiting.computeIfAbsent(from, k -> ConcurrentHashMap.newKeySet());
        FutureTask<?>[] self = new FutureTask<?>[1];
        self[0] = new FutureTask<>(() -> {
            try {
                deliver(from, requestId, dispatch(objectId, op, args, caller, true));
            } catch (InterruptedException e) {
                // the worker died: nobody waits for this any more, and nothing was taken
            } catch (Exception e) {
                fail(from, requestId, e);
            } finally {
                mine.remove(self[0]);
            }
            return null;
        });
        mine.add(self[0]);
        if (!from.isAlive() && from.onExit().isDone()) {
            mine.remove(self[0]); // died between watch() and now; its cleanup already ran
            return;
        }
        waiters.execute(self[0]);
    }

    private static void deliver(WorkerHandle to, long requestId, Reply o) {
        boolean sent;
        try {
            to.syncClasses(); // the value may be of a class defined after the worker started
            sent = to.reply(requestId, o.value());
        } catch (IOException e) {
            sent = false;
        }
        if (!sent) o.undo().run();
    }

    private static void fail(WorkerHandle to, long requestId, Exception e) {
        to.replyError(requestId, e.getClass().getName(), e.getMessage());
    }

    /** Asks a worker to give back the items of queue {@code id} it prefetched; false when it cannot be reached. */
    private boolean recall(String caller, String id) {
        WorkerHandle w = callers.get(caller);
        return w != null && w.recall(id);
    }

    /** On a worker's first call, arranges the cleanup for when it exits. */
    private void watch(WorkerHandle w) {
        if (waiting.containsKey(w)) return;
        callers.put("pid " + w.pid(), w);
        waiting.computeIfAbsent(w, k -> {
            w.onExit().whenComplete((code, e) -> gone(w));
            return ConcurrentHashMap.newKeySet();
        });
    }

    private void gone(WorkerHandle w) {
        Set<FutureTask<?>> mine = waiting.remove(w);
        if (mine != null) mine.forEach(t -> t.cancel(true));
        String caller = "pid " + w.pid();
        callers.remove(caller, w);
        for (Core c : objects.values()) {
            try {
                c.callerGone(caller);
            } catch (RuntimeException e) {
                KernelLog.warn("cleanup after " + w + " failed", e);
            }
        }
    }

    private void shutdown() {
        waiters.shutdownNow();
        objects.values().forEach(Core::discard);
        objects.clear();
        segments.freeAll();
    }
}
