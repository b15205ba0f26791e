package jpool.pool;

import jpool.shipping.ChunkCodec;
import jpool.shipping.ChunkTask;
import jpool.shipping.KernelClasses;
import jpool.ipc.ErrorReport;
import jpool.ipc.Serial;
import jpool.ipc.ValueRefused;
import jpool.api.NotShippable;
import jpool.workers.WorkerMain;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a pool worker's reports do to the schedule: results are decoded outside the {@link Scheduler}'s lock, then
 * counted and settled under it; a task the worker gave back goes to the queue again; a dead worker's tasks fail,
 * run again (retries) or go back to the queue. Called on the worker's reader thread.
 */
final class WorkerReports {
    private final Scheduler scheduler;

    WorkerReports(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    void onResult(PoolWorker s, long id, byte[] bytes, Object[] arrays) {
        if (id < 0) { // the initializer is done: the worker takes tasks now
            synchronized (scheduler) {
                s.initializing = false;
                scheduler.dispatch();
            }
            scheduler.flush();
            return;
        }
        received(s, id, -1, bytes, arrays);
    }

    /** Results of a running task's first inputs, ahead of its end ({@link jpool.ipc.Frame#PARTIAL}). */
    void onPartial(PoolWorker s, long id, int from, byte[] bytes, Object[] arrays) {
        received(s, id, from, bytes, arrays);
    }

    /**
     * Results of task {@code id}'s inputs from the last reported one on: a report ahead of its end ({@code from} its
     * first input's place) or its final result ({@code from} -1), which covers every input left.
     */
    private void received(PoolWorker s, long id, int from, byte[] bytes, Object[] arrays) {
        boolean last = from < 0;
        // read before taking the lock (which every worker's results and every submission need)
        ChunkTask.ChunkResult r;
        RuntimeException unreadable = null;
        ErrorReport overLimit = null; // a value over a read limit fails its task (TaskFailed naming the limit)
        try {
            r = ChunkCodec.isResult(bytes) ? ChunkCodec.decodeResult(bytes, s.name, s.worker.pid())
                    : (ChunkTask.ChunkResult) Serial.read(bytes, arrays, KernelClasses.loader(), KernelClasses.FILTER);
        } catch (ValueRefused e) {
            r = null;
            overLimit = ErrorReport.of(e.getClass().getName(), "the result could not be read in the kernel: "
                    + e.getMessage());
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            r = null;
            unreadable = new NotShippable("the result could not be read in the kernel: " + e);
        }
        int bad = 0, n = 0;
        if (r != null) {
            for (ErrorReport e : r.errors()) if (e != null) bad++;
            n = r.values().length;
        }
        TaskRecord t;
        int at;
        boolean retire = false;
        synchronized (scheduler) { // once per result: find the task, count it, free the worker, send it more
            t = s.find(id);
            if (t == null) return;
            at = t.delivered;
            if (r != null && (at + n > t.inputs.size() || (!last && from != at) || (last && at + n != t.inputs.size()))) {
                r = null;
                unreadable = new NotShippable("a worker reported results for inputs " + from + ".." + (from + n)
                        + " of a task of " + t.inputs.size() + " whose first " + at + " were reported");
            }
            if (r == null) {
                // the inputs of an unreadable report cannot be told apart: the task's remaining inputs fail with it
                // (as cancelled ones do, a later report of the task is dropped)
                n = t.inputs.size() - at;
                t.cancelled = !last || t.cancelled;
            } else if (!t.cancelled) {
                scheduler.tasksDone += n - bad;
                scheduler.tasksFailed += bad;
            }
            t.delivered = at + n;
            if (r != null && n > 0 && t.startedAt == 0) t.startedAt = r.starts()[0];
            t.progressNanos = System.nanoTime();
            if (last) {
                long ranMillis = r != null && n > 0 && !t.cancelled ? Math.max(0, r.ends()[n - 1] - t.startedAt) : 0;
                retire = scheduler.finishLocked(s, t, ranMillis);
            }
        }
        // the worker is free before the caller hears: whoever looks at the pool after a result sees it idle
        scheduler.flush();
        if (retire) scheduler.replace();
        if (r == null) {
            if (!last || !t.cancelled) fail(t, s, at, at + n, overLimit == null ? unreadable : null, overLimit);
            return;
        }
        if (t.cancelled) return; // a cancelled task already failed as such; its late value is dropped
        RuntimeException[] errors = null;
        if (bad > 0) {
            errors = new RuntimeException[n];
            for (int i = 0; i < n; i++) {
                ErrorReport e = r.errors()[i];
                if (e != null) errors[i] = t.taskFailed(at + i, e);
            }
        }
        t.batch.complete(new Batch.Ran(t.first + at, t.inputs.subList(at, at + n), r.worker(), r.pid(), r.starts(), r.ends()),
                r.values(), errors);
    }

    void onFailed(PoolWorker s, long id, ErrorReport error) {
        TaskRecord t;
        synchronized (scheduler) {
            if (id < 0) {
                scheduler.routerFor(scheduler.fallbackCell()).note(2, "initializer failed in " + s.name + ":\n" + error.trace());
                s.initializing = false;
                scheduler.dispatch();
            }
            t = id < 0 ? null : s.find(id);
        }
        if (t == null) {
            scheduler.flush();
            return;
        }
        if (t.reclaimed && !t.cancelled && WorkerMain.CANCELLED.equals(error.className())) {
            synchronized (scheduler) { // the worker skipped it as asked: another worker runs it
                s.inFlight.remove(t);
                t.started = false;
                scheduler.began(s);
                t.reclaimed = false;
                t.attempts--;
                if (scheduler.state != Scheduler.State.TERMINATE) {
                    scheduler.pending.addFirst(t);
                    scheduler.dispatch();
                }
            }
            scheduler.flush();
            return;
        }
        boolean retire;
        synchronized (scheduler) { // the worker is free before the caller hears, as for a result
            retire = scheduler.finishLocked(s, t, 0);
        }
        scheduler.flush();
        if (retire) scheduler.replace();
        if (!t.cancelled) fail(t, s, t.delivered, t.inputs.size(), null, error);
    }

    /**
     * A worker ended. The input it was running fails with {@link WorkerDied} (or runs again, with retries); inputs
     * it had finished were reported already, and those it had not begun (the rest of its chunk, the tasks queued
     * behind it) go back to the front of the queue, in order, for other workers.
     */
    void onExit(PoolWorker s, int code) {
        TaskRecord died = null;
        int diedAt = 0;
        boolean wasRetiring;
        synchronized (scheduler) {
            List<TaskRecord> requeue = new ArrayList<>();
            boolean terminating = scheduler.state == Scheduler.State.TERMINATE;
            for (TaskRecord t : s.inFlight) {
                if (t.cancelled) continue;
                int running = t.delivered;
                if (!t.started) {
                    t.attempts--;
                    t.reclaimed = false;
                    requeue.add(t);
                } else if (t.timedOut == null && t.attempts <= scheduler.retries && !terminating) {
                    t.started = false;
                    requeue.add(running == 0 ? t : t.rest(running)); // run it again on another worker
                } else {
                    died = t;
                    diedAt = running;
                    if (running + 1 < t.inputs.size()) {
                        TaskRecord rest = t.rest(running + 1);
                        rest.attempts--; // those never ran: their next start is not a retry
                        requeue.add(rest);
                    }
                }
            }
            s.inFlight.clear();
            if (!terminating) for (int i = requeue.size() - 1; i >= 0; i--) scheduler.pending.addFirst(requeue.get(i));
            wasRetiring = s.retiring;
            scheduler.removeSlot(s);
        }
        if (died != null) {
            boolean apply = "apply".equals(died.batch.label);
            String why = died.timedOut != null
                    ? s.name + " was killed because " + (apply ? "the task" : "input " + Pool.show(died.inputs.get(diedAt)))
                      + " ran longer than its timeout of " + died.timedOut.toMillis() / 1000.0 + " s"
                    : s.name + " (pid " + s.worker.pid() + ") died while running " + (apply ? "this task" : "input "
                      + Pool.show(died.inputs.get(diedAt))) + ": " + WorkerDied.describe(code);
            fail(died, s, diedAt, diedAt + 1, new WorkerDied(why, s.name, code), null);
        }
        if (!wasRetiring) scheduler.replace(); // a retiring worker's successor was started when it retired
        synchronized (scheduler) {
            scheduler.dispatch(); // the tasks it had queued go to the other workers meanwhile
        }
        scheduler.flush();
    }

    /** Fails inputs {@code from .. to - 1} of {@code t} with {@code error}, or with {@code remote} as thrown there. */
    private void fail(TaskRecord t, PoolWorker s, int from, int to, RuntimeException error, ErrorReport remote) {
        if (from >= to) return;
        RuntimeException[] errors = new RuntimeException[to - from];
        for (int i = 0; i < errors.length; i++) errors[i] = error != null ? error : t.taskFailed(from + i, remote);
        t.batch.complete(Scheduler.ran(t, s, from, to), null, errors);
        scheduler.countFailed(errors.length);
    }
}
