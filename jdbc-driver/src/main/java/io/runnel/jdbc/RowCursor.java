package io.runnel.jdbc;

import java.sql.SQLException;
import java.sql.Types;
import java.util.Calendar;
import java.util.Iterator;
import java.util.List;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.util.ArrayImpl;
import org.apache.calcite.avatica.util.IteratorCursor;

/**
 * Avatica's cursor over a result whose rows are either {@link StoredRows.Row} views of decoded
 * batches (the data path) or the {@code List} rows of Avatica frames (a statement the server
 * serves as frames after all): each getter reads its column of the current row when called, so
 * a column the application never reads is never turned into an object. Avatica's own accessors
 * sit on top, so every getter converts exactly as on Avatica's path (a TIMESTAMP column's through
 * {@link TimestampAccessor}, which gives Avatica's values faster).
 *
 * <p>Not thread-safe: used by the thread reading the result set.
 */
final class RowCursor extends IteratorCursor<Object> {

    RowCursor(Iterator<Object> rows) {
        super(rows);
    }

    @Override
    protected Getter createGetter(int ordinal) {
        return new AbstractGetter() {
            @Override
            public Object getObject() throws SQLException {
                Object row = current();
                Object value = row instanceof StoredRows.Row stored ? stored.value(ordinal) : ((List<?>) row).get(ordinal);
                wasNull[0] = value == null;
                return value;
            }
        };
    }

    @Override
    protected Accessor createAccessor(ColumnMetaData column, Getter getter, Calendar localCalendar,
            ArrayImpl.Factory factory) {
        Accessor avatica = super.createAccessor(column, getter, localCalendar, factory);
        boolean wallClockMillis = switch (column.type.rep) {
            case PRIMITIVE_LONG, LONG, NUMBER -> true;
            default -> false;
        };
        if (column.type.id == Types.TIMESTAMP && wallClockMillis) {
            return new TimestampAccessor(avatica, getter::getObject, localCalendar);
        }
        return avatica;
    }
}
