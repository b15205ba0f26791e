package jpool;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Tells whether a cell left threads running (a {@code new Thread(...)}, an executor), whose output may arrive after
 * the cell finished. The kernel's own helper threads and the shared fork-join pool do not count.
 */
final class BackgroundThreads {

    private BackgroundThreads() {
    }

    /**
     * The live threads of the calling (shell) thread's group and its subgroups: where cells and the threads they start
     * live. The JDK's own helpers (process reaper, cleaner, common fork-join pool under a security manager) run in
     * the system group and are left out.
     */
    static Set<Thread> snapshot() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        Thread[] all = new Thread[group.activeCount() + 16];
        int n;
        while ((n = group.enumerate(all, true)) == all.length) all = new Thread[all.length * 2];
        return new HashSet<>(Arrays.asList(all).subList(0, n));
    }

    /** True when a thread that was not running at {@code before} is alive now and may still print. */
    static boolean startedSince(Set<Thread> before) {
        for (Thread t : snapshot()) {
            if (before.contains(t) || !t.isAlive() || isKernelThread(t)) continue;
            return true;
        }
        return false;
    }

    /**
     * jpool's own helper threads (a pool's starters and callback runner, worker channel readers, display timers),
     * all named "jpool-...": their output, if any, is accounted for by whoever started the work (a Proc, a Pool).
     */
    private static boolean isKernelThread(Thread t) {
        if (t.getName().startsWith("jpool-")) return true;
        return t instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool();
    }
}
