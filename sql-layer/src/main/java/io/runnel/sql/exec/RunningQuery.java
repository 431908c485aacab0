package io.runnel.sql.exec;

import io.runnel.engine.TopicReader;
import io.runnel.sql.errors.ErrorTranslator;
import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.errors.RunnelSqlException;
import io.runnel.sql.prepare.ResultColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.calcite.linq4j.Enumerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One executing query and its rows on their way to the client (design note 0003 §3), listed in
 * {@code sys.queries} while it lives.
 *
 * <p>A <b>bounded</b> query is pulled by the fetch requests themselves: each fetch moves Calcite's
 * enumerator for up to the rows asked for. An <b>unbounded</b> query ({@code EMIT CHANGES}) is
 * pulled by its own query thread ({@link #pump()}) into a bounded queue; a fetch takes what is
 * there, waiting up to the session's {@code fetch_wait_ms} for the first row, and returns an empty,
 * not-done frame when none came. A full queue blocks the query thread: a slow client slows its
 * query, it never makes the server buffer without bound.
 *
 * <p>Cancellation ({@link #cancel}) — from {@code closeStatement}, {@code CANCEL QUERY}, an expired
 * connection or server shutdown — sets Calcite's cancel flag, wakes every engine read of the query,
 * and makes the query thread and any waiting fetch return promptly; the enumerator and its readers
 * are closed by the thread that owns them.
 *
 * <p>Thread-safety: fetches of one query are serialized by {@code pullLock}; {@link #cancel} and the
 * getters may be called from any thread.
 */
public final class RunningQuery implements QueryControl {
    private static final Logger LOG = LoggerFactory.getLogger(RunningQuery.class);
    /** Queue item: the query produced its last row. */
    private static final Object END = new Object();
    /** How often a waiting fetch or a blocked query thread re-checks the cancel flag, at most. */
    private static final long CHECK_INTERVAL_MS = 100;

    /** A batch of rows for the client and whether they are the last. */
    public record Frame(long offset, boolean done, List<Object> rows) {}

    private final String id;
    private final String connectionId;
    private final int statementId;
    private final String sql;
    private final boolean unbounded;
    private final long startedAtMs;
    private final long maxRows;
    private final long pollWaitMs;
    private final ResultColumns.Encoder[] encoders;
    private final Runnable onEnd;
    /** The statement's consumer-group cursor, or null without a group. */
    private final GroupCursor cursor;
    private final AtomicBoolean cancelFlag = new AtomicBoolean();
    /** Written once by {@link #cancel}; read by the scans' error messages. */
    private volatile String cancelReason = "cancelled";
    private final Set<TopicReader> readers = ConcurrentHashMap.newKeySet();
    private final AtomicLong rowsReturned = new AtomicLong();
    private final ReentrantLock pullLock = new ReentrantLock();
    /** Read by sys.queries; written by the pulling thread. */
    private volatile String state = "RUNNING";

    /** The bounded query's enumerator; @GuardedBy("pullLock"). For an unbounded query, owned by the query thread. */
    private Enumerator<Object[]> enumerator;
    /** @GuardedBy("pullLock") */
    private boolean done;
    /** @GuardedBy("pullLock") */
    private long offset;

    private final BlockingQueue<Object> queue;
    /** Set by the query thread when it fails; read by fetches after they take the END marker. */
    private volatile RunnelSqlException failure;
    /** The query thread, for an unbounded query; read by {@link #cancel}. */
    private volatile Thread pumpThread;
    private final AtomicBoolean ended = new AtomicBoolean();

    RunningQuery(String id, String connectionId, int statementId, String sql, boolean unbounded, long startedAtMs,
            long maxRows, long pollWaitMs, int queueRows, ResultColumns.Encoder[] encoders, GroupCursor cursor,
            Runnable onEnd) {
        this.id = id;
        this.connectionId = connectionId;
        this.statementId = statementId;
        this.sql = sql;
        this.unbounded = unbounded;
        this.startedAtMs = startedAtMs;
        this.maxRows = maxRows;
        this.pollWaitMs = pollWaitMs;
        this.encoders = encoders;
        this.onEnd = onEnd;
        this.cursor = cursor;
        this.queue = unbounded ? new ArrayBlockingQueue<>(queueRows + 1) : null;
    }

    /** The data path's stored-batch scan, or null for a row query; set before the query is handed out, read by fetches and cancel. */
    private volatile io.runnel.sql.rel.StoredBatchScan stored;

    /** Makes this a stored-batch query before it is handed out (no enumerator, no query thread). */
    void startStored(io.runnel.sql.rel.StoredBatchScan scan) {
        this.stored = scan;
    }

    /** Whether the data path serves this query as stored batches ({@link #fetchStored}). */
    public boolean isStored() {
        return stored != null;
    }

    /**
     * The next stored batches of a data-path query (see {@link io.runnel.sql.rel.StoredBatchScan#next}).
     *
     * @throws RunnelSqlException the query's error, or 57014 when it was cancelled
     */
    public io.runnel.storage.format.wire.FetchResponse fetchStored(int maxBytes, long waitMs) {
        pullLock.lock();
        try {
            io.runnel.sql.rel.StoredBatchScan scan = stored;
            if (cancelFlag.get()) {
                scan.close();
                throw RunnelErrors.cancelled(id, cancelReason);
            }
            if (done) {
                return new io.runnel.storage.format.wire.FetchResponse(true, scan.schema(), scan.sources(), scan.sessionZone(),
                        List.of());
            }
            io.runnel.storage.format.wire.FetchResponse response;
            try {
                state = "RUNNING";
                response = scan.next(maxBytes, unbounded ? waitMs : 0);
            } catch (RuntimeException | Error e) {
                scan.close();
                done = true;
                end();
                throw translate(e);
            }
            long rows = response.rowCount();
            offset += rows;
            rowsReturned.addAndGet(rows);
            if (response.done()) {
                done = true;
                state = "FINISHED";
                end();
            } else {
                state = "WAITING";
            }
            return response;
        } finally {
            pullLock.unlock();
        }
    }

    /** Sets the enumerator before the query is handed out (and, for an unbounded one, before its thread starts). */
    void start(Enumerator<Object[]> rows) {
        this.enumerator = rows;
    }

    // ---- QueryControl -------------------------------------------------------------------------

    @Override
    public String queryId() {
        return id;
    }

    @Override
    public AtomicBoolean cancelFlag() {
        return cancelFlag;
    }

    @Override
    public String cancelReason() {
        return cancelReason;
    }

    @Override
    public void readerOpened(TopicReader reader) {
        readers.add(reader);
        if (cancelFlag.get()) {
            reader.wakeup();
        }
    }

    @Override
    public void readerClosed(TopicReader reader) {
        readers.remove(reader);
    }

    @Override
    public long pollWaitMs() {
        return pollWaitMs;
    }

    @Override
    public GroupCursor groupCursor() {
        return cursor;
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    public String id() {
        return id;
    }

    public String connectionId() {
        return connectionId;
    }

    public int statementId() {
        return statementId;
    }

    public boolean unbounded() {
        return unbounded;
    }

    public long rowsReturned() {
        return rowsReturned.get();
    }

    public boolean isEnded() {
        return ended.get();
    }

    public QueryInfo info() {
        return new QueryInfo(id, connectionId, statementId, sql, unbounded ? "unbounded" : "bounded", state, startedAtMs,
                rowsReturned.get());
    }

    /**
     * Ends the query: sets the cancel flag, wakes its engine reads, its thread and any waiting
     * fetch. Idempotent. The next fetch, if any, fails with 57014 naming the reason.
     */
    public void cancel(String reason) {
        if (cancelFlag.compareAndSet(false, true)) {
            cancelReason = reason;
        }
        for (TopicReader r : readers) {
            r.wakeup();
        }
        Thread t = pumpThread;
        if (t != null) {
            t.interrupt();
        }
        if ((!unbounded || stored != null) && pullLock.tryLock()) {
            try {
                closeEnumerator();
                if (stored != null) {
                    stored.close();
                }
            } finally {
                pullLock.unlock();
            }
        }
        end();
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            if (cursor != null) {
                try {
                    cursor.close();
                } catch (RuntimeException e) {
                    LOG.warn("query {} leaving consumer group {} failed", id, cursor.group(), e);
                }
            }
            onEnd.run();
        }
    }

    // ---- rows -----------------------------------------------------------------------------------

    /**
     * The next rows for the client, in wire form.
     *
     * @param maxRowCount most rows to return (at least one is asked for)
     * @param waitMs for an unbounded query, how long to wait for the first row
     * @throws RunnelSqlException the query's error, or 57014 when it was cancelled
     */
    public Frame fetch(int maxRowCount, long waitMs) {
        int limit = Math.max(1, maxRowCount);
        pullLock.lock();
        try {
            if (done) {
                return new Frame(offset, true, List.of());
            }
            if (cancelFlag.get()) {
                closeEnumerator();
                throw RunnelErrors.cancelled(id, cancelReason);
            }
            Frame frame = !unbounded ? pull(limit) : cursor == null ? takeFromQueue(limit, waitMs)
                    : takeGroupRows(limit, waitMs);
            offset += frame.rows().size();
            rowsReturned.addAndGet(frame.rows().size());
            if (frame.done()) {
                done = true;
                state = "FINISHED";
                end();
            }
            return frame;
        } finally {
            pullLock.unlock();
        }
    }

    /** Bounded: moves the enumerator on this (request) thread. @GuardedBy("pullLock") */
    private Frame pull(int limit) {
        long start = offset;
        List<Object> rows = new ArrayList<>(Math.min(limit, 1024));
        boolean last = false;
        try {
            state = "RUNNING";
            while (rows.size() < limit) {
                if (maxRows > 0 && offset + rows.size() >= maxRows) {
                    last = true;
                    break;
                }
                if (!enumerator.moveNext()) {
                    last = true;
                    break;
                }
                rows.add(encode(enumerator.current()));
            }
        } catch (RuntimeException | Error e) {
            closeEnumerator();
            done = true;
            end();
            throw translate(e);
        }
        if (last) {
            closeEnumerator();
        } else {
            state = "WAITING";
        }
        return new Frame(start, last, rows);
    }

    /** Unbounded: takes rows the query thread queued. @GuardedBy("pullLock") */
    private Frame takeFromQueue(int limit, long waitMs) {
        long start = offset;
        List<Object> rows = new ArrayList<>(Math.min(limit, 1024));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        try {
            Object first = null;
            while (first == null) {
                long leftNs = deadline - System.nanoTime();
                if (leftNs <= 0) {
                    return new Frame(start, false, rows);
                }
                first = queue.poll(Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MS)), TimeUnit.NANOSECONDS);
                if (first == null && cancelFlag.get()) {
                    throw RunnelErrors.cancelled(id, cancelReason);
                }
            }
            Object item = first;
            while (true) {
                if (item == END) {
                    RunnelSqlException error = failure;
                    if (error != null) {
                        throw error;
                    }
                    return new Frame(start, true, rows);
                }
                rows.add(item);
                if (rows.size() >= limit) {
                    break;
                }
                item = queue.poll();
                if (item == null) {
                    break;
                }
            }
            return new Frame(start, false, rows);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RunnelErrors.cancelled(id, "the server is stopping");
        }
    }

    /**
     * Unbounded with a consumer group: like {@link #takeFromQueue}, but the fetch first acknowledges
     * (and under autocommit commits) what earlier fetches delivered, delivers only rows of the
     * current epoch and of owned partitions, and returns early — empty, not done — when the group's
     * assignment changes while it waits. @GuardedBy("pullLock")
     */
    private Frame takeGroupRows(int limit, long waitMs) {
        long start = offset;
        long startEpoch = cursor.fetchStarted(start);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        try {
            while (true) {
                long leftNs = deadline - System.nanoTime();
                Object first = queue.poll(Math.max(0, Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MS))),
                        TimeUnit.NANOSECONDS);
                if (first == null) {
                    if (cancelFlag.get()) {
                        throw RunnelErrors.cancelled(id, cancelReason);
                    }
                    if (cursor.epoch() != startEpoch || deadline - System.nanoTime() <= 0) {
                        return new Frame(start, false, List.of());
                    }
                    continue;
                }
                List<GroupCursor.Positioned> items = new ArrayList<>(Math.min(limit, 1024));
                boolean last = false;
                Object item = first;
                while (item != null) {
                    if (item == END) {
                        last = true;
                        break;
                    }
                    items.add((GroupCursor.Positioned) item);
                    if (items.size() >= limit) {
                        break;
                    }
                    item = queue.poll();
                }
                List<Object> rows = cursor.accept(items);
                if (last) {
                    RunnelSqlException error = failure;
                    if (error != null) {
                        throw error;
                    }
                    return new Frame(start, true, rows);
                }
                if (!rows.isEmpty() || cursor.epoch() != startEpoch || deadline - System.nanoTime() <= 0) {
                    return new Frame(start, false, rows);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RunnelErrors.cancelled(id, "the server is stopping");
        }
    }

    /**
     * The body of an unbounded query's thread: moves the enumerator and queues each row, until the
     * rows end (LIMIT, max rows, an {@code _offset} upper bound), the query fails, or it is cancelled.
     */
    void pump() {
        pumpThread = Thread.currentThread();
        long produced = 0;
        try {
            while (!cancelFlag.get()) {
                if (maxRows > 0 && produced >= maxRows) {
                    break;
                }
                state = "WAITING";
                if (!enumerator.moveNext()) {
                    break;
                }
                state = "RUNNING";
                Object encoded = encode(enumerator.current());
                Object row = cursor == null ? encoded : cursor.positioned(encoded);
                while (!queue.offer(row, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS)) {
                    state = "WAITING";
                    if (cancelFlag.get()) {
                        return;
                    }
                }
                produced++;
            }
        } catch (InterruptedException e) {
            // cancelled: the flag says why
        } catch (RuntimeException | Error e) {
            if (!cancelFlag.get()) {
                failure = translate(e);
                LOG.debug("query {} failed", id, e);
            }
        } finally {
            pumpThread = null;
            Thread.interrupted();
            closeEnumerator();
            if (!cancelFlag.get() || failure != null) {
                putEnd();
            }
        }
    }

    private void putEnd() {
        try {
            while (!queue.offer(END, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS)) {
                if (cancelFlag.get()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private RunnelSqlException translate(Throwable e) {
        if (cancelFlag.get()) {
            return RunnelErrors.cancelled(id, cancelReason);
        }
        return ErrorTranslator.translate(e);
    }

    private Object encode(Object[] row) {
        Object[] out = new Object[encoders.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = encoders[i].encode(i < row.length ? row[i] : null);
        }
        return java.util.Arrays.asList(out);
    }

    private void closeEnumerator() {
        Enumerator<Object[]> e = enumerator;
        enumerator = null;
        if (e != null) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                LOG.debug("closing query {} failed", id, ex);
            }
        }
        for (TopicReader r : readers) {
            r.close();
        }
    }
}
