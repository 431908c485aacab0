package io.runnel.sql.rel;

import io.runnel.sql.adapter.TopicTable;
import java.util.List;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;

/**
 * The logical scan of a topic, which the push-down rules narrow (fields) and constrain
 * (conditions); {@link TopicRules#TO_ENUMERABLE} turns it into the {@link TopicTableScan} that runs.
 */
public final class LogicalTopicScan extends AbstractTopicScan {
    LogicalTopicScan(RelOptCluster cluster, RelOptTable table, TopicTable topicTable, int[] fields,
            List<ScanCondition> conditions) {
        super(cluster, cluster.traitSetOf(Convention.NONE), table, topicTable, fields, conditions);
    }

    static LogicalTopicScan of(RelOptCluster cluster, RelOptTable table, TopicTable topicTable) {
        return new LogicalTopicScan(cluster, table, topicTable, allFields(table), List.of());
    }

    LogicalTopicScan withFields(int[] newFields) {
        return new LogicalTopicScan(getCluster(), table, topicTable, newFields, conditions);
    }

    LogicalTopicScan withConditions(List<ScanCondition> newConditions) {
        return new LogicalTopicScan(getCluster(), table, topicTable, fields, newConditions);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return this;
    }
}
