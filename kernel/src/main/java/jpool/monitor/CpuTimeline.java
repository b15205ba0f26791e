package jpool.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Samples per-CPU utilisation repeatedly and keeps them (with the time each one ends) for a {@link CpuChart}. The
 * window starts when the timeline is made; a sample is taken only after a real interval, so no near-empty
 * interval shows up as a 0% point at the start (it drew a ramp from zero and pulled averages down).
 */
public final class CpuTimeline {
    /** Shorter intervals than this (ms) give no sample: a few jiffies say little and read as 0% or 100%. */
    public static final long MIN_INTERVAL_MS = 50;
    static final long MIN_INTERVAL_NANOS = MIN_INTERVAL_MS * 1_000_000L;
    private static final int MAX_SAMPLES = 2_000;
    private final CpuSampler sampler;
    private final LongSupplier clock;
    private final long start;
    private long lastReading;
    private double[] latest;
    private final List<CpuChart.Sample> samples = new ArrayList<>();

    /** A timeline of this machine's CPUs whose window starts now. */
    public CpuTimeline() {
        this(CpuSampler::read, System::nanoTime);
    }

    /** A timeline over made-up counters and clock (tests). */
    CpuTimeline(Supplier<long[][]> counters, LongSupplier clock) {
        this.clock = clock;
        this.sampler = new CpuSampler(counters);
        this.start = lastReading = clock.getAsLong();
    }

    /**
     * Takes a sample now (utilisation since the previous one) and returns it; within {@value #MIN_INTERVAL_NANOS} ns
     * of the previous reading it returns the latest sample instead, or null while there is none yet.
     */
    public synchronized double[] sample() {
        long now = clock.getAsLong();
        if (now - lastReading < MIN_INTERVAL_NANOS) return latest;
        lastReading = now;
        latest = sampler.sample();
        samples.add(new CpuChart.Sample((now - start) / 1e9, latest));
        if (samples.size() > MAX_SAMPLES) samples.subList(0, samples.size() - MAX_SAMPLES).clear();
        return latest;
    }

    /** The samples so far, oldest first; each one's seconds are where its interval ends (the window starts at 0). */
    public synchronized List<CpuChart.Sample> samples() {
        return new ArrayList<>(samples);
    }

    /** How many CPUs are sampled. */
    public int cpus() {
        return sampler.cpus();
    }

    /**
     * Busy fraction per CPU over the whole window up to the last sample: what {@code top} would have shown for one
     * interval of that length (null while there is no sample).
     */
    public synchronized double[] average() {
        return latest == null ? null : sampler.sinceStart();
    }
}
