package jpool.pool;

import jpool.ipc.Serial;
import jpool.workers.WorkerMain;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A task's function as the bytes it was serialized to once. Most notebook functions are lambdas that capture
 * nothing (top-level variables they read travel in the state snapshot), so one serialized form serves every call:
 * the kernel serializes such a lambda once, and a worker deserializes each distinct one once. Serializing and
 * deserializing a lambda (its class descriptors, its method-handle lookup) was most of the cost of a small task.
 */
record ShippedFn(byte[] bytes) implements Serializable {
    /** Kernel side: serialized forms of capture-free lambda classes (one instance per class, so the class is the key). */
    private static final Map<Class<?>, Serial.Written> WRITTEN = new ConcurrentHashMap<>();
    /** Worker side: functions already deserialized, by their bytes; bounded, least recently used out first. */
    private static final Map<ByteBuffer, Object> RESOLVED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Object> eldest) {
            return size() > 64;
        }
    };

    /** What goes into a task in place of {@code fn}, and its serialized form when one was cached (else null). */
    record Prepared(Serializable form, Serial.Written written) {
    }

    /**
     * A capture-free lambda travels as {@code ShippedFn}; anything else (a lambda holding captured values, which
     * may be mutable objects, or an instance of a class) is serialized afresh with every task, as before.
     */
    static Prepared prepare(Serializable fn) {
        Class<?> c = fn.getClass();
        Serial.Written w = WRITTEN.get(c); // first: getDeclaredFields copies an array on every call
        if (w != null) return new Prepared(new ShippedFn(w.bytes()), w);
        if (!c.isHidden() || c.getDeclaredFields().length != 0) return new Prepared(fn, null);
        try {
            w = Serial.write(fn);
        } catch (IOException e) {
            return new Prepared(fn, null); // the task's own serialization reports it, with the usual message
        }
        WRITTEN.put(c, w);
        return new Prepared(new ShippedFn(w.bytes()), w);
    }

    /** Worker side: the function, deserialized once per distinct bytes. */
    Object resolve() throws IOException, ClassNotFoundException {
        ByteBuffer key = ByteBuffer.wrap(bytes);
        synchronized (RESOLVED) {
            Object f = RESOLVED.get(key);
            if (f != null) return f;
        }
        ClassLoader loader = WorkerMain.loader() != null ? WorkerMain.loader() : ShippedFn.class.getClassLoader();
        java.io.ObjectInputFilter filter = WorkerMain.shipFilter() != null ? WorkerMain.shipFilter()
                : info -> java.io.ObjectInputFilter.Status.UNDECIDED; // not in a worker (unit tests)
        Object f = Serial.read(bytes, loader, filter);
        synchronized (RESOLVED) {
            RESOLVED.put(key, f);
        }
        return f;
    }
}
