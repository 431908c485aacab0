package io.runnel.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;

/** Ready-made {@link QueryBehavior}s, each modelled on what the Runnel server does in one case. */
final class Behaviors {
    private Behaviors() {
    }

    /** One BIGINT column per name. */
    static List<ColumnMetaData> bigintColumns(String... names) {
        List<ColumnMetaData> columns = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            columns.add(MetaImpl.columnMetaData(names[i], i, Long.class, true));
        }
        return columns;
    }

    static List<Object> row(Object... values) {
        return new ArrayList<>(java.util.Arrays.asList(values));
    }

    /** A bounded result: pages of at most maxRows rows, done with the last. */
    static QueryBehavior bounded(List<ColumnMetaData> columns, List<List<Object>> rows) {
        return new QueryBehavior() {
            @Override
            public List<ColumnMetaData> columns() {
                return columns;
            }

            @Override
            public Meta.Frame firstFrame(FakeServerMeta.Execution execution, int maxRows) {
                return page(0, maxRows);
            }

            @Override
            public Meta.Frame fetch(FakeServerMeta.Execution execution, long offset, int maxRows) {
                return page(offset, maxRows);
            }

            private Meta.Frame page(long offset, int maxRows) {
                int from = (int) Math.min(offset, rows.size());
                int to = maxRows <= 0 ? rows.size() : (int) Math.min(rows.size(), offset + maxRows);
                return Meta.Frame.create(offset, to == rows.size(), new ArrayList<>(rows.subList(from, to)));
            }
        };
    }

    /**
     * An unbounded result fed by the test: the first frame is empty, each fetch long-polls
     * {@code feed} for up to {@code waitMs} (woken early by closeStatement) and returns what
     * arrived, never done, like the Runnel server's {@code fetch_wait_ms}.
     */
    static QueryBehavior stream(List<ColumnMetaData> columns, BlockingQueue<List<Object>> feed, long waitMs) {
        return new QueryBehavior() {
            @Override
            public List<ColumnMetaData> columns() {
                return columns;
            }

            @Override
            public Meta.Frame firstFrame(FakeServerMeta.Execution execution, int maxRows) {
                return Meta.Frame.create(0, false, new ArrayList<>());
            }

            @Override
            public Meta.Frame fetch(FakeServerMeta.Execution execution, long offset, int maxRows)
                    throws InterruptedException {
                List<Object> rows = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
                while (rows.isEmpty() && !execution.isClosed() && System.nanoTime() < deadline) {
                    List<Object> first = feed.poll(10, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        rows.add(first);
                        while (rows.size() < maxRows && !feed.isEmpty()) {
                            rows.add(feed.poll());
                        }
                    }
                }
                return Meta.Frame.create(offset, false, rows);
            }
        };
    }

    /** An unbounded result that has rows whenever asked: row i holds i. Never done. */
    static QueryBehavior endless(List<ColumnMetaData> columns) {
        return new QueryBehavior() {
            @Override
            public List<ColumnMetaData> columns() {
                return columns;
            }

            @Override
            public Meta.Frame firstFrame(FakeServerMeta.Execution execution, int maxRows) {
                return fetch(execution, 0, maxRows);
            }

            @Override
            public Meta.Frame fetch(FakeServerMeta.Execution execution, long offset, int maxRows) {
                List<Object> rows = new ArrayList<>();
                for (long i = offset; i < offset + maxRows; i++) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 0; c < columns.size(); c++) {
                        row.add(i);
                    }
                    rows.add(row);
                }
                return Meta.Frame.create(offset, false, rows);
            }
        };
    }

    /**
     * A query whose fetches never return a row and ignore closeStatement: each one blocks until
     * the server shuts down or {@code waitMs} passes. Proves the driver stops waiting by itself.
     */
    static QueryBehavior stuck(List<ColumnMetaData> columns, CountDownLatch serverShutdown, long waitMs) {
        return new QueryBehavior() {
            @Override
            public List<ColumnMetaData> columns() {
                return columns;
            }

            @Override
            public Meta.Frame firstFrame(FakeServerMeta.Execution execution, int maxRows) {
                return Meta.Frame.create(0, false, new ArrayList<>());
            }

            @Override
            public Meta.Frame fetch(FakeServerMeta.Execution execution, long offset, int maxRows)
                    throws InterruptedException {
                serverShutdown.await(waitMs, TimeUnit.MILLISECONDS);
                return Meta.Frame.create(offset, false, new ArrayList<>());
            }
        };
    }

    /** An execute that blocks until {@code release} opens or closeStatement arrives, then returns no rows. */
    static QueryBehavior blockingExecute(List<ColumnMetaData> columns, CountDownLatch release) {
        return new QueryBehavior() {
            @Override
            public List<ColumnMetaData> columns() {
                return columns;
            }

            @Override
            public Meta.Frame firstFrame(FakeServerMeta.Execution execution, int maxRows) throws InterruptedException {
                while (!release.await(10, TimeUnit.MILLISECONDS) && !execution.isClosed()) {
                    // waiting like a slow query
                }
                return Meta.Frame.create(0, true, new ArrayList<>());
            }

            @Override
            public Meta.Frame fetch(FakeServerMeta.Execution execution, long offset, int maxRows) {
                return Meta.Frame.create(offset, true, new ArrayList<>());
            }
        };
    }

    /** DML/DDL with an update count. */
    static QueryBehavior update(long count, AvaticaParameter... parameters) {
        return new QueryBehavior() {
            @Override
            public List<ColumnMetaData> columns() {
                return List.of();
            }

            @Override
            public List<AvaticaParameter> parameters() {
                return List.of(parameters);
            }

            @Override
            public long updateCount() {
                return count;
            }

            @Override
            public Meta.Frame firstFrame(FakeServerMeta.Execution execution, int maxRows) {
                throw new AssertionError("an update has no frames");
            }

            @Override
            public Meta.Frame fetch(FakeServerMeta.Execution execution, long offset, int maxRows) {
                throw new AssertionError("an update has no frames");
            }
        };
    }

    /** The server's way to report an error: Avatica carries message and SQLSTATE to the client. */
    static AvaticaRuntimeException error(String sqlState, String message) {
        return new AvaticaRuntimeException(message, -1, sqlState, AvaticaSeverity.ERROR);
    }

    /** Execute fails with {@code sqlState}. */
    static QueryBehavior failing(String sqlState, String message) {
        return new QueryBehavior() {
            @Override
            public List<ColumnMetaData> columns() {
                return bigintColumns("N");
            }

            @Override
            public Meta.Frame firstFrame(FakeServerMeta.Execution execution, int maxRows) {
                throw error(sqlState, message);
            }

            @Override
            public Meta.Frame fetch(FakeServerMeta.Execution execution, long offset, int maxRows) {
                throw error(sqlState, message);
            }
        };
    }

    /** The first frame has {@code rowsBeforeError} rows; the next fetch fails with {@code sqlState}. */
    static QueryBehavior failingFetch(List<ColumnMetaData> columns, int rowsBeforeError, String sqlState, String message) {
        return new QueryBehavior() {
            @Override
            public List<ColumnMetaData> columns() {
                return columns;
            }

            @Override
            public Meta.Frame firstFrame(FakeServerMeta.Execution execution, int maxRows) {
                List<Object> rows = new ArrayList<>();
                for (long i = 0; i < rowsBeforeError; i++) {
                    rows.add(row(i));
                }
                return Meta.Frame.create(0, false, rows);
            }

            @Override
            public Meta.Frame fetch(FakeServerMeta.Execution execution, long offset, int maxRows) {
                throw error(sqlState, message);
            }
        };
    }
}
