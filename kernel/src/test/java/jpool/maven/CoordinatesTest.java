package jpool.maven;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoordinatesTest {
    @Test
    void threePartsAreGroupArtifactVersion() {
        Coordinates c = Coordinates.parse("org.apache.commons:commons-math3:3.6.1", List.of());
        assertEquals("org.apache.commons", c.groupId());
        assertEquals("commons-math3", c.artifactId());
        assertEquals("3.6.1", c.version());
        assertEquals("", c.classifier());
        assertEquals("jar", c.extension());
        assertEquals("org.apache.commons:commons-math3:3.6.1", c.toString());
    }

    @Test
    void fourPartsHaveAClassifier() {
        Coordinates c = Coordinates.parse("org.lwjgl:lwjgl:natives-linux:3.3.3", List.of());
        assertEquals("natives-linux", c.classifier());
        assertEquals("3.3.3", c.version());
        assertEquals("org.lwjgl:lwjgl:natives-linux:3.3.3", c.toString());
    }

    @Test
    void fivePartsHaveAnExtensionAndClassifier() {
        Coordinates c = Coordinates.parse("g:a:zip:dist:1.0", List.of());
        assertEquals("zip", c.extension());
        assertEquals("dist", c.classifier());
    }

    @Test
    void exclusionsAreGroupArtifactPairs() {
        assertEquals(List.of("g:x"), Coordinates.parse("g:a:1", List.of("g:x")).exclusions());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Coordinates.parse("g:a:1", List.of("gx")));
        assertEquals("exclusion 'gx' is not GROUP:ARTIFACT", e.getMessage());
    }

    @Test
    void malformedCoordinatesSayWhatIsExpected() {
        for (String bad : List.of("commons-math3", "g:a", "g::1", "g:a:b:c:d:e", "g:a:1 0", "g:a:")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Coordinates.parse(bad, List.of()), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().endsWith("expected " + Coordinates.FORMS), e.getMessage());
        }
    }

    @Test
    void repositoriesNeedANameAndAnAbsoluteUrl() {
        assertEquals(new Repository("mine", "file:/tmp/repo"), Repository.parse("mine=file:/tmp/repo"));
        assertEquals("'mine' is not NAME=URL", assertThrows(IllegalArgumentException.class, () -> Repository.parse("mine")).getMessage());
        assertEquals("repository URL 'repo.example.com' must start with https:, http: or file:",
                assertThrows(IllegalArgumentException.class, () -> Repository.parse("x=repo.example.com")).getMessage());
    }
}
