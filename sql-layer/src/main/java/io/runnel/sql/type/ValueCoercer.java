package io.runnel.sql.type;

import io.runnel.sql.errors.RunnelErrors;
import io.runnel.storage.format.AssignmentException;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ValueAssignment;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.apache.calcite.avatica.util.ByteString;

/**
 * Converts a value to what a column stores, with SQL's assignment rules, failing with the SQLSTATE of
 * DESIGN.md §3. The rules themselves live in {@link ValueAssignment} (storage), shared with the JDBC
 * driver's data path so that both paths accept and reject the same values with the same messages;
 * this class adds the SQL layer's value forms (Avatica's {@link ByteString}) and error type.
 *
 * <p>Immutable and thread-safe.
 */
public final class ValueCoercer {
    private final ValueAssignment rules;

    /** @param sessionZone the session time zone, for conversions between wall-clock times and instants */
    public ValueCoercer(ZoneId sessionZone) {
        this.rules = new ValueAssignment(sessionZone);
    }

    public ZoneId sessionZone() {
        return rules.sessionZone();
    }

    /**
     * {@code value} as {@code column} stores it (see {@link ValueAssignment} for inputs and outputs).
     *
     * @param row 1-based row number for the message
     * @throws io.runnel.sql.errors.RunnelSqlException with the SQLSTATE of the rule it breaks
     */
    public Object coerce(Object value, Column column, long row) {
        try {
            return rules.coerce(value instanceof ByteString bs ? bs.getBytes() : value, column, row);
        } catch (AssignmentException e) {
            throw RunnelErrors.of(e.sqlState(), e.getMessage(), null);
        }
    }

    /** Like {@link #coerce}, naming {@code topic} in a NOT NULL violation. */
    public Object coerce(Object value, Column column, String topic, long row) {
        try {
            return rules.coerce(value instanceof ByteString bs ? bs.getBytes() : value, column, topic, row);
        } catch (AssignmentException e) {
            throw RunnelErrors.of(e.sqlState(), e.getMessage(), null);
        }
    }

    /** Wall-clock milliseconds of {@code ldt}: its epoch millis read in UTC, sub-millisecond digits truncated. */
    public static long wallClockMs(LocalDateTime ldt) {
        return ValueAssignment.wallClockMs(ldt);
    }

    /** The wall-clock time of {@code ms} (see {@link #wallClockMs}). */
    public static LocalDateTime wallClock(long ms) {
        return ValueAssignment.wallClock(ms);
    }

    /** {@code yyyy-mm-dd hh:mm:ss[.fff]}, as SQL writes a TIMESTAMP. */
    public static String timestampText(LocalDateTime ldt) {
        return ValueAssignment.timestampText(ldt);
    }

    /** The SQL type name of a value of the input forms, for messages. */
    public static String sqlTypeOf(Object value) {
        return value instanceof ByteString ? "VARBINARY" : ValueAssignment.sqlTypeOf(value);
    }
}
