package io.runnel.sql.exec;

import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.prepare.ResultColumns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.calcite.linq4j.Enumerator;

/**
 * Every running query of the server ({@code sys.queries}), and the bounded pool of query threads
 * that pull the unbounded ones.
 *
 * <p>At most {@code maxStreamingQueries} unbounded queries run at once; one more fails with 53000
 * instead of queueing. Query threads are daemon threads named {@code runnel-query-N}.
 *
 * <p>Thread-safe.
 */
public final class QueryRegistry implements AutoCloseable {
    private final Map<String, RunningQuery> queries = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicInteger streaming = new AtomicInteger();
    private final int maxStreamingQueries;
    private final ThreadPoolExecutor threads;
    private final LongSupplier clockMs;

    public QueryRegistry(int maxStreamingQueries, LongSupplier clockMs) {
        this.maxStreamingQueries = maxStreamingQueries;
        this.clockMs = clockMs;
        AtomicInteger threadIds = new AtomicInteger();
        // Admission is bounded by the streaming counter; the pool has slack for the threads of queries that
        // ended (cancel is asynchronous) but have not yet returned to the pool, so that a new query is not
        // refused for a thread that is about to be free.
        int threadSlack = Math.min(maxStreamingQueries, 64);
        this.threads = new ThreadPoolExecutor(0, maxStreamingQueries + threadSlack, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "runnel-query-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Registers a query whose rows {@code rows} produces and, when unbounded, starts its thread.
     *
     * @param maxRows stop after this many rows (0 = no limit)
     * @throws io.runnel.sql.errors.RunnelSqlException 53000 when too many unbounded queries run
     */
    public RunningQuery start(String connectionId, int statementId, String sql, boolean unbounded, long maxRows,
            long pollWaitMs, int queueRows, ResultColumns.Encoder[] encoders, Starter rows) {
        return start(connectionId, statementId, sql, unbounded, maxRows, pollWaitMs, queueRows, encoders, null, rows);
    }

    /**
     * As {@link #start(String, int, String, boolean, long, long, int, ResultColumns.Encoder[], Starter)}, for a
     * streaming query that reads with a consumer group ({@code cursor}, null for none); the group is
     * left when the query ends.
     */
    public RunningQuery start(String connectionId, int statementId, String sql, boolean unbounded, long maxRows,
            long pollWaitMs, int queueRows, ResultColumns.Encoder[] encoders, GroupCursor cursor, Starter rows) {
        String id = "q-" + nextId.getAndIncrement();
        if (unbounded && streaming.incrementAndGet() > maxStreamingQueries) {
            streaming.decrementAndGet();
            throw RunnelErrors.tooManyStreamingQueries(maxStreamingQueries);
        }
        RunningQuery query = new RunningQuery(id, connectionId, statementId, sql, unbounded, clockMs.getAsLong(), maxRows,
                pollWaitMs, queueRows, encoders, cursor, () -> {
                    queries.remove(id);
                    if (unbounded) {
                        streaming.decrementAndGet();
                    }
                });
        queries.put(id, query);
        try {
            query.start(rows.start(query));
            if (unbounded) {
                threads.execute(query::pump);
            }
        } catch (RejectedExecutionException e) {
            query.cancel("no query thread available");
            throw RunnelErrors.tooManyStreamingQueries(maxStreamingQueries);
        } catch (RuntimeException | Error e) {
            query.cancel("it failed to start");
            throw e;
        }
        return query;
    }

    /**
     * Registers a query the data path serves as stored batches ({@link StoredBatchScan}): listed in
     * sys.queries, counted against {@code max_streaming_queries} when unbounded, cancelled like any
     * other; no query thread — each fetch reads on its own request thread, as much as it asks for.
     */
    public RunningQuery startStored(String connectionId, int statementId, String sql, boolean unbounded, long pollWaitMs,
            java.util.function.Function<QueryControl, io.runnel.sql.rel.StoredBatchScan> scan) {
        String id = "q-" + nextId.getAndIncrement();
        if (unbounded && streaming.incrementAndGet() > maxStreamingQueries) {
            streaming.decrementAndGet();
            throw RunnelErrors.tooManyStreamingQueries(maxStreamingQueries);
        }
        RunningQuery query = new RunningQuery(id, connectionId, statementId, sql, unbounded, clockMs.getAsLong(), 0,
                pollWaitMs, 0, new ResultColumns.Encoder[0], null, () -> {
                    queries.remove(id);
                    if (unbounded) {
                        streaming.decrementAndGet();
                    }
                });
        queries.put(id, query);
        try {
            io.runnel.sql.rel.StoredBatchScan stored = scan.apply(query);
            query.startStored(stored);
            stored.open(); // at the execute: EMIT CHANGES from "latest" means the end of the logs now
        } catch (RuntimeException | Error e) {
            query.cancel("it failed to start");
            throw e;
        }
        return query;
    }

    /** Opens a query's rows with the query as their control (cancel flag, readers). */
    @FunctionalInterface
    public interface Starter {
        Enumerator<Object[]> start(QueryControl control);
    }

    /** The query with this id, if it runs. */
    public RunningQuery get(String id) {
        return queries.get(id);
    }

    /** What {@code sys.queries} shows, oldest first. */
    public List<QueryInfo> snapshot() {
        List<QueryInfo> list = new ArrayList<>();
        for (RunningQuery q : queries.values()) {
            list.add(q.info());
        }
        list.sort(Comparator.comparingLong(QueryInfo::startedAtMs).thenComparing(QueryInfo::queryId));
        return list;
    }

    public int runningCount() {
        return queries.size();
    }

    public int streamingCount() {
        return streaming.get();
    }

    /** Cancels every query and stops the query threads. */
    @Override
    public void close() {
        for (RunningQuery q : new ArrayList<>(queries.values())) {
            q.cancel("the server is stopping");
        }
        threads.shutdown();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads.shutdownNow();
    }
}
