package io.runnel.engine.catalog;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicConfig;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicSpec;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of CREATE TOPIC, ALTER TOPIC ... SET and ALTER TOPIC ... ADD COLUMN: turns a request into
 * the next {@link TopicInfo}, or an {@link EngineException} whose SQLSTATE and message name what is
 * wrong. Pure functions of their arguments; the engine persists and applies the result.
 *
 * <p>Columns: names unique case-insensitively (42701), not starting with {@code _} (reserved for
 * {@code _partition}, {@code _offset}, {@code _timestamp}: 42601), types valid — VARCHAR/VARBINARY
 * length 1..{@value #MAX_VARCHAR_LENGTH} or unbounded, DECIMAL precision 1..38 and scale 0..precision,
 * TIME/TIMESTAMP/TIMESTAMP_LTZ precision 3 (milliseconds; 0 means "not given") — at most
 * {@value #MAX_COLUMNS} of them. {@code PARTITION BY} names existing columns, each once (42703/42701).
 * The {@code timestamp} option names a TIMESTAMP or TIMESTAMP_LTZ column (42703/42804); the topic then
 * uses event time and that column may hold no NULL.
 *
 * <p>Stateless and thread-safe.
 */
public final class TopicDefinitions {
    public static final int MAX_VARCHAR_LENGTH = 65_535;
    public static final int MAX_COLUMNS = 4_096;
    /** Brokers of a single-node Runnel: replication_factor cannot exceed it. */
    public static final int SINGLE_NODE_BROKERS = 1;

    /** Options ALTER TOPIC ... SET may change; the others are fixed at CREATE. */
    private static final Set<String> ALTERABLE = Set.of("partitions", "replication_factor", "min_insync_replicas", "retention",
            "retention_bytes", "segment_bytes", "segment_ms", "compression", "compression_level",
            "unclean_leader_election", "max_batch_bytes");

    private TopicDefinitions() {}

    /**
     * The topic {@code spec} describes, with schema id 0.
     *
     * @param defaults the broker's default options
     * @param brokers  brokers available for replicas
     */
    public static TopicInfo create(TopicSpec spec, TopicConfig defaults, boolean internal, UUID topicId, long nowMs,
            int brokers) {
        TopicNames.validate(spec.name(), internal);
        if (spec.columns().isEmpty()) {
            throw new EngineException(SqlStates.SYNTAX_ERROR, "topic " + spec.name() + " needs at least one column");
        }
        if (spec.columns().size() > MAX_COLUMNS) {
            throw new EngineException(SqlStates.PROGRAM_LIMIT_EXCEEDED, "topic " + spec.name() + " has "
                    + spec.columns().size() + " columns, at most " + MAX_COLUMNS + " are allowed");
        }
        Map<String, Column> seen = new HashMap<>();
        List<Column> columns = new ArrayList<>();
        for (Column c : spec.columns()) {
            checkColumn(spec.name(), c);
            Column previous = seen.putIfAbsent(c.name().toLowerCase(Locale.ROOT), c);
            if (previous != null) {
                throw new EngineException(SqlStates.DUPLICATE_COLUMN, "topic " + spec.name() + ": column " + c.name()
                        + " is specified more than once" + (previous.name().equals(c.name()) ? ""
                                : " (as " + previous.name() + "; names are case-insensitive)"));
            }
            columns.add(normalize(c));
        }
        Schema schema = new Schema(0, columns);
        int[] key = new int[spec.partitionKey().size()];
        for (int i = 0; i < key.length; i++) {
            String name = spec.partitionKey().get(i);
            key[i] = resolve(schema, name);
            if (key[i] < 0) {
                throw new EngineException(SqlStates.UNDEFINED_COLUMN, "topic " + spec.name() + ": PARTITION BY column "
                        + name + " does not exist (columns: " + columnNames(schema) + ")");
            }
            for (int j = 0; j < i; j++) {
                if (key[j] == key[i]) {
                    throw new EngineException(SqlStates.DUPLICATE_COLUMN, "topic " + spec.name() + ": PARTITION BY names column "
                            + schema.column(key[i]).name() + " twice");
                }
            }
        }
        Map<String, String> options = lowerCaseKeys(spec.options());
        TopicConfig config = defaults.with(options);
        config = resolveTimestampColumn(spec.name(), schema, config);
        if (config.replicationFactor() > brokers) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + spec.name() + ": replication_factor "
                    + config.replicationFactor() + " exceeds the " + brokers + " available broker" + (brokers == 1 ? "" : "s"));
        }
        return new TopicInfo(spec.name(), topicId, List.of(schema), key, config, internal, nowMs);
    }

    /** The topic after {@code ALTER TOPIC ... SET (options)}. */
    public static TopicInfo alter(TopicInfo topic, Map<String, String> options, int brokers) {
        Map<String, String> lower = lowerCaseKeys(options);
        for (String key : lower.keySet()) {
            if (!ALTERABLE.contains(key) && TopicConfig.DEFAULTS.toOptions().containsKey(key)) {
                throw new EngineException(SqlStates.FEATURE_NOT_SUPPORTED, "topic " + topic.name() + ": option " + key
                        + " is fixed when the topic is created and cannot be changed by ALTER TOPIC");
            }
        }
        TopicConfig config = topic.config().with(lower);
        if (config.partitions() < topic.partitions()) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + topic.name() + " has "
                    + topic.partitions() + " partitions; partitions can only grow, not shrink to " + config.partitions());
        }
        if (config.replicationFactor() > brokers) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + topic.name() + ": replication_factor "
                    + config.replicationFactor() + " exceeds the " + brokers + " available brokers");
        }
        return new TopicInfo(topic.name(), topic.topicId(), topic.schemas(), topic.partitionKey(), config, topic.internal(),
                topic.createdAtMs());
    }

    /** The topic after {@code ALTER TOPIC ... ADD COLUMN column}: a new schema version. */
    public static TopicInfo addColumn(TopicInfo topic, Column column) {
        checkColumn(topic.name(), column);
        Schema current = topic.currentSchema();
        int existing = resolve(current, column.name());
        if (existing >= 0) {
            throw new EngineException(SqlStates.DUPLICATE_COLUMN, "topic " + topic.name() + " already has a column "
                    + current.column(existing).name());
        }
        if (!column.nullable()) {
            throw new EngineException(SqlStates.SYNTAX_ERROR, "topic " + topic.name() + ": added column " + column.name()
                    + " must be nullable, since rows written before it read NULL");
        }
        if (current.columnCount() >= MAX_COLUMNS) {
            throw new EngineException(SqlStates.PROGRAM_LIMIT_EXCEEDED, "topic " + topic.name() + " already has "
                    + current.columnCount() + " columns, the maximum");
        }
        List<Schema> schemas = new ArrayList<>(topic.schemas());
        schemas.add(current.withColumn(normalize(column)));
        return new TopicInfo(topic.name(), topic.topicId(), schemas, topic.partitionKey(), topic.config(), topic.internal(),
                topic.createdAtMs());
    }

    /** Index of the column named {@code name} case-insensitively (an exact match first), or -1. */
    public static int resolve(Schema schema, String name) {
        int exact = schema.indexOf(name);
        if (exact >= 0) {
            return exact;
        }
        for (int i = 0; i < schema.columnCount(); i++) {
            if (schema.column(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static TopicConfig resolveTimestampColumn(String topic, Schema schema, TopicConfig config) {
        String name = config.timestampColumn();
        if (name == null) {
            return config;
        }
        int index = resolve(schema, name);
        if (index < 0) {
            throw new EngineException(SqlStates.UNDEFINED_COLUMN, "topic " + topic + ": the timestamp option names column "
                    + name + ", which does not exist (columns: " + columnNames(schema) + ")");
        }
        Column c = schema.column(index);
        if (c.type() != ColumnType.TIMESTAMP && c.type() != ColumnType.TIMESTAMP_LTZ) {
            throw new EngineException(SqlStates.DATATYPE_MISMATCH, "topic " + topic + ": the timestamp option names column "
                    + c.describe() + "; event time needs a TIMESTAMP or TIMESTAMP_LTZ column");
        }
        if (c.name().equals(name)) {
            return config;
        }
        Map<String, String> fix = new LinkedHashMap<>();
        fix.put("timestamp", c.name());
        return config.with(fix);
    }

    private static void checkColumn(String topic, Column c) {
        String name = c.name();
        if (name.isBlank()) {
            throw new EngineException(SqlStates.SYNTAX_ERROR, "topic " + topic + ": a column name must not be blank");
        }
        if (name.startsWith("_")) {
            throw new EngineException(SqlStates.SYNTAX_ERROR, "topic " + topic + ": column name " + name
                    + " starts with '_', which is reserved for the system columns _partition, _offset and _timestamp");
        }
        if (name.length() > 128) {
            throw new EngineException(SqlStates.SYNTAX_ERROR, "topic " + topic + ": column name " + name.substring(0, 40)
                    + "... has " + name.length() + " characters, at most 128 are allowed");
        }
        switch (c.type()) {
            case VARCHAR, VARBINARY -> {
                if (c.precision() != Column.UNBOUNDED && (c.precision() < 1 || c.precision() > MAX_VARCHAR_LENGTH)) {
                    throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + topic + ": column " + name + " "
                            + c.type() + "(" + c.precision() + "): the length must be between 1 and " + MAX_VARCHAR_LENGTH
                            + ", or omitted for unbounded");
                }
            }
            case DECIMAL -> {
                // Column's constructor already enforces precision 1..38 and scale 0..precision.
            }
            case TIME, TIMESTAMP, TIMESTAMP_LTZ -> {
                if (c.precision() != 0 && c.precision() != 3) {
                    throw new EngineException(SqlStates.FEATURE_NOT_SUPPORTED, "topic " + topic + ": column " + name + " "
                            + c.type() + "(" + c.precision() + "): Runnel stores milliseconds, so the precision must be 3");
                }
            }
            default -> {
                if (c.precision() != 0) {
                    throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + topic + ": column " + name
                            + " of type " + c.type() + " takes no precision, got " + c.precision());
                }
            }
        }
    }

    /** Stores TIME/TIMESTAMP precision as 0 (the format's "no precision"), whatever was given. */
    private static Column normalize(Column c) {
        return switch (c.type()) {
            case TIME, TIMESTAMP, TIMESTAMP_LTZ -> c.precision() == 0 ? c : new Column(c.name(), c.type(), 0, 0, c.nullable());
            default -> c;
        };
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> options) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            if (out.put(key, e.getValue()) != null) {
                throw new EngineException(SqlStates.SYNTAX_ERROR, "option " + key + " is given more than once");
            }
        }
        return out;
    }

    private static String columnNames(Schema schema) {
        StringBuilder sb = new StringBuilder();
        for (Column c : schema.columns()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.name());
        }
        return sb.toString();
    }
}
