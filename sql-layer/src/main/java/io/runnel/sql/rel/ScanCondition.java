package io.runnel.sql.rel;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One conjunct of a {@code WHERE} clause that a {@link TopicTableScan} evaluates itself, on the
 * decoded columns, before it builds a row: {@code column op literal}. Conditions on system columns
 * also become seeks ({@link SeekPlan}).
 *
 * <p>{@code field} is an index into the topic's row type (user columns, then system columns);
 * {@code values} are in Calcite's internal representation of that column's type ({@code Integer}
 * days for DATE, {@code Long} milliseconds for TIMESTAMP, {@code BigDecimal}, {@code String}, ...):
 * one value for a comparison, several for {@link Op#IN}, none for the null tests.
 *
 * <p>Immutable.
 */
public record ScanCondition(int field, Op op, List<Comparable<?>> values) {
    /** The comparisons a scan evaluates. */
    public enum Op {
        EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">="), IN("IN"), IS_NULL("IS NULL"), IS_NOT_NULL("IS NOT NULL");

        private final String sql;

        Op(String sql) {
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }
    }

    public ScanCondition {
        Objects.requireNonNull(op, "op");
        values = List.copyOf(values);
    }

    /** The only value of a comparison. */
    public Comparable<?> value() {
        return values.get(0);
    }

    /** As EXPLAIN shows it, e.g. {@code >($3, 100)}. */
    public String describe() {
        return switch (op) {
            case IS_NULL, IS_NOT_NULL -> op.sql + "($" + field + ")";
            case IN -> "IN($" + field + ", " + values.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
            default -> op.sql + "($" + field + ", " + value() + ")";
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
