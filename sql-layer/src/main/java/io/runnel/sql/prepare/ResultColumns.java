package io.runnel.sql.prepare;

import io.runnel.sql.type.SqlColumnTypes;
import java.math.BigDecimal;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.function.Function;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * How the columns of a result look to a JDBC client, and how each value travels.
 *
 * <p>Rows leave Calcite in its internal representation; each column's {@link Encoder} turns a value
 * into what Avatica's client accessors expect for the column's declared {@link ColumnMetaData.Rep}:
 * <ul>
 *   <li>DATE: {@code Integer} days, TIME: {@code Integer} ms of the day, TIMESTAMP: {@code Long}
 *       wall-clock ms — the client's accessors read them as wall-clock values in the connection's
 *       time zone, so a TIMESTAMP reads back as written whatever the client JVM's zone;
 *   <li>TIMESTAMP WITH LOCAL TIME ZONE: the instant as the wall clock of the session time zone
 *       (JDBC type TIMESTAMP), so {@code getTimestamp} gives back the instant in a client whose
 *       session zone is the one the driver sent (the {@code timezone} property);
 *   <li>VARBINARY: {@code byte[]}; DECIMAL: {@code BigDecimal}; other numbers boxed;
 *   <li>types a topic cannot store (intervals, arrays, maps, rows) travel as their text, typed
 *       VARCHAR.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class ResultColumns {
    private ResultColumns() {}

    /** Converts one internal value to its wire form; null stays null. */
    public interface Encoder {
        Object encode(Object internal);
    }

    /** What a column is on the wire: JDBC type, type name, representation, Java class name. */
    private record Wire(int jdbcType, String typeName, ColumnMetaData.Rep rep, String className, boolean text) {}

    private static Wire wire(RelDataType type) {
        SqlTypeName t = type.getSqlTypeName();
        return switch (t) {
            case BOOLEAN -> new Wire(Types.BOOLEAN, "BOOLEAN", ColumnMetaData.Rep.BOOLEAN, Boolean.class.getName(), false);
            case TINYINT -> new Wire(Types.TINYINT, "TINYINT", ColumnMetaData.Rep.BYTE, Byte.class.getName(), false);
            case SMALLINT -> new Wire(Types.SMALLINT, "SMALLINT", ColumnMetaData.Rep.SHORT, Short.class.getName(), false);
            case INTEGER -> new Wire(Types.INTEGER, "INTEGER", ColumnMetaData.Rep.INTEGER, Integer.class.getName(), false);
            case BIGINT -> new Wire(Types.BIGINT, "BIGINT", ColumnMetaData.Rep.LONG, Long.class.getName(), false);
            case REAL -> new Wire(Types.REAL, "REAL", ColumnMetaData.Rep.FLOAT, Float.class.getName(), false);
            case FLOAT, DOUBLE -> new Wire(Types.DOUBLE, "DOUBLE", ColumnMetaData.Rep.DOUBLE, Double.class.getName(), false);
            case DECIMAL -> new Wire(Types.DECIMAL, "DECIMAL", ColumnMetaData.Rep.NUMBER, BigDecimal.class.getName(), false);
            case CHAR -> new Wire(Types.CHAR, "CHAR", ColumnMetaData.Rep.STRING, String.class.getName(), false);
            case VARCHAR -> new Wire(Types.VARCHAR, "VARCHAR", ColumnMetaData.Rep.STRING, String.class.getName(), false);
            case BINARY -> new Wire(Types.BINARY, "BINARY", ColumnMetaData.Rep.BYTE_STRING, byte[].class.getName(), false);
            case VARBINARY -> new Wire(Types.VARBINARY, "VARBINARY", ColumnMetaData.Rep.BYTE_STRING, byte[].class.getName(), false);
            case DATE -> new Wire(Types.DATE, "DATE", ColumnMetaData.Rep.INTEGER, java.sql.Date.class.getName(), false);
            case TIME -> new Wire(Types.TIME, "TIME", ColumnMetaData.Rep.INTEGER, java.sql.Time.class.getName(), false);
            case TIMESTAMP -> new Wire(Types.TIMESTAMP, "TIMESTAMP", ColumnMetaData.Rep.LONG,
                    java.sql.Timestamp.class.getName(), false);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> new Wire(Types.TIMESTAMP, "TIMESTAMP WITH LOCAL TIME ZONE",
                    ColumnMetaData.Rep.LONG, java.sql.Timestamp.class.getName(), false);
            case NULL -> new Wire(Types.NULL, "NULL", ColumnMetaData.Rep.OBJECT, Object.class.getName(), false);
            default -> new Wire(Types.VARCHAR, "VARCHAR", ColumnMetaData.Rep.STRING, String.class.getName(), true);
        };
    }

    /**
     * The JDBC description of every field of {@code rowType}.
     *
     * @param origins per field, its origin (catalog, schema, table, column) or null
     */
    public static List<ColumnMetaData> metaData(RelDataType rowType, List<? extends List<String>> origins) {
        List<ColumnMetaData> columns = new ArrayList<>();
        List<RelDataTypeField> fields = rowType.getFieldList();
        for (int i = 0; i < fields.size(); i++) {
            RelDataTypeField field = fields.get(i);
            List<String> origin = origins == null || i >= origins.size() ? null : origins.get(i);
            columns.add(column(i, field.getName(), field.getType(), origin));
        }
        return columns;
    }

    private static ColumnMetaData column(int ordinal, String label, RelDataType type, List<String> origin) {
        Wire wire = wire(type);
        SqlTypeName t = type.getSqlTypeName();
        int precision = precision(type);
        int scale = t == SqlTypeName.DECIMAL ? type.getScale() : 0;
        String columnName = origin != null && !origin.isEmpty() ? origin.get(origin.size() - 1) : label;
        String tableName = origin != null && origin.size() >= 2 ? origin.get(origin.size() - 2) : "";
        String schemaName = origin != null && origin.size() >= 3 ? origin.get(origin.size() - 3) : "";
        boolean signed = SqlTypeName.NUMERIC_TYPES.contains(t);
        return new ColumnMetaData(ordinal, false, SqlTypeName.CHAR_TYPES.contains(t), true, false,
                type.isNullable() ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
                signed, displaySize(type, precision), label, columnName, schemaName, precision, scale, tableName, "",
                ColumnMetaData.scalar(wire.jdbcType, wire.typeName, wire.rep), true, false, false, wire.className);
    }

    /** JDBC precision: digits for numbers, characters for text, bytes for binary, fractional digits excluded for times. */
    public static int precision(RelDataType type) {
        SqlTypeName t = type.getSqlTypeName();
        int p = type.getPrecision();
        return switch (t) {
            case CHAR, VARCHAR, BINARY, VARBINARY -> p == RelDataType.PRECISION_NOT_SPECIFIED || p < 0 ? Integer.MAX_VALUE : p;
            case TINYINT -> 3;
            case SMALLINT -> 5;
            case INTEGER -> 10;
            case BIGINT -> 19;
            case REAL -> 7;
            case FLOAT, DOUBLE -> 15;
            case DECIMAL -> p;
            case DATE -> 10;
            case TIME -> 12;
            case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 23;
            case BOOLEAN -> 1;
            default -> 0;
        };
    }

    private static int displaySize(RelDataType type, int precision) {
        return switch (type.getSqlTypeName()) {
            case DECIMAL -> precision + 2;
            case TINYINT, SMALLINT, INTEGER, BIGINT -> precision + 1;
            case REAL, FLOAT, DOUBLE -> 24;
            case BOOLEAN -> 5;
            default -> precision;
        };
    }

    /** One encoder per field of {@code rowType}, for a session in {@code sessionZone}. */
    public static Encoder[] encoders(RelDataType rowType, ZoneId sessionZone) {
        List<RelDataTypeField> fields = rowType.getFieldList();
        Encoder[] encoders = new Encoder[fields.size()];
        for (int i = 0; i < encoders.length; i++) {
            encoders[i] = encoder(fields.get(i).getType(), sessionZone);
        }
        return encoders;
    }

    private static Encoder encoder(RelDataType type, ZoneId sessionZone) {
        Wire wire = wire(type);
        if (wire.text) {
            return v -> v == null ? null : String.valueOf(v);
        }
        return switch (type.getSqlTypeName()) {
            case BINARY, VARBINARY -> v -> v == null ? null : v instanceof ByteString bs ? bs.getBytes() : v;
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> {
                TimeZone zone = TimeZone.getTimeZone(sessionZone);
                yield v -> {
                    if (v == null) {
                        return null;
                    }
                    long instant = ((Number) v).longValue();
                    return instant + zone.getOffset(instant);
                };
            }
            case TINYINT -> numeric(Number::byteValue);
            case SMALLINT -> numeric(Number::shortValue);
            case INTEGER, DATE, TIME -> numeric(Number::intValue);
            case BIGINT, TIMESTAMP -> numeric(Number::longValue);
            case REAL -> numeric(Number::floatValue);
            case FLOAT, DOUBLE -> numeric(Number::doubleValue);
            case DECIMAL -> v -> v == null ? null : v instanceof BigDecimal ? v : new BigDecimal(v.toString());
            case CHAR, VARCHAR -> v -> v == null ? null : v.toString();
            default -> v -> v;
        };
    }

    private static Encoder numeric(Function<Number, Object> convert) {
        return v -> v == null ? null : convert.apply((Number) v);
    }

    /** The JDBC type code and name of a Calcite type, for parameter metadata. */
    public static int jdbcType(RelDataType type) {
        return wire(type).jdbcType;
    }

    public static String typeName(RelDataType type) {
        SqlTypeName t = type.getSqlTypeName();
        return t == SqlTypeName.ANY || t == SqlTypeName.UNKNOWN ? "VARCHAR" : SqlColumnTypes.typeName(t);
    }

    public static String className(RelDataType type) {
        return wire(type).className;
    }
}
