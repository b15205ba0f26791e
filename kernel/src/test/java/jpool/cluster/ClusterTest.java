package jpool.cluster;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClusterTest {
    @Test
    void settingsAreKeptInSparksOwnNames() {
        Cluster c = Cluster.spark("  spark://10.0.0.5:7077 ").executorMemory("4g").executorCores(2)
                .conf("spark.cores.max", "32").conf("spark.ui.enabled", "false").conf("spark.ui.enabled", null);
        assertEquals("spark://10.0.0.5:7077", c.master());
        assertEquals(Map.of("spark.executor.memory", "4g", "spark.executor.cores", "2", "spark.cores.max", "32"), c.settings());
        assertEquals("Spark cluster spark://10.0.0.5:7077 (Spark " + SparkRuntime.DEFAULT_VERSION + ")", c.toString());
    }

    @Test
    void badSettingsFailAtOnceNamingTheProblem() {
        assertEquals("a Spark master URL is needed, e.g. spark://host:7077",
                assertThrows(IllegalArgumentException.class, () -> Cluster.spark(" ")).getMessage());
        Cluster c = Cluster.spark("yarn");
        assertEquals("Spark settings start with 'spark.', got executor.memory",
                assertThrows(IllegalArgumentException.class, () -> c.conf("executor.memory", "4g")).getMessage());
        assertEquals("executor cores must be 1 or more, got 0",
                assertThrows(IllegalArgumentException.class, () -> c.executorCores(0)).getMessage());
        assertEquals("a Spark version looks like 4.2.0, got latest",
                assertThrows(IllegalArgumentException.class, () -> c.version("latest")).getMessage());
        assertEquals("the start timeout must be positive seconds, got NaN",
                assertThrows(IllegalArgumentException.class, () -> c.startTimeout(Double.NaN)).getMessage());
        assertEquals(Map.of(), c.settings(), "a refused setting leaves nothing behind");
        assertEquals(60.0, c.startTimeoutSeconds());
    }
}
