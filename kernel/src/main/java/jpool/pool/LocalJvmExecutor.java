package jpool.pool;

import jpool.ipc.Delivery;
import jpool.shipping.Shipment;
import jpool.workers.WorkerHandle;
import jpool.workers.WorkerListener;
import jpool.workers.Workers;

import java.io.IOException;

/** Runs a pool's workers as JVMs on this machine, started (or taken from the spares) by {@link Workers}. */
public final class LocalJvmExecutor implements PoolExecutor {
    /** The executor every pool uses unless it is given another. */
    public static final LocalJvmExecutor INSTANCE = new LocalJvmExecutor();

    private LocalJvmExecutor() {
    }

    @Override
    public Worker start(String name, WorkerListener events) {
        return new LocalWorker(Workers.startPoolWorker(events));
    }

    /** A worker JVM seen through its handle. */
    private record LocalWorker(WorkerHandle handle) implements Worker {
        @Override
        public long pid() {
            return handle.pid();
        }

        @Override
        public void send(long taskId, String name, Shipment task, Delivery delivery) throws IOException {
            handle.run(taskId, name, false, task, delivery);
        }

        @Override
        public void cancel(long taskId) {
            handle.cancel(taskId);
        }

        @Override
        public void quit() {
            handle.quit();
            Workers.prestartSpare(); // the pool is closing: the spares it took are replaced now, for the next pool
        }

        @Override
        public void kill() {
            handle.kill();
        }
    }
}
