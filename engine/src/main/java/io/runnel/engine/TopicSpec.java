package io.runnel.engine;

import io.runnel.storage.format.Column;
import java.util.List;
import java.util.Map;

/**
 * A topic as {@code CREATE TOPIC} describes it.
 *
 * @param name one-part name; kept as written, looked up case-insensitively
 * @param columns user columns in order; names must not start with {@code _} (reserved for system
 *     columns)
 * @param partitionKey column names of {@code PARTITION BY (...)}, empty for round-robin
 * @param options {@code WITH (...)} options, keys lower-case (see {@link TopicConfig})
 */
public record TopicSpec(String name, List<Column> columns, List<String> partitionKey, Map<String, String> options) {
    public TopicSpec {
        columns = List.copyOf(columns);
        partitionKey = List.copyOf(partitionKey);
        options = Map.copyOf(options);
    }
}
