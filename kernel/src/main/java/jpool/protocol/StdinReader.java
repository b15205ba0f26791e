package jpool.protocol;

import com.google.gson.JsonObject;

/** Sends input_request on the stdin channel and waits for the matching input_reply. */
final class StdinReader {
    private final Channel stdin;
    private final Publisher publisher;
    private final WireMessage request;

    StdinReader(Channel stdin, Publisher publisher, WireMessage request) {
        this.stdin = stdin;
        this.publisher = publisher;
        this.request = request;
    }

    String read(JsonObject parentHeader, String prompt, boolean password) {
        synchronized (stdin) {
            JsonObject c = new JsonObject();
            c.addProperty("prompt", prompt == null ? "" : prompt);
            c.addProperty("password", password);
            publisher.reply(stdin, request, "input_request", c);
            while (true) {
                try {
                    WireMessage reply = stdin.receive();
                    if ("input_reply".equals(reply.type())) return reply.contentString("value", "");
                } catch (MalformedMessageException e) {
                    KernelLog.warn("stdin: " + e.getMessage());
                }
            }
        }
    }
}
