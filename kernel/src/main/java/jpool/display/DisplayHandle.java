package jpool.display;

import java.util.Map;

/** A shown output that can be replaced in place: {@code handle.update(newValue)}. */
public final class DisplayHandle {
    private final String id;

    DisplayHandle(String id) {
        this.id = id;
    }

    /** The display id shared by the output and its updates. */
    public String id() {
        return id;
    }

    /** Replaces the displayed content with {@code value} (also after the cell finished). */
    public void update(Object value) {
        Display.cell().updateDisplay(Renderer.render(value), Map.of(), id);
    }

    @Override
    public String toString() {
        return "DisplayHandle[" + id + "]";
    }
}
