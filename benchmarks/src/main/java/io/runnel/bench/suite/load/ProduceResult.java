package io.runnel.bench.suite.load;

/**
 * One produce run: {@code rows} acknowledged in {@code nanos}, timed from the first row handed to
 * the client to the last acknowledgement (client construction and metadata look-up excluded).
 */
public record ProduceResult(long rows, long nanos) {
    public double rowsPerSecond() {
        return rows * 1e9 / nanos;
    }
}
