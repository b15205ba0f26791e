package jpool.workers;

/** A task ready to send: its serialized form and the notebook state it reads. */
public record Shipment(byte[] task, StateSnapshot state) {
    /** The same state for several tasks (a map over many items takes one snapshot). */
    Shipment withTask(byte[] otherTask) {
        return new Shipment(otherTask, state);
    }
}
