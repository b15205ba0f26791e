package jpool.protocol;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Checks the header of a signed message before anything reads it: a signature only proves who sent a message,
 * not that it is well formed, and one header whose {@code msg_type} was {@code null} or an object once made the
 * shell thread throw where nothing caught it. Returns why a header is unusable, so the message is logged and dropped.
 */
final class MessageCheck {
    private MessageCheck() {
    }

    /** Why {@code header} cannot be used, or null when it can (msg_type a non-empty string, msg_id a string). */
    static String problem(JsonObject header) {
        String type = describeNonString(header.get("msg_type"));
        if (type != null) return "header msg_type is " + type + ", expected a string";
        if (header.get("msg_type").getAsString().isEmpty()) return "header msg_type is empty";
        JsonElement id = header.get("msg_id");
        if (id != null && describeNonString(id) != null) return "header msg_id is " + describeNonString(id) + ", expected a string";
        return null;
    }

    /** Null for a JSON string, else what the element is ("missing", "null", "a number", "an object", ...). */
    private static String describeNonString(JsonElement e) {
        if (e == null) return "missing";
        if (e.isJsonNull()) return "null";
        if (e.isJsonObject()) return "an object";
        if (e.isJsonArray()) return "a list";
        if (e.getAsJsonPrimitive().isString()) return null;
        return e.getAsJsonPrimitive().isNumber() ? "a number" : "a boolean";
    }
}
