package io.runnel.sql.rel;

import io.runnel.sql.adapter.TopicTable;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;

/**
 * Scan of a topic in Calcite's enumerable convention, with what was pushed into it: the fields it
 * returns ({@code projects}, indexes into the topic's row type), the conditions it evaluates on
 * decoded columns before building rows ({@code filters}), and the seeks those conditions imply
 * ({@code seek}: partitions, first and last offset, first timestamp). EXPLAIN shows all three:
 *
 * <pre>TopicTableScan(table=[[runnel, orders]], mode=[bounded], projects=[[0, 3]], filters=[[&gt;($3, 100)]])</pre>
 *
 * <p>At run time the generated code calls {@link TopicScan#enumerable} on the stashed scan.
 *
 * <p>Immutable, like every RelNode.
 */
public final class TopicTableScan extends TableScan implements EnumerableRel {
    private final TopicTable topicTable;
    private final int[] fields;
    private final List<ScanCondition> conditions;

    TopicTableScan(RelOptCluster cluster, RelOptTable table, TopicTable topicTable, int[] fields,
            List<ScanCondition> conditions) {
        super(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), List.of(), table);
        this.topicTable = topicTable;
        this.fields = fields.clone();
        this.conditions = List.copyOf(conditions);
    }

    /** A scan of every field, nothing pushed. */
    static TopicTableScan of(RelOptCluster cluster, RelOptTable table, TopicTable topicTable) {
        int n = table.getRowType().getFieldCount();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return new TopicTableScan(cluster, table, topicTable, all, List.of());
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

    TopicTableScan withFields(int[] newFields) {
        return new TopicTableScan(getCluster(), table, topicTable, newFields, conditions);
    }

    TopicTableScan withConditions(List<ScanCondition> newConditions) {
        return new TopicTableScan(getCluster(), table, topicTable, fields, newConditions);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return this;
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
     * Cheaper with fewer fields and more conditions, so that the planner prefers the plans that
     * push them (as CsvTableScan weighs its projection).
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

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY, false);
        TopicScan scan = new TopicScan(topicTable.engine(), topicTable.topic(), fields, conditions, topicTable.unbounded());
        Expression stashed = implementor.stash(scan, TopicScan.class);
        return implementor.result(physType,
                Blocks.toBlock(Expressions.call(stashed, "enumerable", implementor.getRootExpression())));
    }
}
