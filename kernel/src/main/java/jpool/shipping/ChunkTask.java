package jpool.shipping;

import jpool.api.Call;
import jpool.api.Fn2;
import jpool.api.Fn;
import jpool.ipc.ErrorReport;
import jpool.ipc.Serial;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Several inputs of one pool call, run one after the other in a worker. Each input gets its own result or error,
 * so one failing input never takes the others of its chunk down.
 */
public record ChunkTask(Serializable fn, Kind kind, ArrayList<Object> inputs) implements WorkerTask {
    public enum Kind { CALL, FN, FN2 }

    /** At most this many inputs between two clock reads (the stride grows while reads show the same millisecond). */
    static final int MAX_CLOCK_STRIDE = 16;

    /** Two arguments of a starmap input (Map.entry() itself is not Serializable). */
    public record Pair(Object a, Object b) implements Serializable {
        @Override
        public String toString() {
            return "(" + a + ", " + b + ")";
        }
    }

    /**
     * All inputs of the chunk plus where they ran, as parallel arrays (one entry per input): cheaper to serialize
     * than an object per input, which matters for maps over many small items. {@code errors[i]} is null when
     * input i succeeded, else what it threw.
     */
    public record ChunkResult(String worker, long pid, Object[] values, ErrorReport[] errors, long[] starts, long[] ends)
            implements Serializable {
    }

    /**
     * Inputs finished at least this long after the last report go to the kernel at once ({@link TaskProgress}):
     * a worker that dies then loses at most the input it was running and those finished within this last
     * millisecond. Tiny inputs still travel many to a message; an input of a millisecond or more travels alone.
     */
    static final long REPORT_EVERY_MS = 1;

    /**
     * How each input of a chunk runs: a local worker runs it on its own thread (no runner); a Spark executor with a
     * timeout runs it on a thread watched by a deadline ({@code jpool.workers.InputDeadline}).
     */
    @FunctionalInterface
    public interface InputRunner {
        /** Runs one input's work and returns its value; throws what it threw (or why it was stopped). */
        Object run(Callable<Object> input) throws Throwable;
    }

    @Override
    public Object execute() throws IOException {
        return execute(null);
    }

    /** Runs the chunk, each input through {@code runner} (null: on this thread). */
    public Object execute(InputRunner runner) throws IOException {
        Object fn;
        try {
            fn = this.fn instanceof ShippedFn s ? s.resolve() : this.fn;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("the task's function could not be read in the worker: " + e, e);
        }
        return new Run(fn, inputs.size(), runner).all();
    }

    /** One run of the chunk in a worker: each input's value or error and times, reported as they are finished. */
    private final class Run implements TaskProgress.Unsent {
        private final Object fn;
        private final int n;
        private final InputRunner runner;
        private final Object[] values;
        private final ErrorReport[] errors;
        private final long[] starts, ends;
        /** Inputs run so far (release-stored: reports on other threads read it, and the values before it). */
        private final AtomicInteger finished = new AtomicInteger();
        /** Held while a report is made; output and the watcher only try it (a report may print, through a value's writeObject). */
        private final ReentrantLock reporting = new ReentrantLock();
        /** Inputs reported so far; written under {@link #reporting}. */
        private volatile int sent;
        /** The final result is made: nothing more to report. Written under {@link #reporting}. */
        private boolean closed;
        /** {@link #finished} at the watcher's last look (the watcher's own). */
        private int seenByWatcher = -1;

        Run(Object fn, int n, InputRunner runner) {
            this.fn = fn;
            this.n = n;
            this.runner = runner;
            values = new Object[n];
            errors = new ErrorReport[n];
            starts = new long[n];
            ends = new long[n];
        }

        /** Runs every input; returns the result of those not reported before. */
        Serial.Written all() throws IOException {
            boolean reports = TaskProgress.active(); // not in the kernel's own unit tests
            if (reports) TaskProgress.unsent(this);
            // an input's times bound its run. The clock (~30 ns a read on a VM, as much as a tiny input's own work)
            // is read after every input while time moves, and after every 2nd, 4th, ... 16th input while it shows the
            // same millisecond: the inputs between two reads share them as start and end. For tiny inputs that is
            // what a read per input would say anyway; a slow input among tiny ones makes its whole group show its time
            long now = System.currentTimeMillis(), reported = now;
            int stride = 1, groupStart = 0;
            for (int i = 0; i < n; i++) {
                starts[i] = now;
                runOne(i); // out of memory, the worker exits at once (-XX:+ExitOnOutOfMemoryError): the kernel sees it die
                finished.lazySet(i + 1);
                if (i + 1 - groupStart >= stride || i == n - 1) {
                    long t = System.currentTimeMillis();
                    stride = t == now ? Math.min(2 * stride, MAX_CLOCK_STRIDE) : 1;
                    Arrays.fill(ends, groupStart, i + 1, t);
                    groupStart = i + 1;
                    now = t;
                    if (reports && t - reported >= REPORT_EVERY_MS && i + 1 < n) {
                        reporting.lock();
                        try {
                            report(i + 1);
                        } finally {
                            reporting.unlock();
                        }
                        reported = t;
                    }
                }
            }
            return close(n);
        }

        /**
         * Runs input {@code i}, keeping its value or what it threw. Only this thread stores them: an input a runner
         * gave up on (its deadline) may still be running elsewhere, and whatever it ends with is dropped.
         */
        private void runOne(int i) {
            Object in = inputs.get(i);
            try {
                values[i] = runner == null ? compute(in) : runner.run(() -> compute(in));
            } catch (Throwable t) {
                errors[i] = ErrorReport.of(t);
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private Object compute(Object in) throws Exception {
            return switch (kind) {
                case CALL -> ((Call) fn).call();
                case FN -> ((Fn) fn).apply(in);
                case FN2 -> ((Fn2) fn).apply(((Pair) in).a(), ((Pair) in).b());
            };
        }

        /** Under {@link #reporting}: sends the results of inputs {@code sent .. upTo - 1} to the kernel now. */
        private void report(int upTo) throws IOException {
            if (closed || upTo <= sent) return;
            long t = System.currentTimeMillis();
            for (int i = sent; i < upTo; i++) if (ends[i] == 0) ends[i] = t; // between two clock reads
            TaskProgress.deliver(sent, encode(values, errors, starts, ends, sent, upTo));
            sent = upTo;
        }

        /** The task's own result: inputs {@code sent .. upTo - 1}. */
        private Serial.Written close(int upTo) {
            TaskProgress.unsent(null);
            reporting.lock();
            try {
                closed = true;
                return encode(values, errors, starts, ends, sent, upTo);
            } finally {
                reporting.unlock();
            }
        }

        @Override
        public void deliverFinished(boolean exiting) {
            try {
                // bounded: a report may print (a value's writeObject) and wait for the output stream this caller holds
                if (!reporting.tryLock(exiting ? 1000 : 50, TimeUnit.MILLISECONDS)) return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                if (reporting.getHoldCount() == 1) report(finished.get());
            } catch (IOException e) {
                // the kernel is gone
            } finally {
                reporting.unlock();
            }
        }

        @Override
        public void watch() {
            int f = finished.get();
            // the same input has been running since the watcher's last look: those before it are reported now, so
            // that a worker killed in a long input (its timeout) is not taken to have died in a finished one
            if (f == seenByWatcher && f > sent) deliverFinished(false);
            seenByWatcher = f;
        }
    }

    /**
     * Inputs {@code from .. to - 1} of a chunk's results in their wire form: compact for numbers, strings and small
     * arrays (JDK value types need no allow-list check), else Java serialization checked against the kernel's
     * allow-list, a value that may not travel failing only its own input.
     */
    static Serial.Written encode(Object[] values, ErrorReport[] errors, long[] starts, long[] ends, int from, int to) {
        if (from != 0 || to != values.length) {
            values = Arrays.copyOfRange(values, from, to);
            errors = Arrays.copyOfRange(errors, from, to);
            starts = Arrays.copyOfRange(starts, from, to);
            ends = Arrays.copyOfRange(ends, from, to);
        }
        byte[] compact = ChunkCodec.encodeResult(values, errors, starts, ends);
        if (compact != null) return new Serial.Written(compact, Set.of(), List.of());
        ChunkResult result = new ChunkResult(WorkerContext.processName(), ProcessHandle.current().pid(), values, errors, starts, ends);
        try {
            // the common case: serialized once, checked against the kernel's allow-list, sent as it is
            Serial.Written w = Serial.writeDetached(result); // big arrays travel beside it, uncopied
            if (admitted(w.classNames())) return w;
        } catch (IOException whole) {
            // some value cannot be serialized: find which below
        }
        unshippable(values, errors);
        try {
            return Serial.writeDetached(result);
        } catch (IOException e) {
            throw new UncheckedIOException("a chunk's results could not be written: " + e.getMessage(), e);
        }
    }

    /** A result that cannot be serialized or may not travel fails only its own input: each value is tried alone. */
    private static void unshippable(Object[] values, ErrorReport[] errors) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) continue;
            String why;
            try {
                why = admitted(Serial.classNames(values[i])) ? null
                        : "its type (or a type inside it) may not be sent between the kernel and a worker";
            } catch (IOException e) {
                why = Serial.explain(e);
            }
            if (why == null) continue;
            errors[i] = ErrorReport.of("jpool.ResultNotShippable", "the result (" + values[i].getClass().getName()
                    + ") cannot be sent back to the kernel: " + why);
            values[i] = null;
        }
    }

    /** Whether the kernel's allow-list admits every class in a serialized value (checked here, where it fails alone). */
    private static boolean admitted(Set<String> classNames) {
        var filter = WorkerContext.filter();
        if (filter == null) return true; // not in a worker (unit tests)
        for (String name : classNames) {
            try {
                if (!filter.allows(WorkerContext.shippedClass(name))) return false;
            } catch (ClassNotFoundException e) {
                return false;
            }
        }
        return true;
    }
}
