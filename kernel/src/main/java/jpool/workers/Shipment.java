package jpool.workers;

/**
 * A task ready to send: its serialized form, the big arrays in it (kept out of the bytes, see
 * {@link jpool.ipc.Serial#writeDetached}; null for none) and the notebook state it reads.
 */
public record Shipment(byte[] task, StateSnapshot state, Object[] arrays) {
    public Shipment(byte[] task, StateSnapshot state) {
        this(task, state, null);
    }

    /** The same state for several tasks (a map over many items takes one snapshot). */
    Shipment withTask(byte[] otherTask) {
        return new Shipment(otherTask, state);
    }
}
