package jpool.shipping;

import jpool.ipc.Payload;

import java.util.List;

/**
 * The values of the notebook's top-level variables that a task's code reads, taken when the task is submitted.
 * JShell keeps top-level variables as static fields of its wrapper classes; a worker loading those classes would
 * see default values (0, null), so the kernel ships the current values and the worker sets the fields first.
 * Each variable is serialized on its own, so one that cannot be shipped does not stop the others; it stays unset in
 * the worker and is named if the task then fails.
 *
 * @param id      identifies the snapshot, so a worker is sent the same snapshot only once
 * @param encoded wire form: int count, then per variable (string "Owner#field", byte shipped, bytes or reason)
 * @param skipped human-readable notes on variables that could not be shipped
 */
public record StateSnapshot(long id, byte[] encoded, List<String> skipped) {
    static final StateSnapshot EMPTY = new StateSnapshot(0, new Payload().putInt(0).toBytes(), List.of());
}
