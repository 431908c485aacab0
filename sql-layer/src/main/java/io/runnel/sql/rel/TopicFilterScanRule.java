package io.runnel.sql.rel;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Pushes the conjuncts of a {@code Filter} that a scan can evaluate on decoded columns into the
 * {@link LogicalTopicScan} below it: comparisons of a column with a literal ({@code = <> < <= > >=}),
 * {@code IN} lists (Calcite's {@code SEARCH} and ORs of equalities), {@code IS [NOT] NULL}, and a
 * boolean column alone or negated. Conditions on {@code _partition}, {@code _offset} and
 * {@code _timestamp} also become seeks ({@link SeekPlan}). What cannot be pushed stays in a filter
 * above the scan.
 */
final class TopicFilterScanRule extends RelRule<RuleConfig> {
    static final RuleConfig DEFAULT_CONFIG = RuleConfig.of("TopicFilterScanRule",
            b0 -> b0.operand(LogicalFilter.class).oneInput(b1 -> b1.operand(LogicalTopicScan.class).noInputs()),
            TopicFilterScanRule::new);

    private TopicFilterScanRule(RuleConfig config) {
        super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        LogicalFilter filter = call.rel(0);
        LogicalTopicScan scan = call.rel(1);
        RexNode condition = RexUtil.expandSearch(filter.getCluster().getRexBuilder(), null, filter.getCondition());
        List<ScanCondition> pushed = new ArrayList<>(scan.conditions());
        List<RexNode> residual = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            ScanCondition c = translate(conjunct, scan);
            if (c != null && !pushed.contains(c)) {
                pushed.add(c);
            } else if (c == null) {
                residual.add(conjunct);
            }
        }
        if (pushed.size() == scan.conditions().size()) {
            return;
        }
        RelNode newScan = scan.withConditions(pushed);
        RelNode result = residual.isEmpty() ? newScan : call.builder().push(newScan).filter(residual).build();
        call.transformTo(result);
    }

    /** The scan condition {@code rex} is, or null when a scan cannot evaluate it. */
    static ScanCondition translate(RexNode rex, LogicalTopicScan scan) {
        int[] fields = scan.fields();
        List<RelDataType> types = scan.getTable().getRowType().getFieldList().stream().map(f -> f.getType()).toList();
        if (rex instanceof RexInputRef ref) {
            int field = fields[ref.getIndex()];
            return types.get(field).getSqlTypeName() == SqlTypeName.BOOLEAN
                    ? new ScanCondition(field, ScanCondition.Op.EQ, List.of(Boolean.TRUE)) : null;
        }
        if (!(rex instanceof RexCall call)) {
            return null;
        }
        SqlKind kind = call.getKind();
        if (kind == SqlKind.NOT && call.getOperands().get(0) instanceof RexInputRef ref) {
            int field = fields[ref.getIndex()];
            return types.get(field).getSqlTypeName() == SqlTypeName.BOOLEAN
                    ? new ScanCondition(field, ScanCondition.Op.EQ, List.of(Boolean.FALSE)) : null;
        }
        if ((kind == SqlKind.IS_NULL || kind == SqlKind.IS_NOT_NULL) && call.getOperands().get(0) instanceof RexInputRef ref) {
            int field = fields[ref.getIndex()];
            if (types.get(field).getSqlTypeName() == SqlTypeName.VARBINARY) {
                return null;
            }
            return new ScanCondition(field, kind == SqlKind.IS_NULL ? ScanCondition.Op.IS_NULL : ScanCondition.Op.IS_NOT_NULL,
                    List.of());
        }
        if (kind == SqlKind.OR) {
            return inList(call, fields, types);
        }
        ScanCondition.Op op = switch (kind) {
            case EQUALS -> ScanCondition.Op.EQ;
            case NOT_EQUALS -> ScanCondition.Op.NE;
            case LESS_THAN -> ScanCondition.Op.LT;
            case LESS_THAN_OR_EQUAL -> ScanCondition.Op.LE;
            case GREATER_THAN -> ScanCondition.Op.GT;
            case GREATER_THAN_OR_EQUAL -> ScanCondition.Op.GE;
            default -> null;
        };
        if (op == null || call.getOperands().size() != 2) {
            return null;
        }
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        if (left instanceof RexLiteral && right instanceof RexInputRef) {
            RexNode t = left;
            left = right;
            right = t;
            op = flip(op);
        }
        if (!(left instanceof RexInputRef ref) || !(right instanceof RexLiteral literal)) {
            return null;
        }
        int field = fields[ref.getIndex()];
        Comparable<?> value = internalValue(literal, types.get(field).getSqlTypeName(), op);
        return value == null ? null : new ScanCondition(field, op, List.of(value));
    }

    private static ScanCondition inList(RexCall or, int[] fields, List<RelDataType> types) {
        Integer field = null;
        List<Comparable<?>> values = new ArrayList<>();
        for (RexNode operand : or.getOperands()) {
            if (!(operand instanceof RexCall eq) || eq.getKind() != SqlKind.EQUALS) {
                return null;
            }
            RexNode a = eq.getOperands().get(0);
            RexNode b = eq.getOperands().get(1);
            if (a instanceof RexLiteral && b instanceof RexInputRef) {
                RexNode t = a;
                a = b;
                b = t;
            }
            if (!(a instanceof RexInputRef ref) || !(b instanceof RexLiteral literal)) {
                return null;
            }
            int f = fields[ref.getIndex()];
            if (field != null && field != f) {
                return null;
            }
            field = f;
            Comparable<?> v = internalValue(literal, types.get(f).getSqlTypeName(), ScanCondition.Op.EQ);
            if (v == null) {
                return null;
            }
            values.add(v);
        }
        return field == null ? null : new ScanCondition(field, ScanCondition.Op.IN, values);
    }

    private static ScanCondition.Op flip(ScanCondition.Op op) {
        return switch (op) {
            case LT -> ScanCondition.Op.GT;
            case LE -> ScanCondition.Op.GE;
            case GT -> ScanCondition.Op.LT;
            case GE -> ScanCondition.Op.LE;
            default -> op;
        };
    }

    /**
     * The literal as a value of the column's internal type, when it is exactly one; null otherwise
     * (then the comparison stays in Calcite, which knows how to compare mixed types).
     */
    static Comparable<?> internalValue(RexLiteral literal, SqlTypeName columnType, ScanCondition.Op op) {
        if (literal.isNull()) {
            return null;
        }
        SqlTypeName literalType = literal.getType().getSqlTypeName();
        switch (columnType) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> {
                if (!SqlTypeName.EXACT_TYPES.contains(literalType)) {
                    return null;
                }
                BigDecimal d = literal.getValueAs(BigDecimal.class);
                if (d == null) {
                    return null;
                }
                try {
                    return d.stripTrailingZeros().longValueExact();
                } catch (ArithmeticException e) {
                    return null;
                }
            }
            case DECIMAL -> {
                return SqlTypeName.NUMERIC_TYPES.contains(literalType) && SqlTypeName.EXACT_TYPES.contains(literalType)
                        ? literal.getValueAs(BigDecimal.class) : null;
            }
            case REAL, DOUBLE, FLOAT -> {
                if (!SqlTypeName.NUMERIC_TYPES.contains(literalType)) {
                    return null;
                }
                return literal.getValueAs(Double.class);
            }
            case CHAR, VARCHAR -> {
                return SqlTypeName.CHAR_TYPES.contains(literalType) ? literal.getValueAs(String.class) : null;
            }
            case BOOLEAN -> {
                if (literalType != SqlTypeName.BOOLEAN || (op != ScanCondition.Op.EQ && op != ScanCondition.Op.NE)) {
                    return null;
                }
                return literal.getValueAs(Boolean.class);
            }
            case DATE, TIME -> {
                return literalType == columnType ? literal.getValueAs(Integer.class) : null;
            }
            case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> {
                return literalType == columnType ? literal.getValueAs(Long.class) : null;
            }
            default -> {
                return null;
            }
        }
    }
}
