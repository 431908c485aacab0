package io.runnel.sql.meta;

import io.runnel.engine.Acks;
import io.runnel.engine.Engine;
import io.runnel.engine.EngineException;
import io.runnel.sql.RunnelVersion;
import io.runnel.sql.SqlLayerConfig;
import io.runnel.sql.adapter.RunnelCatalog;
import io.runnel.sql.errors.ErrorTranslator;
import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.errors.RunnelSqlException;
import io.runnel.sql.exec.GroupCursor;
import io.runnel.sql.exec.Parameters;
import io.runnel.sql.exec.Prepared;
import io.runnel.sql.exec.QueryControl;
import io.runnel.sql.exec.QueryRegistry;
import io.runnel.sql.exec.RunningQuery;
import io.runnel.sql.exec.SqlMetrics;
import io.runnel.sql.exec.Session;
import io.runnel.sql.exec.StatementPreparer;
import io.runnel.sql.prepare.ResultColumns;
import io.runnel.sql.prepare.RunnelPrepare;
import java.sql.Connection;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.ProtobufMeta;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runnel's server-side Avatica {@link Meta} (design note 0003 §1), served by Avatica's
 * {@code LocalService} and protobuf handler: it owns connections, statements and running queries.
 *
 * <ul>
 *   <li>Statements are parsed and routed by {@link StatementPreparer}: DDL and INSERT run Runnel's own
 *       paths, queries run through Calcite.
 *   <li>A bounded result is pulled by the fetches; an unbounded one by its query thread, each fetch
 *       long-polling its queue for up to the connection's {@code fetch_wait_ms} and returning an
 *       empty, not-done frame when nothing arrived.
 *   <li>{@code closeStatement} (the driver's cancel, close, timeout and max rows) ends the
 *       statement's query and frees its resources; a connection idle for longer than
 *       {@code connection_idle_timeout_ms} is closed with its queries.
 *   <li>Every error reaches the client as an {@link AvaticaRuntimeException} with the SQLSTATE of
 *       DESIGN.md §3 ({@link RunnelErrors}).
 * </ul>
 *
 * <p>Connection properties understood: {@code acks} (0, 1, all), {@code fetch_wait_ms},
 * {@code timezone} (also Avatica's {@code timeZone}), {@code group} (consumer group of the
 * connection's EMIT CHANGES queries) and {@code start} (earliest or latest: where a group starts in a
 * partition it has no committed offset for). Others (Avatica's own, {@code user}, {@code password})
 * are accepted and ignored in this version.
 *
 * <p>Consumer groups (design note 0009): {@code commit}/{@code rollback} commit or rewind the
 * positions of the connection's group queries; with auto-commit, a fetch commits what the fetches
 * before it delivered, and closing a statement or the connection commits everything delivered; a
 * connection that made no request for {@code group_session_timeout_ms} loses its group queries.
 *
 * <p>Thread-safe: request threads call it concurrently.
 */
public final class RunnelMeta implements ProtobufMeta, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunnelMeta.class);

    private final Engine engine;
    private final SqlLayerConfig config;
    private final LongSupplier clockMs;
    private final QueryRegistry queries;
    private final RunnelCatalog catalog;
    private final RunnelPrepare prepare = new RunnelPrepare();
    private final Map<String, ServerConnection> connections = new ConcurrentHashMap<>();
    private final SqlMetrics metrics = new SqlMetrics();
    private final ScheduledExecutorService reaper;
    /**
     * Makes consumer-group member ids unique ({@code connection/statement#n}): a statement executed
     * again is a new member even while its previous query is still leaving.
     */
    private final java.util.concurrent.atomic.AtomicLong memberSequence = new java.util.concurrent.atomic.AtomicLong();
    /** Permits for fetches that may wait for rows; each waiting fetch holds a request thread. */
    private final java.util.concurrent.Semaphore waitingFetches;

    public RunnelMeta(Engine engine, SqlLayerConfig config, LongSupplier clockMs) {
        this(engine, config, clockMs, null);
    }

    /**
     * @param groups the broker's consumer groups (a cluster broker's: every group has one coordinator in the
     *     cluster), or null for groups over {@code engine} alone
     */
    public RunnelMeta(Engine engine, SqlLayerConfig config, LongSupplier clockMs, io.runnel.engine.group.GroupService groups) {
        this.engine = engine;
        this.config = config;
        this.clockMs = clockMs;
        this.queries = new QueryRegistry(config.maxStreamingQueries(), clockMs);
        this.catalog = new RunnelCatalog(engine, queries::snapshot, groups);
        this.waitingFetches = new java.util.concurrent.Semaphore(config.maxWaitingFetches());
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "runnel-connection-reaper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, Math.min(10_000,
                Math.min(config.connectionIdleTimeoutMs(), config.groupSessionTimeoutMs()) / 4));
        reaper.scheduleWithFixedDelay(this::expireIdleConnections, period, period, TimeUnit.MILLISECONDS);
    }

    public SqlMetrics metrics() {
        return metrics;
    }

    public QueryRegistry queries() {
        return queries;
    }

    public int connectionCount() {
        return connections.size();
    }

    public RunnelCatalog catalog() {
        return catalog;
    }

    // ---- connections ----------------------------------------------------------------------------

    @Override
    public void openConnection(ConnectionHandle ch, Map<String, String> info) {
        call(() -> {
            if (connections.containsKey(ch.id)) {
                return null;
            }
            if (connections.size() >= config.maxConnections()) {
                throw RunnelErrors.tooManyConnections(config.maxConnections());
            }
            Session session = new Session(ch.id, catalog, prepare, config, queries, metrics, ZoneOffset.UTC, Acks.ALL,
                    config.fetchWaitMs());
            if (info != null) {
                applyProperties(session, info);
            }
            if (connections.putIfAbsent(ch.id, new ServerConnection(ch.id, session, clockMs.getAsLong())) == null) {
                metrics.connectionsOpened.increment();
            }
            return null;
        });
    }

    private static void applyProperties(Session session, Map<String, String> info) {
        for (Map.Entry<String, String> e : info.entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            String value = e.getValue();
            if (value == null) {
                continue;
            }
            switch (key) {
                case "acks" -> {
                    try {
                        session.setAcks(Acks.parse(value));
                    } catch (EngineException ex) {
                        throw RunnelErrors.invalidConnectionProperty("acks", value, "0, 1 or all");
                    }
                }
                case "fetch_wait_ms" -> {
                    try {
                        long ms = Long.parseLong(value.trim());
                        if (ms < 0) {
                            throw new NumberFormatException();
                        }
                        session.setFetchWaitMs(ms);
                    } catch (NumberFormatException ex) {
                        throw RunnelErrors.invalidConnectionProperty("fetch_wait_ms", value, "a whole number of milliseconds");
                    }
                }
                case "timezone" -> {
                    try {
                        session.setZone(ZoneId.of(value.trim()));
                    } catch (DateTimeException ex) {
                        throw RunnelErrors.invalidConnectionProperty(e.getKey(), value, "a time zone ID such as UTC or Europe/Paris");
                    }
                }
                case "group" -> {
                    String group = value.trim();
                    if (group.isEmpty() || group.length() > 255 || group.chars().anyMatch(Character::isISOControl)) {
                        throw RunnelErrors.invalidConnectionProperty("group", value,
                                "a consumer group name of 1 to 255 characters without control characters");
                    }
                    session.setGroup(group);
                }
                case "data_path" -> {
                    switch (value.trim().toLowerCase(Locale.ROOT)) {
                        case "true" -> session.setDataPathReads(true);
                        case "false" -> session.setDataPathReads(false);
                        default -> throw RunnelErrors.invalidConnectionProperty("data_path", value, "true or false");
                    }
                }
                case "start" -> {
                    switch (value.trim().toLowerCase(Locale.ROOT)) {
                        case "earliest" -> session.setStartEarliest(true);
                        case "latest" -> session.setStartEarliest(false);
                        default -> throw RunnelErrors.invalidConnectionProperty("start", value, "earliest or latest");
                    }
                }
                default -> { }
            }
        }
    }

    @Override
    public void closeConnection(ConnectionHandle ch) {
        ServerConnection c = connections.remove(ch.id);
        if (c != null) {
            for (ServerStatement s : c.statements.values()) {
                commitOnClose(c, s.query);
            }
            closeStatements(c, "its connection was closed");
        }
    }

    /**
     * An explicit close (statement or connection) under auto-commit commits what was delivered, as a
     * Kafka consumer commits on close. Abrupt ends (session timeout, expiry, server stop) do not: the
     * next member reads the uncommitted tail again (at-least-once).
     */
    private static void commitOnClose(ServerConnection c, RunningQuery q) {
        if (q == null || q.groupCursor() == null || q.isEnded() || !c.session.autoCommit()) {
            return;
        }
        try {
            q.groupCursor().commitDelivered();
        } catch (RuntimeException e) {
            LOG.warn("committing the positions of query {} (group {}) on close failed: {}", q.id(),
                    q.groupCursor().group(), e.getMessage());
        }
    }

    private void closeStatements(ServerConnection c, String reason) {
        for (ServerStatement s : c.statements.values()) {
            RunningQuery q = s.query;
            if (q != null) {
                q.cancel(reason);
            }
        }
        c.statements.clear();
    }

    /** Closes connections that made no request for longer than the idle timeout. Runs on the reaper thread. */
    void expireIdleConnections() {
        long now = clockMs.getAsLong();
        for (ServerConnection c : connections.values()) {
            long idleMs = now - c.lastUsedMs;
            if (idleMs > config.groupSessionTimeoutMs() && c.requestsInProgress.get() == 0) {
                for (ServerStatement s : c.statements.values()) {
                    RunningQuery q = s.query;
                    if (q != null && q.groupCursor() != null && !q.isEnded()) {
                        LOG.info("removing {} from consumer group {}: connection {} made no request for {} ms",
                                q.groupCursor().memberId(), q.groupCursor().group(), c.id, idleMs);
                        metrics.groupSessionsExpired.increment();
                        q.cancel("its connection made no request for longer than the group session timeout ("
                                + config.groupSessionTimeoutMs() + " ms, server setting group_session_timeout_ms):"
                                + " it was removed from consumer group " + q.groupCursor().group());
                    }
                }
            }
            if (now - c.lastUsedMs > config.connectionIdleTimeoutMs() && connections.remove(c.id, c)) {
                LOG.info("closing connection {}: idle for {} ms", c.id, now - c.lastUsedMs);
                metrics.connectionsExpired.increment();
                closeStatements(c, "its connection was idle for longer than " + config.connectionIdleTimeoutMs() + " ms");
            }
        }
    }

    /**
     * For the data path ({@code io.runnel.sql.datapath}): the session of connection {@code connectionId},
     * touching its idle clock as any request does; empty when there is no such connection.
     */
    public java.util.Optional<Session> dataPathSession(String connectionId) {
        ServerConnection c = connections.get(connectionId);
        if (c == null) {
            return java.util.Optional.empty();
        }
        c.lastUsedMs = clockMs.getAsLong();
        return java.util.Optional.of(c.session);
    }

    /** For the data path: what statement {@code statementId} of the connection prepared; empty when unknown or not prepared. */
    public java.util.Optional<Prepared> dataPathPrepared(String connectionId, int statementId) {
        ServerConnection c = connections.get(connectionId);
        ServerStatement s = c == null ? null : c.statements.get(statementId);
        return java.util.Optional.ofNullable(s == null ? null : s.prepared);
    }

    private ServerConnection connection(String id) {
        ServerConnection c = connections.get(id);
        if (c == null) {
            throw new AvaticaRuntimeException(RunnelErrors.unknownConnection(id).getMessage(),
                    Service.ErrorResponse.MISSING_CONNECTION_ERROR_CODE, RunnelErrors.CONNECTION_DOES_NOT_EXIST,
                    AvaticaSeverity.ERROR);
        }
        c.lastUsedMs = clockMs.getAsLong();
        return c;
    }

    @Override
    public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties connProps) {
        return call(() -> {
            ServerConnection c = connection(ch.id);
            synchronized (c) {
                if (connProps != null && !connProps.isEmpty()) {
                    Boolean autoCommit = connProps.isAutoCommit();
                    if (autoCommit != null && autoCommit != c.session.autoCommit()) {
                        if (autoCommit) {
                            // JDBC: turning auto-commit on commits the transaction in progress.
                            commitGroupPositions(c);
                        }
                        c.session.setAutoCommit(autoCommit);
                        c.properties.setAutoCommit(autoCommit);
                    }
                    if (connProps.isReadOnly() != null) {
                        c.properties.setReadOnly(connProps.isReadOnly());
                    }
                    String schema = connProps instanceof ConnectionPropertiesImpl impl ? impl.getSchema() : null;
                    if (schema != null) {
                        c.session.setSchema(schema);
                        c.properties.setSchema(c.session.schema());
                    }
                }
                ConnectionPropertiesImpl copy = new ConnectionPropertiesImpl(c.properties.isAutoCommit(),
                        c.properties.isReadOnly(), c.properties.getTransactionIsolation(), c.properties.getCatalog(),
                        c.properties.getSchema());
                return copy;
            }
        });
    }

    @Override
    public Map<DatabaseProperty, Object> getDatabaseProperties(ConnectionHandle ch) {
        Map<DatabaseProperty, Object> map = new EnumMap<>(DatabaseProperty.class);
        map.put(DatabaseProperty.GET_DATABASE_PRODUCT_NAME, RunnelVersion.PRODUCT_NAME);
        map.put(DatabaseProperty.GET_DATABASE_PRODUCT_VERSION, RunnelVersion.version());
        map.put(DatabaseProperty.GET_DATABASE_MAJOR_VERSION, RunnelVersion.major());
        map.put(DatabaseProperty.GET_DATABASE_MINOR_VERSION, RunnelVersion.minor());
        map.put(DatabaseProperty.GET_DEFAULT_TRANSACTION_ISOLATION, Connection.TRANSACTION_NONE);
        map.put(DatabaseProperty.GET_S_Q_L_KEYWORDS, "CANCEL,CHANGES,CONSUMER,EARLIEST,EMIT,LATEST,OFFSETS,QUERY,STREAM,TOPIC,TOPICS");
        map.put(DatabaseProperty.GET_NUMERIC_FUNCTIONS, "ABS,ACOS,ASIN,ATAN,ATAN2,CEILING,COS,COT,DEGREES,EXP,FLOOR,LOG,LOG10,MOD,PI,"
                + "POWER,RADIANS,RAND,ROUND,SIGN,SIN,SQRT,TAN,TRUNCATE");
        map.put(DatabaseProperty.GET_STRING_FUNCTIONS, "ASCII,CHAR,CONCAT,INSERT,LCASE,LEFT,LENGTH,LOCATE,LTRIM,REPEAT,REPLACE,"
                + "RIGHT,RTRIM,SPACE,SUBSTRING,UCASE");
        map.put(DatabaseProperty.GET_SYSTEM_FUNCTIONS, "DATABASE,IFNULL,USER");
        map.put(DatabaseProperty.GET_TIME_DATE_FUNCTIONS, "CURDATE,CURTIME,DAYNAME,DAYOFMONTH,DAYOFWEEK,DAYOFYEAR,HOUR,MINUTE,"
                + "MONTH,MONTHNAME,NOW,QUARTER,SECOND,TIMESTAMPADD,TIMESTAMPDIFF,WEEK,YEAR");
        return map;
    }

    // ---- statements -----------------------------------------------------------------------------

    @Override
    public StatementHandle createStatement(ConnectionHandle ch) {
        return call(() -> new StatementHandle(ch.id, connection(ch.id).newStatement().id, null));
    }

    @Override
    public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
        return call(() -> {
            ServerConnection c = connection(ch.id);
            Prepared prepared = StatementPreparer.prepare(c.session, sql);
            ServerStatement s = c.newStatement();
            s.prepared = prepared;
            s.maxRowCount = Math.max(0, maxRowCount);
            return new StatementHandle(ch.id, s.id, signature(prepared));
        });
    }

    private static Signature signature(Prepared prepared) {
        return new Signature(prepared.columns(), prepared.sql(), prepared.parameters(), null,
                prepared instanceof Prepared.Update ? CursorFactory.OBJECT : CursorFactory.LIST, prepared.statementType());
    }

    @Deprecated
    @Override
    public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, PrepareCallback callback)
            throws NoSuchStatementException {
        return prepareAndExecute(h, sql, maxRowCount, -1, callback);
    }

    @Override
    public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, int maxRowsInFirstFrame,
            PrepareCallback callback) throws NoSuchStatementException {
        ServerConnection c = call(() -> connection(h.connectionId));
        ServerStatement s = statement(c, h);
        return call(() -> {
            endQuery(s, "the statement was executed again");
            Prepared prepared = StatementPreparer.prepare(c.session, sql);
            s.prepared = prepared;
            s.maxRowCount = Math.max(0, maxRowCount);
            return execute(c, s, h, prepared, List.of(), maxRowCount, maxRowsInFirstFrame);
        });
    }

    @Deprecated
    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, long maxRowCount)
            throws NoSuchStatementException {
        return execute(h, parameterValues, (int) Math.min(Integer.MAX_VALUE, Math.max(-1, maxRowCount)));
    }

    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
            throws NoSuchStatementException {
        ServerConnection c = call(() -> connection(h.connectionId));
        ServerStatement s = statement(c, h);
        return call(() -> {
            Prepared prepared = s.prepared;
            if (prepared == null) {
                throw RunnelErrors.of(RunnelErrors.INVALID_SQL_STATEMENT_NAME, "Statement " + h.id + " was not prepared", null);
            }
            endQuery(s, "the statement was executed again");
            return execute(c, s, h, prepared, parameterValues == null ? List.of() : parameterValues, s.maxRowCount,
                    maxRowsInFirstFrame);
        });
    }

    private ExecuteResult execute(ServerConnection c, ServerStatement s, StatementHandle h, Prepared prepared,
            List<TypedValue> parameters, long maxRowCount, int maxRowsInFirstFrame) {
        c.requestsInProgress.incrementAndGet();
        try {
            return executeNow(c, s, h, prepared, parameters, maxRowCount, maxRowsInFirstFrame);
        } finally {
            c.lastUsedMs = clockMs.getAsLong();
            c.requestsInProgress.decrementAndGet();
        }
    }

    private ExecuteResult executeNow(ServerConnection c, ServerStatement s, StatementHandle h, Prepared prepared,
            List<TypedValue> parameters, long maxRowCount, int maxRowsInFirstFrame) {
        Session session = c.session;
        metrics.statements.increment();
        Signature signature = signature(prepared);
        if (prepared instanceof Prepared.Update update) {
            long[] counts = update.action().execute(List.of(parameters), QueryControl.detached());
            if (update.statementType() == StatementType.INSERT) {
                metrics.producedRows.add(counts[0]);
            }
            return new ExecuteResult(List.of(MetaResultSet.count(h.connectionId, h.id, counts[0])));
        }
        if (prepared instanceof Prepared.Rows rows) {
            List<List<Object>> list = rows.rows().get();
            long limit = maxRowCount > 0 ? Math.min(maxRowCount, list.size()) : list.size();
            List<Object> frameRows = new ArrayList<>(list.subList(0, (int) limit));
            metrics.fetchedRows.add(frameRows.size());
            return new ExecuteResult(List.of(MetaResultSet.create(h.connectionId, h.id, false, signature,
                    new Frame(0, true, frameRows))));
        }
        Prepared.Query query = (Prepared.Query) prepared;
        Object[] internal = Parameters.internal(query.query(), parameters, session.coercer());
        ZoneId zone = session.zone();
        long pollWaitMs = Math.max(50, Math.min(500, session.fetchWaitMs()));
        if (session.dataPathReads() && session.group() == null && query.query().storedScan() != null) {
            io.runnel.sql.rel.StoredScanPlan plan = query.query().storedScan();
            long rowsCap = Math.max(0, maxRowCount);
            RunningQuery running = queries.startStored(c.id, s.id, prepared.sql(), query.query().streaming(), pollWaitMs,
                    control -> plan.open(control, rowsCap, zone));
            s.query = running;
            // No rows in the execute response: the driver fetches them as stored batches (/runnel/v1/fetch).
            return new ExecuteResult(List.of(MetaResultSet.create(h.connectionId, h.id, false, signature,
                    new Frame(0, false, List.of()))));
        }
        GroupCursor cursor = session.group() != null && query.query().streaming()
                ? new GroupCursor(catalog.groups(), engine, session.group(),
                        c.id + "/" + s.id + "#" + memberSequence.incrementAndGet(), session.startEarliest(),
                        session::autoCommit)
                : null;
        RunningQuery running = queries.start(c.id, s.id, prepared.sql(), query.query().streaming(), Math.max(0, maxRowCount),
                pollWaitMs, config.streamingQueueRows(), ResultColumns.encoders(query.query().rowType(), zone), cursor,
                control -> query.query().bind(internal, zone, clockMs.getAsLong(), control).enumerator());
        s.query = running;
        int firstRows = maxRowsInFirstFrame > 0 ? Math.min(maxRowsInFirstFrame, config.maxFetchRows()) : config.maxFetchRows();
        RunningQuery.Frame first = running.fetch(firstRows, 0);
        metrics.fetchedRows.add(first.rows().size());
        return new ExecuteResult(List.of(MetaResultSet.create(h.connectionId, h.id, false, signature,
                new Frame(first.offset(), first.done(), first.rows()))));
    }

    @Override
    public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
            throws NoSuchStatementException, MissingResultsException {
        ServerConnection c = call(() -> connection(h.connectionId));
        ServerStatement s = statement(c, h);
        RunningQuery q = s.query;
        if (q == null) {
            throw new MissingResultsException(h);
        }
        return call(() -> {
            if (q.isStored()) {
                throw RunnelErrors.of(RunnelErrors.FEATURE_NOT_SUPPORTED, "Statement " + h.id + " returns its rows"
                        + " through the data path (POST /runnel/v1/fetch), not Avatica fetches: connect with"
                        + " data_path=false to read it as rows", null);
            }
            int rows = fetchMaxRowCount > 0 ? Math.min(fetchMaxRowCount, config.maxFetchRows()) : config.maxFetchRows();
            RunningQuery.Frame frame;
            if (q.unbounded()) {
                if (!waitingFetches.tryAcquire()) {
                    throw RunnelErrors.of(io.runnel.engine.SqlStates.INSUFFICIENT_RESOURCES, "Too many fetches are waiting"
                            + " for rows: the limit is " + config.maxWaitingFetches() + " (server setting max_waiting_fetches)",
                            null);
                }
                c.requestsInProgress.incrementAndGet();
                try {
                    frame = q.fetch(rows, c.session.fetchWaitMs());
                } finally {
                    c.lastUsedMs = clockMs.getAsLong();
                    c.requestsInProgress.decrementAndGet();
                    waitingFetches.release();
                }
            } else {
                frame = q.fetch(rows, 0);
            }
            c.lastUsedMs = clockMs.getAsLong();
            metrics.fetchedRows.add(frame.rows().size());
            return new Frame(frame.offset(), frame.done(), frame.rows());
        });
    }

    /**
     * The next stored batches of a statement's data-path query (POST /runnel/v1/fetch), long-polled
     * like {@link #fetch} for an unbounded one.
     *
     * @throws RunnelSqlException 08003 no such connection, 26000 no such statement, 24000 the
     *     statement has no data-path query, 57014 cancelled, 53000 too many waiting fetches
     */
    public io.runnel.storage.format.wire.FetchResponse fetchStored(String connectionId, int statementId, int maxBytes,
            long maxWaitMs) {
        ServerConnection c = connections.get(connectionId);
        if (c == null) {
            throw RunnelErrors.unknownConnection(connectionId);
        }
        c.lastUsedMs = clockMs.getAsLong();
        ServerStatement s = c.statements.get(statementId);
        if (s == null) {
            throw RunnelErrors.of(RunnelErrors.INVALID_SQL_STATEMENT_NAME, "Statement " + statementId
                    + " does not exist on connection " + connectionId, null);
        }
        RunningQuery q = s.query;
        if (q == null || !q.isStored()) {
            throw RunnelErrors.of(RunnelErrors.INVALID_CURSOR_STATE, "Statement " + statementId
                    + " has no query served through the data path", null);
        }
        long waitMs = Math.min(maxWaitMs, c.session.fetchWaitMs());
        boolean waits = q.unbounded() && waitMs > 0;
        if (waits && !waitingFetches.tryAcquire()) {
            throw RunnelErrors.of(io.runnel.engine.SqlStates.INSUFFICIENT_RESOURCES, "Too many fetches are waiting"
                    + " for rows: the limit is " + config.maxWaitingFetches() + " (server setting max_waiting_fetches)", null);
        }
        c.requestsInProgress.incrementAndGet();
        try {
            io.runnel.storage.format.wire.FetchResponse response = q.fetchStored(maxBytes, waitMs);
            metrics.fetchedRows.add(response.rowCount());
            metrics.dataPathFetchedRows.add(response.rowCount());
            return response;
        } finally {
            c.lastUsedMs = clockMs.getAsLong();
            c.requestsInProgress.decrementAndGet();
            if (waits) {
                waitingFetches.release();
            }
        }
    }

    @Override
    public void closeStatement(StatementHandle h) {
        ServerConnection c = connections.get(h.connectionId);
        if (c == null) {
            return;
        }
        c.lastUsedMs = clockMs.getAsLong();
        ServerStatement s = c.statements.remove(h.id);
        if (s != null) {
            commitOnClose(c, s.query);
            endQuery(s, "its statement was closed");
        }
    }

    private static void endQuery(ServerStatement s, String reason) {
        RunningQuery q = s.query;
        s.query = null;
        if (q != null && !q.isEnded()) {
            q.cancel(reason);
        }
    }

    private static ServerStatement statement(ServerConnection c, StatementHandle h) throws NoSuchStatementException {
        ServerStatement s = c.statements.get(h.id);
        if (s == null) {
            throw new NoSuchStatementException(h);
        }
        return s;
    }

    /**
     * The Runnel driver reports with syncResults how many rows of a streaming result its application
     * has read ({@code offset}), before a commit or a close: the statement's consumer-group commit then
     * covers exactly those rows. Otherwise nothing to do (results cannot be repositioned).
     */
    @Override
    public boolean syncResults(StatementHandle sh, QueryState state, long offset) throws NoSuchStatementException {
        ServerConnection c = call(() -> connection(sh.connectionId));
        ServerStatement s = statement(c, sh);
        RunningQuery q = s.query;
        if (q != null && q.groupCursor() != null && !q.isEnded()) {
            call(() -> {
                q.groupCursor().clientReturned(offset);
                return null;
            });
        }
        return false;
    }

    /**
     * {@code Connection.commit()}: commits the position of every row returned so far by the
     * connection's streaming statements that read with a consumer group. Without one, a no-op (INSERT
     * and DDL commit on their own).
     */
    @Override
    public void commit(ConnectionHandle ch) {
        call(() -> {
            commitGroupPositions(connection(ch.id));
            return null;
        });
    }

    private static void commitGroupPositions(ServerConnection c) {
        for (ServerStatement s : c.statements.values()) {
            RunningQuery q = s.query;
            if (q != null && q.groupCursor() != null && !q.isEnded()) {
                q.groupCursor().commitDelivered();
            }
        }
    }

    /**
     * {@code Connection.rollback()}: the connection's group queries continue from their last
     * committed positions (rows returned since are returned again). Without one, a no-op.
     */
    @Override
    public void rollback(ConnectionHandle ch) {
        call(() -> {
            ServerConnection c = connection(ch.id);
            for (ServerStatement s : c.statements.values()) {
                RunningQuery q = s.query;
                if (q != null && q.groupCursor() != null && !q.isEnded()) {
                    q.groupCursor().rollback();
                }
            }
            return null;
        });
    }

    // ---- batches --------------------------------------------------------------------------------

    @Override
    public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
            throws NoSuchStatementException {
        ServerConnection c = call(() -> connection(h.connectionId));
        statement(c, h);
        return call(() -> {
            long[] counts = new long[sqlCommands.size()];
            for (int i = 0; i < counts.length; i++) {
                Prepared prepared = StatementPreparer.prepare(c.session, sqlCommands.get(i));
                if (!(prepared instanceof Prepared.Update update)) {
                    throw RunnelErrors.notAQuery("statement " + (i + 1) + " of the batch returns rows and");
                }
                metrics.statements.increment();
                counts[i] = update.action().execute(List.of(List.of()), QueryControl.detached())[0];
                if (update.statementType() == StatementType.INSERT) {
                    metrics.producedRows.add(counts[i]);
                }
            }
            return new ExecuteBatchResult(counts);
        });
    }

    @Override
    public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues)
            throws NoSuchStatementException {
        ServerConnection c = call(() -> connection(h.connectionId));
        ServerStatement s = statement(c, h);
        return call(() -> executeBatch(s, h, parameterValues));
    }

    @Override
    public ExecuteBatchResult executeBatchProtobuf(StatementHandle h, List<Requests.UpdateBatch> parameterValues)
            throws NoSuchStatementException {
        ServerConnection c = call(() -> connection(h.connectionId));
        ServerStatement s = statement(c, h);
        return call(() -> {
            List<List<TypedValue>> sets = new ArrayList<>(parameterValues.size());
            for (Requests.UpdateBatch batch : parameterValues) {
                List<TypedValue> set = new ArrayList<>(batch.getParameterValuesCount());
                for (Common.TypedValue v : batch.getParameterValuesList()) {
                    set.add(TypedValue.fromProto(v));
                }
                sets.add(set);
            }
            return executeBatch(s, h, sets);
        });
    }

    private ExecuteBatchResult executeBatch(ServerStatement s, StatementHandle h, List<List<TypedValue>> sets) {
        Prepared prepared = s.prepared;
        if (prepared == null) {
            throw RunnelErrors.of(RunnelErrors.INVALID_SQL_STATEMENT_NAME, "Statement " + h.id + " was not prepared", null);
        }
        if (!(prepared instanceof Prepared.Update update)) {
            throw RunnelErrors.notAQuery("a batch of a statement that returns rows:");
        }
        if (sets.isEmpty()) {
            return new ExecuteBatchResult(new long[0]);
        }
        metrics.statements.add(sets.size());
        long[] counts = update.action().execute(sets, QueryControl.detached());
        if (update.statementType() == StatementType.INSERT) {
            long total = 0;
            for (long n : counts) {
                total += n;
            }
            metrics.producedRows.add(total);
        }
        return new ExecuteBatchResult(counts);
    }

    // ---- metadata -------------------------------------------------------------------------------

    private MetaResultSet metadata(ConnectionHandle ch, Supplier<MetadataResults.Result> result) {
        return call(() -> {
            ServerConnection c = connection(ch.id);
            MetadataResults.Result r = result.get();
            ServerStatement s = c.newStatement();
            Signature signature = new Signature(r.columns(), "", List.of(), null, CursorFactory.LIST, StatementType.SELECT);
            List<Object> rows = new ArrayList<>(r.rows());
            c.statements.remove(s.id);
            return MetaResultSet.create(ch.id, s.id, true, signature, new Frame(0, true, rows));
        });
    }

    @Override
    public MetaResultSet getTables(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
            List<String> typeList) {
        return metadata(ch, () -> MetadataResults.tables(engine, this.catalog.sys(), catalog, schemaPattern.s,
                tableNamePattern.s, typeList));
    }

    @Override
    public MetaResultSet getColumns(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
            Pat columnNamePattern) {
        return metadata(ch, () -> MetadataResults.columns(engine, this.catalog.sys(), catalog, schemaPattern.s,
                tableNamePattern.s, columnNamePattern.s));
    }

    @Override
    public MetaResultSet getSchemas(ConnectionHandle ch, String catalog, Pat schemaPattern) {
        return metadata(ch, () -> MetadataResults.schemas(catalog, schemaPattern.s));
    }

    @Override
    public MetaResultSet getCatalogs(ConnectionHandle ch) {
        return metadata(ch, MetadataResults::catalogs);
    }

    @Override
    public MetaResultSet getTableTypes(ConnectionHandle ch) {
        return metadata(ch, MetadataResults::tableTypes);
    }

    @Override
    public MetaResultSet getTypeInfo(ConnectionHandle ch) {
        return metadata(ch, MetadataResults::typeInfo);
    }

    @Override
    public MetaResultSet getProcedures(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat procedureNamePattern) {
        return metadata(ch, () -> MetadataResults.empty("PROCEDURE_CAT", "PROCEDURE_SCHEM", "PROCEDURE_NAME", "RESERVED1",
                "RESERVED2", "RESERVED3", "REMARKS", "PROCEDURE_TYPE", "SPECIFIC_NAME"));
    }

    @Override
    public MetaResultSet getProcedureColumns(ConnectionHandle ch, String catalog, Pat schemaPattern,
            Pat procedureNamePattern, Pat columnNamePattern) {
        return metadata(ch, () -> MetadataResults.empty("PROCEDURE_CAT", "PROCEDURE_SCHEM", "PROCEDURE_NAME", "COLUMN_NAME",
                "COLUMN_TYPE", "DATA_TYPE", "TYPE_NAME", "PRECISION", "LENGTH", "SCALE", "RADIX", "NULLABLE", "REMARKS",
                "COLUMN_DEF", "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE",
                "SPECIFIC_NAME"));
    }

    @Override
    public MetaResultSet getColumnPrivileges(ConnectionHandle ch, String catalog, String schema, String table,
            Pat columnNamePattern) {
        return metadata(ch, () -> MetadataResults.empty("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "GRANTOR",
                "GRANTEE", "PRIVILEGE", "IS_GRANTABLE"));
    }

    @Override
    public MetaResultSet getTablePrivileges(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern) {
        return metadata(ch, () -> MetadataResults.empty("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "GRANTOR", "GRANTEE",
                "PRIVILEGE", "IS_GRANTABLE"));
    }

    @Override
    public MetaResultSet getBestRowIdentifier(ConnectionHandle ch, String catalog, String schema, String table, int scope,
            boolean nullable) {
        return metadata(ch, () -> MetadataResults.empty("SCOPE", "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE",
                "BUFFER_LENGTH", "DECIMAL_DIGITS", "PSEUDO_COLUMN"));
    }

    @Override
    public MetaResultSet getVersionColumns(ConnectionHandle ch, String catalog, String schema, String table) {
        return metadata(ch, () -> MetadataResults.empty("SCOPE", "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE",
                "BUFFER_LENGTH", "DECIMAL_DIGITS", "PSEUDO_COLUMN"));
    }

    @Override
    public MetaResultSet getPrimaryKeys(ConnectionHandle ch, String catalog, String schema, String table) {
        return metadata(ch, () -> MetadataResults.empty("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ",
                "PK_NAME"));
    }

    private static final String[] KEY_COLUMNS = {"PKTABLE_CAT", "PKTABLE_SCHEM", "PKTABLE_NAME", "PKCOLUMN_NAME",
        "FKTABLE_CAT", "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ", "UPDATE_RULE", "DELETE_RULE", "FK_NAME",
        "PK_NAME", "DEFERRABILITY"};

    @Override
    public MetaResultSet getImportedKeys(ConnectionHandle ch, String catalog, String schema, String table) {
        return metadata(ch, () -> MetadataResults.empty(KEY_COLUMNS));
    }

    @Override
    public MetaResultSet getExportedKeys(ConnectionHandle ch, String catalog, String schema, String table) {
        return metadata(ch, () -> MetadataResults.empty(KEY_COLUMNS));
    }

    @Override
    public MetaResultSet getCrossReference(ConnectionHandle ch, String parentCatalog, String parentSchema,
            String parentTable, String foreignCatalog, String foreignSchema, String foreignTable) {
        return metadata(ch, () -> MetadataResults.empty(KEY_COLUMNS));
    }

    @Override
    public MetaResultSet getIndexInfo(ConnectionHandle ch, String catalog, String schema, String table, boolean unique,
            boolean approximate) {
        return metadata(ch, () -> MetadataResults.empty("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "NON_UNIQUE",
                "INDEX_QUALIFIER", "INDEX_NAME", "TYPE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC", "CARDINALITY",
                "PAGES", "FILTER_CONDITION"));
    }

    @Override
    public MetaResultSet getUDTs(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat typeNamePattern, int[] types) {
        return metadata(ch, () -> MetadataResults.empty("TYPE_CAT", "TYPE_SCHEM", "TYPE_NAME", "CLASS_NAME", "DATA_TYPE",
                "REMARKS", "BASE_TYPE"));
    }

    @Override
    public MetaResultSet getSuperTypes(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat typeNamePattern) {
        return metadata(ch, () -> MetadataResults.empty("TYPE_CAT", "TYPE_SCHEM", "TYPE_NAME", "SUPERTYPE_CAT",
                "SUPERTYPE_SCHEM", "SUPERTYPE_NAME"));
    }

    @Override
    public MetaResultSet getSuperTables(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern) {
        return metadata(ch, () -> MetadataResults.empty("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "SUPERTABLE_NAME"));
    }

    @Override
    public MetaResultSet getAttributes(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat typeNamePattern,
            Pat attributeNamePattern) {
        return metadata(ch, () -> MetadataResults.empty("TYPE_CAT", "TYPE_SCHEM", "TYPE_NAME", "ATTR_NAME", "DATA_TYPE",
                "ATTR_TYPE_NAME", "ATTR_SIZE", "DECIMAL_DIGITS", "NUM_PREC_RADIX", "NULLABLE", "REMARKS", "ATTR_DEF",
                "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE", "SCOPE_CATALOG",
                "SCOPE_SCHEMA", "SCOPE_TABLE", "SOURCE_DATA_TYPE"));
    }

    @Override
    public MetaResultSet getClientInfoProperties(ConnectionHandle ch) {
        return metadata(ch, () -> MetadataResults.empty("NAME", "MAX_LEN", "DEFAULT_VALUE", "DESCRIPTION"));
    }

    @Override
    public MetaResultSet getFunctions(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat functionNamePattern) {
        return metadata(ch, () -> MetadataResults.empty("FUNCTION_CAT", "FUNCTION_SCHEM", "FUNCTION_NAME", "REMARKS",
                "FUNCTION_TYPE", "SPECIFIC_NAME"));
    }

    @Override
    public MetaResultSet getFunctionColumns(ConnectionHandle ch, String catalog, Pat schemaPattern,
            Pat functionNamePattern, Pat columnNamePattern) {
        return metadata(ch, () -> MetadataResults.empty("FUNCTION_CAT", "FUNCTION_SCHEM", "FUNCTION_NAME", "COLUMN_NAME",
                "COLUMN_TYPE", "DATA_TYPE", "TYPE_NAME", "PRECISION", "LENGTH", "SCALE", "RADIX", "NULLABLE", "REMARKS",
                "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE", "SPECIFIC_NAME"));
    }

    @Override
    public MetaResultSet getPseudoColumns(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
            Pat columnNamePattern) {
        return metadata(ch, () -> MetadataResults.empty("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE",
                "COLUMN_SIZE", "DECIMAL_DIGITS", "NUM_PREC_RADIX", "COLUMN_USAGE", "REMARKS", "CHAR_OCTET_LENGTH",
                "IS_NULLABLE"));
    }

    @Override
    public Iterable<Object> createIterable(StatementHandle stmt, QueryState state, Signature signature,
            List<TypedValue> parameterValues, Frame firstFrame) {
        throw new UnsupportedOperationException("the server sends frames; it does not iterate results itself");
    }

    // ---- errors ---------------------------------------------------------------------------------

    /** Runs {@code body}, turning every failure into the Avatica error the client raises. */
    private <T> T call(Supplier<T> body) {
        try {
            return body.get();
        } catch (AvaticaRuntimeException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            RunnelSqlException error = ErrorTranslator.translate(e);
            metrics.error(error.sqlState());
            if (error.sqlState().startsWith("XX")) {
                LOG.error("internal error", e);
            }
            throw new UserError(error.getMessage(), error.sqlState());
        }
    }

    /**
     * An error for the client, without the server's stack: Avatica sends the stack of the exception
     * with the error response, and a user's mistake is not a server trace to show.
     */
    private static final class UserError extends AvaticaRuntimeException {
        private static final long serialVersionUID = 1L;

        UserError(String message, String sqlState) {
            super(message, -1, sqlState, AvaticaSeverity.ERROR);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** Cancels every query and stops the reaper; the engine is the caller's to close. */
    @Override
    public void close() {
        reaper.shutdownNow();
        for (ServerConnection c : connections.values()) {
            closeStatements(c, "the server is stopping");
        }
        connections.clear();
        queries.close();
        catalog.closeGroups();
    }
}
