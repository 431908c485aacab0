package io.runnel.jdbc;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.apache.calcite.avatica.Meta;

/**
 * The rows of one result, frame by frame, fetched only on demand: {@link #hasNext()} asks the
 * server for the next frame only when the current one is used up and the server has not said
 * it is done, and {@link #next()} never fetches. So a row of an unbounded ({@code EMIT CHANGES})
 * result reaches {@code ResultSet.next()} as soon as the server returns it, not when the row
 * after it exists, as with Avatica's {@code MetaImpl.FetchIterator}, which reads one ahead.
 *
 * <p>The server long-polls a fetch and answers with an empty, not-done frame when no row
 * arrived within {@code fetch_wait_ms}; {@link #hasNext()} then simply asks again, which is how
 * {@code next()} waits for new rows. Only cancel, timeout or close end that wait (through the
 * {@link QueryControl}'s abort, which also wakes the wait for the server). A server that answers
 * empty frames without waiting is polled with a growing pause (up to
 * {@value #MAX_PAUSE_MS} ms) rather than in a busy loop.
 *
 * <p>Not thread-safe: used by the thread iterating the result set.
 */
final class FrameRows implements Iterator<Object> {
    /** Fetches the frame starting at row {@code offset} of the result, at most {@code maxRows} rows. */
    @FunctionalInterface
    interface FrameFetcher {
        Meta.Frame fetch(long offset, int maxRows);
    }

    /** An empty frame that came back faster than this is treated as "the server did not wait". */
    static final long FAST_EMPTY_FRAME_MS = 20;
    static final long FIRST_PAUSE_MS = 10;
    static final long MAX_PAUSE_MS = 250;

    private final FrameFetcher fetcher;
    private final QueryControl query;
    private final IntSupplier rowsPerFetch;
    private final LongSupplier nanoClock;
    private final LongConsumer pause;

    private Iterator<Object> rows;
    private boolean done;
    /** Rows received so far: the offset of the next fetch. */
    private long received;
    private long pauseMs;

    /**
     * @param firstFrame the rows that came with the execute response, or {@code null}
     * @param query ended with {@link QueryControl.Outcome#DONE} when the last frame arrives; may be {@code null}
     * @param rowsPerFetch rows to ask for in each fetch (the fetch size, bounded by max rows)
     * @param nanoClock {@link System#nanoTime()} or a test clock
     * @param pause waits the given ms between polls of a server that does not long-poll
     */
    FrameRows(Meta.Frame firstFrame, FrameFetcher fetcher, QueryControl query, IntSupplier rowsPerFetch,
            LongSupplier nanoClock, LongConsumer pause) {
        this.fetcher = fetcher;
        this.query = query;
        this.rowsPerFetch = rowsPerFetch;
        this.nanoClock = nanoClock;
        this.pause = pause;
        this.rows = Collections.emptyIterator();
        if (firstFrame != null) {
            accept(firstFrame);
        }
    }

    /** Rows of a live query: real clock, pauses end early when {@code query} is aborted. */
    static FrameRows of(Meta.Frame firstFrame, FrameFetcher fetcher, QueryControl query, IntSupplier rowsPerFetch) {
        return new FrameRows(firstFrame, fetcher, query, rowsPerFetch, System::nanoTime,
                query != null ? query::pause : FrameRows::sleep);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedSqlException(DriverErrors.queryInterrupted(-1));
        }
    }

    @Override
    public boolean hasNext() {
        while (!rows.hasNext()) {
            if (done) {
                return false;
            }
            long startNanos = nanoClock.getAsLong();
            Meta.Frame frame = fetcher.fetch(received, Math.max(1, rowsPerFetch.getAsInt()));
            if (frame == null) {
                // Avatica's convention for "no more results"
                markDone();
                return false;
            }
            accept(frame);
            if (!rows.hasNext() && !done) {
                maybePause(TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - startNanos));
            } else {
                pauseMs = 0;
            }
        }
        return true;
    }

    @Override
    public Object next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more rows");
        }
        return rows.next();
    }

    /**
     * Drops the rows received but not yet returned: after a rollback of a consumer group's positions
     * the server sends them again from the committed positions.
     */
    void discardBuffered() {
        rows = Collections.emptyIterator();
    }

    /** Whether the server sent its last frame (rows may remain locally). */
    boolean serverDone() {
        return done;
    }

    private void accept(Meta.Frame frame) {
        if (frame.rows instanceof Collection<?> collection) {
            received += collection.size();
        } else {
            for (Object ignored : frame.rows) {
                received++;
            }
        }
        rows = frame.rows.iterator();
        if (frame.done) {
            markDone();
        }
    }

    private void markDone() {
        done = true;
        if (query != null) {
            query.end(QueryControl.Outcome.DONE);
        }
    }

    private void maybePause(long elapsedMs) {
        if (elapsedMs >= FAST_EMPTY_FRAME_MS) {
            pauseMs = 0;
            return;
        }
        pauseMs = pauseMs == 0 ? FIRST_PAUSE_MS : Math.min(MAX_PAUSE_MS, pauseMs * 2);
        pause.accept(pauseMs);
    }
}
