package io.runnel.sql.type;

import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.errors.RunnelSqlException;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import java.sql.Types;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Runnel's column types in SQL: the Calcite type of a topic column, the topic column a
 * {@code CREATE TOPIC} type declares, and the names and JDBC codes clients see.
 *
 * <table>
 *   <caption>Types</caption>
 *   <tr><th>declared</th><th>stored</th><th>SQL type</th></tr>
 *   <tr><td>BOOLEAN, TINYINT, SMALLINT, INTEGER/INT, BIGINT, REAL, DOUBLE/FLOAT</td><td>same</td><td>same</td></tr>
 *   <tr><td>DECIMAL(p,s), NUMERIC(p,s)</td><td>DECIMAL(p,s), p &le; 38</td><td>DECIMAL(p,s)</td></tr>
 *   <tr><td>VARCHAR(n), CHAR(n)</td><td>VARCHAR(n); VARCHAR without n is unbounded</td><td>VARCHAR(n)</td></tr>
 *   <tr><td>VARBINARY(n), BINARY(n)</td><td>VARBINARY(n)</td><td>VARBINARY(n)</td></tr>
 *   <tr><td>DATE</td><td>days since 1970-01-01</td><td>DATE</td></tr>
 *   <tr><td>TIME[(p)], p &le; 3</td><td>milliseconds of the day</td><td>TIME(3)</td></tr>
 *   <tr><td>TIMESTAMP[(p)], p &le; 3</td><td>wall-clock milliseconds, no zone</td><td>TIMESTAMP(3)</td></tr>
 *   <tr><td>TIMESTAMP[(p)] WITH LOCAL TIME ZONE</td><td>an instant, ms since the epoch</td><td>TIMESTAMP_WITH_LOCAL_TIME_ZONE(3)</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
public final class SqlColumnTypes {
    /** Milliseconds: the precision of every TIME and TIMESTAMP Runnel stores. */
    public static final int TIME_PRECISION = 3;
    /** Largest declared VARCHAR/VARBINARY length. */
    public static final int MAX_LENGTH = 65_535;

    private SqlColumnTypes() {}

    /** The Calcite type of a stored column, nullability included. */
    public static RelDataType toRelType(RelDataTypeFactory factory, Column column) {
        RelDataType type = switch (column.type()) {
            case BOOLEAN -> factory.createSqlType(SqlTypeName.BOOLEAN);
            case TINYINT -> factory.createSqlType(SqlTypeName.TINYINT);
            case SMALLINT -> factory.createSqlType(SqlTypeName.SMALLINT);
            case INTEGER -> factory.createSqlType(SqlTypeName.INTEGER);
            case BIGINT -> factory.createSqlType(SqlTypeName.BIGINT);
            case REAL -> factory.createSqlType(SqlTypeName.REAL);
            case DOUBLE -> factory.createSqlType(SqlTypeName.DOUBLE);
            case DECIMAL -> factory.createSqlType(SqlTypeName.DECIMAL, column.precision(), column.scale());
            case VARCHAR -> column.precision() == Column.UNBOUNDED
                    ? factory.createSqlType(SqlTypeName.VARCHAR)
                    : factory.createSqlType(SqlTypeName.VARCHAR, column.precision());
            case VARBINARY -> column.precision() == Column.UNBOUNDED
                    ? factory.createSqlType(SqlTypeName.VARBINARY)
                    : factory.createSqlType(SqlTypeName.VARBINARY, column.precision());
            case DATE -> factory.createSqlType(SqlTypeName.DATE);
            case TIME -> factory.createSqlType(SqlTypeName.TIME, TIME_PRECISION);
            case TIMESTAMP -> factory.createSqlType(SqlTypeName.TIMESTAMP, TIME_PRECISION);
            case TIMESTAMP_LTZ -> factory.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIME_PRECISION);
        };
        return factory.createTypeWithNullability(type, column.nullable());
    }

    /**
     * The stored column for a declared type ({@code CREATE TOPIC}, {@code ADD COLUMN}).
     *
     * @throws RunnelSqlException 0A000 naming the column and why, for a type Runnel does not store
     */
    public static Column fromTypeSpec(String name, SqlDataTypeSpec spec, boolean nullable) {
        SqlTypeNameSpec typeNameSpec = spec.getTypeNameSpec();
        String declared = spec.toString();
        if (!(typeNameSpec instanceof SqlBasicTypeNameSpec basic) || spec.getCollectionsTypeName() != null) {
            throw RunnelErrors.invalidColumnType(name, declared, "only the built-in scalar types are supported",
                    spec.getParserPosition());
        }
        SqlTypeName typeName = SqlTypeName.get(basic.getTypeName().getSimple());
        if (typeName == null) {
            throw RunnelErrors.invalidColumnType(name, declared, "unknown type", spec.getParserPosition());
        }
        int precision = basic.getPrecision();
        int scale = basic.getScale();
        boolean hasPrecision = precision != RelDataType.PRECISION_NOT_SPECIFIED;
        return switch (typeName) {
            case BOOLEAN -> Column.of(name, ColumnType.BOOLEAN, nullable);
            case TINYINT -> Column.of(name, ColumnType.TINYINT, nullable);
            case SMALLINT -> Column.of(name, ColumnType.SMALLINT, nullable);
            case INTEGER -> Column.of(name, ColumnType.INTEGER, nullable);
            case BIGINT -> Column.of(name, ColumnType.BIGINT, nullable);
            case REAL -> Column.of(name, ColumnType.REAL, nullable);
            case DOUBLE, FLOAT -> Column.of(name, ColumnType.DOUBLE, nullable);
            case DECIMAL -> {
                int p = hasPrecision ? precision : ColumnType.MAX_DECIMAL_PRECISION;
                int s = scale == RelDataType.SCALE_NOT_SPECIFIED ? 0 : scale;
                if (p < 1 || p > ColumnType.MAX_DECIMAL_PRECISION || s < 0 || s > p) {
                    throw RunnelErrors.invalidColumnType(name, declared, "DECIMAL(p, s) needs 1 <= p <= "
                            + ColumnType.MAX_DECIMAL_PRECISION + " and 0 <= s <= p", spec.getParserPosition());
                }
                yield Column.decimal(name, p, s, nullable);
            }
            case CHAR, VARCHAR -> new Column(name, ColumnType.VARCHAR, length(name, declared, spec, precision, hasPrecision,
                    typeName == SqlTypeName.CHAR), 0, nullable);
            case BINARY, VARBINARY -> new Column(name, ColumnType.VARBINARY, length(name, declared, spec, precision,
                    hasPrecision, typeName == SqlTypeName.BINARY), 0, nullable);
            case DATE -> Column.of(name, ColumnType.DATE, nullable);
            case TIME -> {
                checkTimePrecision(name, declared, spec, precision, hasPrecision);
                yield Column.of(name, ColumnType.TIME, nullable);
            }
            case TIMESTAMP -> {
                checkTimePrecision(name, declared, spec, precision, hasPrecision);
                yield Column.of(name, ColumnType.TIMESTAMP, nullable);
            }
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> {
                checkTimePrecision(name, declared, spec, precision, hasPrecision);
                yield Column.of(name, ColumnType.TIMESTAMP_LTZ, nullable);
            }
            default -> throw RunnelErrors.invalidColumnType(name, declared, "supported types are BOOLEAN, TINYINT, SMALLINT,"
                    + " INTEGER, BIGINT, REAL, DOUBLE, DECIMAL(p,s), VARCHAR(n), VARBINARY(n), DATE, TIME, TIMESTAMP and"
                    + " TIMESTAMP WITH LOCAL TIME ZONE", spec.getParserPosition());
        };
    }

    private static int length(String name, String declared, SqlDataTypeSpec spec, int precision, boolean hasPrecision,
            boolean fixed) {
        if (!hasPrecision) {
            return fixed ? 1 : Column.UNBOUNDED;
        }
        if (precision < 1 || precision > MAX_LENGTH) {
            throw RunnelErrors.invalidColumnType(name, declared, "the length must be between 1 and " + MAX_LENGTH
                    + " (or omitted for no limit)", spec.getParserPosition());
        }
        return precision;
    }

    private static void checkTimePrecision(String name, String declared, SqlDataTypeSpec spec, int precision,
            boolean hasPrecision) {
        if (hasPrecision && precision > TIME_PRECISION) {
            throw RunnelErrors.invalidColumnType(name, declared, "times are stored in milliseconds; the precision may be"
                    + " at most 3", spec.getParserPosition());
        }
    }

    /** The type as SQL writes it, e.g. {@code DECIMAL(12, 2)}, {@code VARCHAR(64)}, {@code TIMESTAMP(3)}. */
    public static String sqlName(Column column) {
        return io.runnel.storage.format.ValueAssignment.sqlName(column);
    }

    /** The type name JDBC metadata reports ({@code TYPE_NAME}), without length or precision. */
    public static String typeName(SqlTypeName type) {
        return switch (type) {
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> "TIMESTAMP WITH LOCAL TIME ZONE";
            case CHAR -> "CHAR";
            default -> type.getName();
        };
    }

    /**
     * The {@link java.sql.Types} code clients see. TIMESTAMP WITH LOCAL TIME ZONE is reported as
     * {@code TIMESTAMP}: its values reach the client as the wall-clock time in the session time zone.
     */
    public static int jdbcType(SqlTypeName type) {
        return switch (type) {
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> Types.TIMESTAMP;
            case TIME_WITH_LOCAL_TIME_ZONE -> Types.TIME;
            default -> type.getJdbcOrdinal();
        };
    }

    /** The SQL type of a stored column type. */
    public static SqlTypeName sqlTypeName(ColumnType type) {
        return switch (type) {
            case BOOLEAN -> SqlTypeName.BOOLEAN;
            case TINYINT -> SqlTypeName.TINYINT;
            case SMALLINT -> SqlTypeName.SMALLINT;
            case INTEGER -> SqlTypeName.INTEGER;
            case BIGINT -> SqlTypeName.BIGINT;
            case REAL -> SqlTypeName.REAL;
            case DOUBLE -> SqlTypeName.DOUBLE;
            case DECIMAL -> SqlTypeName.DECIMAL;
            case VARCHAR -> SqlTypeName.VARCHAR;
            case VARBINARY -> SqlTypeName.VARBINARY;
            case DATE -> SqlTypeName.DATE;
            case TIME -> SqlTypeName.TIME;
            case TIMESTAMP -> SqlTypeName.TIMESTAMP;
            case TIMESTAMP_LTZ -> SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
        };
    }

    /**
     * The stored column type for a Calcite type, used to coerce values of a Calcite type (for
     * example a query parameter) with the same rules as an INSERT; null for types no column has.
     */
    public static Column asColumn(String name, RelDataType type) {
        boolean nullable = type.isNullable();
        int precision = type.getPrecision();
        return switch (type.getSqlTypeName()) {
            case BOOLEAN -> Column.of(name, ColumnType.BOOLEAN, nullable);
            case TINYINT -> Column.of(name, ColumnType.TINYINT, nullable);
            case SMALLINT -> Column.of(name, ColumnType.SMALLINT, nullable);
            case INTEGER -> Column.of(name, ColumnType.INTEGER, nullable);
            case BIGINT -> Column.of(name, ColumnType.BIGINT, nullable);
            case REAL -> Column.of(name, ColumnType.REAL, nullable);
            case FLOAT, DOUBLE -> Column.of(name, ColumnType.DOUBLE, nullable);
            case DECIMAL -> Column.decimal(name, Math.max(1, Math.min(precision, ColumnType.MAX_DECIMAL_PRECISION)),
                    Math.max(0, Math.min(type.getScale(), precision)), nullable);
            case CHAR, VARCHAR -> new Column(name, ColumnType.VARCHAR,
                    precision <= 0 || precision == RelDataType.PRECISION_NOT_SPECIFIED ? Column.UNBOUNDED : precision, 0, nullable);
            case BINARY, VARBINARY -> new Column(name, ColumnType.VARBINARY,
                    precision <= 0 || precision == RelDataType.PRECISION_NOT_SPECIFIED ? Column.UNBOUNDED : precision, 0, nullable);
            case DATE -> Column.of(name, ColumnType.DATE, nullable);
            case TIME -> Column.of(name, ColumnType.TIME, nullable);
            case TIMESTAMP -> Column.of(name, ColumnType.TIMESTAMP, nullable);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> Column.of(name, ColumnType.TIMESTAMP_LTZ, nullable);
            default -> null;
        };
    }

    /** The column as DDL declares it: {@code amount DECIMAL(12, 2) NOT NULL}. */
    public static String describe(Column column) {
        return column.name() + " " + sqlName(column) + (column.nullable() ? "" : " NOT NULL");
    }
}
