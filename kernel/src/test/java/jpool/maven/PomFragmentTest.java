package jpool.maven;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PomFragmentTest {
    @Test
    void bareDependenciesWithExclusionsClassifierAndRepositories() {
        PomFragment f = PomFragment.parse("""
                <dependency>
                  <groupId>org.apache.commons</groupId>
                  <artifactId>commons-math3</artifactId>
                  <version>3.6.1</version>
                  <exclusions><exclusion><groupId>x</groupId><artifactId>y</artifactId></exclusion></exclusions>
                </dependency>
                <dependency>
                  <groupId>g</groupId><artifactId>a</artifactId><classifier>linux</classifier><version>2</version>
                </dependency>
                <dependency>
                  <groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5</version><scope>test</scope>
                </dependency>
                <repositories>
                  <repository><id>mine</id><url>file:/tmp/repo</url></repository>
                </repositories>
                """);
        assertEquals(2, f.dependencies().size());
        Coordinates math = f.dependencies().get(0);
        assertEquals("org.apache.commons:commons-math3:3.6.1", math.toString());
        assertEquals(List.of("x:y"), math.exclusions());
        assertEquals("linux", f.dependencies().get(1).classifier());
        assertEquals(List.of(new Repository("mine", "file:/tmp/repo")), f.repositories());
    }

    @Test
    void aWholePomSkipsDependencyManagement() {
        PomFragment f = PomFragment.parse("""
                <?xml version="1.0"?>
                <project>
                  <dependencyManagement><dependencies>
                    <dependency><groupId>m</groupId><artifactId>managed</artifactId><version>9</version></dependency>
                  </dependencies></dependencyManagement>
                  <dependencies>
                    <dependency><groupId>g</groupId><artifactId>a</artifactId><version>1</version></dependency>
                  </dependencies>
                </project>
                """);
        assertEquals(List.of("g:a:1"), f.dependencies().stream().map(Coordinates::toString).toList());
    }

    @Test
    void problemsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PomFragment.parse("<dependency><groupId>g</groupId>"))
                .getMessage().startsWith("the POM fragment is not well-formed XML"));
        assertEquals("<dependency> #1 needs <groupId>, <artifactId> and <version>",
                assertThrows(IllegalArgumentException.class, () -> PomFragment.parse("<dependency><groupId>g</groupId></dependency>")).getMessage());
        assertEquals("the POM fragment has no <dependency> element",
                assertThrows(IllegalArgumentException.class, () -> PomFragment.parse("<repositories/>")).getMessage());
    }
}
