package io.runnel.sql.adapter;

import java.util.Locale;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The columns every topic has besides its own (DESIGN.md §2). They follow the user columns in a
 * topic's row type, are hidden from {@code SELECT *} ({@link io.runnel.sql.prepare.RunnelValidator})
 * and can be named in any query.
 */
public enum SystemColumn {
    /** The partition of the row: {@code INTEGER NOT NULL}. */
    PARTITION("_partition", SqlTypeName.INTEGER),
    /** The row's position in its partition, dense from 0: {@code BIGINT NOT NULL}. */
    OFFSET("_offset", SqlTypeName.BIGINT),
    /**
     * The append time stamped by the partition leader, or the row's event-time column when the
     * topic has one: {@code TIMESTAMP(3) NOT NULL}.
     */
    TIMESTAMP("_timestamp", SqlTypeName.TIMESTAMP);

    private final String columnName;
    private final SqlTypeName type;

    SystemColumn(String columnName, SqlTypeName type) {
        this.columnName = columnName;
        this.type = type;
    }

    public String columnName() {
        return columnName;
    }

    public RelDataType relType(RelDataTypeFactory factory) {
        return type == SqlTypeName.TIMESTAMP ? factory.createSqlType(type, 3) : factory.createSqlType(type);
    }

    /** The system column called {@code name} (any case), or null. */
    public static SystemColumn of(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (SystemColumn c : values()) {
            if (c.columnName.equals(lower)) {
                return c;
            }
        }
        return null;
    }
}
