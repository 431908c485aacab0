package io.runnel.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.NClob;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaSite;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * A Runnel {@link java.sql.PreparedStatement}: {@link RunnelStatement}'s cancel, timeout, max
 * rows and error behaviour, plus: when the server no longer has the prepared statement (the
 * driver closed it to end a query, or the server dropped it), it is prepared again before the
 * next execute (a server that says "no such statement" executed nothing, so this is safe).
 *
 * <p>Thread-safety: as {@link RunnelStatement}.
 */
public final class RunnelPreparedStatement extends AvaticaPreparedStatement implements ManagedStatement {
    private final QueryLifecycle lifecycle = new QueryLifecycle(this);
    private final String sql;
    /** The Arrow data path of an INSERT (design note 0008), or null; owner thread, closed by {@link #close()}. */
    private final DataPathInsert dataPath;
    /** Unboxed parameter values while the data path is active, or null; owner thread. */
    private final FastParameters fast;

    RunnelPreparedStatement(RunnelConnection connection, Meta.StatementHandle h, Meta.Signature signature,
            int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        super(connection, h, signature, resultSetType, resultSetConcurrency, resultSetHoldability);
        this.sql = signature.sql;
        // Avatica's prepare response carries no statement type: any statement with parameters and no
        // result columns may be an INSERT; the server says at the first addBatch (one round trip).
        this.dataPath = connection.settings().dataPath() && signature.columns.isEmpty()
                && !signature.parameters.isEmpty()
                ? new DataPathInsert((path, body) -> connection.clientMeta().dataPath(handle, path, body),
                        this::failoverTarget, connection.settings().retryTimeoutMs())
                : null;
        this.fast = dataPath == null ? null : new FastParameters(signature.parameters.size());
    }

    // ---- unboxed setters for the data path (Avatica's setters build a TypedValue per value) ----

    private boolean fastPath(int parameterIndex) throws SQLException {
        if (fast == null || dataPath.mode() != DataPathInsert.Mode.ACTIVE
                || parameterIndex < 1 || parameterIndex > slots.length) {
            return false;
        }
        checkOpen();
        return true;
    }

    /** Every Avatica setter goes through its site: a parameter set that way is no longer held unboxed. */
    @Override
    protected AvaticaSite getSite(int param) throws SQLException {
        if (fast != null) {
            fast.clear(param - 1);
        }
        return super.getSite(param);
    }

    /** Moves unboxed values into Avatica's slots, for anything but a data-path addBatch. */
    private void materialize() throws SQLException {
        if (fast == null || !fast.any()) {
            return;
        }
        for (int i = 0; i < slots.length; i++) {
            int kind = fast.kind(i);
            if (kind == FastParameters.LONG) {
                super.setLong(i + 1, fast.longValue(i));
            } else if (kind == FastParameters.OBJECT) {
                Object v = fast.objectValue(i);
                if (v instanceof String str) {
                    super.setString(i + 1, str);
                } else {
                    super.setBigDecimal(i + 1, (BigDecimal) v);
                }
            }
        }
    }

    @Override
    public void setLong(int parameterIndex, long x) throws SQLException {
        if (fastPath(parameterIndex)) {
            fast.setLong(parameterIndex - 1, x);
        } else {
            super.setLong(parameterIndex, x);
        }
    }

    @Override
    public void setInt(int parameterIndex, int x) throws SQLException {
        if (fastPath(parameterIndex)) {
            fast.setLong(parameterIndex - 1, x);
        } else {
            super.setInt(parameterIndex, x);
        }
    }

    @Override
    public void setShort(int parameterIndex, short x) throws SQLException {
        if (fastPath(parameterIndex)) {
            fast.setLong(parameterIndex - 1, x);
        } else {
            super.setShort(parameterIndex, x);
        }
    }

    @Override
    public void setByte(int parameterIndex, byte x) throws SQLException {
        if (fastPath(parameterIndex)) {
            fast.setLong(parameterIndex - 1, x);
        } else {
            super.setByte(parameterIndex, x);
        }
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
        if (x != null && fastPath(parameterIndex)) {
            fast.setObject(parameterIndex - 1, x);
        } else {
            super.setString(parameterIndex, x);
        }
    }

    @Override
    public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        if (x != null && fastPath(parameterIndex)) {
            fast.setObject(parameterIndex - 1, x);
        } else {
            super.setBigDecimal(parameterIndex, x);
        }
    }

    @Override
    public void clearParameters() throws SQLException {
        if (fast != null) {
            fast.clearAll();
        }
        super.clearParameters();
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

    /** One execution: the JDBC method of the superclass to run. */
    @FunctionalInterface
    private interface Execution<T> {
        T run() throws SQLException;
    }

    private <T> T run(Execution<T> execution, boolean producesResultSet) throws SQLException {
        checkOpen();
        materialize();
        QueryControl query = beforeExecute();
        T result;
        try {
            try {
                result = execution.run();
            } catch (SQLException | RuntimeException e) {
                if (!isMissingStatement(e)) {
                    throw e;
                }
                prepareAgain();
                query.bindHandle(handle);
                result = execution.run();
            }
        } catch (SQLException | RuntimeException e) {
            throw lifecycle.failed(query, e);
        }
        lifecycle.executed(query, producesResultSet && openResultSet != null);
        return result;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        ResultSet resultSet = run(super::executeQuery, true);
        if (resultSet == null) {
            throw DriverErrors.noResultSet(sql);
        }
        return resultSet;
    }

    @Override
    public boolean execute() throws SQLException {
        return run(super::execute, true);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return run(super::executeLargeUpdate, false);
    }

    /**
     * On the data path, the row goes into the statement's Arrow batches at once (coerced by the
     * server's rules; a bad value fails the next {@code executeBatch}); otherwise Avatica keeps it.
     */
    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        if (dataPath != null && parameterValueBatch.isEmpty()) {
            try {
                dataPath.ensurePlan(connection.handle.id, handle.id);
            } catch (SQLException | RuntimeException e) {
                throw DriverErrors.translate(e);
            }
            if (dataPath.mode() == DataPathInsert.Mode.ACTIVE) {
                dataPath.add(getParameterValues(), fast);
                return;
            }
        }
        materialize();
        super.addBatch();
    }

    @Override
    public void clearBatch() throws SQLException {
        if (dataPath != null) {
            dataPath.clear();
        }
        super.clearBatch();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        long[] counts = executeLargeBatch();
        int[] ints = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            ints[i] = (int) Math.min(Integer.MAX_VALUE, counts[i]);
        }
        return ints;
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        if (dataPath != null && dataPath.rowCount() > 0) {
            return run(() -> dataPath.execute(connection.handle.id, handle, () -> {
                prepareAgain();
                return handle;
            }), false);
        }
        // Avatica clears the batch even when the execute fails: keep it for the retry.
        List<List<TypedValue>> batch = new ArrayList<>(parameterValueBatch);
        return run(() -> {
            if (parameterValueBatch.isEmpty() && !batch.isEmpty()) {
                parameterValueBatch.addAll(batch);
            }
            return super.executeLargeBatch();
        }, false);
    }

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
                prepareAgain();
            } catch (SQLException e) {
                throw lifecycle.failed(query, e);
            }
            query.bindHandle(handle);
        }
        return query;
    }

    /**
     * A new connection on the first live host of this statement's URL with its SQL prepared there: the data
     * path resends a request there, unchanged but for the connection and statement ids, when this
     * statement's server is gone (its batches carry the same producer id and sequences, so they are stored
     * at most once). Requests there still end with this statement's query (cancel, query timeout, close).
     * The data path closes it at the end of the execute.
     */
    private DataPathInsert.Target failoverTarget() throws SQLException {
        RunnelConnection sibling = runnelConnection().openSibling();
        try {
            RunnelPreparedStatement statement = (RunnelPreparedStatement) sibling.prepareStatement(sql);
            QueryLifecycle mine = lifecycle;
            return new DataPathInsert.Target((path, body) -> sibling.clientMeta().dataPath(mine.current(), path, body),
                    sibling.handle.id, statement.handle.id, sibling);
        } catch (SQLException | RuntimeException e) {
            sibling.close();
            throw e;
        }
    }

    /** Prepares the SQL again on the server and moves this statement to the new handle. */
    private void prepareAgain() throws SQLException {
        Meta.StatementHandle fresh;
        try {
            fresh = runnelConnection().clientMeta().prepare(connection.handle, sql, -1);
        } catch (RuntimeException e) {
            throw DriverErrors.translate(e);
        }
        if (fresh.signature.parameters.size() != slots.length) {
            runnelConnection().clientMeta().closeStatementQuietly(fresh);
            throw DriverErrors.parameterCountChanged(sql, slots.length, fresh.signature.parameters.size());
        }
        connection.statementMap.remove(handle.id);
        if (dataPath != null) {
            dataPath.planInvalidated();
        }
        handle = fresh;
        connection.statementMap.put(fresh.id, this);
        setSignature(fresh.signature);
    }

    private static boolean isMissingStatement(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 16; c = c.getCause(), depth++) {
            if (c instanceof NoSuchStatementException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void cancel() throws SQLException {
        checkOpen();
        lifecycle.cancel();
    }

    @Override
    public void close() throws SQLException {
        if (dataPath != null) {
            dataPath.close();
        }
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

    // ---- JDBC 4 setters Avatica leaves abstract; each goes to the parameter's site ----

    @Override
    public void setRowId(int parameterIndex, RowId x) throws SQLException {
        getSite(parameterIndex).setRowId(x);
    }

    @Override
    public void setNString(int parameterIndex, String value) throws SQLException {
        getSite(parameterIndex).setNString(value);
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException {
        getSite(parameterIndex).setNCharacterStream(value, length);
    }

    @Override
    public void setNClob(int parameterIndex, NClob value) throws SQLException {
        getSite(parameterIndex).setNClob(value);
    }

    @Override
    public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
        getSite(parameterIndex).setClob(reader, length);
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
        getSite(parameterIndex).setBlob(inputStream, length);
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
        getSite(parameterIndex).setNClob(reader, length);
    }

    @Override
    public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
        getSite(parameterIndex).setSQLXML(xmlObject);
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
        getSite(parameterIndex).setAsciiStream(x, length);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
        getSite(parameterIndex).setBinaryStream(x, length);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader, long length) throws SQLException {
        getSite(parameterIndex).setCharacterStream(reader, length);
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
        getSite(parameterIndex).setAsciiStream(x);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
        getSite(parameterIndex).setBinaryStream(x);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
        getSite(parameterIndex).setCharacterStream(reader);
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
        getSite(parameterIndex).setNCharacterStream(value);
    }

    @Override
    public void setClob(int parameterIndex, Reader reader) throws SQLException {
        getSite(parameterIndex).setClob(reader);
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
        getSite(parameterIndex).setBlob(inputStream);
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader) throws SQLException {
        getSite(parameterIndex).setNClob(reader);
    }
}
