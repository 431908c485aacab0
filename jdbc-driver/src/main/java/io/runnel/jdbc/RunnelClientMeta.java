package io.runnel.jdbc;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * The driver's client-side Avatica {@code Meta}: forwards every call of a connection to its
 * server through {@link RunnelService} (Avatica's own {@code RemoteMeta} is package-private),
 * and differs from it where Runnel needs:
 * <ul>
 *   <li>calls on behalf of a running query (execute, fetch, batches) run in a {@link CallScope},
 *       so that cancel, timeout and close end their wait for the server;
 *   <li>result rows come from a lazy iterator ({@link RunnelResultSet}, {@link FrameRows}) that
 *       fetches only when the application asks for a row it does not have;
 *   <li>the first frame is sized by the statement's fetch size and max rows, not by max rows alone;
 *   <li>closing a statement or connection is best-effort and never hides the caller's own error.
 * </ul>
 * Errors surface as {@link UncheckedSqlException}, which the JDBC objects unwrap.
 *
 * <p>Thread-safe: a connection's statements may run on different threads, and cancel/close
 * arrive from any thread.
 */
@SuppressWarnings("try") // each CallScope is opened for its effect on the calls inside, never referenced
final class RunnelClientMeta extends MetaImpl {
    private static final Logger LOG = Logger.getLogger(RunnelClientMeta.class.getName());
    private static final String CONNECT_TIMEOUT_SETTING = "connect_timeout_ms";

    private final RunnelConnection runnelConnection;
    /** Bound by {@link RunnelConnection#open()} before the connection is handed out; read by every call. */
    private volatile RunnelService service;

    private final Object propsLock = new Object();
    /** Connection properties not yet sent to the server; guarded by {@link #propsLock}. */
    private ConnectionPropertiesImpl localProps;

    /** The server's database properties, fetched once; guarded by {@code this}. */
    private Map<DatabaseProperty, Object> databaseProperties;

    RunnelClientMeta(RunnelConnection connection) {
        super(connection);
        this.runnelConnection = connection;
    }

    /** Makes every following call go to {@code service}'s server. */
    void bind(RunnelService service) {
        this.service = service;
    }

    private RunnelService service() {
        RunnelService bound = service;
        if (bound == null) {
            throw new UncheckedSqlException(DriverErrors.internal("connection is not bound to a server", null));
        }
        return bound;
    }

    HostAndPort endpoint() {
        return service().endpoint();
    }

    // ---- connection ----

    /**
     * Bounded by connect_timeout_ms: a live server answers at once, and a host that accepts TCP
     * but does not answer (a hung process) must not hold up failover to the next one.
     */
    @Override
    public void openConnection(ConnectionHandle ch, Map<String, String> info) {
        synchronized (propsLock) {
            localProps = new ConnectionPropertiesImpl();
            localProps.setDirty(true);
        }
        try (CallScope ignored = CallScope.enter(null, shortTimeoutMs(), CONNECT_TIMEOUT_SETTING)) {
            service().apply(new Service.OpenConnectionRequest(ch.id, info));
        }
    }

    /** Requests that a live server answers at once (open, close) wait at most connect_timeout_ms. */
    private long shortTimeoutMs() {
        return runnelConnection.settings().connectTimeoutMs();
    }

    /** Best-effort and bounded by connect_timeout_ms: a failure is logged; the server also drops idle connections. */
    @Override
    public void closeConnection(ConnectionHandle ch) {
        try (CallScope ignored = CallScope.enter(null, shortTimeoutMs(), CONNECT_TIMEOUT_SETTING)) {
            service().apply(new Service.CloseConnectionRequest(ch.id));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "closeConnection on " + service.endpoint() + " failed");
        }
    }

    /**
     * Avatica's protocol: property changes accumulate locally and go to the server with the next
     * call that needs them (or asks for a property).
     */
    @Override
    public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties connProps) {
        synchronized (propsLock) {
            if (localProps == null) {
                localProps = new ConnectionPropertiesImpl();
                localProps.setDirty(true);
            }
            if (localProps.merge(connProps).isDirty() && connProps.isEmpty()) {
                Service.ConnectionSyncResponse response =
                        service().apply(new Service.ConnectionSyncRequest(ch.id, localProps));
                localProps = (ConnectionPropertiesImpl) response.connProps;
                return localProps;
            }
            return localProps;
        }
    }

    /**
     * One round trip that proves the server still knows this connection.
     *
     * @param timeoutMs how long to wait; 0 = the connection's request timeout
     */
    boolean ping(long timeoutMs) {
        try (CallScope ignored = CallScope.enter(null, timeoutMs, "the isValid timeout")) {
            service().apply(new Service.ConnectionSyncRequest(connection.id, new ConnectionPropertiesImpl()));
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "isValid: " + service.endpoint() + " did not answer");
            return false;
        }
    }

    @Override
    public synchronized Map<DatabaseProperty, Object> getDatabaseProperties(ConnectionHandle ch) {
        if (databaseProperties == null) {
            databaseProperties = service().apply(new Service.DatabasePropertyRequest(ch.id)).map;
        }
        return databaseProperties;
    }

    @Override
    public void commit(ConnectionHandle ch) {
        connectionSync(ch, new ConnectionPropertiesImpl());
        service().apply(new Service.CommitRequest(ch.id));
    }

    @Override
    public void rollback(ConnectionHandle ch) {
        connectionSync(ch, new ConnectionPropertiesImpl());
        service().apply(new Service.RollbackRequest(ch.id));
    }

    // ---- statements ----

    @Override
    public StatementHandle createStatement(ConnectionHandle ch) {
        connectionSync(ch, new ConnectionPropertiesImpl());
        Service.CreateStatementResponse response = service().apply(new Service.CreateStatementRequest(ch.id));
        return new StatementHandle(response.connectionId, response.statementId, null);
    }

    /**
     * Closes {@code h} on the server unless the driver already did (a cancelled or abandoned
     * query); best-effort, like {@link #closeStatementQuietly}.
     */
    @Override
    public void closeStatement(StatementHandle h) {
        QueryLifecycle lifecycle = lifecycleOf(h);
        if (lifecycle != null && lifecycle.isServerHandleClosed(h)) {
            return;
        }
        closeStatementQuietly(h);
    }

    /** Sends closeStatement and waits for the answer, at most connect_timeout_ms; a failure is logged, not thrown. */
    void closeStatementQuietly(StatementHandle h) {
        try (CallScope ignored = CallScope.enter(null, shortTimeoutMs(), CONNECT_TIMEOUT_SETTING)) {
            service().apply(new Service.CloseStatementRequest(h.connectionId, h.id));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "closeStatement " + h.id + " on " + service.endpoint() + " failed");
        }
    }

    /** Sends closeStatement without waiting (from the timer thread, or after abandoning a request). */
    void closeStatementAsync(StatementHandle h) {
        RunnelService bound = service;
        if (bound != null) {
            bound.sendAndForget(new Service.CloseStatementRequest(h.connectionId, h.id));
        }
    }

    @Override
    public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
        connectionSync(ch, new ConnectionPropertiesImpl());
        return service().apply(new Service.PrepareRequest(ch.id, sql, maxRowCount)).statement;
    }

    @SuppressWarnings("deprecation")
    @Override
    public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, PrepareCallback callback)
            throws NoSuchStatementException {
        return prepareAndExecute(h, sql, maxRowCount, -1, callback);
    }

    @Override
    public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, int maxRowsInFirstFrame,
            PrepareCallback callback) throws NoSuchStatementException {
        QueryControl query = queryOf(h);
        try (CallScope ignored = CallScope.enter(query, 0)) {
            connectionSync(new ConnectionHandle(h.connectionId), new ConnectionPropertiesImpl());
            synchronized (callback.getMonitor()) {
                callback.clear();
            }
            // The statement's monitor is not held while waiting: cancel() and close() must not block.
            Service.ExecuteResponse response = service().apply(new Service.PrepareAndExecuteRequest(
                    h.connectionId, h.id, sql, maxRowCount, firstFrameRows(h, maxRowCount)));
            if (response.missingStatement) {
                throw new NoSuchStatementException(h);
            }
            if (!response.results.isEmpty()) {
                Service.ResultSetResponse first = response.results.get(0);
                synchronized (callback.getMonitor()) {
                    if (query != null) {
                        query.throwIfAborted();
                    }
                    callback.assign(first.signature, first.firstFrame, first.updateCount);
                }
            }
            callback.execute();
            return new ExecuteResult(toResultSets(response.results));
        } catch (SQLException e) {
            throw new UncheckedSqlException(e);
        }
    }

    @SuppressWarnings("deprecation")
    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, long maxRowCount)
            throws NoSuchStatementException {
        return execute(h, parameterValues, (int) Math.min(Integer.MAX_VALUE, Math.max(-1, maxRowCount)));
    }

    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
            throws NoSuchStatementException {
        QueryControl query = queryOf(h);
        try (CallScope ignored = CallScope.enter(query, 0)) {
            // e.g. setAutoCommit(false) after prepareStatement: the server must know before it executes
            connectionSync(new ConnectionHandle(h.connectionId), new ConnectionPropertiesImpl());
            Service.ExecuteResponse response = service().apply(
                    new Service.ExecuteRequest(h, parameterValues, firstFrameRows(h, -1)));
            if (response.missingStatement) {
                throw new NoSuchStatementException(h);
            }
            return new ExecuteResult(toResultSets(response.results));
        }
    }

    @Override
    public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
            throws NoSuchStatementException, MissingResultsException {
        QueryControl query = queryOf(h);
        try (CallScope ignored = CallScope.enter(query, 0)) {
            Service.FetchResponse response =
                    service().apply(new Service.FetchRequest(h.connectionId, h.id, offset, fetchMaxRowCount));
            if (response.missingStatement) {
                throw new NoSuchStatementException(h);
            }
            if (response.missingResults) {
                throw new MissingResultsException(h);
            }
            return response.frame;
        }
    }

    @Override
    public boolean syncResults(StatementHandle h, QueryState state, long offset) throws NoSuchStatementException {
        QueryControl query = queryOf(h);
        try (CallScope ignored = CallScope.enter(query, 0)) {
            Service.SyncResultsResponse response =
                    service().apply(new Service.SyncResultsRequest(h.connectionId, h.id, state, offset));
            if (response.missingStatement) {
                throw new NoSuchStatementException(h);
            }
            return response.moreResults;
        }
    }

    @Override
    public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
            throws NoSuchStatementException {
        QueryControl query = queryOf(h);
        try (CallScope ignored = CallScope.enter(query, 0)) {
            connectionSync(new ConnectionHandle(h.connectionId), new ConnectionPropertiesImpl());
            Service.ExecuteBatchResponse response =
                    service().apply(new Service.PrepareAndExecuteBatchRequest(h.connectionId, h.id, sqlCommands));
            return batchResult(h, response, sqlCommands.size());
        }
    }

    @Override
    public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues)
            throws NoSuchStatementException {
        QueryControl query = queryOf(h);
        try (CallScope ignored = CallScope.enter(query, 0)) {
            connectionSync(new ConnectionHandle(h.connectionId), new ConnectionPropertiesImpl());
            Service.ExecuteBatchResponse response =
                    service().apply(new Service.ExecuteBatchRequest(h.connectionId, h.id, parameterValues));
            return batchResult(h, response, parameterValues.size());
        }
    }

    /**
     * One data-path exchange (design note 0008) for statement {@code h}: the statement's query
     * control applies (cancel and timeout end the wait), failures are 08xxx {@link SQLException}s in an
     * {@link UncheckedSqlException}.
     */
    byte[] dataPath(StatementHandle h, String path, byte[] body) {
        return dataPath(queryOf(h), path, body);
    }

    /**
     * Posts a data-path message to this connection's server while {@code query} governs the wait: the
     * query of another connection's statement whose request moved here (its cancel and timeout still apply).
     */
    byte[] dataPath(QueryControl query, String path, byte[] body) {
        try (CallScope ignored = CallScope.enter(query, 0)) {
            return service().exchange(path, body);
        }
    }

    /**
     * Avatica 1.28's protobuf {@code ExecuteBatchResponse} does not carry {@code missingStatement}:
     * a server without the statement answers with no update counts. A non-empty batch always
     * has counts, so none means the statement is missing (nothing was executed).
     */
    private static ExecuteBatchResult batchResult(StatementHandle h, Service.ExecuteBatchResponse response,
            int batchSize) throws NoSuchStatementException {
        if (response.missingStatement || (batchSize > 0 && response.updateCounts.length == 0)) {
            throw new NoSuchStatementException(h);
        }
        return new ExecuteBatchResult(response.updateCounts);
    }

    /**
     * Rows of a result: the first frame's if it is the last, otherwise a lazy sequence that
     * fetches on demand. {@link RunnelResultSet} builds its own (it also enforces max rows);
     * this serves any other Avatica caller.
     */
    @Override
    public Iterable<Object> createIterable(StatementHandle handle, QueryState state, Signature signature,
            List<TypedValue> parameterValues, Frame firstFrame) {
        if (firstFrame != null && firstFrame.done) {
            return firstFrame.rows;
        }
        AvaticaStatement statement = statementOf(handle);
        QueryLifecycle lifecycle = lifecycleOf(handle);
        QueryControl query = lifecycle == null ? null : lifecycle.current();
        int fetchSize = statement == null ? runnelConnection.settings().fetchSize() : fetchSizeOf(statement);
        return () -> FrameRows.of(firstFrame, (offset, maxRows) -> fetchFrame(handle, offset, maxRows), query,
                () -> fetchSize);
    }

    /** {@link #fetch} for a lazy row iterator: errors as {@link UncheckedSqlException}. */
    Frame fetchFrame(StatementHandle handle, long offset, int maxRows) {
        try {
            return fetch(handle, offset, maxRows);
        } catch (NoSuchStatementException | MissingResultsException e) {
            QueryLifecycle lifecycle = lifecycleOf(handle);
            QueryControl query = lifecycle == null ? null : lifecycle.current();
            if (query != null && query.outcome().aborts) {
                throw new UncheckedSqlException(query.abortException());
            }
            throw new UncheckedSqlException(DriverErrors.cursorLost(handle.id, endpoint().toString()));
        }
    }

    // ---- metadata: the server's answers, unchanged ----

    @Override
    public MetaResultSet getCatalogs(ConnectionHandle ch) {
        return toResultSet(MetaCatalog.class, service().apply(new Service.CatalogsRequest(ch.id)));
    }

    @Override
    public MetaResultSet getSchemas(ConnectionHandle ch, String catalog, Pat schemaPattern) {
        return toResultSet(MetaSchema.class, service().apply(new Service.SchemasRequest(ch.id, catalog, schemaPattern.s)));
    }

    @Override
    public MetaResultSet getTables(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
            List<String> typeList) {
        return toResultSet(MetaTable.class, service().apply(
                new Service.TablesRequest(ch.id, catalog, schemaPattern.s, tableNamePattern.s, typeList)));
    }

    @Override
    public MetaResultSet getTableTypes(ConnectionHandle ch) {
        return toResultSet(MetaTableType.class, service().apply(new Service.TableTypesRequest(ch.id)));
    }

    @Override
    public MetaResultSet getTypeInfo(ConnectionHandle ch) {
        return toResultSet(MetaTypeInfo.class, service().apply(new Service.TypeInfoRequest(ch.id)));
    }

    @Override
    public MetaResultSet getColumns(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
            Pat columnNamePattern) {
        return toResultSet(MetaColumn.class, service().apply(new Service.ColumnsRequest(
                ch.id, catalog, schemaPattern.s, tableNamePattern.s, columnNamePattern.s)));
    }

    // ---- helpers ----

    private MetaResultSet toResultSet(Class<?> clazz, Service.ResultSetResponse response) {
        if (response.updateCount != -1) {
            return MetaResultSet.count(response.connectionId, response.statementId, response.updateCount);
        }
        Signature signature = response.signature;
        if (signature == null) {
            List<ColumnMetaData> columns = clazz == null ? Collections.emptyList() : fieldMetaData(clazz).columns;
            signature = Signature.create(columns, "?", Collections.<AvaticaParameter>emptyList(), CursorFactory.ARRAY,
                    StatementType.SELECT);
        }
        return MetaResultSet.create(response.connectionId, response.statementId, response.ownStatement, signature,
                response.firstFrame);
    }

    private List<MetaResultSet> toResultSets(List<Service.ResultSetResponse> results) {
        List<MetaResultSet> list = new ArrayList<>(results.size());
        for (Service.ResultSetResponse result : results) {
            list.add(toResultSet(null, result));
        }
        return list;
    }

    private AvaticaStatement statementOf(StatementHandle h) {
        return connection.statementMap.get(h.id);
    }

    private QueryLifecycle lifecycleOf(StatementHandle h) {
        return statementOf(h) instanceof ManagedStatement owner ? owner.lifecycle() : null;
    }

    /**
     * The current query of {@code h}'s statement, bound to {@code h}, or {@code null}. An aborted
     * query is returned too: a request racing with its cancel must fail at once, not wait.
     */
    private QueryControl queryOf(StatementHandle h) {
        QueryLifecycle lifecycle = lifecycleOf(h);
        QueryControl query = lifecycle == null ? null : lifecycle.current();
        if (query != null) {
            query.bindHandle(h);
        }
        return query;
    }

    /** Rows to ask for in the first frame: the statement's fetch size, at most its max rows. */
    private int firstFrameRows(StatementHandle h, long maxRowCount) {
        AvaticaStatement statement = statementOf(h);
        int fetchSize = statement == null ? runnelConnection.settings().fetchSize() : fetchSizeOf(statement);
        long maxRows = maxRowCount;
        if (statement != null) {
            try {
                long statementMax = statement.getLargeMaxRows();
                maxRows = statementMax > 0 ? statementMax : maxRowCount;
            } catch (SQLException e) {
                // closed statement: the request will fail on its own
            }
        }
        return maxRows > 0 ? (int) Math.min(fetchSize, maxRows) : fetchSize;
    }

    private int fetchSizeOf(AvaticaStatement statement) {
        try {
            return statement.getFetchSize();
        } catch (SQLException e) {
            return runnelConnection.settings().fetchSize();
        }
    }
}
