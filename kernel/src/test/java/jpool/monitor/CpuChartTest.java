package jpool.monitor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuChartTest {
    @Test
    void parsesPerCpuLinesOfProcStat() {
        long[][] cpus = CpuSampler.parse(List.of(
                "cpu  10 0 10 80 0 0 0 0 0 0",
                "cpu0 5 0 5 40 0 0 0 0 0 0",
                "cpu1 5 0 5 30 10 0 0 0 0 0",
                "intr 123"));
        assertEquals(2, cpus.length, "one entry per CPU, the total line skipped");
        assertArrayEquals(new long[]{50, 40}, cpus[0]);
        assertArrayEquals(new long[]{50, 40}, cpus[1], "iowait counts as idle");
    }

    @Test
    void svgHasOneGroupPerCpuAndNoScript() {
        String svg = CpuChart.svg(List.of(new CpuChart.Sample(0, new double[]{0.1, 0.9, 0.5}),
                new CpuChart.Sample(1, new double[]{0.2, 1.0, 0.4})), "t <b>");
        Matcher m = Pattern.compile("<g class=\"cpu\" data-cpu=\"(\\d)\">").matcher(svg);
        int groups = 0;
        while (m.find()) groups++;
        assertEquals(3, groups);
        assertFalse(svg.contains("<script"));
        assertTrue(svg.contains("t &lt;b&gt;"), "title is escaped");
    }

    @Test
    void textFallbackHasALinePerCpu() {
        assertEquals(2, CpuChart.text(new double[]{0.5, 1.0}).lines().count());
    }
}
