package jpool.protocol;

import com.google.gson.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Sends messages on iopub (broadcast) and replies on shell/control/stdin, all stamped with this kernel's session. */
public final class Publisher {
    private final Channel iopub;
    private final String session;

    Publisher(Channel iopub, String session) {
        this.iopub = iopub;
        this.session = session;
    }

    /** Publishes an iopub message of {@code msgType} as a child of {@code parentHeader} (may be empty). */
    public void publish(JsonObject parentHeader, String msgType, JsonObject content) {
        String topic = "kernel." + session + "." + msgType;
        iopub.send(new WireMessage(List.of(topic.getBytes(StandardCharsets.UTF_8)), Headers.create(session, msgType),
                parentHeader == null ? new JsonObject() : parentHeader, new JsonObject(), content, List.of()));
    }

    void publishStatus(JsonObject parentHeader, String state) {
        JsonObject c = new JsonObject();
        c.addProperty("execution_state", state);
        publish(parentHeader, "status", c);
    }

    /** Sends {@code content} as a child of {@code request} to the peer that sent it; returns the header sent. */
    JsonObject reply(Channel channel, WireMessage request, String msgType, JsonObject content) {
        JsonObject header = Headers.create(session, msgType);
        channel.send(new WireMessage(request.identities(), header, request.header(), new JsonObject(), content, List.of()));
        return header;
    }
}
