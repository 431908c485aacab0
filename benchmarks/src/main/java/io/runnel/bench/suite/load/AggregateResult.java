package io.runnel.bench.suite.load;

/**
 * One aggregate run: {@code rows} aggregated into {@code groups} groups in {@code nanos}, timed
 * from opening the reader to the last group read; {@code mismatch} describes the first group whose
 * sum differs from the sum computed from the written rows, or is {@code null}.
 */
public record AggregateResult(long rows, long groups, long nanos, String mismatch) {
    public double rowsPerSecond() {
        return rows * 1e9 / nanos;
    }
}
