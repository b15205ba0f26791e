package jpool.magics;

import jpool.api.Fn;
import jpool.pool.InputReader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.BaseStream;

/**
 * Glue between code the {@code %%pool} and {@code %%process} magics generate and the magics themselves: the
 * generated JShell code hands its objects over here. Public only because cell code (another class loader's view of
 * the same class) calls it; not part of the user API.
 */
public final class PoolCell {
    private static volatile Object captured;
    private static volatile Fn<Object, Object> staged;
    private static volatile List<Object> results = List.of();

    private PoolCell() {
    }

    /** Remembers {@code x} for the magic and returns it unchanged (so its static type is kept). */
    public static <X> X capture(X x) {
        captured = x;
        return x;
    }

    /** The cell body as a task over elements of an Iterable (the element type types the body's variable). */
    @SuppressWarnings("unchecked")
    public static <T> void stage(Iterable<T> items, Fn<T, Object> body) {
        staged = (Fn<Object, Object>) (Fn<?, ?>) body;
    }

    /** The cell body over elements of an array. */
    @SuppressWarnings("unchecked")
    public static <T> void stage(T[] items, Fn<T, Object> body) {
        staged = (Fn<Object, Object>) (Fn<?, ?>) body;
    }

    /** The cell body over elements of a Stream. */
    @SuppressWarnings("unchecked")
    public static <T> void stage(BaseStream<T, ?> items, Fn<T, Object> body) {
        staged = (Fn<Object, Object>) (Fn<?, ?>) body;
    }

    /** The cell body over an int[] (elements boxed). */
    @SuppressWarnings("unchecked")
    public static void stage(int[] items, Fn<Integer, Object> body) {
        staged = (Fn<Object, Object>) (Fn<?, ?>) body;
    }

    /** The cell body over a long[]. */
    @SuppressWarnings("unchecked")
    public static void stage(long[] items, Fn<Long, Object> body) {
        staged = (Fn<Object, Object>) (Fn<?, ?>) body;
    }

    /** The cell body over a double[]. */
    @SuppressWarnings("unchecked")
    public static void stage(double[] items, Fn<Double, Object> body) {
        staged = (Fn<Object, Object>) (Fn<?, ?>) body;
    }

    /** The results of the last %%pool cell, for the variable it defines. */
    public static List<Object> takeResults() {
        return results;
    }

    static Object takeCaptured() {
        Object c = captured;
        captured = null;
        return c;
    }

    static Fn<Object, Object> takeStaged() {
        Fn<Object, Object> f = staged;
        staged = null;
        return f;
    }

    static void offerResults(List<Object> r) {
        results = r;
    }

    /** The elements of something a cell wants to map over, or null when it is not iterable. */
    static List<Object> elements(Object items) {
        // an Iterable or Stream may be endless: read with a bound on memory
        if (items instanceof Iterable<?> it) return InputReader.readAll(it.iterator(), "%%pool --map");
        if (items instanceof BaseStream<?, ?> st) return InputReader.readAll(st.iterator(), "%%pool --map");
        List<Object> out = new ArrayList<>();
        if (items instanceof Object[] a) out.addAll(Arrays.asList(a));
        else if (items instanceof int[] a) Arrays.stream(a).forEach(out::add);
        else if (items instanceof long[] a) Arrays.stream(a).forEach(out::add);
        else if (items instanceof double[] a) Arrays.stream(a).forEach(out::add);
        else return null;
        return out;
    }
}
