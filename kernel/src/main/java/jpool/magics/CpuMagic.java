package jpool.magics;

import jpool.display.MimeBundle;
import jpool.monitor.CpuChart;
import jpool.monitor.CpuSampler;
import jpool.monitor.CpuTimeline;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** {@code %cpu}: per-CPU utilisation now, or sampled over a span with a live chart. */
final class CpuMagic {
    static final String USAGE = "%cpu [--interval MS] [--for SECONDS]\n"
            + "  Per-CPU utilisation (as top shows after pressing 1) measured over one interval (default 500 ms),\n"
            + "  or sampled every interval for SECONDS with a live chart that ends as a timeline.";
    private static final Map<String, Flags.Arity> SPEC = Map.of("--interval", Flags.Arity.ONE, "--for", Flags.Arity.ONE);
    private final JavaRunner java;

    CpuMagic(JavaRunner java) {
        this.java = java;
    }

    Object cpu(List<String> args) throws InterruptedException {
        Flags f = Flags.parse("%cpu", args, SPEC);
        if (!f.positional().isEmpty()) throw new MagicException("%cpu: unexpected argument '" + f.positional().get(0) + "' (see %cpu --help)");
        int interval = f.intValue("--interval", 500, 50);
        Double span = f.seconds("--for");
        if (!CpuSampler.available()) return new MimeBundle("per-CPU utilisation is not available on this system (needs Linux /proc/stat)");
        CpuTimeline timeline = new CpuTimeline(); // the window starts here: no sample of a near-empty interval
        var cell = java.dispatcher().currentCell();
        String id = "jpool-cpu-" + UUID.randomUUID();
        if (span == null) {
            Thread.sleep(interval);
            double[] busy = timeline.sample();
            return bundle(timeline, busy, "per-CPU utilisation over " + interval + " ms");
        }
        long end = System.nanoTime() + (long) (span * 1e9);
        boolean shown = false;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(interval, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            double[] busy = timeline.sample();
            if (busy == null) continue; // too short an interval to measure (the last bit of the span)
            MimeBundle b = bundle(timeline, busy, "per-CPU utilisation, sampling every " + interval + " ms");
            if (cell != null) {
                if (!shown) cell.display(b.mimeBundle(), Map.of(), id);
                else cell.updateDisplay(b.mimeBundle(), Map.of(), id);
                shown = true;
            }
        }
        if (timeline.samples().isEmpty()) { // a span shorter than the shortest interval worth measuring
            Thread.sleep(CpuTimeline.MIN_INTERVAL_MS);
            timeline.sample();
        }
        // the true average over the window (from the counters), not a mean of samples that may differ in length
        MimeBundle last = bundle(timeline, timeline.average(), String.format(Locale.ROOT, "per-CPU utilisation over %.1f s (average)", span));
        if (cell != null && shown) {
            cell.updateDisplay(last.mimeBundle(), Map.of(), id);
            return null;
        }
        return last;
    }

    private static MimeBundle bundle(CpuTimeline t, double[] busy, String title) {
        return new MimeBundle(title + "\n" + CpuChart.text(busy)).with("text/html", CpuChart.svg(t.samples(), title, busy));
    }
}
