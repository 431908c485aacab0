package io.runnel.bench.suite.load;

/**
 * One fixed-rate latency run. Latency of a row = time its reader had read it minus its intended
 * send time ({@link PacedSchedule}).
 *
 * @param rows rows received (equals the rows sent, or the run fails)
 * @param targetRatePerSecond the pacing rate
 * @param achievedRatePerSecond rows ÷ time from the first intended send to the last actual send
 * @param batchDescription how the producer batched (for the record)
 */
public record LatencyResult(
        long rows,
        int targetRatePerSecond,
        double achievedRatePerSecond,
        double p50Millis,
        double p99Millis,
        double p999Millis,
        double maxMillis,
        double meanMillis,
        String batchDescription) {

    public static LatencyResult of(
            LatencyRecorder recorder, int targetRate, double achievedRate, String batchDescription) {
        var h = recorder.histogram();
        return new LatencyResult(
                h.getTotalCount(),
                targetRate,
                achievedRate,
                recorder.percentileMillis(50),
                recorder.percentileMillis(99),
                recorder.percentileMillis(99.9),
                h.getMaxValue() / 1_000.0,
                h.getMean() / 1_000.0,
                batchDescription);
    }
}
