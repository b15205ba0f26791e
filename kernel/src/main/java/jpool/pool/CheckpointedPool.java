package jpool.pool;

import jpool.api.Fn2;
import jpool.api.Fn;
import jpool.checkpoint.CheckpointStore;
import jpool.checkpoint.Checkpoints;
import jpool.checkpoint.StoredOutcome;
import jpool.display.CellScope;
import jpool.ipc.ErrorReport;
import jpool.ipc.Serial;
import jpool.protocol.Cell;
import jpool.shipping.ChunkTask;
import jpool.shipping.KernelClasses;
import jpool.shipping.ShippedFn;
import jpool.workers.RemoteFailure;

import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A pool's map-style calls with a checkpoint ({@link Pool#checkpoint(String)}): each input's outcome is stored as it
 * arrives; a call run again takes the stored outcomes at once and computes only the inputs that are missing
 * (failed ones are computed again unless {@link #keepFailures}). Results come back complete and in input order.
 * Stored outcomes belong to the code that made them: a changed function, method it calls or notebook variable it
 * reads starts the checkpoint afresh.
 * <pre>{@code
 * List<Double> scores = pool.checkpoint("grid").map(p -> fit(p), params);   // rerun after a crash: only the rest
 * }</pre>
 */
public final class CheckpointedPool {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private final Pool pool;
    private final String name;
    private boolean keepFailures;

    CheckpointedPool(Pool pool, String name) {
        this.pool = pool;
        this.name = name;
        Checkpoints.checkName(name); // the store itself is opened by each call, for its duration
    }

    /** Whether stored failures are kept (returned as they were) instead of computed again (the default). */
    public CheckpointedPool keepFailures(boolean keep) {
        keepFailures = keep;
        return this;
    }

    /** {@link Pool#map(Fn, Iterable)} with this checkpoint. */
    public <A, R> List<R> map(Fn<A, R> fn, Iterable<A> items) {
        return map(fn, items, 0);
    }

    /** {@link Pool#map(Fn, Iterable, int)} with this checkpoint. */
    public <A, R> List<R> map(Fn<A, R> fn, Iterable<A> items, int chunkSize) {
        return mapAsync(fn, items, chunkSize).get();
    }

    /** {@link Pool#mapAsync(Fn, Iterable, int)} with this checkpoint. */
    public <A, R> AsyncResult<List<R>> mapAsync(Fn<A, R> fn, Iterable<A> items, int chunkSize) {
        return values(run(fn, ChunkTask.Kind.FN, toArray(items), chunkSize, "map"));
    }

    /** {@link Pool#mapResults(Fn, Iterable)} with this checkpoint: one {@link Outcome} per input, never throws for one. */
    public <A, R> List<Outcome<R>> mapResults(Fn<A, R> fn, Iterable<A> items) {
        return mapResultsAsync(fn, items, 0).get();
    }

    /**
     * {@link Pool#mapResultsAsync} with this checkpoint. An input given by the checkpoint has worker
     * {@code "checkpoint"}, pid 0 and times 0.
     */
    @SuppressWarnings("unchecked")
    public <A, R> AsyncResult<List<Outcome<R>>> mapResultsAsync(Fn<A, R> fn, Iterable<A> items, int chunkSize) {
        Run r = run(fn, ChunkTask.Kind.FN, toArray(items), chunkSize, "map");
        return new AsyncResult<>(r.outcomes.thenApply(x -> (List<Outcome<R>>) (List<?>) x), r.batch, r.restored, r.restoredFailed);
    }

    /** {@link Pool#starmap} with this checkpoint. */
    public <A, B, R> List<R> starmap(Fn2<A, B, R> fn, Iterable<? extends Map.Entry<A, B>> pairs) {
        List<Object> packed = InputReader.readPairs(pairs, "starmap"); // fails early when they cannot fit
        return this.<R>values(run(fn, ChunkTask.Kind.FN2, packed.toArray(), 0, "starmap")).get();
    }

    @SuppressWarnings("unchecked")
    private <R> AsyncResult<List<R>> values(Run r) {
        CompletableFuture<List<R>> v = r.outcomes.thenApply(all -> {
            List<Object> values = new ArrayList<>(all.size());
            for (Outcome<Object> o : all) {
                if (!o.ok()) throw new MapFailed(all);
                values.add(o.value());
            }
            return (List<R>) values;
        });
        return new AsyncResult<>(v, r.batch, r.restored, r.restoredFailed);
    }

    private static Object[] toArray(Iterable<?> items) {
        if (items instanceof Collection<?> c) return c.toArray();
        return InputReader.readAll(items.iterator(), "map").toArray(); // fails early when they cannot fit
    }

    /** A started call: its outcomes in input order once all are in, the batch of inputs it computes. */
    private record Run(CompletableFuture<List<Outcome<Object>>> outcomes, Batch batch, int restored, int restoredFailed) {
    }

    private Run run(Serializable fn, ChunkTask.Kind kind, Object[] inputs, int chunkSize, String label) {
        if (chunkSize < 0) throw new IllegalArgumentException("chunkSize must be 0 (automatic) or more, got " + chunkSize);
        // everything that can go wrong is found before the store is opened or any work starts
        ShippedFn.Prepared prepared = ShippedFn.prepare(fn);
        String fingerprint = Fingerprint.of(fn, prepared);
        String[] keys = new String[inputs.length];
        for (int i = 0; i < inputs.length; i++) keys[i] = Fingerprint.inputKey(inputs[i]);
        CheckpointStore store = CheckpointStore.open(name);
        Outcome<Object>[] restored;
        int[] missing;
        int restoredFailed = 0;
        try {
            Instant dropped = store.belongTo(fingerprint);
            if (dropped != null)
                System.out.println("checkpoint '" + name + "': the code changed since the checkpoint of " + WHEN.format(dropped)
                        + " (the function, a method it calls or a notebook variable it reads): starting afresh");
            restored = restore(store, keys, inputs);
            int n = 0;
            for (Outcome<Object> o : restored) if (o == null) n++;
            missing = new int[n];
            n = 0;
            for (int i = 0; i < inputs.length; i++) {
                if (restored[i] == null) missing[n++] = i;
                else if (!restored[i].ok()) restoredFailed++;
            }
            int from = inputs.length - missing.length;
            Instant last = store.lastWrite();
            System.out.println("checkpoint '" + name + "': " + (from == 0
                    ? inputs.length + " inputs to compute, each stored as it arrives"
                    : from + " of " + inputs.length + " inputs from the store" + (last == null ? "" : " (last write "
                      + WHEN.format(last) + ")") + ", " + (missing.length == 0 ? "nothing" : missing.length) + " to compute")
                    + (restoredFailed > 0 ? " (" + restoredFailed + " stored failures kept)" : ""));
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
        Object[] todo = new Object[missing.length];
        for (int j = 0; j < missing.length; j++) todo[j] = inputs[missing[j]];
        int fromStore = inputs.length - missing.length;
        Cell origin = CellScope.current();
        List<String> unstorable = Collections.synchronizedList(new ArrayList<>());
        Batch b;
        try {
            b = pool.submitAll(fn, kind, Arrays.asList(todo), chunkSize, label, batch -> {
                batch.sink = (first, n, values, errors) -> store(store, keys, missing, first, n, values, errors, inputs, unstorable);
                if (fromStore > 0) batch.boardNote = "(+" + fromStore + " from checkpoint '" + name + "')";
            });
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
        CompletableFuture<List<Outcome<Object>>> all = b.all.thenApply(batch -> {
            try {
                store.flush();
            } catch (RuntimeException e) {
                pool.routerFor(origin).note(2, e.getMessage() + " (the results are returned all the same)");
            } finally {
                store.close();
            }
            if (!unstorable.isEmpty())
                pool.routerFor(origin).note(2, "checkpoint '" + name + "': " + unstorable.size() + " value(s) could not be"
                        + " stored and will be computed again next time, e.g. " + unstorable.get(0));
            List<Outcome<Object>> computed = batch.outcomes();
            List<Outcome<Object>> out = new ArrayList<>(inputs.length);
            out.addAll(Arrays.asList(restored));
            for (int j = 0; j < missing.length; j++) {
                Outcome<Object> o = computed.get(j);
                int i = missing[j];
                out.set(i, new Outcome<>(i, inputs[i], o.value(), o.error(), o.worker(), o.pid(), o.startMillis(), o.endMillis()));
            }
            return out;
        });
        return new Run(all, b, fromStore, restoredFailed);
    }

    /** The stored outcome of each input (null where there is none, or a failure to compute again). */
    @SuppressWarnings("unchecked")
    private Outcome<Object>[] restore(CheckpointStore store, String[] keys, Object[] inputs) {
        Outcome<Object>[] out = new Outcome[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            byte[] stored = store.get(keys[i]);
            if (stored == null) continue;
            try {
                if (StoredOutcome.failed(stored)) {
                    if (!keepFailures) continue;
                    String[] e = StoredOutcome.failure(stored);
                    out[i] = new Outcome<>(i, inputs[i], null, new TaskFailed(inputs[i], new ErrorReport(e[0], e[1], e[2])),
                            "checkpoint", 0, 0, 0);
                } else {
                    Object v = Serial.read(StoredOutcome.valueBytes(stored), KernelClasses.loader(), KernelClasses.FILTER);
                    out[i] = new Outcome<>(i, inputs[i], v, null, "checkpoint", 0, 0, 0);
                }
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                out[i] = null; // unreadable now (a class that is gone): computed again
            }
        }
        return out;
    }

    /** Stores what workers reported for inputs {@code first ..} of the call's batch (never a cancellation). */
    private static void store(CheckpointStore store, String[] keys, int[] missing, int first, int n, Object[] values,
                              RuntimeException[] errors, Object[] inputs, List<String> unstorable) {
        for (int k = 0; k < n; k++) {
            int i = missing[first + k];
            RuntimeException e = errors == null ? null : errors[k];
            if (e instanceof CancellationException) continue;
            if (e != null) {
                ErrorReport r = e instanceof RemoteFailure f ? new ErrorReport(f.remoteClass(), f.remoteMessage(), f.remoteTrace())
                        : ErrorReport.of(e.getClass().getName(), String.valueOf(e.getMessage()));
                store.put(keys[i], StoredOutcome.failure(r.className(), r.message(), r.trace()));
                continue;
            }
            Object v = values == null ? null : values[k];
            try {
                store.put(keys[i], StoredOutcome.value(Serial.write(v).bytes()));
            } catch (IOException | RuntimeException x) {
                unstorable.add("input #" + i + " " + Pool.show(inputs[i]) + ": " + Serial.explain(x instanceof IOException io ? io : new IOException(x)));
            }
        }
    }
}
