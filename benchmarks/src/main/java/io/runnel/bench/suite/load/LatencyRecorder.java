package io.runnel.bench.suite.load;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latencies of one fixed-rate run in an HdrHistogram (microseconds, 3 significant digits, up to
 * 10 minutes). Confined to the reading thread; hand it over through a join or a latch.
 */
public final class LatencyRecorder {
    private static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);

    /** Records {@code receivedNanos − intendedNanos}, clamped to the histogram's range. */
    public void record(long receivedNanos, long intendedNanos) {
        long micros = Math.max(0, (receivedNanos - intendedNanos) / 1_000);
        histogram.recordValue(Math.min(micros, HIGHEST_TRACKABLE_MICROS));
    }

    public Histogram histogram() {
        return histogram;
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** The value at {@code percentile} (0–100) in milliseconds. */
    public double percentileMillis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1_000.0;
    }
}
