package io.runnel.sql.exec;

import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.prepare.PreparedQuery;
import io.runnel.sql.type.ValueCoercer;
import io.runnel.storage.format.Column;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;

import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.util.ByteString;

/**
 * Converts a client's parameter values to what a compiled query reads: each value is coerced to the
 * type Calcite inferred for its {@code ?} with the same rules as an INSERT into a column of that type
 * ({@link ValueCoercer}), so {@code WHERE id = ?} accepts an {@code int}, a {@code long} or a numeric
 * string for a BIGINT {@code id}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Parameters {
    private Parameters() {}

    /** @throws io.runnel.sql.errors.RunnelSqlException 07001 for a missing value, 22xxx/42804 for one that does not fit */
    public static Object[] internal(PreparedQuery query, List<TypedValue> values, ValueCoercer coercer) {
        int expected = query.parameters().size();
        if (values.size() != expected) {
            throw RunnelErrors.parameterCount(expected, values.size());
        }
        Object[] internal = new Object[expected];
        for (int i = 0; i < expected; i++) {
            TypedValue tv = values.get(i);
            if (tv == null) {
                throw RunnelErrors.unboundParameter(i);
            }
            Object value = canonical(tv);
            Column type = query.parameterColumns().get(i);
            Object coerced = type == null ? value : coercer.coerce(value, nullable(type), i + 1);
            internal[i] = coerced instanceof byte[] b ? new ByteString(b) : coerced;
        }
        return internal;
    }

    private static Column nullable(Column c) {
        return c.nullable() ? c : new Column(c.name(), c.type(), c.precision(), c.scale(), true);
    }

    /** A parameter's value as a coercer input. */
    public static Object canonical(TypedValue value) {
        if (value.value == null) {
            return null;
        }
        Object local = value.toLocal();
        return switch (value.type) {
            case JAVA_SQL_DATE -> LocalDate.ofEpochDay(((Number) local).longValue());
            case JAVA_SQL_TIME -> LocalTime.ofNanoOfDay(Math.floorMod(((Number) local).longValue(), 86_400_000L) * 1_000_000L);
            case JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE -> ValueCoercer.wallClock(((Number) local).longValue());
            case BYTE_STRING -> ((ByteString) local).getBytes();
            case CHARACTER, PRIMITIVE_CHAR -> String.valueOf(local);
            default -> local;
        };
    }

}
