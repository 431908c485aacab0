package io.runnel.sql.rel;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;

/** Turns the logical topic scan, with whatever was pushed into it, into the {@link TopicTableScan} that runs. */
final class TopicScanConverterRule extends ConverterRule {
    static final Config DEFAULT_CONFIG = Config.INSTANCE
            .withConversion(LogicalTopicScan.class, Convention.NONE, EnumerableConvention.INSTANCE, "TopicScanConverterRule")
            .withRuleFactory(TopicScanConverterRule::new);

    private TopicScanConverterRule(Config config) {
        super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
        LogicalTopicScan scan = (LogicalTopicScan) rel;
        return new TopicTableScan(scan.getCluster(), scan.getTable(), scan.topicTable(), scan.fields, scan.conditions);
    }
}
