package jpool.shipping;

/**
 * A task ready to send: its serialized form, the big arrays in it (kept out of the bytes, see
 * {@link jpool.ipc.Serial#writeDetached}; null for none), the notebook state it reads, and the pool function it
 * names by id only (null for none): the worker is sent that function once, before its first task that needs it.
 */
public record Shipment(byte[] task, StateSnapshot state, Object[] arrays, Function function) {
    /** A function a worker keeps once sent: its id (unique in this kernel) and serialized bytes. */
    public record Function(long id, byte[] bytes) {
    }

    public Shipment(byte[] task, StateSnapshot state) {
        this(task, state, null, null);
    }

    public Shipment(byte[] task, StateSnapshot state, Object[] arrays) {
        this(task, state, arrays, null);
    }

    /** The same task naming {@code f}, which the worker must have before it runs it. */
    public Shipment naming(Function f) {
        return new Shipment(task, state, arrays, f);
    }
}
