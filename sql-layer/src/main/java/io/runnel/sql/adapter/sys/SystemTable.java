package io.runnel.sql.adapter.sys;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Schema.TableType;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A read-only table of schema {@code sys} whose rows are computed when it is scanned (a snapshot of
 * broker state at that moment). Values are in Calcite's internal representation: VARCHAR as
 * {@code String}, INTEGER as {@code Integer}, BIGINT as {@code Long}, TIMESTAMP WITH LOCAL TIME ZONE
 * as {@code Long} epoch milliseconds, BOOLEAN as {@code Boolean}.
 *
 * <p>Thread-safe if the row supplier is.
 */
public final class SystemTable extends AbstractTable implements ScannableTable {
    /** One column: name, type, nullability. */
    public record ColumnDef(String name, SqlTypeName type, boolean nullable) {}

    private final String name;
    private final List<ColumnDef> columns;
    private final Supplier<List<Object[]>> rows;

    public SystemTable(String name, List<ColumnDef> columns, Supplier<List<Object[]>> rows) {
        this.name = name;
        this.columns = List.copyOf(columns);
        this.rows = rows;
    }

    public String name() {
        return name;
    }

    public List<ColumnDef> columns() {
        return columns;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        RelDataTypeFactory.Builder b = typeFactory.builder();
        for (ColumnDef c : columns) {
            RelDataType t = switch (c.type) {
                case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> typeFactory.createSqlType(c.type, 3);
                default -> typeFactory.createSqlType(c.type);
            };
            b.add(c.name, typeFactory.createTypeWithNullability(t, c.nullable));
        }
        return b.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
        return Linq4j.asEnumerable(new ArrayList<>(rows.get()));
    }

    @Override
    public TableType getJdbcTableType() {
        return TableType.SYSTEM_TABLE;
    }

    /** Column list builder. */
    public static final class Columns {
        private final List<ColumnDef> list = new ArrayList<>();

        public Columns notNull(String name, SqlTypeName type) {
            list.add(new ColumnDef(name, type, false));
            return this;
        }

        public Columns nullable(String name, SqlTypeName type) {
            list.add(new ColumnDef(name, type, true));
            return this;
        }

        public List<ColumnDef> build() {
            return List.copyOf(list);
        }
    }
}
