package io.runnel.sql.prepare;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's type system with wider sums: {@code SUM} of an integer column is a BIGINT and of a
 * DECIMAL(p, s) a DECIMAL(38, s), as in PostgreSQL, so that summing a topic's rows does not overflow
 * the column's own type (Calcite keeps the argument's type).
 *
 * <p>Immutable and thread-safe.
 */
public final class RunnelTypeSystem extends RelDataTypeSystemImpl {
    public static final RunnelTypeSystem INSTANCE = new RunnelTypeSystem();

    private RunnelTypeSystem() {}

    @Override
    public RelDataType deriveSumType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
        SqlTypeName t = argumentType.getSqlTypeName();
        RelDataType sum = switch (t) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> typeFactory.createSqlType(SqlTypeName.BIGINT);
            case DECIMAL -> typeFactory.createSqlType(SqlTypeName.DECIMAL, getMaxNumericPrecision(), argumentType.getScale());
            default -> super.deriveSumType(typeFactory, argumentType);
        };
        return typeFactory.createTypeWithNullability(sum, argumentType.isNullable());
    }
}
