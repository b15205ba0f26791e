package jpool.pool;

import jpool.shipping.ChunkCodec;
import jpool.shipping.ChunkTask;
import jpool.shipping.ShippedFn;
import jpool.display.CellScope;
import jpool.ipc.Serial;
import jpool.protocol.Cell;
import jpool.api.NotShippable;
import jpool.shipping.Shipment;
import jpool.shipping.StateCapture;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Turns a pool call into tasks for the {@link Scheduler}: the inputs cut into chunks, each chunk shipped with the
 * function and the notebook state it reads, the call's {@link Batch} sealed; for an apply with callbacks, the
 * callbacks run in the kernel, in completion order, with the submitting cell's output.
 */
final class Submission {
    private final Pool pool;
    private final Scheduler scheduler;
    /** Where ready tasks go: the scheduler's workers, or a cluster. */
    private final Consumer<List<TaskRecord>> sink;
    /** One thread, so callbacks run in completion order; it ends when idle, so finished pools leave no thread behind. */
    private final ThreadPoolExecutor callbacks = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "jpool-pool-callbacks");
                t.setDaemon(true);
                return t;
            });
    private volatile boolean progressDisplays = true;

    Submission(Pool pool, Scheduler scheduler, Consumer<List<TaskRecord>> sink) {
        this.sink = sink;
        this.pool = pool;
        this.scheduler = scheduler;
        callbacks.allowCoreThreadTimeOut(true);
    }

    void progressDisplays(boolean show) {
        progressDisplays = show;
    }

    /** One task of one input ({@code arg}; none for a {@link ChunkTask.Kind#CALL}), with optional callbacks. */
    <R> AsyncResult<R> single(Serializable fn, ChunkTask.Kind kind, Object arg,
                              Consumer<? super R> onResult, Consumer<? super RuntimeException> onError) {
        Batch b = new Batch(CellScope.current(), "apply");
        int index = b.add();
        ArrayList<Object> inputs = new ArrayList<>();
        inputs.add(arg);
        ShippedFn.Prepared f = ShippedFn.prepare(fn);
        Shipment s = ship(new ChunkTask(f.form(), kind, inputs), f, null);
        TaskRecord task = new TaskRecord(b, index, inputs, s, f, kind);
        task.noInput = kind == ChunkTask.Kind.CALL;
        sink.accept(List.of(task));
        b.seal(null);
        @SuppressWarnings("unchecked")
        CompletableFuture<R> value = b.item(index).thenApply(o -> {
            if (!o.ok()) throw o.error();
            return (R) o.value();
        });
        if (onResult != null || onError != null) {
            scheduler.callbacksDue.incrementAndGet(); // its output may come after the cell ended: the cell keeps a display
            value.whenCompleteAsync((v, e) -> {
                try {
                    runCallback(b.origin, () -> {
                        if (e == null) {
                            if (onResult != null) onResult.accept(v);
                        } else if (onError != null) {
                            Throwable c = e instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : e;
                            onError.accept(c instanceof RuntimeException r ? r : new RuntimeException(c));
                        }
                    });
                } finally {
                    scheduler.callbacksDue.decrementAndGet();
                }
            }, callbacks);
        }
        return new AsyncResult<>(value);
    }

    /** Callbacks run in the kernel with the submitting cell's output; a failing callback is reported, not fatal. */
    private void runCallback(Cell origin, Runnable r) {
        CellScope.runAs(origin, () -> {
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                scheduler.routerFor(origin).note(2, "callback failed: " + e + " (the pool carries on)");
            }
        });
    }

    /**
     * Every input of a map-like call, in chunks of {@code chunkSize} (0: about four chunks per worker).
     *
     * @param prepare sees the call's batch before its inputs are sent (null: nothing to prepare)
     */
    Batch all(Serializable fn, ChunkTask.Kind kind, Iterable<?> items, int chunkSize, String label,
              Consumer<Batch> prepare) {
        if (chunkSize < 0) throw new IllegalArgumentException("chunkSize must be 0 (automatic) or more, got " + chunkSize);
        Object[] all;
        if (items instanceof Collection<?> c) {
            all = c.toArray(); // one bulk copy; chunks are cut from the array (a subList copy walks an iterator)
        } else {
            all = InputReader.readAll(items.iterator(), label).toArray(); // fails early when they cannot fit
        }
        int chunk = chunkSize > 0 ? chunkSize : Math.max(1, (int) Math.ceil(all.length / (4.0 * pool.processes())));
        Batch b = new Batch(CellScope.current(), label);
        b.reserve(all.length);
        // one state snapshot for the whole call: every chunk sees the same notebook variables
        Shipment first = null;
        ShippedFn.Prepared f = ShippedFn.prepare(fn);
        List<TaskRecord> tasks = new ArrayList<>();
        for (int from = 0; from < all.length; from += chunk) {
            int n = Math.min(all.length - from, chunk);
            ArrayList<Object> part = new ArrayList<>(Arrays.asList(Arrays.copyOfRange(all, from, from + n)));
            ChunkTask task = new ChunkTask(f.form(), kind, part);
            Shipment s = ship(task, f, first);
            if (first == null) first = s;
            tasks.add(new TaskRecord(b, b.add(n), part, s, f, kind));
        }
        if (prepare != null) prepare.accept(b);
        sink.accept(tasks);
        b.seal(progressDisplays ? pool : null);
        return b;
    }

    /**
     * A chunk ready to send, with the notebook state its function reads: {@code sameStateAs}'s (the chunks of one
     * call share a snapshot) or a fresh one. Compact form when the function was serialized once and the inputs are
     * plain values (no notebook classes in them, so the function alone decides which state is needed).
     */
    static Shipment ship(ChunkTask task, ShippedFn.Prepared f, Shipment sameStateAs) {
        byte[] compact = f.written() != null ? ChunkCodec.encodeTask(task) : null;
        if (compact != null) {
            Shipment s = sameStateAs != null ? new Shipment(compact, sameStateAs.state())
                    : StateCapture.prepare(compact, f.written(), true, "the task"); // kept: ShippedFn's cache
            return s.naming(((ShippedFn) f.form()).function());
        }
        if (sameStateAs == null) return StateCapture.prepare(task, "the task", f.written());
        try {
            Serial.Written w = Serial.writeDetached(task);
            return new Shipment(w.bytes(), sameStateAs.state(), w.arrays());
        } catch (IOException e) {
            throw new NotShippable("an input cannot be sent to a worker: " + Serial.explain(e));
        }
    }
}
