package io.runnel.jdbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.ProtobufMeta;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * A server-side Avatica {@code Meta} standing in for the Runnel server in driver tests: the SQL
 * texts it knows map to {@link QueryBehavior}s, and it records every call a test asserts on
 * (connections opened with which properties, statements closed, fetches, commits). Unknown SQL
 * fails with 42P01, as the server does for an unknown topic.
 *
 * <p>Thread-safe: Jetty calls it from many threads.
 */
final class FakeServerMeta extends MetaImpl implements ProtobufMeta {
    /** One execution of a query on a server statement. */
    static final class Execution {
        final String connectionId;
        final int statementId;
        final String sql;
        final List<TypedValue> parameters;
        final AtomicInteger fetches = new AtomicInteger();
        /** The maxRowCount of each fetch request. */
        final List<Integer> fetchSizes = new CopyOnWriteArrayList<>();
        /** The rows the client asked for in the first frame. */
        volatile int firstFrameRows;
        private final CountDownLatch closed = new CountDownLatch(1);

        Execution(String connectionId, int statementId, String sql, List<TypedValue> parameters) {
            this.connectionId = connectionId;
            this.statementId = statementId;
            this.sql = sql;
            this.parameters = parameters;
        }

        boolean isClosed() {
            return closed.getCount() == 0;
        }

        void close() {
            closed.countDown();
        }
    }

    private final Map<String, QueryBehavior> behaviors = new ConcurrentHashMap<>();
    private final AtomicInteger nextStatementId = new AtomicInteger(100);
    private final Map<Integer, Execution> executions = new ConcurrentHashMap<>();
    private final Map<Integer, String> prepared = new ConcurrentHashMap<>();

    final List<Map<String, String>> openedConnections = new CopyOnWriteArrayList<>();
    final List<String> closedConnections = new CopyOnWriteArrayList<>();
    final List<Integer> closedStatements = new CopyOnWriteArrayList<>();
    final List<String> prepares = new CopyOnWriteArrayList<>();
    final List<Execution> executed = new CopyOnWriteArrayList<>();
    final List<List<List<TypedValue>>> batches = new CopyOnWriteArrayList<>();
    final List<String> transactions = new CopyOnWriteArrayList<>();
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger connectionSyncs = new AtomicInteger();
    final CountDownLatch shutdown = new CountDownLatch(1);

    /** Thrown by openConnection when set (e.g. a 28000 for bad credentials). */
    volatile RuntimeException openConnectionError;
    /** Thrown by getTables when set. */
    volatile RuntimeException metadataError;
    /** When set, the server has forgotten every connection (as after an idle timeout or a restart). */
    volatile boolean forgetConnections;
    /** Thrown by commit when set. */
    volatile RuntimeException commitError;
    volatile Map<DatabaseProperty, Object> databaseProperties = Map.of();

    FakeServerMeta() {
        super(null);
    }

    FakeServerMeta on(String sql, QueryBehavior behavior) {
        behaviors.put(sql, behavior);
        return this;
    }

    /** The connection properties the server holds for every connection (Avatica merges all syncs here). */
    ConnectionProperties serverConnectionProperties() {
        return connProps;
    }

    /** Drops a prepared statement, as a server does after an idle timeout. */
    void forgetStatement(int statementId) {
        prepared.remove(statementId);
    }

    /** The latest execution of {@code sql}. */
    Execution lastExecution(String sql) {
        for (int i = executed.size() - 1; i >= 0; i--) {
            if (executed.get(i).sql.equals(sql)) {
                return executed.get(i);
            }
        }
        throw new AssertionError("never executed: " + sql);
    }

    private QueryBehavior behavior(String sql) {
        QueryBehavior behavior = behaviors.get(sql);
        if (behavior == null) {
            throw Behaviors.error("42P01", "unknown SQL in the fake server: " + sql);
        }
        return behavior;
    }

    private Signature signature(String sql, QueryBehavior behavior) {
        return Signature.create(behavior.columns(), sql, behavior.parameters(), CursorFactory.LIST,
                behavior.updateCount() >= 0 ? StatementType.INSERT : StatementType.SELECT);
    }

    // ---- connection ----

    @Override
    public void openConnection(ConnectionHandle ch, Map<String, String> info) {
        RuntimeException error = openConnectionError;
        if (error != null) {
            throw error;
        }
        openedConnections.add(info == null ? Map.of() : Map.copyOf(info));
    }

    @Override
    public void closeConnection(ConnectionHandle ch) {
        closedConnections.add(ch.id);
        executions.values().removeIf(e -> {
            if (e.connectionId.equals(ch.id)) {
                e.close();
                return true;
            }
            return false;
        });
    }

    private void checkKnown(String connectionId) {
        if (forgetConnections) {
            throw new NoSuchConnectionException(connectionId);
        }
    }

    @Override
    public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties connProps) {
        checkKnown(ch.id);
        connectionSyncs.incrementAndGet();
        return super.connectionSync(ch, connProps);
    }

    @Override
    public Map<DatabaseProperty, Object> getDatabaseProperties(ConnectionHandle ch) {
        return databaseProperties;
    }

    @Override
    public void commit(ConnectionHandle ch) {
        RuntimeException error = commitError;
        if (error != null) {
            throw error;
        }
        transactions.add("commit");
    }

    @Override
    public void rollback(ConnectionHandle ch) {
        transactions.add("rollback");
    }

    // ---- statements ----

    @Override
    public StatementHandle createStatement(ConnectionHandle ch) {
        checkKnown(ch.id);
        return new StatementHandle(ch.id, nextStatementId.getAndIncrement(), null);
    }

    @Override
    public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
        checkKnown(ch.id);
        prepares.add(sql);
        QueryBehavior behavior = behavior(sql);
        int id = nextStatementId.getAndIncrement();
        prepared.put(id, sql);
        return new StatementHandle(ch.id, id, signature(sql, behavior));
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
        if (closedStatements.contains(h.id)) {
            throw new NoSuchStatementException(h);
        }
        return run(h, sql, List.of(), maxRowsInFirstFrame);
    }

    @SuppressWarnings("deprecation")
    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, long maxRowCount)
            throws NoSuchStatementException {
        return execute(h, parameterValues, (int) maxRowCount);
    }

    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
            throws NoSuchStatementException {
        String sql = prepared.get(h.id);
        if (sql == null) {
            throw new NoSuchStatementException(h);
        }
        return run(h, sql, parameterValues, maxRowsInFirstFrame);
    }

    private ExecuteResult run(StatementHandle h, String sql, List<TypedValue> parameters, int maxRowsInFirstFrame) {
        QueryBehavior behavior = behavior(sql);
        Execution execution = new Execution(h.connectionId, h.id, sql, parameters == null ? List.of() : List.copyOf(
                new ArrayList<>(parameters)));
        execution.firstFrameRows = maxRowsInFirstFrame;
        executed.add(execution);
        if (behavior.updateCount() >= 0) {
            return new ExecuteResult(List.of(MetaResultSet.count(h.connectionId, h.id, behavior.updateCount())));
        }
        executions.put(h.id, execution);
        Frame first;
        try {
            first = behavior.firstFrame(execution, maxRowsInFirstFrame);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("server stopping", e);
        }
        return new ExecuteResult(List.of(MetaResultSet.create(h.connectionId, h.id, false, signature(sql, behavior), first)));
    }

    @Override
    public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
            throws NoSuchStatementException, MissingResultsException {
        fetches.incrementAndGet();
        Execution execution = executions.get(h.id);
        if (execution == null) {
            throw new NoSuchStatementException(h);
        }
        execution.fetchSizes.add(fetchMaxRowCount);
        execution.fetches.incrementAndGet();
        try {
            return behavior(execution.sql).fetch(execution, offset, fetchMaxRowCount);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("server stopping", e);
        }
    }

    /** Idempotent, as the driver expects: closing an unknown statement is not an error. */
    @Override
    public void closeStatement(StatementHandle h) {
        closedStatements.add(h.id);
        prepared.remove(h.id);
        Execution execution = executions.remove(h.id);
        if (execution != null) {
            execution.close();
        }
    }

    @Override
    public boolean syncResults(StatementHandle sh, QueryState state, long offset) {
        return false;
    }

    @Override
    public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands) {
        long[] counts = new long[sqlCommands.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = behavior(sqlCommands.get(i)).updateCount();
        }
        return new ExecuteBatchResult(counts);
    }

    @Override
    public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues)
            throws NoSuchStatementException {
        if (!prepared.containsKey(h.id)) {
            throw new NoSuchStatementException(h);
        }
        batches.add(List.copyOf(parameterValues));
        long[] counts = new long[parameterValues.size()];
        java.util.Arrays.fill(counts, 1);
        return new ExecuteBatchResult(counts);
    }

    /** Avatica's protobuf handler passes batches in their protobuf form to a {@link ProtobufMeta}. */
    @Override
    public ExecuteBatchResult executeBatchProtobuf(StatementHandle h, List<Requests.UpdateBatch> updateBatches)
            throws NoSuchStatementException {
        List<List<TypedValue>> rows = new ArrayList<>();
        for (Requests.UpdateBatch batch : updateBatches) {
            List<TypedValue> row = new ArrayList<>();
            for (Common.TypedValue value : batch.getParameterValuesList()) {
                row.add(TypedValue.fromProto(value));
            }
            rows.add(row);
        }
        return executeBatch(h, rows);
    }

    // ---- metadata ----

    @Override
    public MetaResultSet getTables(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
            List<String> typeList) {
        RuntimeException error = metadataError;
        if (error != null) {
            throw error;
        }
        List<Object> rows = new ArrayList<>();
        rows.add(Behaviors.row(null, "runnel", "orders", "TABLE", null, null, null, null, null, null));
        rows.add(Behaviors.row(null, "sys", "topics", "SYSTEM TABLE", null, null, null, null, null, null));
        return metaResult(ch, MetaTable.class, rows);
    }

    @Override
    protected <E> MetaResultSet createEmptyResultSet(Class<E> clazz) {
        return metaResult(new ConnectionHandle("?"), clazz, new ArrayList<>());
    }

    private MetaResultSet metaResult(ConnectionHandle ch, Class<?> clazz, List<Object> rows) {
        List<ColumnMetaData> columns = fieldMetaData(clazz).columns;
        Signature signature = new Signature(columns, "", Collections.<AvaticaParameter>emptyList(),
                Collections.emptyMap(), CursorFactory.LIST, StatementType.SELECT);
        return MetaResultSet.create(ch.id, nextStatementId.getAndIncrement(), true, signature,
                Frame.create(0, true, rows));
    }
}
