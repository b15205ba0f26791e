package jpool.monitor;

import jpool.display.Html;

import java.util.List;
import java.util.Locale;

/**
 * Inline SVG of per-CPU utilisation: one row per CPU with a bar for the latest sample (or an average) and a
 * timeline of all samples, so the before/during/after difference of a run is visible. Plain SVG, no scripts: it renders offline,
 * in nbconvert's HTML export and on static notebook viewers.
 */
public final class CpuChart {
    private static final int ROW = 22, LABEL = 46, BAR = 120, GAP = 12, TIMELINE = 360;

    private CpuChart() {
    }

    /** A timeline sample: seconds since the start and busy fraction per CPU. */
    public record Sample(double seconds, double[] busy) {
    }

    /** The SVG for {@code samples} (oldest first); empty samples give a one-line note. */
    public static String svg(List<Sample> samples, String title) {
        return svg(samples, title, samples.isEmpty() ? null : samples.get(samples.size() - 1).busy());
    }

    /**
     * The SVG with the bars (and their percentages) showing {@code bars} rather than the latest sample. A finished
     * run's summary passes the average over the run: its title says "average", and bars showing only the last
     * sample contradicted both the title and the text/plain version of the same output.
     */
    public static String svg(List<Sample> samples, String title, double[] bars) {
        if (samples.isEmpty()) return "<div>per-CPU utilisation: no samples</div>";
        return svg(samples, samples.get(samples.size() - 1).busy().length, title, bars);
    }

    /**
     * The SVG for {@code cpus} CPUs. Each sample holds its value over the interval it measured (from the previous
     * sample's time, or 0), drawn as a step: a line from zero to the first sample would show a ramp that never
     * happened. With no sample yet the rows are there with empty timelines and no bar.
     */
    public static String svg(List<Sample> samples, int cpus, String title, double[] bars) {
        int width = LABEL + BAR + GAP + TIMELINE + 40;
        int height = 22 + cpus * ROW + 16;
        double span = samples.isEmpty() ? 1e-3 : Math.max(1e-3, samples.get(samples.size() - 1).seconds());
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"jpool-cpu\" width=\"%d\" height=\"%d\" "
                + "font-family=\"monospace\" font-size=\"11\">", width, height));
        s.append("<text x=\"0\" y=\"12\">").append(Html.escape(title)).append("</text>");
        double[] last = bars != null && bars.length == cpus ? bars
                : samples.isEmpty() ? null : samples.get(samples.size() - 1).busy();
        for (int c = 0; c < cpus; c++) {
            int y = 20 + c * ROW;
            s.append(String.format(Locale.ROOT, "<g class=\"cpu\" data-cpu=\"%d\">", c));
            s.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">cpu%d</text>", y + 13, c));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"#eee\"/>", LABEL, y + 2, BAR));
            if (last != null && c < last.length) {
                double now = last[c];
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>", LABEL, y + 2, BAR * now, color(now)));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%3.0f%%</text>", LABEL + BAR + 2 + TIMELINE + GAP, y + 13, now * 100));
            }
            int tx = LABEL + BAR + GAP;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#f7f7f7\" stroke=\"#ddd\"/>", tx, y, TIMELINE));
            // always one timeline per CPU (a run shorter than a sample interval draws it flat, with no made-up sample)
            {
                StringBuilder pts = new StringBuilder();
                pts.append(String.format(Locale.ROOT, "%d,%d", tx, y + 18));
                double from = 0;
                for (Sample smp : samples) {
                    double v = c < smp.busy().length ? smp.busy()[c] : 0, top = y + 18 - 17 * v;
                    pts.append(String.format(Locale.ROOT, " %.1f,%.1f %.1f,%.1f", tx + TIMELINE * from / span, top,
                            tx + TIMELINE * smp.seconds() / span, top));
                    from = smp.seconds();
                }
                pts.append(String.format(Locale.ROOT, " %d,%d", tx + TIMELINE, y + 18));
                s.append("<polygon class=\"timeline\" points=\"").append(pts).append("\" fill=\"#7aa6da\" stroke=\"#3c78c3\" stroke-width=\"0.8\"/>");
            }
            s.append("</g>");
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\">0 s</text>", LABEL + BAR + GAP, height - 3));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\" text-anchor=\"end\">%.1f s</text>",
                LABEL + BAR + GAP + TIMELINE, height - 3, samples.isEmpty() ? 0 : span));
        return s.append("</svg>").toString();
    }

    /** Text fallback for consoles: one line per CPU, like top's per-CPU header. */
    public static String text(double[] busy) {
        StringBuilder t = new StringBuilder();
        for (int c = 0; c < busy.length; c++) {
            int n = (int) Math.round(busy[c] * 20);
            t.append(String.format(Locale.ROOT, "cpu%-3d [%s%s] %5.1f%%%n", c, "#".repeat(n), " ".repeat(20 - n), busy[c] * 100));
        }
        return t.toString().stripTrailing();
    }

    private static String color(double v) {
        return v > 0.85 ? "#d9534f" : v > 0.5 ? "#f0ad4e" : "#5cb85c";
    }
}
