package jpool.sharing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entries of a {@link SharedMap}, in insertion order. Keys and values are copies (they crossed a process
 * boundary, or were copied on the way in from the kernel); every operation is atomic under the map's monitor.
 */
final class MapCore implements Core {
    private final Map<Object, Object> map = new LinkedHashMap<>();

    @Override
    public synchronized Reply apply(String op, Args a, String caller, boolean mayWait) {
        return switch (op) {
            case "put" -> Reply.of(map.put(a.get(0), a.get(1)));
            case "get" -> Reply.of(map.get(a.get(0)));
            case "getOrDefault" -> Reply.of(map.getOrDefault(a.get(0), a.get(1)));
            case "putIfAbsent" -> Reply.of(map.putIfAbsent(a.get(0), a.get(1)));
            case "remove" -> Reply.of(map.remove(a.get(0)));
            case "containsKey" -> Reply.of(map.containsKey(a.get(0)));
            case "add" -> Reply.of(add(a.get(0), (Number) a.get(1)));
            case "putAll" -> {
                map.putAll((Map<?, ?>) a.get(0));
                yield Reply.NONE;
            }
            case "size" -> Reply.of(map.size());
            case "clear" -> {
                map.clear();
                yield Reply.NONE;
            }
            case "keys" -> Reply.of(new ArrayList<>(map.keySet()));
            case "snapshot" -> Reply.of(new LinkedHashMap<>(map));
            default -> throw new UnsupportedOperationException("map operation " + op);
        };
    }

    /** Adds to a numeric entry (missing counts as 0) in the type of the delta; returns the new value. */
    private Number add(Object key, Number delta) {
        Object old = map.getOrDefault(key, 0);
        if (!(old instanceof Number n))
            throw new IllegalStateException("add(" + key + ", ...) needs a number, but the entry is " + old.getClass().getName());
        Number sum;
        if (delta instanceof Double || delta instanceof Float || n instanceof Double || n instanceof Float)
            sum = n.doubleValue() + delta.doubleValue();
        else if (delta instanceof Long || n instanceof Long) sum = n.longValue() + delta.longValue();
        else sum = Math.addExact(n.intValue(), delta.intValue());
        map.put(key, sum);
        return sum;
    }

    @Override
    public synchronized void discard() {
        map.clear();
    }

    @Override
    public synchronized String describe() {
        return map.toString();
    }
}
