package io.runnel.sql.insert;

import io.runnel.sql.type.ValueCoercer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Locale;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.NlsString;

/**
 * Turns SQL literals, client parameter values and Calcite's internal values into the input forms of
 * {@link ValueCoercer} ({@code BigDecimal}, {@code Double}, {@code String}, {@code byte[]},
 * {@code LocalDate}, {@code LocalTime}, {@code LocalDateTime}, {@code Instant}, ...).
 *
 * <p>Stateless and thread-safe.
 */
final class SqlValues {
    /** Marks a cell that is not a literal (an expression Calcite must evaluate). */
    static final Object NOT_A_LITERAL = new Object();

    private SqlValues() {}

    /**
     * The value of {@code node} if it is a literal (possibly negated, possibly {@code DEFAULT}),
     * else {@link #NOT_A_LITERAL}.
     */
    static Object literal(SqlNode node, ZoneId zone) {
        if (node.getKind() == SqlKind.DEFAULT) {
            return null;
        }
        if (node instanceof SqlBasicCall call && call.getKind() == SqlKind.MINUS_PREFIX
                && call.operand(0) instanceof SqlNumericLiteral n) {
            Object v = literal(n, zone);
            return v instanceof BigDecimal d ? d.negate() : v instanceof Double x ? -x : NOT_A_LITERAL;
        }
        if (node instanceof SqlBasicCall call && call.getKind() == SqlKind.PLUS_PREFIX
                && call.operand(0) instanceof SqlNumericLiteral n) {
            return literal(n, zone);
        }
        if (!(node instanceof SqlLiteral literal)) {
            return NOT_A_LITERAL;
        }
        if (literal instanceof SqlUnknownLiteral unknown) {
            return datetime(unknown, zone);
        }
        SqlTypeName type = literal.getTypeName();
        switch (type) {
            case NULL:
                return null;
            case BOOLEAN:
                return literal.booleanValue();
            case DECIMAL, INTEGER, BIGINT, SMALLINT, TINYINT:
                return literal.getValueAs(BigDecimal.class);
            case DOUBLE, REAL, FLOAT:
                return literal.getValueAs(BigDecimal.class).doubleValue();
            case CHAR, VARCHAR:
                Object v = literal.getValue();
                return v instanceof NlsString nls ? nls.getValue() : literal.getValueAs(String.class);
            case BINARY, VARBINARY:
                return literal.getValueAs(byte[].class);
            case DATE, TIME, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return datetime(type, literal.toValue(), zone);
            default:
                return NOT_A_LITERAL;
        }
    }

    private static Object datetime(SqlUnknownLiteral unknown, ZoneId zone) {
        SqlTypeName type = switch (unknown.tag.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ")) {
            case "DATE" -> SqlTypeName.DATE;
            case "TIME" -> SqlTypeName.TIME;
            case "TIMESTAMP" -> SqlTypeName.TIMESTAMP;
            case "TIMESTAMP WITH LOCAL TIME ZONE" -> SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
            default -> null;
        };
        if (type == null) {
            return NOT_A_LITERAL;
        }
        SqlLiteral resolved = unknown.resolve(type);
        return datetime(type, resolved.toValue(), zone);
    }

    /** A DATE/TIME/TIMESTAMP literal's text (Calcite's {@code toValue()}) as a java.time value. */
    private static Object datetime(SqlTypeName type, String text, ZoneId zone) {
        return switch (type) {
            case DATE -> LocalDate.parse(text);
            case TIME -> LocalTime.parse(text);
            case TIMESTAMP -> LocalDateTime.parse(text.replace(' ', 'T'));
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> LocalDateTime.parse(text.replace(' ', 'T')).atZone(zone).toInstant();
            default -> NOT_A_LITERAL;
        };
    }

    /** A client's parameter value (Avatica's serial form with its representation) as a coercer input. */
    static Object parameter(TypedValue value) {
        return value == null ? null : io.runnel.sql.exec.Parameters.canonical(value);
    }

    /** A value of Calcite's internal representation of {@code type} as a coercer input. */
    static Object fromInternal(Object value, SqlTypeName type) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case DATE -> LocalDate.ofEpochDay(((Number) value).longValue());
            case TIME -> LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000_000L);
            case TIMESTAMP -> ValueCoercer.wallClock(((Number) value).longValue());
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> Instant.ofEpochMilli(((Number) value).longValue());
            case BINARY, VARBINARY -> value instanceof ByteString bs ? bs.getBytes() : value;
            case CHAR -> value.toString();
            default -> value;
        };
    }

    /** An internal column value (see {@link ValueCoercer}) as Calcite's generated code wants a parameter. */
    static Object toCalciteInternal(Object value) {
        return value instanceof byte[] b ? new ByteString(b) : value;
    }
}
