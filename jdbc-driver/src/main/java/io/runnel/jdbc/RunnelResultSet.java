package io.runnel.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.TimeZone;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.util.Cursor;

/**
 * A Runnel {@link java.sql.ResultSet}: Avatica's accessors over the driver's lazy rows
 * ({@link FrameRows}), so that {@link #next()} returns a streaming row as soon as the server
 * has it and waits (in server long-polls) while there is none. In addition:
 * <ul>
 *   <li>after the statement's max rows it returns {@code false} and ends the query on the server;
 *   <li>once the query was cancelled, timed out or closed it throws SQLSTATE 57014;
 *   <li>{@link #close()} ends a query the server is still running.
 * </ul>
 * Thread-safety: one thread at a time; {@link #close()} may come from another thread.
 */
public final class RunnelResultSet extends AvaticaResultSet {
    private final QueryLifecycle lifecycle;
    private final long maxRows;
    /** The query whose rows these are; set by {@link #execute()}. */
    private QueryControl query;
    private long delivered;
    /** The lazy rows of a result that was not complete in its first frame; null otherwise. */
    private FrameRows frames;

    RunnelResultSet(AvaticaStatement statement, QueryState state, Meta.Signature signature,
            ResultSetMetaData resultSetMetaData, TimeZone timeZone, Meta.Frame firstFrame) throws SQLException {
        super(statement, state, signature, resultSetMetaData, timeZone, firstFrame);
        this.lifecycle = statement instanceof ManagedStatement managed ? managed.lifecycle() : null;
        this.maxRows = statement == null ? 0 : statement.getLargeMaxRows();
    }

    @Override
    protected AvaticaResultSet execute() throws SQLException {
        QueryControl current = lifecycle == null ? null : lifecycle.current();
        if (current == null && lifecycle != null) {
            // a metadata result: Avatica made a statement for it, nothing began a query on it
            current = lifecycle.begin(0);
        }
        query = current;
        Iterable<Object> rows;
        if (firstFrame != null && firstFrame.done) {
            if (current != null) {
                current.end(QueryControl.Outcome.DONE);
            }
            rows = firstFrame.rows;
        } else {
            RunnelConnection connection = (RunnelConnection) statement.connection;
            RunnelClientMeta meta = connection.clientMeta();
            FrameRows.FrameFetcher fetcher = (offset, count) -> meta.fetchFrame(statement.handle, offset, count);
            if (connection.settings().dataPath() && firstFrame != null && !firstFrame.rows.iterator().hasNext()
                    && signature.cursorFactory.style == Meta.Style.LIST) {
                // a server serving the query as stored batches sends none with the execute (design note 0008)
                fetcher = new StoredBatchRows((path, body) -> meta.dataPath(statement.handle, path, body), fetcher,
                        statement.handle.connectionId, statement.handle.id, connection.settings().fetchWaitMs());
            }
            FrameRows lazy = FrameRows.of(firstFrame, fetcher, current, this::rowsPerFetch);
            frames = lazy;
            if (fetcher instanceof StoredBatchRows) {
                // rows are views of decoded batches (or Avatica's list rows if the server serves frames after all)
                return execute2(new RowCursor(lazy), columnMetaDataList);
            }
            rows = () -> lazy;
        }
        Cursor cursor = MetaImpl.createCursor(signature.cursorFactory, rows);
        return execute2(cursor, columnMetaDataList);
    }

    /** The fetch size, but no more rows than max rows still allows. */
    private int rowsPerFetch() {
        int fetchSize;
        try {
            fetchSize = getFetchSize();
        } catch (SQLException e) {
            fetchSize = 0;
        }
        if (fetchSize <= 0) {
            fetchSize = ((RunnelConnection) statement.connection).settings().fetchSize();
        }
        if (maxRows > 0) {
            return (int) Math.max(1, Math.min(fetchSize, maxRows - delivered));
        }
        return fetchSize;
    }

    @Override
    protected void checkOpen() throws SQLException {
        if (isClosed()) {
            throw DriverErrors.resultSetClosed(statement == null ? -1 : statement.getId());
        }
    }

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (maxRows > 0 && delivered >= maxRows) {
            endQuery(QueryControl.Outcome.LIMIT_REACHED, QueryLifecycle.ServerClose.ASYNC);
            return false;
        }
        QueryControl current = query;
        if (current != null && current.outcome().aborts) {
            SQLException aborted = current.abortException();
            super.close();
            throw aborted;
        }
        boolean more;
        try {
            more = super.next();
        } catch (SQLException | RuntimeException e) {
            SQLException failure = DriverErrors.translate(e);
            if (current != null && lifecycle != null) {
                lifecycle.failed(current, failure);
            }
            super.close();
            throw failure;
        }
        if (more) {
            delivered++;
            if (maxRows > 0 && delivered == maxRows) {
                // The application has all it asked for: free the server now, not at the next call.
                endQuery(QueryControl.Outcome.LIMIT_REACHED, QueryLifecycle.ServerClose.ASYNC);
            }
        }
        return more;
    }

    /**
     * Whether this result is a query the server still runs with a consumer group: its positions
     * follow the connection's commit and rollback.
     */
    boolean isGroupStream() {
        QueryControl current = query;
        return frames != null && current != null && current.isRunning()
                && ((RunnelConnection) statement.connection).settings().get(ConnectionProperty.GROUP).isPresent();
    }

    /**
     * Tells the server how many rows {@link #next()} returned (Avatica's syncResults, whose offset is
     * the row count): a commit then commits the positions of exactly those rows, not of rows still
     * buffered here. Only for group streams; best-effort on close.
     */
    void reportRowsReturned() throws SQLException {
        if (!isGroupStream()) {
            return;
        }
        RunnelClientMeta meta = ((RunnelConnection) statement.connection).clientMeta();
        try {
            meta.syncResults(statement.handle, new org.apache.calcite.avatica.QueryState(""), delivered);
        } catch (org.apache.calcite.avatica.NoSuchStatementException e) {
            throw DriverErrors.translate(e);
        }
    }

    /** After a rollback: the server sends rows again from the committed positions; drop the buffered ones. */
    void discardBufferedRows() {
        if (isGroupStream()) {
            frames.discardBuffered();
        }
    }

    /** Ends a query the server still runs, and closes; may be called from any thread. */
    @Override
    public void close() {
        if (closed()) {
            return;
        }
        if (isGroupStream()) {
            try {
                reportRowsReturned(); // so that a commit on close commits only what the application read
            } catch (SQLException | RuntimeException e) {
                // the close below still ends the query; the server then commits what it delivered
            }
        }
        endQuery(QueryControl.Outcome.RESULT_SET_CLOSED, QueryLifecycle.ServerClose.NOW);
        super.close();
    }

    /** Closed because its statement runs again: the server is told without waiting. */
    void closeSuperseded() {
        if (closed()) {
            return;
        }
        endQuery(QueryControl.Outcome.RESULT_SET_CLOSED, QueryLifecycle.ServerClose.ASYNC);
        super.close();
    }

    private boolean closed() {
        try {
            return isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private void endQuery(QueryControl.Outcome how, QueryLifecycle.ServerClose serverClose) {
        QueryControl current = query;
        if (current != null && lifecycle != null && current.isRunning()) {
            lifecycle.end(current, how, serverClose);
        }
    }
}
