package jpool.protocol;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** HMAC signing of the four JSON parts of a message, as the connection file's key and scheme ask. */
final class Signer {
    private final Mac mac;

    Signer(String scheme, String key) throws GeneralSecurityException {
        if (key == null || key.isEmpty()) {
            mac = null;
            return;
        }
        String algorithm = switch (scheme == null ? "" : scheme) {
            case "hmac-sha256", "" -> "HmacSHA256";
            case "hmac-sha512" -> "HmacSHA512";
            case "hmac-sha1" -> "HmacSHA1";
            case "hmac-md5" -> "HmacMD5";
            default -> throw new GeneralSecurityException("unsupported signature_scheme '" + scheme + "'");
        };
        mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), algorithm));
    }

    synchronized String sign(byte[]... parts) {
        if (mac == null) return "";
        for (byte[] p : parts) mac.update(p);
        return HexFormat.of().formatHex(mac.doFinal());
    }

    boolean verify(String signature, byte[]... parts) {
        if (mac == null) return true;
        byte[] expected = sign(parts).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }
}
