package io.runnel.bench.suite;

import io.runnel.bench.suite.load.RowProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the suite shows while it runs: the phase, and for the current run the rows done so far and
 * the rate — rewritten in place on a terminal, a line every few seconds otherwise (CI logs).
 *
 * <p>Thread-safe: load loops report through {@link Task#rowsDone} (a volatile write) and a daemon
 * ticker prints; printing is synchronized.
 */
public final class Progress implements AutoCloseable {
    private final PrintStream out;
    private final boolean inPlace;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService ticker;
    /** The run being shown; written by the suite thread, read by the ticker. */
    private volatile Task current;
    private boolean lineOpen;

    public Progress(PrintStream out, boolean inPlace) {
        this.out = out;
        this.inPlace = inPlace;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-progress");
            t.setDaemon(true);
            return t;
        });
        long periodMillis = inPlace ? 500 : 5_000;
        ticker.scheduleAtFixedRate(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** A progress display on the console: in place when attached to a terminal. */
    public static Progress console() {
        return new Progress(System.out, System.console() != null);
    }

    public synchronized void phase(String title) {
        endLine();
        out.printf(Locale.ROOT, "%n[%s] == %s ==%n", elapsed(), title);
        out.flush();
    }

    public synchronized void info(String text) {
        endLine();
        out.printf(Locale.ROOT, "[%s] %s%n", elapsed(), text);
        out.flush();
    }

    /** Starts showing a run of {@code totalRows} rows (0 if unknown). */
    public Task task(String label, long totalRows) {
        Task t = new Task(label, totalRows);
        current = t;
        return t;
    }

    private void tick() {
        Task t = current;
        if (t == null) {
            return;
        }
        String line = t.describe();
        synchronized (this) {
            if (current != t) {
                return;
            }
            if (inPlace) {
                out.print("\r" + line + "\u001b[K");
                lineOpen = true;
            } else {
                out.printf(Locale.ROOT, "[%s] %s%n", elapsed(), line);
            }
            out.flush();
        }
    }

    private void endLine() {
        if (lineOpen) {
            out.print("\r\u001b[K");
            lineOpen = false;
        }
    }

    private String elapsed() {
        long s = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
        return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        synchronized (this) {
            endLine();
            out.flush();
        }
    }

    /** One run being shown. */
    public final class Task implements RowProgress {
        private final String label;
        private final long totalRows;
        private final long taskStartNanos = System.nanoTime();
        /** Written by the load loop, read by the ticker. */
        private volatile long done;

        private Task(String label, long totalRows) {
            this.label = label;
            this.totalRows = totalRows;
        }

        @Override
        public void rowsDone(long rowsSoFar) {
            done = rowsSoFar;
        }

        String describe() {
            double seconds = (System.nanoTime() - taskStartNanos) / 1e9;
            long d = done;
            String rate = seconds > 0 && d > 0 ? ", " + Format.rate(d / seconds) + " rows/s" : "";
            String of = totalRows > 0 ? String.format(Locale.ROOT, "%,d / %,d rows", d, totalRows)
                    : String.format(Locale.ROOT, "%,d rows", d);
            return String.format(Locale.ROOT, "  %s: %s%s (%.0f s)", label, of, rate, seconds);
        }

        /** Stops showing this run and prints its outcome. */
        public void finish(String outcome) {
            if (current == this) {
                current = null;
            }
            info("  " + label + ": " + outcome);
        }
    }
}
