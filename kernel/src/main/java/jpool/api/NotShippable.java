package jpool.api;

/** A task, argument or result that cannot be sent between the kernel and a worker; the message says which and why. */
public class NotShippable extends JpoolException {
    public NotShippable(String message) {
        super(message);
    }
}
