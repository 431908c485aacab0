package io.runnel.bench.suite.load;

/**
 * One run of synchronous single-row writes: the time of each write call, from its start until the
 * acknowledgment returned (the client's round trip, not a fixed-rate schedule).
 *
 * @param writes writes timed
 * @param description how the client wrote (for the record)
 */
public record WriteLatencyResult(
        long writes, double p50Millis, double p99Millis, double p999Millis, double maxMillis, double meanMillis,
        String description) {

    /** From a recorder whose values are each call's duration (recorded as {@code end} against {@code start}). */
    public static WriteLatencyResult of(LatencyRecorder recorder, String description) {
        var h = recorder.histogram();
        return new WriteLatencyResult(h.getTotalCount(), recorder.percentileMillis(50), recorder.percentileMillis(99),
                recorder.percentileMillis(99.9), h.getMaxValue() / 1_000.0, h.getMean() / 1_000.0, description);
    }
}
