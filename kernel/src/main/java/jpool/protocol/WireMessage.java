package jpool.protocol;

import com.google.gson.JsonObject;

import java.util.List;

/**
 * One Jupyter message as it travels on the wire: routing identities, the four JSON parts and any binary buffers.
 * Content is kept as raw JSON so every message type (including ones added in later protocol versions) passes through.
 */
public record WireMessage(List<byte[]> identities, JsonObject header, JsonObject parentHeader,
                          JsonObject metadata, JsonObject content, List<byte[]> buffers) {

    /** The message type named in the header, e.g. {@code execute_request}. */
    public String type() {
        return string(header, "msg_type");
    }

    /** The message id from the header. */
    public String id() {
        return string(header, "msg_id");
    }

    /** A header field that is a JSON string, else "" (never throws: log lines about bad messages read it too). */
    private static String string(JsonObject o, String field) {
        var e = o.get(field);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : "";
    }

    /** A string field of the content, or {@code fallback} when it is absent or not a string. */
    public String contentString(String field, String fallback) {
        var e = content.get(field);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : fallback;
    }

    /** An int field of the content, or {@code fallback}. */
    public int contentInt(String field, int fallback) {
        var e = content.get(field);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsInt() : fallback;
    }

    /** A boolean field of the content, or {@code fallback}. */
    public boolean contentBool(String field, boolean fallback) {
        var e = content.get(field);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() ? e.getAsBoolean() : fallback;
    }
}
