package jpool.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every class JShell has defined in this kernel, in definition order, as the exact bytes the kernel loaded.
 * JShell never redefines a loaded class in local mode (a changed snippet gets a new wrapper class name), so a name
 * always maps to one class and a worker can be sent just the classes it has not seen yet.
 */
public final class ClassStore {
    private final List<Map.Entry<String, byte[]>> ordered = new ArrayList<>();
    private final Map<String, byte[]> byName = new LinkedHashMap<>();

    synchronized void add(String name, byte[] bytes) {
        if (byName.put(name, bytes) == null) ordered.add(Map.entry(name, bytes));
    }

    /** How many classes have been defined so far; a worker remembers this to ask only for newer ones. */
    public synchronized int size() {
        return ordered.size();
    }

    /** The classes defined since the first {@code from} ones, in definition order. */
    public synchronized List<Map.Entry<String, byte[]>> since(int from) {
        return new ArrayList<>(ordered.subList(Math.min(from, ordered.size()), ordered.size()));
    }

    /** The bytes of one class, or null when JShell never defined it. */
    public synchronized byte[] bytes(String name) {
        return byName.get(name);
    }
}
