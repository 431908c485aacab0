package io.runnel.sql.adapter;

import io.runnel.engine.Engine;
import io.runnel.engine.TopicInfo;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaVersion;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.apache.calcite.schema.lookup.Named;

/**
 * The schema of user topics ({@value #NAME}, the default schema of every connection): one table
 * per topic of the {@link Engine}'s catalog, looked up on each use (never cached, so DDL is seen
 * at once), by name case-insensitively.
 *
 * <p>There are two views of the same catalog ({@link Modality}): the bounded one, whose tables are
 * plain {@link TopicTable}s, and the streaming one, whose tables are {@link StreamableTopicTable}s.
 * A statement is prepared against the view of its modality, so one topic serves both
 * {@code SELECT} and {@code SELECT ... EMIT CHANGES}.
 *
 * <p>Thread-safe: stateless over the engine.
 */
public final class TopicSchema extends AbstractSchema {
    /** The name of the default schema, where topics live. */
    public static final String NAME = "runnel";

    /** Which tables a query sees. */
    public enum Modality {
        /** Plain tables: bounded snapshots. */
        BOUNDED,
        /** Streamable tables: {@code EMIT CHANGES} / {@code SELECT STREAM}. */
        STREAMING
    }

    private final Engine engine;
    private final Modality modality;
    private final Lookup<Table> tables = new TopicLookup();

    public TopicSchema(Engine engine, Modality modality) {
        this.engine = engine;
        this.modality = modality;
    }

    @Override
    public Lookup<Table> tables() {
        return tables;
    }

    @Override
    public boolean isMutable() {
        return false;
    }

    @Override
    public Schema snapshot(SchemaVersion version) {
        return this;
    }

    private Table table(TopicInfo topic) {
        return modality == Modality.STREAMING ? new StreamableTopicTable(engine, topic) : new TopicTable(engine, topic, false);
    }

    /** Topics by name: exact, or ignoring case (the engine's catalog is case-insensitive). */
    private final class TopicLookup implements Lookup<Table> {
        @Override
        public Table get(String name) {
            Optional<TopicInfo> topic = engine.topic(name);
            return topic.filter(t -> !t.internal() && t.name().equals(name)).map(TopicSchema.this::table).orElse(null);
        }

        @Override
        public Named<Table> getIgnoreCase(String name) {
            return engine.topic(name)
                    .filter(t -> !t.internal())
                    .map(t -> new Named<>(t.name(), table(t)))
                    .orElse(null);
        }

        @Override
        public Set<String> getNames(LikePattern pattern) {
            Set<String> names = new LinkedHashSet<>();
            for (TopicInfo t : engine.topics()) {
                if (pattern.matcher().apply(t.name())) {
                    names.add(t.name());
                }
            }
            return names;
        }
    }
}
