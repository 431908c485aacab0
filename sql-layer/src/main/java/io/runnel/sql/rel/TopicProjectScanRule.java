package io.runnel.sql.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexPermuteInputsShuttle;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.Mapping;
import org.apache.calcite.util.mapping.MappingType;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Pushes the fields a {@code Project} uses into the {@link LogicalTopicScan} below it, so that the
 * scan decodes only those columns (storage reads and decompresses only their buffers). A project
 * of plain field references disappears into the scan; one with expressions stays above a scan of
 * the fields its expressions read.
 */
final class TopicProjectScanRule extends RelRule<RuleConfig> {
    static final RuleConfig DEFAULT_CONFIG = RuleConfig.of("TopicProjectScanRule",
            b0 -> b0.operand(LogicalProject.class).oneInput(b1 -> b1.operand(LogicalTopicScan.class).noInputs()),
            TopicProjectScanRule::new);

    private TopicProjectScanRule(RuleConfig config) {
        super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        LogicalProject project = call.rel(0);
        LogicalTopicScan scan = call.rel(1);
        int[] scanFields = scan.fields();
        List<RexNode> projects = project.getProjects();
        if (projects.stream().allMatch(p -> p instanceof RexInputRef)) {
            int[] fields = new int[projects.size()];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = scanFields[((RexInputRef) projects.get(i)).getIndex()];
            }
            call.transformTo(scan.withFields(fields));
            return;
        }
        ImmutableBitSet used = RelOptUtil.InputFinder.bits(projects, null);
        if (used.cardinality() == scanFields.length) {
            return;
        }
        int[] fields = new int[used.cardinality()];
        Mapping mapping = Mappings.create(MappingType.INVERSE_SURJECTION, scanFields.length, fields.length);
        int j = 0;
        for (int i : used) {
            fields[j] = scanFields[i];
            mapping.set(i, j);
            j++;
        }
        LogicalTopicScan newScan = scan.withFields(fields);
        RexPermuteInputsShuttle shuttle = new RexPermuteInputsShuttle(mapping, newScan);
        List<RexNode> newProjects = new ArrayList<>(projects.size());
        for (RexNode p : projects) {
            newProjects.add(p.accept(shuttle));
        }
        RelNode result = call.builder().push(newScan)
                .project(newProjects, project.getRowType().getFieldNames(), true)
                .build();
        call.transformTo(result);
    }
}
