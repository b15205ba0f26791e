package jpool.protocol;

import com.google.gson.JsonObject;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** Builds message headers at protocol version 5.3. */
public final class Headers {
    /** The Jupyter messaging protocol version this kernel speaks. */
    public static final String PROTOCOL_VERSION = "5.3";
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private Headers() {
    }

    static JsonObject create(String session, String msgType) {
        JsonObject h = new JsonObject();
        h.addProperty("msg_id", UUID.randomUUID().toString());
        h.addProperty("session", session);
        h.addProperty("username", "jpool");
        h.addProperty("date", OffsetDateTime.now(ZoneOffset.UTC).format(ISO));
        h.addProperty("msg_type", msgType);
        h.addProperty("version", PROTOCOL_VERSION);
        return h;
    }
}
