package io.runnel.sql.rel;

import java.util.function.Function;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.tools.RelBuilderFactory;

/**
 * A {@link RelRule.Config} written out by hand: Calcite generates its own configs with the
 * Immutables annotation processor, which Runnel's build does not run for three small rules.
 *
 * <p>Immutable.
 */
final class RuleConfig implements RelRule.Config {
    private final RelBuilderFactory relBuilderFactory;
    private final String description;
    private final RelRule.OperandTransform operandSupplier;
    private final Function<RuleConfig, RelOptRule> factory;

    private RuleConfig(RelBuilderFactory relBuilderFactory, String description, RelRule.OperandTransform operandSupplier,
            Function<RuleConfig, RelOptRule> factory) {
        this.relBuilderFactory = relBuilderFactory;
        this.description = description;
        this.operandSupplier = operandSupplier;
        this.factory = factory;
    }

    static RuleConfig of(String description, RelRule.OperandTransform operands, Function<RuleConfig, RelOptRule> factory) {
        return new RuleConfig(RelFactories.LOGICAL_BUILDER, description, operands, factory);
    }

    @Override
    public RelOptRule toRule() {
        return factory.apply(this);
    }

    @Override
    public RelBuilderFactory relBuilderFactory() {
        return relBuilderFactory;
    }

    @Override
    public RelRule.Config withRelBuilderFactory(RelBuilderFactory f) {
        return new RuleConfig(f, description, operandSupplier, factory);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RelRule.Config withDescription(String d) {
        return new RuleConfig(relBuilderFactory, d, operandSupplier, factory);
    }

    @Override
    public RelRule.OperandTransform operandSupplier() {
        return operandSupplier;
    }

    @Override
    public RelRule.Config withOperandSupplier(RelRule.OperandTransform transform) {
        return new RuleConfig(relBuilderFactory, description, transform, factory);
    }
}
