package io.runnel.sql.rel;

import io.runnel.sql.adapter.TopicTable;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.schema.StreamableTable;

/**
 * Replaces Calcite's logical scan of a topic with a {@link LogicalTopicScan} of every field, for the
 * push-down rules to narrow. The scan of the streaming view's {@link StreamableTable} is left alone:
 * Calcite's {@code DeltaTableScanRule} first turns it into a scan of its {@code stream()}, which this
 * rule then replaces.
 */
final class TopicScanRule extends RelRule<RuleConfig> {
    static final RuleConfig DEFAULT_CONFIG = RuleConfig.of("TopicScanRule",
            b0 -> b0.operand(LogicalTableScan.class).predicate(TopicScanRule::isTopicScan).noInputs(),
            TopicScanRule::new);

    private TopicScanRule(RuleConfig config) {
        super(config);
    }

    private static boolean isTopicScan(LogicalTableScan scan) {
        TopicTable table = scan.getTable().unwrap(TopicTable.class);
        return table != null && !(table instanceof StreamableTable);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        LogicalTableScan scan = call.rel(0);
        call.transformTo(LogicalTopicScan.of(scan.getCluster(), scan.getTable(), scan.getTable().unwrap(TopicTable.class)));
    }
}
