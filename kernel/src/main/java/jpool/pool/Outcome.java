package jpool.pool;

/**
 * What happened to one input of a pool call: its value or its error, where it ran and when. Returned by
 * {@link Pool#mapResults}, and carried by {@link MapFailed} for every input.
 *
 * @param index   position of the input in submission order
 * @param input   the input itself
 * @param value   the result (null when it failed)
 * @param error   why it failed ({@link TaskFailed}, {@link WorkerDied}, a cancellation), or null
 * @param worker  name of the worker that ran it (null if it never ran)
 * @param pid     OS process id of that worker (0 if it never ran)
 * @param startMillis epoch milliseconds when the task started in the worker (0 if it never ran). Start and end
 *                    bound the input's run: while inputs take well under a millisecond, a worker reads the clock
 *                    once per group of up to 16 of them, and every input of a group gets the group's start and end
 *                    (a slow input among tiny ones makes its whole group show its time)
 * @param endMillis   epoch milliseconds when it ended there
 */
public record Outcome<R>(int index, Object input, R value, RuntimeException error, String worker, long pid,
                         long startMillis, long endMillis) {
    /** True when the input produced a value. */
    public boolean ok() {
        return error == null;
    }

    @Override
    public String toString() {
        return "#" + index + " " + input + " -> " + (ok() ? value : "FAILED " + error.getMessage())
                + (worker == null ? "" : " [" + worker + "]");
    }
}
