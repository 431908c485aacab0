package io.runnel.sql.rel;

import io.runnel.sql.adapter.TopicTable;
import java.util.List;
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
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;

/**
 * The scan of a topic in Calcite's enumerable convention (see {@link AbstractTopicScan} for what it
 * carries). At run time the generated code calls {@link TopicScan#enumerable} on the stashed scan,
 * which opens an engine reader with the pushed projection and seeks and checks the pushed
 * conditions on each decoded row.
 */
public final class TopicTableScan extends AbstractTopicScan implements EnumerableRel {
    TopicTableScan(RelOptCluster cluster, RelOptTable table, TopicTable topicTable, int[] fields,
            List<ScanCondition> conditions) {
        super(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), table, topicTable, fields, conditions);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return this;
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
