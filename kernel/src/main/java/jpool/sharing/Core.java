package jpool.sharing;

/**
 * The kernel-side state of one shared object (a queue's items, an event's flag, a lock's permits). Handles in any
 * process reach it through the {@link Broker} by id.
 */
interface Core {
    /**
     * Performs {@code op}. With {@code mayWait} false the call must not block: an operation that would have to wait
     * returns null instead, and the broker retries it with {@code mayWait} true on a thread of its own.
     *
     * @param caller who asks: "kernel", or "pid N" for a worker (locks remember their holders by it)
     */
    Reply apply(String op, Args args, String caller, boolean mayWait) throws Exception;

    /** A worker died: give back what it held (lock permits). */
    default void callerGone(String caller) {
    }

    /** The object was closed or the kernel is ending: wake up waiters, drop contents. */
    default void discard() {
    }

    /** A short description of the current state, for toString of handles. */
    String describe();
}
