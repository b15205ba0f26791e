package jpool.sharing;

/**
 * Stands for a {@code null} queue item on its way through the queue, so that {@code put(null)} works as Python's
 * {@code put(None)} (the poison-pill idiom) while the queue's own machinery keeps null for "nothing came".
 */
enum NullItem {
    INSTANCE;

    static Object wrap(Object item) {
        return item == null ? INSTANCE : item;
    }

    static Object unwrap(Object item) {
        return item == INSTANCE ? null : item;
    }

    @Override
    public String toString() {
        return "null";
    }
}
