package jpool.protocol;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The contents of a Jupyter connection file. */
public record ConnectionInfo(String transport, String ip, int shellPort, int iopubPort, int stdinPort,
                             int controlPort, int hbPort, String key, String signatureScheme) {

    /** Reads and checks a connection file; the exception message names what is wrong with it. */
    public static ConnectionInfo read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("connection file not found: " + file);
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException("connection file " + file + " is not a JSON object: " + e.getMessage());
        }
        try {
            return new ConnectionInfo(str(o, "transport", "tcp"), str(o, "ip", "127.0.0.1"),
                    port(o, "shell_port"), port(o, "iopub_port"), port(o, "stdin_port"),
                    port(o, "control_port"), port(o, "hb_port"), str(o, "key", ""),
                    str(o, "signature_scheme", "hmac-sha256"));
        } catch (IllegalArgumentException e) {
            throw new IOException("connection file " + file + ": " + e.getMessage());
        }
    }

    private static String str(JsonObject o, String name, String fallback) {
        return o.has(name) && o.get(name).isJsonPrimitive() ? o.get(name).getAsString() : fallback;
    }

    private static int port(JsonObject o, String name) {
        if (!o.has(name) || !o.get(name).isJsonPrimitive() || !o.get(name).getAsJsonPrimitive().isNumber())
            throw new IllegalArgumentException("missing or non-numeric '" + name + "'");
        return o.get(name).getAsInt();
    }
}
