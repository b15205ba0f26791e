package jpool.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionInfoTest {
    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        return Files.writeString(dir.resolve("kernel-1234.json"), json);
    }

    @Test
    void readsAJupyterConnectionFile() throws IOException {
        Path f = file("""
                {"shell_port": 53001, "iopub_port": 53002, "stdin_port": 53003, "control_port": 53004,
                 "hb_port": 53005, "ip": "127.0.0.1", "key": "a0436f6c-1916-498b-8eb9-e81ab9368e84",
                 "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "jpool"}""");
        assertEquals(new ConnectionInfo("tcp", "127.0.0.1", 53001, 53002, 53003, 53004, 53005,
                "a0436f6c-1916-498b-8eb9-e81ab9368e84", "hmac-sha256"), ConnectionInfo.read(f));
    }

    @Test
    void optionalFieldsHaveJupytersDefaults() throws IOException {
        ConnectionInfo info = ConnectionInfo.read(file(
                "{\"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5}"));
        assertEquals("tcp", info.transport());
        assertEquals("127.0.0.1", info.ip());
        assertEquals("", info.key());
        assertEquals("hmac-sha256", info.signatureScheme());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.json");
        IOException e = assertThrows(IOException.class, () -> ConnectionInfo.read(missing));
        assertEquals("connection file not found: " + missing, e.getMessage());
    }

    @Test
    void aDirectoryIsNotAConnectionFile() {
        IOException e = assertThrows(IOException.class, () -> ConnectionInfo.read(dir));
        assertTrue(e.getMessage().startsWith("connection file not found: "), e.getMessage());
    }

    @Test
    void brokenJsonIsReported() throws IOException {
        Path f = file("{\"shell_port\": 1,");
        IOException e = assertThrows(IOException.class, () -> ConnectionInfo.read(f));
        assertTrue(e.getMessage().startsWith("connection file " + f + " is not a JSON object"), e.getMessage());
    }

    @Test
    void jsonThatIsNotAnObjectIsReported() throws IOException {
        Path f = file("[1, 2]");
        IOException e = assertThrows(IOException.class, () -> ConnectionInfo.read(f));
        assertTrue(e.getMessage().startsWith("connection file " + f + " is not a JSON object"), e.getMessage());
    }

    @Test
    void aMissingPortIsNamed() throws IOException {
        Path f = file("{\"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4}");
        IOException e = assertThrows(IOException.class, () -> ConnectionInfo.read(f));
        assertEquals("connection file " + f + ": missing or non-numeric 'hb_port'", e.getMessage());
    }

    @Test
    void aPortThatIsNotANumberIsNamed() throws IOException {
        Path f = file("{\"shell_port\": \"x\", \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5}");
        IOException e = assertThrows(IOException.class, () -> ConnectionInfo.read(f));
        assertEquals("connection file " + f + ": missing or non-numeric 'shell_port'", e.getMessage());
    }
}
