package io.runnel.bench.suite.load;

/**
 * One consume run: {@code rows} read and decoded in {@code nanos}, timed from opening the reader
 * (consumer or connection) to the last row's fields read; {@code checksum} of what was read and
 * the {@code expectedChecksum} of the rows that were written.
 */
public record ConsumeResult(long rows, long nanos, long checksum, long expectedChecksum) {
    public double rowsPerSecond() {
        return rows * 1e9 / nanos;
    }

    public boolean checksumMatches() {
        return checksum == expectedChecksum;
    }
}
