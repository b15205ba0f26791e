package jpool.shipping;

import jpool.ipc.Serial;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A task's function as the bytes it was serialized to once. Most notebook functions are lambdas that capture
 * nothing (top-level variables they read travel in the state snapshot), so one serialized form serves every call:
 * the kernel serializes such a lambda once, and a worker deserializes each distinct one once. Serializing and
 * deserializing a lambda (its class descriptors, its method-handle lookup) was most of the cost of a small task.
 */
public record ShippedFn(long id, byte[] bytes) implements Serializable {
    /**
     * Kernel side: each capture-free lambda class (one instance per class, so the class is the key) prepared once:
     * its shipped form and the serialized form behind it (its classes and lambdas: the code it runs).
     */
    private static final Map<Class<?>, Prepared> PREPARED = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    /**
     * Worker side: functions already deserialized, by id (unique in the kernel that sent them, and a worker has one
     * kernel); bounded, least recently used out first.
     */
    private static final Map<Long, Object> RESOLVED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Object> eldest) {
            return size() > 64;
        }
    };

    /**
     * Worker side: every function the kernel sent ahead of its tasks ({@link jpool.ipc.Frame#FUNCTION}), by id. Kept
     * for the worker's life (a few hundred bytes each; their classes stay loaded anyway), so a task never names
     * one the worker has dropped.
     */
    private static final Map<Long, byte[]> KNOWN = new ConcurrentHashMap<>();

    /** What goes into a task in place of {@code fn}, and its serialized form when one was cached (else null). */
    public record Prepared(Serializable form, Serial.Written written) {
    }

    /**
     * A capture-free lambda travels as {@code ShippedFn}; anything else (a lambda holding captured values, which
     * may be mutable objects, or an instance of a class) is serialized afresh with every task, as before.
     */
    public static Prepared prepare(Serializable fn) {
        Class<?> c = fn.getClass();
        Prepared known = PREPARED.get(c); // first: getDeclaredFields copies an array on every call
        if (known != null) return known;
        if (!c.isHidden() || c.getDeclaredFields().length != 0) return new Prepared(fn, null);
        Serial.Written w;
        try {
            w = Serial.write(fn);
        } catch (IOException e) {
            return new Prepared(fn, null); // the task's own serialization reports it, with the usual message
        }
        Prepared p = new Prepared(new ShippedFn(IDS.incrementAndGet(), w.bytes()), w);
        PREPARED.put(c, p);
        return p;
    }

    /** Kernel side: what the worker is sent once, before the first task naming this function. */
    public Shipment.Function function() {
        return new Shipment.Function(id, bytes);
    }

    /** Worker side: keeps a function the kernel sent ahead of its tasks. */
    static void learn(long id, byte[] bytes) {
        KNOWN.put(id, bytes);
    }

    /** Worker side: the function a compact task names by id (its bytes were sent before, see {@link #learn}). */
    static ShippedFn known(long id) {
        return new ShippedFn(id, null);
    }

    /** Worker side: the function, deserialized once per id. */
    Object resolve() throws IOException, ClassNotFoundException {
        synchronized (RESOLVED) {
            Object f = RESOLVED.get(id);
            if (f != null) return f;
        }
        byte[] bytes = this.bytes != null ? this.bytes : KNOWN.get(id);
        if (bytes == null) throw new StreamCorruptedException("function " + id + " was never sent to this worker");
        ClassLoader loader = WorkerContext.loader();
        ObjectInputFilter filter = WorkerContext.filter() != null ? WorkerContext.filter()
                : info -> ObjectInputFilter.Status.UNDECIDED; // not in a worker (unit tests)
        Object f = Serial.read(bytes, loader, filter);
        synchronized (RESOLVED) {
            RESOLVED.put(id, f);
        }
        return f;
    }
}
