package jpool.protocol;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The output side of one executed cell: everything published here appears under that cell in the frontend.
 * Streams are buffered and sent in coalesced chunks (live, but not one message per {@code print}); any other output
 * first flushes the streams so the frontend shows outputs in the order they were produced.
 */
public final class Cell {
    private final Publisher publisher;
    private final JsonObject parentHeader;
    private final int executionCount;
    private final StreamBuffer stdout;
    private final StreamBuffer stderr;
    /** Guards {@link #lastWritten}: which stream was written last, so a switch sends the other one's text first. */
    private final Object streamOrder = new Object();
    private StreamBuffer lastWritten;
    private final StdinReader stdin;
    private volatile boolean finished;
    private final JsonArray payloads = new JsonArray();

    Cell(Publisher publisher, JsonObject parentHeader, int executionCount, StdinReader stdin) {
        this.publisher = publisher;
        this.parentHeader = parentHeader;
        this.executionCount = executionCount;
        this.stdin = stdin;
        this.stdout = new StreamBuffer(this, "stdout");
        this.stderr = new StreamBuffer(this, "stderr");
    }

    /** The execution count shown as {@code In [n]}. */
    public int executionCount() {
        return executionCount;
    }

    /** The msg_id of the execute_request this cell answers. */
    public String requestId() {
        return parentHeader.has("msg_id") ? parentHeader.get("msg_id").getAsString() : "";
    }

    /** True once the execute_reply was sent; later output must go through display updates to stay visible. */
    public boolean finished() {
        return finished;
    }

    void markFinished() {
        flush();
        finished = true;
    }

    /**
     * Appends text to the cell's stdout or stderr stream ({@code name} is "stdout" or "stderr"). Text of the other
     * stream buffered before it is sent first: each stream is coalesced on its own, and without this a worker's
     * stderr line could reach the frontend after the stdout its task's callback printed later.
     */
    public void write(String name, String text) {
        StreamBuffer target = "stderr".equals(name) ? stderr : stdout;
        synchronized (streamOrder) {
            if (lastWritten != target) {
                (target == stdout ? stderr : stdout).flush();
                lastWritten = target;
            }
            target.append(text);
        }
    }

    /** Sends any buffered stream text now. */
    public void flush() {
        stdout.flush();
        stderr.flush();
    }

    void sendStream(String name, String text) {
        JsonObject c = new JsonObject();
        c.addProperty("name", name);
        c.addProperty("text", text);
        publisher.publish(parentHeader, "stream", c);
    }

    /** Publishes a display_data (with a display id when {@code displayId} is not null). */
    public void display(Map<String, Object> bundle, Map<String, Object> metadata, String displayId) {
        flush();
        publisher.publish(parentHeader, "display_data", displayContent(bundle, metadata, displayId));
    }

    /** Replaces the content of an earlier display, wherever it is shown (also in cells that already finished). */
    public void updateDisplay(Map<String, Object> bundle, Map<String, Object> metadata, String displayId) {
        flush();
        publisher.publish(parentHeader, "update_display_data", displayContent(bundle, metadata, displayId));
    }

    /** Clears the cell's output; with {@code wait}, only when new output arrives (no flicker). */
    public void clearOutput(boolean wait) {
        flush();
        JsonObject c = new JsonObject();
        c.addProperty("wait", wait);
        publisher.publish(parentHeader, "clear_output", c);
    }

    public void executeResult(Map<String, Object> bundle, Map<String, Object> metadata) {
        flush();
        JsonObject c = displayContent(bundle, metadata, null);
        c.addProperty("execution_count", executionCount);
        c.remove("transient");
        publisher.publish(parentHeader, "execute_result", c);
    }

    void error(String ename, String evalue, List<String> traceback) {
        flush();
        publisher.publish(parentHeader, "error", errorContent(ename, evalue, traceback));
    }

    static JsonObject errorContent(String ename, String evalue, List<String> traceback) {
        JsonObject c = new JsonObject();
        c.addProperty("ename", ename);
        c.addProperty("evalue", evalue);
        JsonArray tb = new JsonArray();
        traceback.forEach(tb::add);
        c.add("traceback", tb);
        return c;
    }

    /**
     * Asks the frontend to close (the execute_reply's "ask_exit" payload, which jupyter console acts on); with
     * {@code keepKernel} false the console also shuts the kernel down. Notebooks ignore it.
     */
    public void askExit(boolean keepKernel) {
        JsonObject p = new JsonObject();
        p.addProperty("source", "ask_exit");
        p.addProperty("keepkernel", keepKernel);
        synchronized (payloads) {
            payloads.add(p);
        }
    }

    /**
     * Shows {@code bundle} (text/plain at least) in the frontend's pager: the execute_reply's "page" payload, which
     * jupyter console prints and JupyterLab/Notebook open in their pager panel (IPython's {@code name?}).
     */
    public void page(Map<String, Object> bundle) {
        JsonObject p = new JsonObject();
        p.addProperty("source", "page");
        p.add("data", Json.GSON.toJsonTree(bundle));
        p.addProperty("start", 0);
        synchronized (payloads) {
            payloads.add(p);
        }
    }

    JsonArray payloads() {
        synchronized (payloads) {
            return payloads.deepCopy();
        }
    }

    /** True when the frontend that ran this cell accepts input requests (allow_stdin). */
    public boolean acceptsInput() {
        return stdin != null;
    }

    /**
     * Asks the frontend for a line of input (input_request on the stdin channel) and waits for it. Returns the line
     * without its newline, or null when the user ended input (Ctrl-D in jupyter console). Fails with
     * IllegalStateException when the frontend does not allow stdin or the cell already finished.
     */
    public String readLine(String prompt, boolean password) {
        flush();
        if (stdin == null) throw new IllegalStateException("this frontend does not accept input (allow_stdin is false)");
        if (finished) throw new IllegalStateException("cell [" + executionCount + "] already finished; input can only be read while it runs");
        return stdin.read(prompt, password);
    }

    private static JsonObject displayContent(Map<String, Object> bundle, Map<String, Object> metadata, String displayId) {
        JsonObject c = new JsonObject();
        c.add("data", Json.GSON.toJsonTree(bundle));
        c.add("metadata", Json.GSON.toJsonTree(metadata == null ? Map.of() : metadata));
        JsonObject t = new JsonObject();
        if (displayId != null) t.addProperty("display_id", displayId);
        c.add("transient", t);
        return c;
    }
}
