package jpool.pool;

import jpool.shipping.ChunkTask;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads all the inputs of a call that needs them at once ({@code map}, {@code %%pool --map}), failing early, with
 * a message that points to {@code imap}, when they would not fit in the kernel's heap: an endless or huge
 * {@code Iterable} used to fill the heap for minutes and end in an OutOfMemoryError that left the kernel too busy
 * collecting garbage to answer an interrupt. Every {@link #CHECK_EVERY} inputs the heap in use (plus a reserve per
 * input) is compared with {@link #MAX_HEAP_SHARE} of the maximum; only when it is over is a full collection asked
 * for, to tell live inputs from garbage, so a call that fits comfortably never pays for one.
 */
public final class InputReader {
    /** How many inputs are read between two looks at the heap. */
    static final int CHECK_EVERY = 4096;
    /** The share of the maximum heap that live data, plus {@link #RESERVE_PER_INPUT}, may fill while inputs are read. */
    static final double MAX_HEAP_SHARE = 0.6;
    /**
     * Heap kept free per input read, beyond the inputs themselves: the list's next growth (a new array half as big
     * again, while the old one is still there) and the copies the call makes of the references (an array of them,
     * then one per chunk). Without it the list's growth ran out of heap while live data was well under the share.
     */
    static final long RESERVE_PER_INPUT = 16;

    private InputReader() {
    }

    /** Every element of {@code items} in order; IllegalStateException naming {@code call} when they do not fit. */
    public static List<Object> readAll(Iterator<?> items, String call) {
        List<Object> read = new ArrayList<>();
        Runtime rt = Runtime.getRuntime();
        long limit = (long) (rt.maxMemory() * MAX_HEAP_SHARE);
        long lookCloserAbove = limit; // heap in use plus reserve above which a collection tells live from garbage
        while (items.hasNext()) {
            read.add(items.next());
            if (read.size() % CHECK_EVERY != 0) continue;
            long reserve = RESERVE_PER_INPUT * read.size();
            if (used(rt) + reserve <= lookCloserAbove) continue;
            System.gc(); // is it live data or garbage? Only asked for when the heap looks full, and less often the fuller
            long live = used(rt);
            if (live + reserve > limit) {
                int n = read.size();
                read = null; // let the inputs go before the message is built and the cell reports it
                throw new IllegalStateException(call + " read " + String.format("%,d", n) + " inputs and they fill "
                        + percent(live, rt.maxMemory()) + " of the kernel's heap (" + mb(live) + " of " + mb(rt.maxMemory())
                        + "): the inputs are endless or too many to hold at once. " + call + " reads every input"
                        + " before it starts; pool.imap(fn, items) or imapUnordered reads them a bounded window"
                        + " ahead instead (or give the kernel more memory: JPOOL_JAVA_OPTS=-Xmx...)");
            }
            lookCloserAbove = live + reserve + (limit - live - reserve) / 2;
        }
        return read;
    }

    /**
     * Every pair of a {@code starmap} packed for its workers, read under the same bound as {@link #readAll}: an
     * endless or huge {@code Iterable} of pairs fails early with the same message instead of filling the heap.
     */
    static List<Object> readPairs(Iterable<? extends Map.Entry<?, ?>> pairs, String call) {
        Iterator<? extends Map.Entry<?, ?>> it = pairs.iterator();
        return readAll(new Iterator<Object>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Object next() {
                Map.Entry<?, ?> e = it.next();
                return new ChunkTask.Pair(e.getKey(), e.getValue());
            }
        }, call);
    }

    private static long used(Runtime rt) {
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String percent(long part, long whole) {
        return Math.round(100.0 * part / whole) + "%";
    }

    private static String mb(long bytes) {
        return (bytes >> 20) + " MB";
    }
}
