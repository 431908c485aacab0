package io.runnel.jdbc;

import io.runnel.storage.format.ValueAssignment;
import java.time.LocalDate;
import java.time.LocalTime;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.util.ByteString;

/**
 * A JDBC parameter value (Avatica's {@link TypedValue}, as the setters of a prepared statement
 * leave it) in the input form of the assignment rules ({@link ValueAssignment}) — the same
 * conversion the server applies to a parameter that arrives over Avatica ({@code Parameters.canonical}
 * in sql-layer), so that both paths coerce the same value. Stateless.
 */
final class ParameterValues {
    private static final long MS_PER_DAY = 86_400_000L;

    private ParameterValues() {}

    static Object canonical(TypedValue value) {
        if (value.value == null) {
            return null;
        }
        Object local = value.toLocal();
        return switch (value.type) {
            case JAVA_SQL_DATE -> LocalDate.ofEpochDay(((Number) local).longValue());
            case JAVA_SQL_TIME -> LocalTime.ofNanoOfDay(Math.floorMod(((Number) local).longValue(), MS_PER_DAY) * 1_000_000L);
            case JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE -> ValueAssignment.wallClock(((Number) local).longValue());
            case BYTE_STRING -> ((ByteString) local).getBytes();
            case CHARACTER, PRIMITIVE_CHAR -> String.valueOf(local);
            default -> local;
        };
    }
}
