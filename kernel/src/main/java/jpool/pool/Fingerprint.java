package jpool.pool;

import jpool.ipc.Compact;
import jpool.ipc.Serial;
import jpool.workers.NotShippable;
import jpool.workers.StateCapture;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a checkpoint keys its outcomes by. The code's fingerprint hashes the function's serialized form, the code of
 * every notebook method and lambda body it can reach (instructions with the constants they name) and the values of the notebook variables it reads (the snapshot a worker
 * is sent), with JShell's numbering taken out of class names: the same cells run again in a new kernel give the same
 * fingerprint, a changed method or variable another. An input's key is its encoded bytes (a hash when they are long).
 */
final class Fingerprint {
    /** JShell names each snippet's class {@code $JShell$N} and jpool's generated variables {@code __jpool_stemN}. */
    private static final Pattern NUMBERING = Pattern.compile("(\\$JShell\\$|__jpool_[a-z]+)\\d+");
    /** Inputs encoded in at most this many bytes are their own key. */
    private static final int KEY_BYTES = 48;

    private Fingerprint() {
    }

    /** The fingerprint of {@code fn}'s code and the notebook state it reads now. */
    static String of(Serializable fn, ShippedFn.Prepared prepared) {
        Serial.Written w;
        try {
            w = prepared.written() != null ? prepared.written() : Serial.write(fn);
        } catch (IOException e) {
            throw new NotShippable("the function cannot be sent to a worker: " + Serial.explain(e));
        }
        MessageDigest md = sha256();
        update(md, w.bytes());
        List<String> code = new ArrayList<>();
        for (String method : StateCapture.reachedCode(w)) code.add(unnumbered(method));
        java.util.Collections.sort(code);
        for (String method : code) update(md, method.getBytes(StandardCharsets.UTF_8));
        update(md, StateCapture.snapshot(w, prepared.written() != null).encoded());
        return HexFormat.of().formatHex(md.digest());
    }

    /** The key of one input: its compact or serialized bytes, hashed when long. */
    static String inputKey(Object input) {
        byte[] bytes;
        Compact.Out out = new Compact.Out(32);
        if (out.value(input)) {
            bytes = out.toBytes();
        } else {
            try {
                bytes = unnumbered(latin1(Serial.write(input).bytes())).getBytes(StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new NotShippable("an input cannot be sent to a worker: " + Serial.explain(e));
            }
        }
        if (bytes.length <= KEY_BYTES) return "=" + latin1(bytes);
        return "#" + HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static void update(MessageDigest md, byte[] bytes) {
        md.update(unnumbered(latin1(bytes)).getBytes(StandardCharsets.ISO_8859_1));
        md.update((byte) 0);
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String unnumbered(String s) {
        return NUMBERING.matcher(s).replaceAll("$1");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
