package io.runnel.bench.suite.load;

/**
 * The intended send time of every row of a fixed-rate run: row {@code i} is due at
 * {@code startNanos + i × periodNanos} ({@link System#nanoTime()} scale).
 *
 * <p>Latency is measured from this intended time, not from the moment the producer got round to
 * sending: when a producer stalls, the rows it should have sent meanwhile are still charged the
 * full wait (no coordinated omission). Immutable.
 *
 * @param startNanos when row 0 is due
 * @param periodNanos time between consecutive rows (10⁹ ÷ rate)
 * @param total number of rows in the run
 */
public record PacedSchedule(long startNanos, long periodNanos, long total) {

    public PacedSchedule {
        if (periodNanos <= 0 || total < 0) {
            throw new IllegalArgumentException("periodNanos " + periodNanos + ", total " + total);
        }
    }

    /** A schedule of {@code ratePerSecond × seconds} rows starting at {@code startNanos}. */
    public static PacedSchedule of(long startNanos, int ratePerSecond, double seconds) {
        long total = Math.round(ratePerSecond * seconds);
        return new PacedSchedule(startNanos, Math.round(1e9 / ratePerSecond), total);
    }

    public long intendedNanos(long index) {
        return startNanos + index * periodNanos;
    }

    /** How many rows are due at {@code nowNanos} (rows {@code 0 … n-1}), at most {@link #total()}. */
    public long dueCount(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        return Math.min(total, (nowNanos - startNanos) / periodNanos + 1);
    }

    /** Sleeps until {@code deadlineNanos} ({@link System#nanoTime()} scale); returns at once if past. */
    public static void parkUntil(long deadlineNanos) {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(remaining);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
