package jpool.monitor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A finished run's chart shows the given bars (its average), the live chart the latest sample. */
class CpuChartBarsTest {
    private static final List<CpuChart.Sample> SAMPLES = List.of(
            new CpuChart.Sample(0, new double[]{0.2, 1.0}), new CpuChart.Sample(1, new double[]{0.6, 0.0}));

    private static String percentages(String svg) {
        Matcher m = Pattern.compile("<text x=\"\\d+\" y=\"\\d+\">\\s*(\\d+)%</text>").matcher(svg);
        StringBuilder sb = new StringBuilder();
        while (m.find()) sb.append(sb.length() == 0 ? "" : ",").append(m.group(1));
        return sb.toString();
    }

    @Test
    void liveChartShowsTheLatestSample() {
        assertEquals("60,0", percentages(CpuChart.svg(SAMPLES, "now")));
    }

    @Test
    void summaryShowsTheGivenBars() {
        assertEquals("40,50", percentages(CpuChart.svg(SAMPLES, "average", new double[]{0.4, 0.5})));
    }

    @Test
    void barsOfTheWrongSizeFallBackToTheLatestSample() {
        assertEquals("60,0", percentages(CpuChart.svg(SAMPLES, "average", new double[]{0.4})));
    }
}
