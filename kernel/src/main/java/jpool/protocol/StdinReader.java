package jpool.protocol;

import jpool.log.KernelLog;
import com.google.gson.JsonObject;

/**
 * Sends input_request on the stdin channel and waits for the matching input_reply. The wait polls in short steps
 * so that an interrupt (which stops the cell's thread) ends it promptly instead of leaving it blocked in ZeroMQ.
 */
final class StdinReader {
    /** What a frontend sends when the user ends input (Ctrl-D in jupyter console). */
    static final String END_OF_INPUT = "\u0004";
    private static final int POLL_MS = 100;
    private final Channel stdin;
    private final Publisher publisher;
    private final WireMessage request;

    StdinReader(Channel stdin, Publisher publisher, WireMessage request) {
        this.stdin = stdin;
        this.publisher = publisher;
        this.request = request;
    }

    /** The line the user typed, or null when they ended input. */
    String read(String prompt, boolean password) {
        synchronized (stdin) {
            discardStaleReplies();
            JsonObject c = new JsonObject();
            c.addProperty("prompt", prompt == null ? "" : prompt);
            c.addProperty("password", password);
            String requestId = publisher.reply(stdin, request, "input_request", c).get("msg_id").getAsString();
            while (true) {
                WireMessage reply = receive(POLL_MS);
                if (reply == null || !"input_reply".equals(reply.type())) continue;
                // a reply to an earlier request (abandoned by an interrupt) must not answer this one
                String parent = reply.parentHeader().has("msg_id") ? reply.parentHeader().get("msg_id").getAsString() : requestId;
                if (!parent.equals(requestId)) continue;
                String value = reply.contentString("value", "");
                return END_OF_INPUT.equals(value) ? null : value;
            }
        }
    }

    private void discardStaleReplies() {
        while (receive(0) != null) {
            KernelLog.info("stdin: discarded a stale message");
        }
    }

    /** The next well-formed message, or null when none arrives within {@code timeoutMs}. */
    private WireMessage receive(int timeoutMs) {
        while (true) {
            if (!stdin.poll(timeoutMs)) return null;
            try {
                return stdin.receive();
            } catch (MalformedMessageException e) {
                KernelLog.warn("stdin: " + e.getMessage());
            }
        }
    }
}
