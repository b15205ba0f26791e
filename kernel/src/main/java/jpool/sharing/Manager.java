package jpool.sharing;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Makes shared collections and disposes of them together, like Python's {@code multiprocessing.Manager()}. The
 * collections live in the kernel (there is no separate manager process); workers use them through the handles.
 * <pre>{@code
 * Manager m = new Manager();
 * SharedMap<String, Integer> scores = m.map();
 * SharedList<String> log = m.list();
 * new Proc(() -> { scores.put("a", 1); log.add("worker was here"); }).start();
 * }</pre>
 * Closing the manager (or the kernel ending) deletes everything it made.
 */
public final class Manager implements AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;
    private final List<SharedHandle> made = new ArrayList<>();

    /** A new manager, owning nothing yet. */
    public Manager() {
    }

    /** A new shared map owned by this manager. */
    public synchronized <K, V> SharedMap<K, V> map() {
        return own(new SharedMap<>());
    }

    /** A new shared map owned by this manager, starting with a copy of {@code initial}'s entries. */
    public synchronized <K, V> SharedMap<K, V> map(Map<? extends K, ? extends V> initial) {
        return own(new SharedMap<>(initial));
    }

    /** A new shared list owned by this manager, starting with a copy of {@code initial} (Python: {@code manager.list(range(5))}). */
    public synchronized <E> SharedList<E> list(Collection<? extends E> initial) {
        return own(new SharedList<>(initial));
    }

    /** A new shared list owned by this manager. */
    public synchronized <E> SharedList<E> list() {
        return own(new SharedList<>());
    }

    /** A new queue owned by this manager. */
    public synchronized <T> MpQueue<T> queue() {
        return own(new MpQueue<>());
    }

    /** A new event owned by this manager. */
    public synchronized MpEvent event() {
        return own(new MpEvent());
    }

    /** A new lock owned by this manager. */
    public synchronized MpLock lock() {
        return own(new MpLock());
    }

    private <H extends SharedHandle> H own(H h) {
        made.add(h);
        return h;
    }

    /** Deletes every object this manager made; their handles fail from now on. */
    @Override
    public synchronized void close() {
        for (SharedHandle h : made) {
            try {
                h.dispose();
            } catch (IllegalStateException alreadyGone) {
                // disposed one by one earlier
            }
        }
        made.clear();
    }

    /** Python's name for {@link #close()}. */
    public void shutdown() {
        close();
    }

    @Override
    public synchronized String toString() {
        List<String> ids = new ArrayList<>();
        for (SharedHandle h : made) ids.add(h.id());
        return "Manager" + ids;
    }
}
