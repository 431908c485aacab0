package io.runnel.sql.exec;

import io.runnel.engine.Acks;
import io.runnel.sql.SqlLayerConfig;
import io.runnel.sql.adapter.RunnelCatalog;
import io.runnel.sql.prepare.PrepareContext;
import io.runnel.sql.prepare.RunnelPrepare;
import io.runnel.sql.type.ValueCoercer;
import io.runnel.storage.format.ProducerSequences;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;

/**
 * The settings one client connection runs its statements with, and the shared objects they need:
 * the catalog, Calcite preparation, the SQL layer's limits.
 *
 * <p>Thread-safe: settings are volatile (written by connection-sync and open, read by every
 * statement of the connection, which may run on several request threads).
 */
public final class Session {
    private final String connectionId;
    private final RunnelCatalog catalog;
    private final RunnelPrepare prepare;
    private final SqlLayerConfig config;
    private final QueryRegistry queries;
    private final SqlMetrics metrics;
    /** Read by every statement; written when the connection opens. */
    private volatile ZoneId zone;
    /** Read by INSERTs; written when the connection opens. */
    private volatile Acks acks;
    /** Read by fetches of unbounded queries; written when the connection opens. */
    private volatile long fetchWaitMs;
    /** Written at connection open; read by executes. */
    private volatile boolean dataPathReads;
    /** The consumer group ({@code group} property) or null; read by streaming executions, written when the connection opens. */
    private volatile String group;
    /** The group's start where it has no committed offset ({@code start} property: earliest or latest). */
    private volatile boolean startEarliest;
    /** JDBC auto-commit; read by fetches of group queries, written by connection sync. */
    private volatile boolean autoCommit = true;
    /** The connection's idempotent producer for server-built INSERT batches; guarded by {@link #producerLock}. */
    private final ProducerSequences producer = new ProducerSequences();
    /** Serializes the connection's INSERTs, so its sequences reach each leader in the order they were taken. */
    private final ReentrantLock producerLock = new ReentrantLock();
    /** The schema unqualified names resolve in first; read by every statement, written by connection sync. */
    private volatile String schema = io.runnel.sql.adapter.TopicSchema.NAME;

    public Session(String connectionId, RunnelCatalog catalog, RunnelPrepare prepare, SqlLayerConfig config,
            QueryRegistry queries, SqlMetrics metrics, ZoneId zone, Acks acks, long fetchWaitMs) {
        this.connectionId = connectionId;
        this.catalog = catalog;
        this.prepare = prepare;
        this.config = config;
        this.queries = queries;
        this.metrics = metrics;
        this.zone = Objects.requireNonNull(zone);
        this.acks = Objects.requireNonNull(acks);
        this.fetchWaitMs = fetchWaitMs;
    }

    public String connectionId() {
        return connectionId;
    }

    public RunnelCatalog catalog() {
        return catalog;
    }

    public RunnelPrepare prepare() {
        return prepare;
    }

    public SqlLayerConfig config() {
        return config;
    }

    public QueryRegistry queries() {
        return queries;
    }

    public SqlMetrics metrics() {
        return metrics;
    }

    public ZoneId zone() {
        return zone;
    }

    public Acks acks() {
        return acks;
    }

    /** The connection's idempotent producer; use it only while holding {@link #producerLock()}. */
    public ProducerSequences producer() {
        return producer;
    }

    public ReentrantLock producerLock() {
        return producerLock;
    }

    /** How long a fetch of an unbounded query waits for rows, capped by the server. */
    public long fetchWaitMs() {
        return Math.min(fetchWaitMs, config.maxFetchWaitMs());
    }

    public void setZone(ZoneId zone) {
        this.zone = Objects.requireNonNull(zone);
    }

    public void setAcks(Acks acks) {
        this.acks = Objects.requireNonNull(acks);
    }

    public String schema() {
        return schema;
    }

    /** Sets the default schema ({@code Connection.setSchema}): {@code runnel} or {@code sys}, any case. */
    public void setSchema(String name) {
        if (name.equalsIgnoreCase(io.runnel.sql.adapter.TopicSchema.NAME)) {
            this.schema = io.runnel.sql.adapter.TopicSchema.NAME;
        } else if (name.equalsIgnoreCase(io.runnel.sql.adapter.sys.SysSchema.NAME)) {
            this.schema = io.runnel.sql.adapter.sys.SysSchema.NAME;
        } else {
            throw io.runnel.sql.errors.RunnelErrors.of("3F000", "Schema '" + name + "' does not exist (schemas: "
                    + io.runnel.sql.adapter.TopicSchema.NAME + ", " + io.runnel.sql.adapter.sys.SysSchema.NAME + ")", null);
        }
    }

    public String group() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public boolean startEarliest() {
        return startEarliest;
    }

    public void setStartEarliest(boolean startEarliest) {
        this.startEarliest = startEarliest;
    }

    public boolean autoCommit() {
        return autoCommit;
    }

    public void setAutoCommit(boolean autoCommit) {
        this.autoCommit = autoCommit;
    }

    /** Whether the client reads bare topic scans as stored batches (connection property data_path). */
    public boolean dataPathReads() {
        return dataPathReads;
    }

    public void setDataPathReads(boolean dataPathReads) {
        this.dataPathReads = dataPathReads;
    }

    public void setFetchWaitMs(long fetchWaitMs) {
        this.fetchWaitMs = fetchWaitMs;
    }

    /** A fresh context for preparing one statement against the view of its modality. */
    public PrepareContext prepareContext(boolean streaming) {
        return new PrepareContext(new JavaTypeFactoryImpl(io.runnel.sql.prepare.RunnelTypeSystem.INSTANCE), catalog.root(streaming), zone,
                schema);
    }

    public ValueCoercer coercer() {
        return new ValueCoercer(zone);
    }
}
