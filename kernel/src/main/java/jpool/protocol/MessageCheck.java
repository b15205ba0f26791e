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

    /**
     * Why the content of a request of {@code type} cannot be used, or null: the fields the kernel reads must have
     * their protocol types when present (code a string; cursor_pos and detail_level integers; the flags booleans),
     * and an execute, complete, inspect or is_complete request must have its code. Unknown types pass.
     */
    static String contentProblem(String type, JsonObject content) {
        boolean needsCode = switch (type) {
            case "execute_request", "complete_request", "inspect_request", "is_complete_request" -> true;
            default -> false;
        };
        if (!needsCode) return null;
        String code = describeNonString(content.get("code"));
        if (code != null) return "content.code is " + code + ", expected a string";
        for (String f : new String[]{"cursor_pos", "detail_level"}) {
            JsonElement e = content.get(f);
            if (e != null && !e.isJsonNull() && !(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()))
                return "content." + f + " is " + describeNonString(e) + ", expected an integer";
        }
        for (String f : new String[]{"silent", "store_history", "allow_stdin", "stop_on_error"}) {
            JsonElement e = content.get(f);
            if (e != null && !e.isJsonNull() && !(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()))
                return "content." + f + " is " + (describeNonString(e) == null ? "a string" : describeNonString(e)) + ", expected a boolean";
        }
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
