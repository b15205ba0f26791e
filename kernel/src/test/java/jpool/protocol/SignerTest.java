package jpool.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignerTest {
    private static final String KEY = "5ca1ab1e-0000-4c0d-a7e1-jupyter";
    private static final byte[][] PARTS = {
            utf8("{\"msg_id\":\"abc\",\"msg_type\":\"execute_request\"}"), utf8("{}"), utf8("{}"),
            utf8("{\"code\":\"print(\\\"é\\\")\"}")};

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hmacSha256MatchesPythonsHmac() throws GeneralSecurityException {
        // python3: h = hmac.new(KEY, digestmod=hashlib.sha256); h.update(each part); h.hexdigest()
        assertEquals("a335cd9c87d2f664e06054e8148a7c57207754af9295d16f63a12541f33c141e",
                new Signer("hmac-sha256", KEY).sign(PARTS));
    }

    @Test
    void hmacSha512MatchesPythonsHmac() throws GeneralSecurityException {
        assertEquals("d89730e4f28c2249450ac85ef15ad2b650bb462b8148d441d281ec844b0cc47f"
                        + "f5933fb24e9daa41c657c532b8a9156ce5f7e6ed6620989bbd9f778c45eae082",
                new Signer("hmac-sha512", KEY).sign(PARTS));
    }

    @Test
    void anotherKeyGivesAnotherSignatureThatTheFirstKeyRefuses() throws GeneralSecurityException {
        Signer s = new Signer("hmac-sha256", KEY);
        String other = new Signer("hmac-sha256", KEY + "x").sign(PARTS);
        assertTrue(other.matches("[0-9a-f]{64}"), other);
        assertFalse(other.equals(s.sign(PARTS)));
        assertFalse(s.verify(other, PARTS));
    }

    @Test
    void verifyAcceptsTheRightSignatureOnly() throws GeneralSecurityException {
        Signer s = new Signer("hmac-sha256", KEY);
        String good = s.sign(PARTS);
        assertTrue(s.verify(good, PARTS));
        assertFalse(s.verify(good.replace('a', 'b'), PARTS));
        assertFalse(s.verify("", PARTS));
        assertFalse(s.verify(good, PARTS[0], PARTS[1], PARTS[2], utf8("{}")));
    }

    @Test
    void withoutAKeyNothingIsSignedOrChecked() throws GeneralSecurityException {
        Signer s = new Signer("hmac-sha256", "");
        assertEquals("", s.sign(PARTS));
        assertTrue(s.verify("anything", PARTS));
    }

    @Test
    void anUnknownSchemeIsRefusedByName() {
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> new Signer("rot13", KEY));
        assertEquals("unsupported signature_scheme 'rot13'", e.getMessage());
    }
}
