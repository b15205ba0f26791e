package jpool.cluster.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;

/**
 * A Spark task: runs the one jpool chunk of its partition in the executor ({@link jpool.workers.EmbeddedWorker}).
 * Serialized once per job with what every chunk of the job needs ({@code shared}).
 */
final class RunPartition extends AbstractFunction1<Iterator<Object[]>, Object[]> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] shared;

    RunPartition(byte[] shared) {
        this.shared = shared;
    }

    @Override
    public Object[] apply(Iterator<Object[]> partition) {
        Object[] chunk = partition.next();
        SparkEnv env = SparkEnv.get();
        String executor = env.executorId();
        String host = env.blockManager().blockManagerId().host();
        TaskContext tc = TaskContext.get();
        String tag = "executor " + executor + " @ " + host + (tc.attemptNumber() > 0 ? " attempt " + (tc.attemptNumber() + 1) : "");
        return jpool.workers.EmbeddedWorker.run(shared, chunk, executor, host, tag);
    }
}
