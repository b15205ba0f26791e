package jpool.sharing;

import jpool.display.Html;
import jpool.display.Rich;

import java.io.Serializable;
import java.util.Map;

/**
 * What a notebook variable holds for a shared queue, event, lock or collection: the id of an object that lives
 * in the kernel. The handle is small and Serializable, so a task or process that reads the variable gets a handle
 * to the same kernel object; its methods act on that object directly in the kernel and by a call over the worker's
 * channel in a worker.
 */
public abstract class SharedHandle implements Serializable, Rich {
    private static final long serialVersionUID = 1L;
    private final String id;

    SharedHandle(String kind, Object... params) {
        this.id = Sharing.create(kind, params);
    }

    /** For handles that share another handle's kernel object (the ends of a pipe). */
    SharedHandle(String existingId, boolean unused) {
        this.id = existingId;
    }

    /** The kernel object's id, e.g. {@code queue-3}. */
    public String id() {
        return id;
    }

    final Object call(String op, Object... args) {
        return Sharing.call(id, op, args);
    }

    /** Deletes the kernel object: waiting callers wake up with an exception and the contents are gone. */
    public void dispose() {
        call("dispose");
    }

    /** The kernel object's current state in one line (for a queue its size and waiters; for a map its entries). */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + id + ": " + state() + "]";
    }

    /** Text as toString; HTML: the class, the id and the state in one line. */
    @Override
    public Map<String, Object> mimeBundle() {
        return summary(toString(), getClass().getSimpleName(), id, state());
    }

    private String state() {
        try {
            return (String) call("describe");
        } catch (RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    /** The display of a sharing object: {@code text} as text/plain, "<b>kind</b> id: state" as HTML. */
    static Map<String, Object> summary(String text, String kind, String id, String state) {
        String html = "<div class=\"jpool-shared\" style=\"font-family:monospace\"><b>" + Html.escape(kind) + "</b> "
                + Html.escape(id) + ": " + Html.escape(state) + "</div>";
        return Map.of("text/plain", text, "text/html", html);
    }
}
