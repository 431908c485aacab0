package io.runnel.sql.adapter;

import io.runnel.engine.group.GroupCoordinator;
import io.runnel.engine.group.OffsetStoreConfig;
import java.time.Clock;
import io.runnel.engine.Engine;
import io.runnel.sql.adapter.sys.SysSchema;
import io.runnel.sql.exec.QueryInfo;
import java.util.List;
import java.util.function.Supplier;
import org.apache.calcite.jdbc.CalciteSchema;

/**
 * The catalog every statement of a server is prepared against: the topics of one {@link Engine}
 * in the default schema {@value TopicSchema#NAME}, and the system tables in {@value SysSchema#NAME}.
 * There are two root schemas, one per {@linkplain TopicSchema.Modality modality}; nothing in them is
 * cached, so they are shared by every connection.
 *
 * <p>Thread-safe.
 */
public final class RunnelCatalog {
    private final Engine engine;
    private final SysSchema sys;
    private final CalciteSchema boundedRoot;
    private final CalciteSchema streamingRoot;
    /** Opened on first use (it creates and replays the internal offsets topic); guarded by {@code this}. */
    private GroupCoordinator groups;
    private boolean closed;

    public RunnelCatalog(Engine engine, Supplier<List<QueryInfo>> runningQueries) {
        this.engine = engine;
        this.sys = new SysSchema(engine, runningQueries, this::groups);
        this.boundedRoot = root(new TopicSchema(engine, TopicSchema.Modality.BOUNDED));
        this.streamingRoot = root(new TopicSchema(engine, TopicSchema.Modality.STREAMING));
    }

    private CalciteSchema root(TopicSchema topics) {
        CalciteSchema root = CalciteSchema.createRootSchema(false, false);
        root.add(TopicSchema.NAME, topics);
        root.add(SysSchema.NAME, sys);
        return root;
    }

    public Engine engine() {
        return engine;
    }

    public SysSchema sys() {
        return sys;
    }

    /**
     * The broker's consumer-group coordinator, opened on first use: the first statement that needs it
     * creates (or replays) the internal topic of committed offsets.
     *
     * @throws io.runnel.engine.EngineException when the engine cannot host consumer groups
     */
    public synchronized GroupCoordinator groups() {
        if (closed) {
            throw new io.runnel.engine.EngineException(io.runnel.engine.SqlStates.QUERY_CANCELED,
                    "the server is stopping: consumer groups are closed");
        }
        if (groups == null) {
            groups = GroupCoordinator.open(engine, OffsetStoreConfig.DEFAULTS, Clock.systemUTC());
        }
        return groups;
    }

    /** Stops the coordinator if it was opened. */
    public synchronized void closeGroups() {
        closed = true;
        if (groups != null) {
            groups.close();
        }
    }

    /** The root schema for statements of the given modality. */
    public CalciteSchema root(boolean streaming) {
        return streaming ? streamingRoot : boundedRoot;
    }
}
