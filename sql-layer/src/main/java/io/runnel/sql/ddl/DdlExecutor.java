package io.runnel.sql.ddl;

import io.runnel.engine.Engine;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.TopicSpec;
import io.runnel.engine.group.GroupService;
import io.runnel.sql.parser.ddl.SqlAlterConsumerGroupResetOffsets;
import io.runnel.sql.adapter.SystemColumn;
import io.runnel.sql.adapter.TopicSchema;
import io.runnel.sql.adapter.sys.SysSchema;
import io.runnel.sql.adapter.sys.SystemTable;
import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.exec.QueryRegistry;
import io.runnel.sql.exec.RunningQuery;
import io.runnel.sql.parser.ddl.SqlAlterTopicAddColumn;
import io.runnel.sql.parser.ddl.SqlAlterTopicCancelMove;
import io.runnel.sql.parser.ddl.SqlAlterTopicMove;
import io.runnel.sql.parser.ddl.SqlAlterTopicSetOptions;
import io.runnel.sql.parser.ddl.SqlCancelQuery;
import io.runnel.sql.parser.ddl.SqlCreateTopic;
import io.runnel.sql.parser.ddl.SqlDropTopic;
import io.runnel.sql.parser.ddl.SqlShowTopics;
import io.runnel.sql.parser.ddl.SqlTopicColumn;
import io.runnel.sql.parser.ddl.SqlTopicOption;
import io.runnel.sql.type.SqlColumnTypes;
import io.runnel.storage.format.Column;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.sql.SqlDescribeTable;
import org.apache.calcite.sql.SqlIdentifier;

/**
 * Runs Runnel's own statements against the {@link Engine} (design note 0003 §1): topic DDL,
 * {@code SHOW TOPICS}, {@code DESCRIBE}, {@code CANCEL QUERY}, {@code ALTER CONSUMER GROUP ... RESET OFFSETS}.
 * Internal topics ({@code __consumer_offsets}) cannot be altered or dropped (42501).
 *
 * <p>Stateless and thread-safe.
 */
public final class DdlExecutor {
    private DdlExecutor() {}

    public static void createTopic(Engine engine, SqlCreateTopic node) {
        String name = node.getName().getSimple();
        List<Column> columns = new ArrayList<>();
        for (SqlTopicColumn c : node.getColumns()) {
            columns.add(SqlColumnTypes.fromTypeSpec(c.getSimpleName(), c.getType(), c.isNullable()));
        }
        List<String> key = node.getPartitionKey().stream().map(SqlIdentifier::getSimple).toList();
        engine.createTopic(new TopicSpec(name, columns, key, options(node.getOptions())), node.isIfNotExists());
    }

    /**
     * {@code ALTER TOPIC t SET (...)}. An internal topic ({@code __consumer_offsets}) accepts only
     * {@code replication_factor}: an operator raises it when brokers join (its partitions move, design
     * note 0007 "Reassignment"); its other options are Runnel's (42501).
     */
    public static void alterTopic(Engine engine, SqlAlterTopicSetOptions node) {
        Map<String, String> options = options(node.getOptions());
        String name = node.getName().getSimple();
        boolean internal = engine.topic(name).filter(TopicInfo::internal).isPresent();
        if (internal && options.keySet().stream().allMatch(k -> k.equalsIgnoreCase("replication_factor"))) {
            engine.alterTopic(anyTopicName(engine, node.getName()), options);
            return;
        }
        engine.alterTopic(topicName(engine, node.getName()), options);
    }

    public static void addColumn(Engine engine, SqlAlterTopicAddColumn node) {
        SqlTopicColumn c = node.getColumn();
        engine.addColumn(topicName(engine, node.getName()), SqlColumnTypes.fromTypeSpec(c.getSimpleName(), c.getType(), true));
    }

    public static void dropTopic(Engine engine, SqlDropTopic node) {
        String name = node.getName().getSimple();
        if (engine.topic(name).filter(TopicInfo::internal).isPresent()) {
            throw RunnelErrors.internalTopic(name, "DROP TOPIC of", node.getName().getParserPosition());
        }
        engine.dropTopic(name, node.isIfExists());
    }

    /**
     * {@code ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC t [PARTITION n] TO ...}: sets the group's
     * committed offsets (earliest: log start; latest: high watermark; a timestamp: the first offset at
     * or after it; an offset: clamped into [log start, high watermark], as Kafka's tool does).
     *
     * @return the number of partitions reset
     * @throws io.runnel.sql.errors.RunnelSqlException 42P01 unknown topic; 22023 unknown partition;
     *     42704 unknown group; 55006 the group has active members
     */
    public static long resetOffsets(Engine engine, GroupService groups, SqlAlterConsumerGroupResetOffsets node) {
        node.validateDefinition();
        String group = node.getGroup().getSimple();
        String name = node.getTopic().getSimple();
        TopicInfo topic = engine.topic(name).filter(t -> !t.internal())
                .orElseThrow(() -> RunnelErrors.unknownTopic(name, node.getTopic().getParserPosition()));
        List<Integer> partitions = new ArrayList<>();
        if (node.getPartition().isPresent()) {
            int p = node.getPartition().getAsInt();
            if (p >= topic.partitions()) {
                throw RunnelErrors.unknownPartition(p, topic.name(), topic.partitions(), node.getParserPosition());
            }
            partitions.add(p);
        } else {
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(p);
            }
        }
        List<PartitionStatus> status = engine.partitionStatus(topic.name());
        Map<Integer, Long> next = new java.util.TreeMap<>();
        for (int p : partitions) {
            PartitionStatus s = status.get(p);
            long offset = switch (node.getTarget()) {
                case EARLIEST -> s.logStartOffset();
                case LATEST -> s.highWatermark();
                case TIMESTAMP -> engine.offsetForTimestamp(topic.name(), p,
                        node.getTimestamp().orElseThrow().getMillisSinceEpoch());
                case OFFSET -> Math.max(s.logStartOffset(), Math.min(s.highWatermark(), node.getOffset().orElseThrow()));
            };
            next.put(p, Math.max(s.logStartOffset(), Math.min(s.highWatermark(), offset)));
        }
        groups.resetOffsets(group, topic, next);
        return partitions.size();
    }

    /** Cancels the query; 42704 when no such query runs. */
    public static void cancelQuery(QueryRegistry queries, SqlCancelQuery node, String byConnection) {
        RunningQuery query = queries.get(node.getQueryId());
        if (query == null) {
            throw RunnelErrors.unknownQuery(node.getQueryId());
        }
        query.cancel("cancelled by CANCEL QUERY from connection " + byConnection);
    }

    /**
     * {@code ALTER TOPIC t MOVE PARTITION p TO (...)} / {@code MOVE PARTITIONS TO (...)}: starts the move
     * (the engine validates topic, brokers and replication factor); internal topics may move too — an
     * operator adding brokers moves {@code __consumer_offsets} like any topic.
     *
     * @return the number of partitions that started moving
     */
    public static long movePartitions(Engine engine, SqlAlterTopicMove node) {
        String name = anyTopicName(engine, node.getName());
        if (node.getPartition().isPresent()) {
            return engine.movePartitions(name, Map.of(node.getPartition().getAsInt(), node.getBrokers()));
        }
        return engine.spreadPartitions(name, node.getBrokers()).size();
    }

    /** {@code ALTER TOPIC t CANCEL MOVE}: the number of partitions whose move was cancelled. */
    public static long cancelMoves(Engine engine, SqlAlterTopicCancelMove node) {
        return engine.cancelMoves(anyTopicName(engine, node.getName()));
    }

    /** The stored name of a topic, internal ones included; 42P01 when there is none. */
    private static String anyTopicName(Engine engine, SqlIdentifier id) {
        String name = id.getSimple();
        return engine.topic(name).map(TopicInfo::name)
                .orElseThrow(() -> RunnelErrors.unknownTopic(name, id.getParserPosition()));
    }

    private static String topicName(Engine engine, SqlIdentifier id) {
        String name = id.getSimple();
        if (engine.topic(name).filter(TopicInfo::internal).isPresent()) {
            throw RunnelErrors.internalTopic(name, "ALTER TOPIC of", id.getParserPosition());
        }
        return engine.topic(name).filter(t -> !t.internal()).map(TopicInfo::name)
                .orElseThrow(() -> RunnelErrors.unknownTopic(name, id.getParserPosition()));
    }

    private static Map<String, String> options(Map<String, SqlTopicOption> options) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, SqlTopicOption> e : options.entrySet()) {
            map.put(e.getKey(), e.getValue().getValueAsString());
        }
        return map;
    }

    // ---- SHOW TOPICS ----------------------------------------------------------------------------

    public static List<ColumnMetaData> showTopicsColumns() {
        return List.of(
                column(0, "topic", Types.VARCHAR, "VARCHAR", false),
                column(1, "partitions", Types.INTEGER, "INTEGER", false),
                column(2, "replication_factor", Types.INTEGER, "INTEGER", false),
                column(3, "partition_key", Types.VARCHAR, "VARCHAR", true),
                column(4, "timestamp_column", Types.VARCHAR, "VARCHAR", false));
    }

    public static List<List<Object>> showTopics(Engine engine, SqlShowTopics node) {
        Predicate<String> matches = node.getLikePattern().map(p -> (Predicate<String>) LikePattern.matcher(p)::apply)
                .orElse(s -> true);
        List<List<Object>> rows = new ArrayList<>();
        for (TopicInfo t : engine.topics()) {
            if (!matches.test(t.name())) {
                continue;
            }
            List<Column> columns = t.currentSchema().columns();
            String key = t.partitionKey().length == 0 ? null : String.join(", ",
                    Arrays.stream(t.partitionKey()).mapToObj(i -> columns.get(i).name()).toList());
            String ts = t.config().timestampColumn();
            rows.add(Arrays.asList(t.name(), t.partitions(), t.config().replicationFactor(), key, ts == null ? "append" : ts));
        }
        return rows;
    }

    // ---- DESCRIBE -------------------------------------------------------------------------------

    public static List<ColumnMetaData> describeColumns() {
        return List.of(
                column(0, "column_name", Types.VARCHAR, "VARCHAR", false),
                column(1, "type", Types.VARCHAR, "VARCHAR", false),
                column(2, "nullable", Types.BOOLEAN, "BOOLEAN", false),
                column(3, "partition_key", Types.BOOLEAN, "BOOLEAN", false),
                column(4, "system", Types.BOOLEAN, "BOOLEAN", false));
    }

    /** Rows of {@code DESCRIBE [TOPIC|TABLE] name [column]}: a topic's columns (system columns last) or a sys table's. */
    public static List<List<Object>> describe(Engine engine, SysSchema sys, SqlDescribeTable node) {
        SqlIdentifier table = node.getTable();
        List<String> names = table.names;
        String name = names.get(names.size() - 1);
        SqlIdentifier columnId = node.getColumn();
        String column = columnId == null ? null : columnId.getSimple();
        List<List<Object>> rows = new ArrayList<>();
        if (names.size() == 2 && names.get(0).equalsIgnoreCase(SysSchema.NAME)) {
            SystemTable t = (SystemTable) sys.tableMap().entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> RunnelErrors.unknownTopic(String.join(".", names), table.getParserPosition()));
            for (SystemTable.ColumnDef c : t.columns()) {
                rows.add(Arrays.asList(c.name(), SqlColumnTypes.typeName(c.type()), c.nullable(), false, true));
            }
        } else {
            if (names.size() > 2 || (names.size() == 2 && !names.get(0).equalsIgnoreCase(TopicSchema.NAME))) {
                throw RunnelErrors.unknownTopic(String.join(".", names), table.getParserPosition());
            }
            TopicInfo t = engine.topic(name).filter(x -> !x.internal())
                    .orElseThrow(() -> RunnelErrors.unknownTopic(name, table.getParserPosition()));
            List<Integer> key = Arrays.stream(t.partitionKey()).boxed().toList();
            List<Column> columns = t.currentSchema().columns();
            for (int i = 0; i < columns.size(); i++) {
                Column c = columns.get(i);
                rows.add(Arrays.asList(c.name(), SqlColumnTypes.sqlName(c), c.nullable(), key.contains(i), false));
            }
            for (SystemColumn s : SystemColumn.values()) {
                String type = s == SystemColumn.TIMESTAMP ? "TIMESTAMP(3)" : s == SystemColumn.OFFSET ? "BIGINT" : "INTEGER";
                rows.add(Arrays.asList(s.columnName(), type, false, false, true));
            }
        }
        if (column != null) {
            List<List<Object>> filtered = rows.stream().filter(r -> ((String) r.get(0)).equalsIgnoreCase(column)).toList();
            if (filtered.isEmpty()) {
                throw RunnelErrors.unknownColumn(column, String.join(".", names), columnId.getParserPosition());
            }
            return filtered;
        }
        return rows;
    }

    static ColumnMetaData column(int ordinal, String name, int jdbcType, String typeName, boolean nullable) {
        ColumnMetaData.Rep rep = switch (jdbcType) {
            case Types.INTEGER -> ColumnMetaData.Rep.INTEGER;
            case Types.BIGINT -> ColumnMetaData.Rep.LONG;
            case Types.BOOLEAN -> ColumnMetaData.Rep.BOOLEAN;
            default -> ColumnMetaData.Rep.STRING;
        };
        String className = switch (jdbcType) {
            case Types.INTEGER -> Integer.class.getName();
            case Types.BIGINT -> Long.class.getName();
            case Types.BOOLEAN -> Boolean.class.getName();
            default -> String.class.getName();
        };
        int precision = jdbcType == Types.VARCHAR ? Integer.MAX_VALUE : 10;
        return new ColumnMetaData(ordinal, false, jdbcType == Types.VARCHAR, false, false,
                nullable ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls, jdbcType == Types.INTEGER,
                jdbcType == Types.VARCHAR ? 128 : 11, name, name, "", precision, 0, "", "",
                ColumnMetaData.scalar(jdbcType, typeName, rep), true, false, false, className);
    }
}
