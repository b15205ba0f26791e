package jpool;

import com.google.gson.JsonObject;
import jpool.protocol.Cell;
import jpool.protocol.KernelBackend;
import jpool.log.KernelLog;
import jpool.workers.Workers;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The kernel while its JShell starts: JShell and its imports take most of a second, so the kernel binds its sockets
 * and answers {@code kernel_info} at once (a frontend shows the kernel as ready) while {@link JavaKernel} is built on
 * a thread of its own; the first request that needs JShell (a cell, a completion) waits for it. The first cell is not
 * delayed by this: it would have waited for JShell anyway, and now the frontend's own start overlaps with it.
 * The spare workers a first {@code new Pool()} needs start at once too, beside JShell (none with JPOOL_SPARES=0).
 */
final class StartingKernel implements KernelBackend {
    private final CompletableFuture<JavaKernel> kernel = new CompletableFuture<>();

    StartingKernel() {
        Thread t = new Thread(() -> {
            try {
                JavaKernel k = new JavaKernel();
                KernelEvents.started(); // spares warm up once the kernel has idled after JShell's start
                kernel.complete(k);
            } catch (Throwable e) {
                KernelLog.warn("JShell could not start: " + e);
                kernel.completeExceptionally(e);
            }
        }, "jpool-jshell-start");
        t.setDaemon(true);
        t.start();
        // Now rather than after the first cell: a notebook's first pool cell usually comes right after a first cell,
        // and spares started then were still starting when it asked for them (the pool waited for their JVMs). Their
        // start slows JShell's a little on a small machine; the first pool result comes sooner (bench/README.md).
        Thread spares = new Thread(Workers::prestartAtKernelStart, "jpool-prestart");
        spares.setDaemon(true);
        spares.start();
    }

    /** The started kernel; the caller waits while JShell starts. A kernel whose JShell failed cannot run cells. */
    private JavaKernel kernel() {
        try {
            return kernel.join();
        } catch (CompletionException e) {
            KernelLog.warn("exiting: JShell did not start (" + e.getCause() + ")");
            System.exit(1);
            throw e;
        }
    }

    @Override
    public JsonObject kernelInfo() {
        return JavaKernel.info();
    }

    @Override
    public ExecutionError execute(String code, Cell cell, boolean silent, boolean storeHistory) {
        return kernel().execute(code, cell, silent, storeHistory);
    }

    @Override
    public JsonObject complete(String code, int cursor) {
        return kernel().complete(code, cursor);
    }

    @Override
    public JsonObject inspect(String code, int cursor, int detailLevel) {
        return kernel().inspect(code, cursor, detailLevel);
    }

    /**
     * Answered at once even while JShell starts: a console asks this for every line typed, gives up after a second
     * and then takes the late reply as the answer to its next request. Before JShell is up, bracket balance decides.
     */
    @Override
    public JsonObject isComplete(String code) {
        JavaKernel k = startedWithin(IS_COMPLETE_WAIT_MILLIS);
        if (k != null) return k.isComplete(code);
        JsonObject o = new JsonObject();
        String status = EarlyCompleteness.of(code);
        o.addProperty("status", status);
        if ("incomplete".equals(status)) o.addProperty("indent", "    ");
        return o;
    }

    /** No cell has run before JShell is up, so the history is empty: a console's start-up request is not held. */
    @Override
    public JsonObject history(JsonObject request) {
        JavaKernel k = kernel.getNow(null);
        if (k != null) return k.history(request);
        JsonObject o = new JsonObject();
        o.addProperty("status", "ok");
        o.add("history", new com.google.gson.JsonArray());
        return o;
    }

    private static final long IS_COMPLETE_WAIT_MILLIS = 300;

    /** The kernel if JShell is up within {@code millis}, else null (a failed start is reported by the next cell). */
    private JavaKernel startedWithin(long millis) {
        try {
            return kernel.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void interrupt() {
        JavaKernel k = kernel.getNow(null);
        if (k != null) k.interrupt(); // before JShell is up no cell runs: nothing to stop
    }

    @Override
    public void shutdown(boolean restart) {
        JavaKernel k = kernel.getNow(null);
        if (k != null) k.shutdown(restart);
        else KernelEvents.fireShutdown();
    }
}
