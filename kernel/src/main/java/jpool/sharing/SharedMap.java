package jpool.sharing;

import jpool.display.Html;
import jpool.display.Rich;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A map kept in the kernel that every process reads and changes, like a {@code Manager().dict()} proxy in Python.
 * Each method is one atomic step in the kernel; a read-modify-write of several calls is not, so use
 * {@link #add(Object, Number)} for counters or hold an {@link MpLock}. Keys and values are copies: changing an
 * object after putting it changes nothing in the map, and {@link #get} returns a fresh copy.
 * Not a {@link Map}: {@link #snapshot()} gives one.
 */
public class SharedMap<K, V> extends SharedHandle implements Rich {
    private static final long serialVersionUID = 1L;

    /** A new, empty shared map (see also {@link Manager#map()}). */
    public SharedMap() {
        super("map");
    }

    /** A new shared map holding a copy of {@code initial}'s entries (Python: {@code manager.dict({"a": 1})}). */
    public SharedMap(Map<? extends K, ? extends V> initial) {
        this();
        if (!initial.isEmpty()) putAll(initial);
    }

    /** Sets the value of {@code key}; returns the previous value or null. */
    @SuppressWarnings("unchecked")
    public V put(K key, V value) {
        return (V) call("put", key, value);
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(K key) {
        return (V) call("get", key);
    }

    /** The value of {@code key}, or {@code otherwise} when there is none. */
    @SuppressWarnings("unchecked")
    public V getOrDefault(K key, V otherwise) {
        return (V) call("getOrDefault", key, otherwise);
    }

    /** Sets the value only if {@code key} has none; returns the value it had (null if it was set now). */
    @SuppressWarnings("unchecked")
    public V putIfAbsent(K key, V value) {
        return (V) call("putIfAbsent", key, value);
    }

    /** Removes {@code key}; returns its value or null. */
    @SuppressWarnings("unchecked")
    public V remove(K key) {
        return (V) call("remove", key);
    }

    /** Whether {@code key} has a value. */
    public boolean containsKey(K key) {
        return (Boolean) call("containsKey", key);
    }

    /** Atomically adds {@code delta} to a numeric value (missing counts as 0) and returns the new value. */
    public Number add(K key, Number delta) {
        return (Number) call("add", key, delta);
    }

    /** Copies every entry of {@code entries} into the map, in one step. */
    public void putAll(Map<? extends K, ? extends V> entries) {
        call("putAll", new LinkedHashMap<>(entries));
    }

    /** Number of entries. */
    public int size() {
        return (Integer) call("size");
    }

    /** Whether the map has no entries. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** Removes every entry. */
    public void clear() {
        call("clear");
    }

    /** The keys, in insertion order. */
    @SuppressWarnings("unchecked")
    public List<K> keys() {
        return (List<K>) call("keys");
    }

    /** A copy of all entries at one moment, in insertion order, as an ordinary map. */
    @SuppressWarnings("unchecked")
    public Map<K, V> snapshot() {
        return (Map<K, V>) call("snapshot");
    }

    /** Text: the entries, like a Map; HTML: a key/value table. */
    @Override
    public Map<String, Object> mimeBundle() {
        Map<K, V> m = snapshot();
        StringBuilder h = new StringBuilder("<table><caption>SharedMap " + id() + " (" + m.size()
                + " entries)</caption><tr><th>key</th><th>value</th></tr>");
        m.forEach((k, v) -> h.append("<tr><td>").append(Html.escape(String.valueOf(k))).append("</td><td>")
                .append(Html.escape(String.valueOf(v))).append("</td></tr>"));
        return Map.of("text/plain", "SharedMap[" + id() + ": " + m + "]", "text/html", h.append("</table>").toString());
    }
}
