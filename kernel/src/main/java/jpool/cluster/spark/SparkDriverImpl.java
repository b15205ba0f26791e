package jpool.cluster.spark;

import jpool.cluster.bridge.SparkDriver;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.status.api.v1.ExecutorSummary;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/** The SparkContext behind a cluster pool; defined in Spark's class loader (see {@link SparkDriver}). */
public final class SparkDriverImpl implements SparkDriver {
    private SparkContext sc;
    private JavaSparkContext jsc;
    private final CountDownLatch firstExecutor = new CountDownLatch(1);

    /** Made by reflection in the kernel, in Spark's class loader. */
    public SparkDriverImpl() {
    }

    @Override
    public void start(Map<String, String> conf) {
        SparkConf c = new SparkConf(false);
        conf.forEach(c::set);
        withOwnLoader(() -> {
            sc = new SparkContext(c);
            jsc = new JavaSparkContext(sc);
            sc.addSparkListener(new SparkListener() {
                @Override
                public void onExecutorAdded(SparkListenerExecutorAdded added) {
                    firstExecutor.countDown();
                }
            });
        });
        if (!sc.statusStore().executorList(true).filter(e -> !"driver".equals(e.id())).isEmpty()) firstExecutor.countDown();
    }

    @Override
    public boolean awaitExecutor(double seconds) throws InterruptedException {
        return firstExecutor.await((long) (seconds * 1000), TimeUnit.MILLISECONDS);
    }

    @Override
    public String uiUrl() {
        return sc.uiWebUrl().isDefined() ? sc.uiWebUrl().get() : null;
    }

    @Override
    public String applicationId() {
        return sc.applicationId();
    }

    @Override
    public CompletableFuture<Void> submit(String group, String description, byte[] shared, List<Object[]> partitions,
                                          BiConsumer<Long, Object[]> onPartition) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        int n = partitions.size();
        List<Object> indices = new ArrayList<>(n);
        for (int i = 0; i < n; i++) indices.add(i);
        withOwnLoader(() -> {
            RDD<Object[]> rdd = jsc.parallelize(partitions, n).rdd();
            org.apache.spark.SimpleFutureAction<BoxedUnit> job;
            synchronized (this) { // the job group is a property of the submitting thread
                sc.setJobGroup(group, description, true);
                try {
                    job = sc.submitJob(rdd, new RunPartition(shared),
                            scala.jdk.javaapi.CollectionConverters.asScala(indices).toSeq(),
                            new AbstractFunction2<Object, Object[], BoxedUnit>() {
                                @Override
                                public BoxedUnit apply(Object index, Object[] result) {
                                    onPartition.accept((Long) result[0], result);
                                    return BoxedUnit.UNIT;
                                }
                            },
                            new AbstractFunction0<BoxedUnit>() {
                                @Override
                                public BoxedUnit apply() {
                                    return BoxedUnit.UNIT;
                                }
                            });
                } finally {
                    sc.clearJobGroup();
                }
            }
            Thread waiter = new Thread(() -> {
                try {
                    job.get();
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }, "jpool-spark-job-" + group);
            waiter.setDaemon(true);
            waiter.start();
        });
        return done;
    }

    @Override
    public void cancelGroup(String group) {
        sc.cancelJobGroup(group);
    }

    /**
     * Spark's own kill-and-replace (private[spark] in Scala, public in the bytecode; what Spark itself uses for an
     * executor whose task it cannot kill): it kills the executor without lowering the application's executor
     * target, so a standalone master starts a new one at once on the freed cores. {@code killExecutor} alone lowers
     * the target (no replacement), and following it with {@code requestExecutors} races the master's bookkeeping.
     */
    @Override
    public boolean replaceExecutor(String executorId) {
        if (sc == null || sc.isStopped()) return false;
        boolean[] asked = new boolean[1];
        withOwnLoader(() -> asked[0] = sc.killAndReplaceExecutor(executorId));
        return asked[0];
    }

    @Override
    public void addJar(String path) {
        withOwnLoader(() -> sc.addJar(path));
    }

    @Override
    public List<Object[]> executors() {
        List<Object[]> rows = new ArrayList<>();
        if (sc == null || sc.isStopped()) return rows;
        for (ExecutorSummary e : scala.jdk.javaapi.CollectionConverters.asJava(sc.statusStore().executorList(true))) {
            if ("driver".equals(e.id())) continue;
            String host = e.hostPort().contains(":") ? e.hostPort().substring(0, e.hostPort().lastIndexOf(':')) : e.hostPort();
            rows.add(new Object[]{e.id(), host, e.totalCores(), e.activeTasks(), e.completedTasks() + e.failedTasks(),
                    e.memoryUsed(), e.maxMemory()});
        }
        return rows;
    }

    @Override
    public void stop() {
        if (sc != null) withOwnLoader(sc::stop);
    }

    /** Spark finds its own classes (serializers, RPC) through the thread's context loader. */
    private void withOwnLoader(Runnable r) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(SparkDriverImpl.class.getClassLoader());
        try {
            r.run();
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
