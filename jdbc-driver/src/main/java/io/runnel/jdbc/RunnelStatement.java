package io.runnel.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

/**
 * A Runnel {@link java.sql.Statement}. Beyond Avatica's statement:
 * <ul>
 *   <li>{@link #cancel()}, {@link #close()}, {@link #setQueryTimeout} and {@link #setMaxRows}
 *       end a running query, also an unbounded one, on the server (see {@link QueryLifecycle});
 *   <li>{@link #cancel()} and {@link #close()} never wait for the statement's monitor, which
 *       Avatica holds while an execute is in flight, so they cannot block behind it;
 *   <li>errors are the driver's clean {@link SQLException}s.
 * </ul>
 * Thread-safety: one thread at a time, except {@link #cancel()} and {@link #close()}, which may
 * be called from any thread while another waits in {@code execute} or {@code ResultSet.next()}.
 */
public final class RunnelStatement extends AvaticaStatement implements ManagedStatement {
    private final QueryLifecycle lifecycle = new QueryLifecycle(this);

    RunnelStatement(RunnelConnection connection, Meta.StatementHandle h, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) {
        super(connection, h, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public QueryLifecycle lifecycle() {
        return lifecycle;
    }

    private RunnelConnection runnelConnection() {
        return (RunnelConnection) connection;
    }

    @Override
    protected void checkOpen() throws SQLException {
        if (isClosed()) {
            throw DriverErrors.statementClosed(getId());
        }
    }

    @Override
    protected void executeInternal(String sql) throws SQLException {
        QueryControl query = beforeExecute();
        try {
            super.executeInternal(sql);
        } catch (SQLException | RuntimeException e) {
            throw lifecycle.failed(query, e);
        }
        lifecycle.executed(query, openResultSet != null);
    }

    @Override
    protected long[] executeBatchInternal() throws SQLException {
        QueryControl query = beforeExecute();
        long[] counts;
        try {
            counts = super.executeBatchInternal();
        } catch (SQLException | RuntimeException e) {
            throw lifecycle.failed(query, e);
        }
        lifecycle.executed(query, false);
        return counts;
    }

    /**
     * Closes the previous result set (ending its query on the server if it still runs), gets a
     * new server statement if the driver closed the old one, and starts the query's lifecycle.
     */
    private QueryControl beforeExecute() throws SQLException {
        AvaticaResultSet previous;
        synchronized (this) {
            previous = openResultSet;
            openResultSet = null;
        }
        if (previous instanceof RunnelResultSet runnel) {
            runnel.closeSuperseded();
        } else if (previous != null) {
            previous.close();
        }
        QueryControl query = lifecycle.begin(getQueryTimeout());
        if (lifecycle.isServerHandleClosed(handle)) {
            try {
                resetStatement();
            } catch (RuntimeException e) {
                throw lifecycle.failed(query, e);
            }
            query.bindHandle(handle);
        }
        return query;
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        checkOpen();
        executeInternal(sql);
        if (openResultSet == null) {
            throw DriverErrors.noResultSet(sql);
        }
        return openResultSet;
    }

    /**
     * Ends the running query: the server closes it, and the thread waiting for it gets
     * SQLSTATE 57014. Returns once the server was told (or could not be reached). Does nothing
     * when no query runs.
     */
    @Override
    public void cancel() throws SQLException {
        checkOpen();
        lifecycle.cancel();
    }

    /** May be called from any thread: a thread waiting in this statement's query gets 57014. */
    @Override
    public void close() throws SQLException {
        lifecycle.statementClosing();
        try {
            synchronized (this) {
                close_();
            }
        } catch (RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    /** Runnel's parser handles JDBC escapes ({@code {fn ...}}, {@code {ts ...}}) itself: nothing to switch. */
    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
    }

    /** A hint for statement pools; the driver keeps no statement cache, so it changes nothing. */
    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        checkOpen();
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        super.setFetchSize(StatementArguments.fetchSize(rows, runnelConnection().settings()));
    }

    @Override
    public void setLargeMaxRows(long maxRowCount) throws SQLException {
        StatementArguments.maxRows(maxRowCount);
        super.setLargeMaxRows(maxRowCount);
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        super.setQueryTimeout(StatementArguments.queryTimeout(seconds));
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        try {
            return super.getMoreResults(current);
        } catch (RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }
}
