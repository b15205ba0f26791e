package jpool.monitor;

import java.util.ArrayList;
import java.util.List;

/** Samples per-CPU utilisation repeatedly and keeps them (with their time) for a {@link CpuChart}. */
public final class CpuTimeline {
    private final CpuSampler sampler = new CpuSampler();
    private final long start = System.nanoTime();
    private final List<CpuChart.Sample> samples = new ArrayList<>();
    private static final int MAX_SAMPLES = 2_000;

    /** Takes a sample now (utilisation since the previous one). */
    public synchronized double[] sample() {
        double[] busy = sampler.sample();
        samples.add(new CpuChart.Sample((System.nanoTime() - start) / 1e9, busy));
        if (samples.size() > MAX_SAMPLES) samples.subList(0, samples.size() - MAX_SAMPLES).clear();
        return busy;
    }

    public synchronized List<CpuChart.Sample> samples() {
        return new ArrayList<>(samples);
    }

    /** Average busy fraction per CPU over all samples. */
    public synchronized double[] average() {
        if (samples.isEmpty()) return new double[0];
        double[] avg = new double[samples.get(samples.size() - 1).busy().length];
        for (CpuChart.Sample s : samples) for (int i = 0; i < avg.length && i < s.busy().length; i++) avg[i] += s.busy()[i];
        for (int i = 0; i < avg.length; i++) avg[i] /= samples.size();
        return avg;
    }
}
