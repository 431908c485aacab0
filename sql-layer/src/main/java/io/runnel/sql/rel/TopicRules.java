package io.runnel.sql.rel;

import java.util.List;
import org.apache.calcite.plan.RelOptRule;

/** The planner rules that put topic scans into plans and push projection, filters and seeks into them. */
public final class TopicRules {
    private TopicRules() {}

    /** Logical scan of a topic → {@link LogicalTopicScan}. */
    public static final RelOptRule SCAN = TopicScanRule.DEFAULT_CONFIG.toRule();
    /** Project on a topic scan → narrower scan. */
    public static final RelOptRule PROJECT_SCAN = TopicProjectScanRule.DEFAULT_CONFIG.toRule();
    /** Filter on a topic scan → scan with conditions (and seeks). */
    public static final RelOptRule FILTER_SCAN = TopicFilterScanRule.DEFAULT_CONFIG.toRule();
    /** {@link LogicalTopicScan} → {@link TopicTableScan}. */
    public static final RelOptRule TO_ENUMERABLE = TopicScanConverterRule.DEFAULT_CONFIG.toRule();

    public static final List<RelOptRule> ALL = List.of(SCAN, PROJECT_SCAN, FILTER_SCAN, TO_ENUMERABLE);
}
