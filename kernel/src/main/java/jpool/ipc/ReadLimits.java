package jpool.ipc;

import java.io.ObjectInputFilter;
import java.lang.reflect.Array;

/**
 * Bounds one deserialization by what its stream can honestly hold and by time, on top of the class allow-list:
 * <ul>
 * <li>an array may not declare more elements than the stream has bytes (every element takes at least one), so a
 *     forged length cannot make the reader allocate gigabytes;</li>
 * <li>no more object references than stream bytes, and no deeper nesting than {@link #MAX_DEPTH};</li>
 * <li>a read may take at most {@link #budgetNanos(long)}: a small value that is slow to read (sets nested 60 deep
 *     make {@code hashCode} run 2^60 times while being put into their parents) is stopped at the next object it
 *     reads instead of pinning a kernel thread for good. The JDK calls the filter at each object and reference, so
 *     the overrun is at most the time of the last one read.</li>
 * </ul>
 * One instance per stream: it remembers when the read began and why it refused.
 */
final class ReadLimits implements ObjectInputFilter {
    /** Deeper object graphs are refused; JShell values and collections nest a few levels, not hundreds. */
    static final long MAX_DEPTH = 1_000;
    /** Every read may take this long, plus a second per {@link #BYTES_PER_SECOND} of stream. */
    static final long BASE_BUDGET_NANOS = 2_000_000_000L;
    /** A generous floor of Java serialization's read speed. */
    static final long BYTES_PER_SECOND = 8L << 20;

    private final long streamBytes;
    /** Arrays this long may appear: the stream's bytes, or a big array that travelled beside it (already read). */
    private long arrayBound;
    private final long started = System.nanoTime();
    private final long budget;
    private volatile String refusal;

    ReadLimits(long streamBytes) {
        this.streamBytes = streamBytes;
        this.arrayBound = streamBytes;
        this.budget = budgetNanos(streamBytes);
    }

    /** How long reading a stream of {@code streamBytes} may take. */
    static long budgetNanos(long streamBytes) {
        return BASE_BUDGET_NANOS + streamBytes / BYTES_PER_SECOND * 1_000_000_000L;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (System.nanoTime() - started > budget)
            return refuse("it took more than " + budget / 1_000_000_000L + " s to read (a value that is slow to"
                    + " deserialize, such as sets nested many levels deep)");
        if (info.depth() > MAX_DEPTH) return refuse("its objects are nested more than " + MAX_DEPTH + " deep");
        if (info.references() > streamBytes) return refuse("it has more object references than bytes");
        if (info.arrayLength() > arrayBound)
            return refuse("it declares an array of " + info.arrayLength() + " elements in " + streamBytes + " bytes");
        return Status.UNDECIDED;
    }

    /**
     * Admits the big arrays of a value that travelled beside its stream (checked and allocated already): the
     * stream refers to them, and the JDK checks each again as it puts it in place.
     */
    void admit(Object[] bulk) {
        for (Object a : bulk) arrayBound = Math.max(arrayBound, Array.getLength(a));
    }

    private Status refuse(String why) {
        if (refusal == null) refusal = why;
        return Status.REJECTED;
    }

    /** Why this read was refused, or null when it was not (or the class filter refused it). */
    String refusal() {
        return refusal;
    }
}
