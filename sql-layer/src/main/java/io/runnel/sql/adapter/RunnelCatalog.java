package io.runnel.sql.adapter;

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

    public RunnelCatalog(Engine engine, Supplier<List<QueryInfo>> runningQueries) {
        this.engine = engine;
        this.sys = new SysSchema(engine, runningQueries);
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

    /** The root schema for statements of the given modality. */
    public CalciteSchema root(boolean streaming) {
        return streaming ? streamingRoot : boundedRoot;
    }
}
