package jpool.pool;

import jpool.api.Fn;
import jpool.pool.FakeExecutor.FakeWorker;
import jpool.shipping.ChunkTask;
import jpool.shipping.Shipment;
import jpool.shipping.ShippedFn;
import jpool.shipping.StateSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The scheduler driven with fake workers: which worker is sent which task, what a result, a take-back, a death or a
 * timeout does to the queue and to the call's outcomes. Nothing here runs a JVM or waits for a clock to pass.
 */
class SchedulerTest {
    private static final Shipment NOTHING = new Shipment(new byte[0], new StateSnapshot(0, new byte[4], List.of()));
    private static final Fn<Object, Object> IDENTITY = x -> x;
    private static final ShippedFn.Prepared FN = new ShippedFn.Prepared(IDENTITY, null);

    private final FakeExecutor executor = new FakeExecutor();
    private Scheduler scheduler;

    private List<FakeWorker> start(int n) throws InterruptedException {
        return start(n, 0);
    }

    private List<FakeWorker> start(int n, int maxTasksPerChild) throws InterruptedException {
        scheduler = new Scheduler("Pool-test", executor, null, maxTasksPerChild);
        scheduler.startWorkers(n);
        for (int i = 0; i < n; i++) executor.nextStarted();
        List<FakeWorker> workers = new ArrayList<>();
        synchronized (scheduler) { // in the scheduler's order (they start in parallel, so in any order)
            for (PoolWorker s : scheduler.slots) workers.add((FakeWorker) s.worker);
        }
        return workers;
    }

    @AfterEach
    void stop() {
        if (scheduler != null) scheduler.terminate();
    }

    /** A call of one task per element of {@code chunks}, each a chunk of inputs; returns the tasks, queued. */
    private List<TaskRecord> submit(Batch b, List<List<Object>> chunks) {
        List<TaskRecord> tasks = new ArrayList<>();
        for (List<Object> chunk : chunks)
            tasks.add(new TaskRecord(b, b.add(chunk.size()), new ArrayList<>(chunk), NOTHING, FN, ChunkTask.Kind.FN));
        scheduler.enqueue(tasks);
        b.seal(null);
        return tasks;
    }

    private static List<Object> values(Batch b) throws Exception {
        return b.all.get(FakeExecutor.WAIT_SECONDS, TimeUnit.SECONDS).valuesOrThrow();
    }

    private static Outcome<Object> outcome(Batch b, int index) throws Exception {
        return b.item(index).get(FakeExecutor.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void tasksGoOneToEachWorkerThenToWhicheverWorkerAnswers() throws Exception {
        List<FakeWorker> w = start(2);
        Batch b = new Batch(null, "map");
        List<TaskRecord> t = submit(b, List.of(List.of("a"), List.of("b"), List.of("c"), List.of("d")));
        assertEquals(t.get(0).id, w.get(0).nextSent(), "the first task goes to the first worker");
        assertEquals(t.get(1).id, w.get(1).nextSent(), "the second to the second: one at a time while task times are unknown");
        assertFalse(w.get(0).hasUnread() || w.get(1).hasUnread(), "the rest wait in the pool's queue");

        w.get(1).answer(t.get(1).id, 100, "B"); // the second worker finishes first: it gets the next task
        assertEquals(t.get(2).id, w.get(1).nextSent());
        w.get(0).answer(t.get(0).id, 100, "A");
        assertEquals(t.get(3).id, w.get(0).nextSent());
        w.get(0).answer(t.get(3).id, 100, "D");
        w.get(1).answer(t.get(2).id, 100, "C");
        assertEquals(List.of("A", "B", "C", "D"), values(b), "values in input order, whatever the order of answers");
        assertEquals(4, scheduler.status().done());
    }

    @Test
    void shortTasksQueueAheadInWorkersAndAFreeWorkerTakesBackOneWaitingElsewhere() throws Exception {
        List<FakeWorker> w = start(2);
        Batch warm = new Batch(null, "map");
        TaskRecord first = submit(warm, List.of(List.of("warm"))).get(0);
        assertEquals(first.id, w.get(0).nextSent());
        w.get(0).answer(first.id, 1, "WARM"); // tasks take 1 ms: workers may now hold several

        Batch b = new Batch(null, "map");
        List<TaskRecord> t = submit(b, List.of(List.of("a"), List.of("b"), List.of("c"), List.of("d")));
        assertEquals(List.of(t.get(0).id, t.get(2).id), List.of(w.get(0).nextSent(), w.get(0).nextSent()),
                "level by level: each worker gets one, then each a second");
        assertEquals(List.of(t.get(1).id, t.get(3).id), List.of(w.get(1).nextSent(), w.get(1).nextSent()));

        w.get(1).answer(t.get(1).id, 1, "B");
        w.get(1).answer(t.get(3).id, 1, "D");
        assertEquals(List.of(t.get(2).id), w.get(0).cancelled,
                "the idle worker asks back the task waiting behind the first worker's running one");
        w.get(0).skipped(t.get(2).id);
        assertEquals(t.get(2).id, w.get(1).nextSent(), "the task given back runs on the free worker");
        w.get(1).answer(t.get(2).id, 1, "C");
        w.get(0).answer(t.get(0).id, 1, "A");
        assertEquals(List.of("A", "B", "C", "D"), values(b));
        assertEquals(0, scheduler.status().failed(), "a task taken back is not a failure");
    }

    @Test
    void aWorkerThatDiesFailsTheInputItRanAndTheRestOfItsChunkRunsOnItsReplacement() throws Exception {
        FakeWorker w = start(1).get(0);
        Batch b = new Batch(null, "map");
        TaskRecord t = submit(b, List.of(List.of("a", "b", "c"))).get(0);
        assertEquals(t.id, w.nextSent());
        w.partial(t.id, 0, 5, "A"); // input a is done and reported; b is running
        w.exit(137);

        Outcome<Object> died = outcome(b, 1);
        WorkerDied e = assertInstanceOf(WorkerDied.class, died.error());
        assertEquals(137, e.exitCode());
        assertTrue(e.getMessage().contains("died while running input b"), e.getMessage());

        FakeWorker replacement = executor.nextStarted();
        long rest = replacement.nextSent();
        assertNotEquals(t.id, rest, "the inputs never begun travel as a task of their own");
        replacement.answer(rest, 5, "C");
        assertEquals("A", outcome(b, 0).value(), "the reported input keeps its value");
        assertEquals("C", outcome(b, 2).value());
        assertEquals(1, scheduler.status().failed());
    }

    @Test
    void withRetriesATaskWhoseWorkerDiedRunsAgainOnTheReplacement() throws Exception {
        FakeWorker w = start(1).get(0);
        scheduler.retries = 1;
        Batch b = new Batch(null, "apply");
        TaskRecord t = submit(b, List.of(List.of("x"))).get(0);
        assertEquals(t.id, w.nextSent());
        w.exit(-9);

        FakeWorker replacement = executor.nextStarted();
        assertEquals(t.id, replacement.nextSent(), "the same task, sent again");
        replacement.answer(t.id, 5, "X");
        assertEquals(List.of("X"), values(b));
        assertEquals(0, scheduler.status().failed());
    }

    @Test
    void theRetriesRunOutAndThenTheTaskFails() throws Exception {
        FakeWorker w = start(1).get(0);
        scheduler.retries = 1;
        Batch b = new Batch(null, "apply");
        TaskRecord t = submit(b, List.of(List.of("x"))).get(0);
        assertEquals(t.id, w.nextSent());
        w.exit(1);
        FakeWorker second = executor.nextStarted();
        assertEquals(t.id, second.nextSent());
        second.exit(1);
        assertInstanceOf(WorkerDied.class, outcome(b, 0).error(), "two deaths with one retry");
    }

    @Test
    void aTaskOverItsTimeoutHasItsWorkerKilledAndFailsSaying() throws Exception {
        FakeWorker w = start(1).get(0);
        scheduler.timeout = Duration.ofMillis(20);
        Batch b = new Batch(null, "map");
        TaskRecord t = submit(b, List.of(List.of("slow"))).get(0);
        assertEquals(t.id, w.nextSent());
        w.awaitKilled(); // the worker never answers: the watchdog kills it
        w.exit(-9);
        RuntimeException e = outcome(b, 0).error();
        assertInstanceOf(WorkerDied.class, e);
        assertTrue(e.getMessage().contains("ran longer than its timeout of 0.02 s"), e.getMessage());
        assertNotNull(executor.nextStarted(), "the killed worker is replaced");
    }

    @Test
    void aTaskThatThrowsFailsAloneAndItsWorkerCarriesOn() throws Exception {
        FakeWorker w = start(1).get(0);
        Batch b = new Batch(null, "map");
        List<TaskRecord> t = submit(b, List.of(List.of(1), List.of(0)));
        assertEquals(t.get(0).id, w.nextSent());
        w.fail(t.get(0).id, "java.lang.ArithmeticException", "/ by zero");
        assertEquals(t.get(1).id, w.nextSent(), "the same worker takes the next task");
        w.answer(t.get(1).id, 1, "fine");
        TaskFailed e = assertInstanceOf(TaskFailed.class, outcome(b, 0).error());
        assertEquals(1, e.input());
        assertTrue(e.getMessage().contains("ArithmeticException: / by zero"), e.getMessage());
        assertEquals("fine", outcome(b, 1).value());
        assertTrue(executor.started.isEmpty(), "no worker was replaced");
    }

    @Test
    void aWorkerRetiresAfterItsMaxTasksAndItsSuccessorRunsTheRest() throws Exception {
        FakeWorker w = start(1, 1).get(0);
        Batch b = new Batch(null, "map");
        List<TaskRecord> t = submit(b, List.of(List.of("a"), List.of("b")));
        assertEquals(t.get(0).id, w.nextSent());
        assertFalse(w.hasUnread(), "a worker with one task to go gets no second one");
        w.answer(t.get(0).id, 1, "A");
        assertTrue(w.quit, "told to exit after its one task");
        FakeWorker successor = executor.nextStarted();
        assertEquals(t.get(1).id, successor.nextSent());
        successor.answer(t.get(1).id, 1, "B");
        w.exit(0); // the retired worker exits: nothing of the call fails
        assertEquals(List.of("A", "B"), values(b));
        assertEquals(0, scheduler.status().failed());
    }

    @Test
    void terminateCancelsQueuedAndRunningTasksAndKillsTheWorkers() throws Exception {
        FakeWorker w = start(1).get(0);
        Batch b = new Batch(null, "map");
        submit(b, List.of(List.of("a"), List.of("b")));
        w.nextSent();
        scheduler.terminate();
        w.awaitKilled();
        assertInstanceOf(CancellationException.class, outcome(b, 0).error());
        assertInstanceOf(CancellationException.class, outcome(b, 1).error());
        assertThrows(IllegalStateException.class, () -> submit(new Batch(null, "map"), List.of(List.of("late"))));
        scheduler = null;
    }
}
