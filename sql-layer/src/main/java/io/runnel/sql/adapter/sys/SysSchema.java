package io.runnel.sql.adapter.sys;

import io.runnel.engine.BrokerStatus;
import io.runnel.engine.group.GroupService;
import io.runnel.engine.group.GroupPartitionStatus;
import io.runnel.engine.Engine;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.TopicInfo;
import io.runnel.sql.exec.QueryInfo;
import io.runnel.storage.format.Column;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Schema {@value #NAME}: read-only tables of broker state, computed when scanned.
 *
 * <ul>
 *   <li>{@code topics}: one row per user topic: name, partitions, key, options, schema version, rows
 *       and bytes now;
 *   <li>{@code partitions}: one row per partition: leader, replicas, in-sync replicas, log start,
 *       high watermark, log end, bytes;
 *   <li>{@code brokers}: one row per live broker of the cluster: id, advertised host, SQL and broker
 *       ports, rack, partitions led and replicas held;
 *   <li>{@code consumer_groups}: one row per partition a consumer group has a committed offset for or
 *       a member reading: group, topic, partition, member, committed offset, log end offset, lag;
 *   <li>{@code queries}: the statements running now (bounded results not yet fully fetched
 *       included), which {@code CANCEL QUERY} can end.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class SysSchema extends AbstractSchema {
    public static final String NAME = "sys";

    private final Map<String, Table> tables;

    public SysSchema(Engine engine, Supplier<List<QueryInfo>> queries, Supplier<GroupService> groups) {
        Map<String, Table> map = new LinkedHashMap<>();
        map.put("topics", topics(engine));
        map.put("partitions", partitions(engine));
        map.put("brokers", brokers(engine));
        map.put("queries", queries(queries));
        map.put("consumer_groups", consumerGroups(groups));
        this.tables = java.util.Collections.unmodifiableMap(map);
    }

    @Override
    protected Map<String, Table> getTableMap() {
        return tables;
    }

    /** Every table, by name. */
    public Map<String, Table> tableMap() {
        return tables;
    }

    private static SystemTable topics(Engine engine) {
        List<SystemTable.ColumnDef> columns = new SystemTable.Columns()
                .notNull("name", SqlTypeName.VARCHAR)
                .notNull("topic_id", SqlTypeName.VARCHAR)
                .notNull("partitions", SqlTypeName.INTEGER)
                .notNull("replication_factor", SqlTypeName.INTEGER)
                .nullable("partition_key", SqlTypeName.VARCHAR)
                .notNull("column_definitions", SqlTypeName.VARCHAR)
                .notNull("schema_version", SqlTypeName.INTEGER)
                .notNull("timestamp_column", SqlTypeName.VARCHAR)
                .notNull("retention", SqlTypeName.VARCHAR)
                .notNull("retention_bytes", SqlTypeName.VARCHAR)
                .notNull("compression", SqlTypeName.VARCHAR)
                .notNull("options", SqlTypeName.VARCHAR)
                .notNull("row_count", SqlTypeName.BIGINT)
                .notNull("size_bytes", SqlTypeName.BIGINT)
                .notNull("created_at", SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)
                .build();
        return new SystemTable("topics", columns, () -> {
            List<Object[]> rows = new ArrayList<>();
            for (TopicInfo t : engine.topics()) {
                long count = 0;
                long bytes = 0;
                try {
                    for (PartitionStatus p : engine.partitionStatus(t.name())) {
                        count += Math.max(0, p.highWatermark() - p.logStartOffset());
                        bytes += p.sizeBytes();
                    }
                } catch (RuntimeException e) {
                    continue; // dropped while listing
                }
                Map<String, String> options = t.config().toOptions();
                List<Column> cols = t.currentSchema().columns();
                String key = t.partitionKey().length == 0 ? null
                        : java.util.Arrays.stream(t.partitionKey()).mapToObj(i -> cols.get(i).name())
                                .collect(Collectors.joining(", "));
                rows.add(new Object[] {
                    t.name(), t.topicId().toString(), t.partitions(), t.config().replicationFactor(), key,
                    cols.stream().map(io.runnel.sql.type.SqlColumnTypes::describe).collect(Collectors.joining(", ")),
                    t.currentSchema().schemaId(), options.get("timestamp"), options.get("retention"),
                    options.get("retention_bytes"), options.get("compression"),
                    options.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining(", ")),
                    count, bytes, t.createdAtMs()});
            }
            return rows;
        });
    }

    private static SystemTable partitions(Engine engine) {
        List<SystemTable.ColumnDef> columns = new SystemTable.Columns()
                .notNull("topic", SqlTypeName.VARCHAR)
                .notNull("partition_id", SqlTypeName.INTEGER)
                .notNull("leader", SqlTypeName.INTEGER)
                .notNull("leader_epoch", SqlTypeName.INTEGER)
                .notNull("replicas", SqlTypeName.VARCHAR)
                .notNull("isr", SqlTypeName.VARCHAR)
                .notNull("log_start_offset", SqlTypeName.BIGINT)
                .notNull("high_watermark", SqlTypeName.BIGINT)
                .notNull("log_end_offset", SqlTypeName.BIGINT)
                .notNull("size_bytes", SqlTypeName.BIGINT)
                .notNull("adding_replicas", SqlTypeName.VARCHAR)
                .notNull("removing_replicas", SqlTypeName.VARCHAR)
                .build();
        return new SystemTable("partitions", columns, () -> {
            List<Object[]> rows = new ArrayList<>();
            for (TopicInfo t : engine.topics()) {
                List<PartitionStatus> statuses;
                try {
                    statuses = engine.partitionStatus(t.name());
                } catch (RuntimeException e) {
                    continue;
                }
                for (PartitionStatus p : statuses) {
                    rows.add(new Object[] {
                        p.topic(), p.partition(), p.leader(), p.leaderEpoch(), join(p.replicas()), join(p.isr()),
                        p.logStartOffset(), p.highWatermark(), p.logEndOffset(), p.sizeBytes(), join(p.addingReplicas()),
                        join(p.removingReplicas())});
                }
            }
            return rows;
        });
    }

    private static SystemTable brokers(Engine engine) {
        List<SystemTable.ColumnDef> columns = new SystemTable.Columns()
                .notNull("broker_id", SqlTypeName.INTEGER)
                .notNull("host", SqlTypeName.VARCHAR)
                .notNull("sql_port", SqlTypeName.INTEGER)
                .notNull("broker_port", SqlTypeName.INTEGER)
                .nullable("rack", SqlTypeName.VARCHAR)
                .notNull("leader_partitions", SqlTypeName.INTEGER)
                .notNull("replicas", SqlTypeName.INTEGER)
                .build();
        return new SystemTable("brokers", columns, () -> {
            List<Object[]> rows = new ArrayList<>();
            for (BrokerStatus b : engine.brokers()) {
                rows.add(new Object[] {
                    b.brokerId(), b.host(), b.sqlPort(), b.brokerPort(), b.rack(), b.leaderPartitions(), b.replicas()});
            }
            return rows;
        });
    }

    private static SystemTable queries(Supplier<List<QueryInfo>> queries) {
        List<SystemTable.ColumnDef> columns = new SystemTable.Columns()
                .notNull("query_id", SqlTypeName.VARCHAR)
                .notNull("connection_id", SqlTypeName.VARCHAR)
                .notNull("statement_id", SqlTypeName.INTEGER)
                .notNull("sql_text", SqlTypeName.VARCHAR)
                .notNull("kind", SqlTypeName.VARCHAR)
                .notNull("state", SqlTypeName.VARCHAR)
                .notNull("started_at", SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)
                .notNull("rows_returned", SqlTypeName.BIGINT)
                .build();
        return new SystemTable("queries", columns, () -> {
            List<Object[]> rows = new ArrayList<>();
            for (QueryInfo q : queries.get()) {
                rows.add(new Object[] {
                    q.queryId(), q.connectionId(), q.statementId(), q.sql(), q.kind(), q.state(), q.startedAtMs(),
                    q.rowsReturned()});
            }
            return rows;
        });
    }

    private static SystemTable consumerGroups(Supplier<GroupService> groups) {
        List<SystemTable.ColumnDef> columns = new SystemTable.Columns()
                .notNull("group_name", SqlTypeName.VARCHAR)
                .notNull("topic", SqlTypeName.VARCHAR)
                .notNull("partition_id", SqlTypeName.INTEGER)
                .nullable("member_id", SqlTypeName.VARCHAR)
                .nullable("committed_offset", SqlTypeName.BIGINT)
                .notNull("log_end_offset", SqlTypeName.BIGINT)
                .nullable("lag_rows", SqlTypeName.BIGINT)
                .nullable("coordinator_id", SqlTypeName.INTEGER)
                .build();
        return new SystemTable("consumer_groups", columns, () -> {
            List<Object[]> rows = new ArrayList<>();
            for (GroupPartitionStatus g : groups.get().describe()) {
                rows.add(new Object[] {
                    g.group(), g.topic(), g.partition(), g.member(), g.committedOffset(), g.logEndOffset(), g.lag(),
                    g.coordinator()});
            }
            return rows;
        });
    }

    private static String join(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
