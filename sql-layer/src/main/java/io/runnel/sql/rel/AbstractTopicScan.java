package io.runnel.sql.rel;

import io.runnel.sql.adapter.TopicTable;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;

/**
 * A scan of a topic with what was pushed into it: the fields it returns ({@code projects}, indexes
 * into the topic's row type), the conditions it evaluates on decoded columns before building rows
 * ({@code filters}), and the seeks those conditions imply ({@code seek}: partitions, first and last
 * offset, first timestamp). The logical form ({@link LogicalTopicScan}) is what the push-down rules
 * rewrite; the enumerable form ({@link TopicTableScan}) runs. EXPLAIN shows all of it:
 *
 * <pre>TopicTableScan(table=[[runnel, orders]], mode=[bounded], projects=[[0, 3]], filters=[[&gt;($3, 100)]])</pre>
 *
 * <p>Immutable, like every RelNode.
 */
abstract class AbstractTopicScan extends TableScan {
    final TopicTable topicTable;
    final int[] fields;
    final List<ScanCondition> conditions;

    AbstractTopicScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table, TopicTable topicTable, int[] fields,
            List<ScanCondition> conditions) {
        super(cluster, traits, List.of(), table);
        this.topicTable = topicTable;
        this.fields = fields.clone();
        this.conditions = List.copyOf(conditions);
    }

    static int[] allFields(RelOptTable table) {
        int n = table.getRowType().getFieldCount();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    public TopicTable topicTable() {
        return topicTable;
    }

    /** Indexes into the topic's row type of the fields this scan returns. */
    public int[] fields() {
        return fields.clone();
    }

    public List<ScanCondition> conditions() {
        return conditions;
    }

    @Override
    public RelDataType deriveRowType() {
        List<RelDataTypeField> tableFields = table.getRowType().getFieldList();
        RelDataTypeFactory.Builder builder = getCluster().getTypeFactory().builder();
        for (int f : fields) {
            builder.add(tableFields.get(f));
        }
        return builder.build();
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        SeekPlan seeks = SeekPlan.of(conditions, topicTable.userColumnCount());
        return super.explainTerms(pw)
                .item("mode", topicTable.unbounded() ? "unbounded" : "bounded")
                .itemIf("projects", Arrays.toString(fields), !isIdentity())
                .itemIf("filters", conditions.stream().map(ScanCondition::describe).collect(Collectors.joining(", ", "[", "]")),
                        !conditions.isEmpty())
                .itemIf("seek", seeks.describe(), !seeks.isNone());
    }

    private boolean isIdentity() {
        if (fields.length != table.getRowType().getFieldCount()) {
            return false;
        }
        for (int i = 0; i < fields.length; i++) {
            if (fields[i] != i) {
                return false;
            }
        }
        return true;
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        double rows = super.estimateRowCount(mq);
        for (ScanCondition c : conditions) {
            rows *= c.op() == ScanCondition.Op.EQ ? 0.15 : 0.5;
        }
        return Math.max(rows, 1);
    }

    /**
     * Cheaper with fewer fields and more conditions, so that the planner prefers the plans that push
     * them (as Calcite's CsvTableScan weighs its projection).
     */
    @Override
    public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        double tableFields = table.getRowType().getFieldCount();
        double factor = (fields.length + 2D) / (tableFields + 2D);
        for (int i = 0; i < conditions.size(); i++) {
            factor *= 0.9;
        }
        RelOptCost cost = super.computeSelfCost(planner, mq);
        return cost == null ? null : cost.multiplyBy(factor);
    }
}
