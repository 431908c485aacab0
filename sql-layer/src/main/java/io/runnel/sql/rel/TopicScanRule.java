package io.runnel.sql.rel;

import io.runnel.sql.adapter.TopicTable;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.schema.StreamableTable;

/**
 * Replaces Calcite's logical scan of a topic with a {@link TopicTableScan} of every field. The scan
 * of the streaming view's {@link StreamableTable} is left alone: Calcite's {@code DeltaTableScanRule}
 * first turns it into a scan of {@code stream()}, which this rule then converts.
 */
final class TopicScanRule extends ConverterRule {
    static final Config DEFAULT_CONFIG = Config.INSTANCE
            .withConversion(LogicalTableScan.class, TopicScanRule::isTopicScan, Convention.NONE,
                    EnumerableConvention.INSTANCE, "TopicScanRule")
            .withRuleFactory(TopicScanRule::new);

    private TopicScanRule(Config config) {
        super(config);
    }

    private static boolean isTopicScan(LogicalTableScan scan) {
        TopicTable table = scan.getTable().unwrap(TopicTable.class);
        return table != null && !(table instanceof StreamableTable);
    }

    @Override
    public RelNode convert(RelNode rel) {
        LogicalTableScan scan = (LogicalTableScan) rel;
        return TopicTableScan.of(scan.getCluster(), scan.getTable(), scan.getTable().unwrap(TopicTable.class));
    }
}
