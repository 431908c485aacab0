package io.runnel.sql.adapter;

import io.runnel.engine.Engine;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.TopicInfo;
import io.runnel.sql.type.SqlColumnTypes;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.Schema;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Schema.TableType;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.schema.TranslatableTable;

/**
 * A topic as a Calcite table: its user columns (current schema) followed by the
 * {@linkplain SystemColumn system columns}. It is scanned by
 * {@link io.runnel.sql.rel.TopicTableScan}, which the rules in {@link io.runnel.sql.rel.TopicRules}
 * put in place of Calcite's logical scan, with projection, filter and seeks pushed into it.
 *
 * <p>{@link #unbounded()} says which scan this is: a bounded snapshot (every partition up to its
 * high watermark when the query starts) or the endless scan that {@link StreamableTopicTable#stream()}
 * returns for {@code EMIT CHANGES}.
 *
 * <p>Immutable: a snapshot of the topic as the catalog knew it when the statement was prepared.
 */
public class TopicTable extends AbstractTable implements TranslatableTable {
    private final Engine engine;
    private final TopicInfo topic;
    private final boolean unbounded;

    public TopicTable(Engine engine, TopicInfo topic, boolean unbounded) {
        this.engine = engine;
        this.topic = topic;
        this.unbounded = unbounded;
    }

    public Engine engine() {
        return engine;
    }

    public TopicInfo topic() {
        return topic;
    }

    /** The schema the scan decodes with (the current one; older batches read NULL for newer columns). */
    public Schema schema() {
        return topic.currentSchema();
    }

    /** Number of user columns; system column {@code c} is at index {@code userColumnCount() + c.ordinal()}. */
    public int userColumnCount() {
        return topic.currentSchema().columnCount();
    }

    public boolean unbounded() {
        return unbounded;
    }

    /** The system column at row-type index {@code field}, or null for a user column. */
    public SystemColumn systemColumnAt(int field) {
        int i = field - userColumnCount();
        return i < 0 ? null : SystemColumn.values()[i];
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        RelDataTypeFactory.Builder builder = typeFactory.builder();
        for (Column c : topic.currentSchema().columns()) {
            builder.add(c.name(), SqlColumnTypes.toRelType(typeFactory, c));
        }
        for (SystemColumn c : SystemColumn.values()) {
            builder.add(c.columnName(), c.relType(typeFactory));
        }
        return builder.build();
    }

    /** The row count estimate is the topic's rows now (high watermark minus log start, summed). */
    @Override
    public Statistic getStatistic() {
        if (unbounded) {
            return Statistics.UNKNOWN;
        }
        try {
            List<PartitionStatus> partitions = engine.partitionStatus(topic.name());
            double rows = 0;
            for (PartitionStatus p : partitions) {
                rows += Math.max(0, p.highWatermark() - p.logStartOffset());
            }
            return Statistics.of(Math.max(rows, 1), List.of());
        } catch (RuntimeException e) {
            return Statistics.UNKNOWN;
        }
    }

    /**
     * A plain logical scan, which {@link io.runnel.sql.rel.TopicRules} replace. (Translatable so that
     * Calcite's stream rules accept the table {@link StreamableTopicTable#stream()} returns.)
     */
    @Override
    public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
        return LogicalTableScan.create(context.getCluster(), relOptTable, context.getTableHints());
    }

    @Override
    public TableType getJdbcTableType() {
        return unbounded ? TableType.STREAM : TableType.TABLE;
    }

    @Override
    public String toString() {
        return "TopicTable(" + topic.name() + (unbounded ? ", unbounded)" : ")");
    }
}
