package jpool.eval;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JShell's in-process execution engine, extended to (1) keep the bytes of every class a cell defines, so they can
 * be shipped to worker JVMs, (2) make cell-defined classes Serializable, (3) keep the real value and the real
 * exception of the last snippet, which JShell otherwise only gives as strings, and (4) run each snippet on its own
 * thread so an interrupt can stop it (also a {@code while(true){}}).
 */
public final class CapturingExecutionControl extends DirectExecutionControl {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final ClassStore store;
    private volatile Object lastValue;
    private volatile Throwable lastException;
    private volatile Thread running;
    private volatile boolean stopRequested;
    private final Object runLock = new Object();

    CapturingExecutionControl(ClassStore store) {
        this.store = store;
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        ClassBytecodes[] prepared = new ClassBytecodes[cbcs.length];
        for (int i = 0; i < cbcs.length; i++) {
            byte[] b = cbcs[i].bytecodes();
            if (isUserType(cbcs[i].name())) b = new ClassFile(b).withInterface(Serializable.class.getName());
            b = ExitRewrite.guard(b); // System.exit and its reflective routes meet jpool's guards
            store.add(cbcs[i].name(), b);
            prepared[i] = new ClassBytecodes(cbcs[i].name(), b);
        }
        super.load(prepared);
    }

    /** A class, record or enum declared in a cell (nested in a wrapper), as opposed to the wrapper itself. */
    static boolean isUserType(String binaryName) {
        int w = binaryName.indexOf("$JShell$");
        return w >= 0 && binaryName.indexOf('$', w + "$JShell$".length()) > 0;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        lastValue = null;
        lastException = null;
        Object[] value = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                value[0] = doitMethod.invoke(null);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "jpool-cell-" + THREADS.incrementAndGet());
        synchronized (runLock) {
            // an interrupt that came while JShell compiled this snippet (or ran an earlier one of the cell) applies
            // to it: it does not start
            if (stopRequested) throw new StoppedException();
            running = t;
            t.start();
        }
        try {
            t.join();
        } finally {
            running = null;
        }
        if (stopRequested) throw new StoppedException();
        if (failure[0] instanceof InvocationTargetException ite && ite.getCause() instanceof ThreadDeath)
            throw new StoppedException();
        if (failure[0] instanceof Exception e) throw e;
        if (failure[0] instanceof Error e) throw e;
        lastValue = value[0];
        return shortValueString(value[0]);
    }

    /**
     * The value text JShell keeps for its own bookkeeping. The kernel renders values itself (from
     * {@link #lastValue()}), so big arrays are only summarised here: JShell's own rendering of a 50 MB array
     * builds a huge string and then runs regular expressions over it, which took seconds per cell.
     */
    private static String shortValueString(Object v) {
        if (v != null && v.getClass().isArray() && Array.getLength(v) > 1000)
            return v.getClass().getComponentType().getName() + "[" + Array.getLength(v) + "]";
        String s = valueString(v);
        return s.length() > 100_000 ? s.substring(0, 100_000) + "..." : s;
    }

    @Override
    @SuppressWarnings("removal")
    public void stop() {
        stop(generation);
    }

    /**
     * Stops the cell of {@code cellGeneration} ({@link #generation()}) if it is still the current one: an interrupt
     * that another part of the kernel has already served (the cell ended before this call) must not mark the next
     * cell interrupted.
     */
    public void stop(long cellGeneration) {
        synchronized (runLock) {
            if (cellGeneration != generation) return;
            stopRequested = true; // sticky until the next cell: later snippets of this cell must not start
            Thread t = running;
            if (t != null)
                t.stop(); // the only way to end a busy loop in user code; the thread is ours and dedicated to the cell
        }
    }

    @Override
    protected String throwConvertedInvocationException(Throwable cause) throws RunException, InternalException {
        lastException = cause;
        return super.throwConvertedInvocationException(cause);
    }

    @Override
    protected String throwConvertedOtherException(Throwable ex) throws RunException, InternalException {
        lastException = ex;
        return super.throwConvertedOtherException(ex);
    }

    /**
     * True when {@link #stop()} was called since {@link #clearStop()}: the current cell was interrupted (JShell itself
     * reports a stopped snippet as a success).
     */
    public boolean wasStopped() {
        return stopRequested;
    }

    /** A new cell starts: an interrupt of an earlier cell (or of an idle kernel) does not apply to it. */
    public void clearStop() {
        synchronized (runLock) {
            stopRequested = false;
            generation++;
        }
    }

    /** Which cell is current (a new number with every {@link #clearStop()}). */
    public long generation() {
        synchronized (runLock) {
            return generation;
        }
    }

    private long generation;

    /** The value the last snippet produced (null for statements and declarations without value). */
    public Object lastValue() {
        return lastValue;
    }

    /** The exception the last snippet threw, as the real object (null when it did not throw). */
    public Throwable lastException() {
        return lastException;
    }

    /** Loads a class the way cell code sees it (used to read results shipped back from workers). */
    public Class<?> classForName(String name) throws ClassNotFoundException {
        return findClass(name);
    }

    /** Provider registered with JShell.builder().executionEngine(...); remembers the engine it made. */
    static final class Provider implements ExecutionControlProvider {
        private final ClassStore store;
        private volatile CapturingExecutionControl created;

        Provider(ClassStore store) {
            this.store = store;
        }

        @Override
        public String name() {
            return "jpool-local";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            created = new CapturingExecutionControl(store);
            return created;
        }

        CapturingExecutionControl control() {
            return created;
        }
    }
}
