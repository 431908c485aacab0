package io.runnel.sql.adapter;

import io.runnel.engine.group.GroupService;
import io.runnel.engine.group.GroupServiceConfig;
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
    /**
     * The broker's consumer groups: given (a cluster broker's), or opened on first use over the engine
     * alone; guarded by {@code this}.
     */
    private GroupService groups;
    /** Whether {@code groups} was opened here (and is closed here). @GuardedBy("this") */
    private final boolean ownsGroups;
    private boolean closed;

    public RunnelCatalog(Engine engine, Supplier<List<QueryInfo>> runningQueries) {
        this(engine, runningQueries, null);
    }

    /**
     * @param groups the broker's consumer groups (a cluster broker's {@link GroupService}), or null to open
     *     a single-broker one over {@code engine} on first use
     */
    public RunnelCatalog(Engine engine, Supplier<List<QueryInfo>> runningQueries, GroupService groups) {
        this.engine = engine;
        this.groups = groups;
        this.ownsGroups = groups == null;
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
     * The broker's consumer groups. The first statement that needs them creates the internal topic of
     * committed offsets when it does not exist.
     *
     * @throws io.runnel.engine.EngineException when the engine cannot host consumer groups
     */
    public synchronized GroupService groups() {
        if (closed) {
            throw new io.runnel.engine.EngineException(io.runnel.engine.SqlStates.QUERY_CANCELED,
                    "the server is stopping: consumer groups are closed");
        }
        if (groups == null) {
            groups = GroupService.standalone(engine, GroupServiceConfig.DEFAULTS, Clock.systemUTC());
        }
        groups.offsetsTopic();
        return groups;
    }

    /** Refuses group statements from now on; stops the groups if they were opened here. */
    public synchronized void closeGroups() {
        closed = true;
        if (groups != null && ownsGroups) {
            groups.close();
        }
    }

    /** The root schema for statements of the given modality. */
    public CalciteSchema root(boolean streaming) {
        return streaming ? streamingRoot : boundedRoot;
    }
}
