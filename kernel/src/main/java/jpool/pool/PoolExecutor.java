package jpool.pool;

import jpool.ipc.Delivery;
import jpool.shipping.Shipment;
import jpool.workers.WorkerListener;

import java.io.IOException;

/**
 * Where a pool's workers run. A {@link Pool} asks its executor for every worker it starts, replacements included,
 * as CPython's {@code Pool.Process} and the JDK's {@code ThreadFactory} are asked; the pool's scheduler decides
 * what each worker runs. {@link LocalJvmExecutor} (worker JVMs on this machine) is the default.
 */
public interface PoolExecutor {
    /**
     * Starts a worker called {@code name}, whose reports go to {@code events} from the start on; blocks until it
     * can take tasks. Throws (e.g. {@link jpool.workers.WorkerStartFailed}) when it cannot be started.
     */
    Worker start(String name, WorkerListener events);

    /** A started worker, as the scheduler drives it. It runs the tasks it is sent one at a time, in order. */
    interface Worker {
        /** Its process id (or another number that tells it apart in status displays). */
        long pid();

        /**
         * Sends task {@code taskId} ({@code -1}: the pool's initializer), to run after those sent before.
         *
         * @param delivery when the frame must leave (a hint: {@link Delivery#NOW} is always correct)
         */
        void send(long taskId, String name, Shipment task, Delivery delivery) throws IOException;

        /** Asks the worker to skip task {@code taskId} if it has not begun it; it then reports it failed as cancelled. */
        void cancel(long taskId);

        /** Asks the worker to exit once its current task is done. */
        void quit();

        /** Ends the worker now; its listener hears {@link WorkerListener#exited} as for any other end. */
        void kill();
    }
}
