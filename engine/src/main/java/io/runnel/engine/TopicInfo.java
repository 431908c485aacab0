package io.runnel.engine;

import io.runnel.storage.format.Schema;
import io.runnel.storage.format.SchemaLookup;
import java.util.List;
import java.util.UUID;

/**
 * A topic as the catalog knows it: immutable snapshot; a change (ALTER) yields a new instance.
 *
 * @param name the name as created
 * @param topicId unique for the life of the topic (a re-created topic of the same name differs)
 * @param schemas every schema version the topic had, ascending by id; the last is current
 * @param partitionKey indexes into the current schema's columns of the {@code PARTITION BY} key
 * @param config options with defaults applied
 * @param internal a broker-internal topic (e.g. committed group offsets), hidden from users
 * @param createdAtMs creation time
 */
public record TopicInfo(
        String name,
        UUID topicId,
        List<Schema> schemas,
        int[] partitionKey,
        TopicConfig config,
        boolean internal,
        long createdAtMs) implements SchemaLookup {

    public TopicInfo {
        schemas = List.copyOf(schemas);
        partitionKey = partitionKey.clone();
    }

    public Schema currentSchema() {
        return schemas.get(schemas.size() - 1);
    }

    public int partitions() {
        return config.partitions();
    }

    @Override
    public Schema schema(int schemaId) {
        for (Schema s : schemas) {
            if (s.schemaId() == schemaId) {
                return s;
            }
        }
        throw new EngineException(SqlStates.DATA_CORRUPTED,
                "topic " + name + " has no schema with id " + schemaId + " (known: " + schemas.size() + ")");
    }
}
