package io.runnel.sql.meta;

import io.runnel.engine.Engine;
import io.runnel.engine.TopicInfo;
import io.runnel.sql.adapter.SystemColumn;
import io.runnel.sql.adapter.TopicSchema;
import io.runnel.sql.adapter.sys.SysSchema;
import io.runnel.sql.adapter.sys.SystemTable;
import io.runnel.sql.prepare.ResultColumns;
import io.runnel.sql.type.SqlColumnTypes;
import io.runnel.storage.format.Column;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The {@link java.sql.DatabaseMetaData} result sets, computed from the catalog: what generic SQL
 * tools (DBeaver, sqlline) and BI tools browse.
 *
 * <ul>
 *   <li>no catalogs ({@code TABLE_CAT} is null); schemas {@value TopicSchema#NAME} (topics, the
 *       default) and {@value SysSchema#NAME} (system tables);
 *   <li>topics are of type {@code TABLE}, system tables {@code SYSTEM TABLE};
 *   <li>a topic's columns are its own, then its system columns ({@code _partition}, {@code _offset},
 *       {@code _timestamp}) with {@code IS_GENERATEDCOLUMN = YES} and a remark, since they can be
 *       selected by name although {@code *} leaves them out;
 *   <li>keys, indexes, procedures, functions, privileges, UDTs: empty, with the columns JDBC specifies.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class MetadataResults {
    /** A result: its columns and its rows in wire form. */
    public record Result(List<ColumnMetaData> columns, List<List<Object>> rows) {}

    private static final String TABLE = "TABLE";
    private static final String SYSTEM_TABLE = "SYSTEM TABLE";

    private MetadataResults() {}

    private static final class Columns {
        private final List<ColumnMetaData> list = new ArrayList<>();

        Columns add(String name, Class<?> type, boolean nullable) {
            list.add(MetaImpl.columnMetaData(name, list.size(), type, nullable));
            return this;
        }

        List<ColumnMetaData> build() {
            return List.copyOf(list);
        }
    }

    private static Predicate<String> like(String pattern) {
        if (pattern == null) {
            return s -> true;
        }
        return s -> s != null && LikePattern.matcher(pattern).apply(s);
    }

    public static Result catalogs() {
        return new Result(new Columns().add("TABLE_CAT", String.class, false).build(), List.of());
    }

    public static Result schemas(String catalog, String schemaPattern) {
        List<List<Object>> rows = new ArrayList<>();
        if (catalog == null || catalog.isEmpty()) {
            for (String s : List.of(TopicSchema.NAME, SysSchema.NAME)) {
                if (like(schemaPattern).test(s)) {
                    rows.add(Arrays.asList(s, null));
                }
            }
        }
        return new Result(new Columns().add("TABLE_SCHEM", String.class, false).add("TABLE_CATALOG", String.class, true).build(),
                rows);
    }

    public static Result tableTypes() {
        return new Result(new Columns().add("TABLE_TYPE", String.class, false).build(),
                List.of(List.of(SYSTEM_TABLE), List.of(TABLE)));
    }

    private static List<ColumnMetaData> tableColumns() {
        return new Columns()
                .add("TABLE_CAT", String.class, true).add("TABLE_SCHEM", String.class, true)
                .add("TABLE_NAME", String.class, false).add("TABLE_TYPE", String.class, false)
                .add("REMARKS", String.class, true).add("TYPE_CAT", String.class, true)
                .add("TYPE_SCHEM", String.class, true).add("TYPE_NAME", String.class, true)
                .add("SELF_REFERENCING_COL_NAME", String.class, true).add("REF_GENERATION", String.class, true)
                .build();
    }

    public static Result tables(Engine engine, SysSchema sys, String catalog, String schemaPattern, String tablePattern,
            List<String> types) {
        List<List<Object>> rows = new ArrayList<>();
        if (catalog != null && !catalog.isEmpty()) {
            return new Result(tableColumns(), rows);
        }
        Predicate<String> schemaMatches = like(schemaPattern);
        Predicate<String> tableMatches = like(tablePattern);
        if (schemaMatches.test(SysSchema.NAME) && (types == null || types.contains(SYSTEM_TABLE))) {
            for (String name : sys.tableMap().keySet()) {
                if (tableMatches.test(name)) {
                    rows.add(Arrays.asList(null, SysSchema.NAME, name, SYSTEM_TABLE, "Runnel system table", null, null, null,
                            null, null));
                }
            }
        }
        if (schemaMatches.test(TopicSchema.NAME) && (types == null || types.contains(TABLE))) {
            for (TopicInfo t : engine.topics()) {
                if (tableMatches.test(t.name())) {
                    rows.add(Arrays.asList(null, TopicSchema.NAME, t.name(), TABLE, "Topic with " + t.partitions()
                            + " partitions", null, null, null, null, null));
                }
            }
        }
        return new Result(tableColumns(), rows);
    }

    private static List<ColumnMetaData> columnColumns() {
        return new Columns()
                .add("TABLE_CAT", String.class, true).add("TABLE_SCHEM", String.class, true)
                .add("TABLE_NAME", String.class, false).add("COLUMN_NAME", String.class, false)
                .add("DATA_TYPE", int.class, false).add("TYPE_NAME", String.class, false)
                .add("COLUMN_SIZE", Integer.class, true).add("BUFFER_LENGTH", Integer.class, true)
                .add("DECIMAL_DIGITS", Integer.class, true).add("NUM_PREC_RADIX", Integer.class, true)
                .add("NULLABLE", int.class, false).add("REMARKS", String.class, true)
                .add("COLUMN_DEF", String.class, true).add("SQL_DATA_TYPE", Integer.class, true)
                .add("SQL_DATETIME_SUB", Integer.class, true).add("CHAR_OCTET_LENGTH", Integer.class, true)
                .add("ORDINAL_POSITION", int.class, false).add("IS_NULLABLE", String.class, false)
                .add("SCOPE_CATALOG", String.class, true).add("SCOPE_SCHEMA", String.class, true)
                .add("SCOPE_TABLE", String.class, true).add("SOURCE_DATA_TYPE", Short.class, true)
                .add("IS_AUTOINCREMENT", String.class, false).add("IS_GENERATEDCOLUMN", String.class, false)
                .build();
    }

    public static Result columns(Engine engine, SysSchema sys, String catalog, String schemaPattern, String tablePattern,
            String columnPattern) {
        List<List<Object>> rows = new ArrayList<>();
        if (catalog != null && !catalog.isEmpty()) {
            return new Result(columnColumns(), rows);
        }
        RelDataTypeFactory factory = new JavaTypeFactoryImpl();
        Predicate<String> schemaMatches = like(schemaPattern);
        Predicate<String> tableMatches = like(tablePattern);
        Predicate<String> columnMatches = like(columnPattern);
        if (schemaMatches.test(SysSchema.NAME)) {
            for (Map.Entry<String, org.apache.calcite.schema.Table> e : sys.tableMap().entrySet()) {
                if (!tableMatches.test(e.getKey())) {
                    continue;
                }
                RelDataType rowType = e.getValue().getRowType(factory);
                List<SystemTable.ColumnDef> defs = ((SystemTable) e.getValue()).columns();
                for (int i = 0; i < defs.size(); i++) {
                    if (columnMatches.test(defs.get(i).name())) {
                        rows.add(column(SysSchema.NAME, e.getKey(), defs.get(i).name(),
                                rowType.getFieldList().get(i).getType(), i + 1, null, false));
                    }
                }
            }
        }
        if (schemaMatches.test(TopicSchema.NAME)) {
            for (TopicInfo t : engine.topics()) {
                if (!tableMatches.test(t.name())) {
                    continue;
                }
                List<Column> columns = t.currentSchema().columns();
                int position = 1;
                for (Column c : columns) {
                    if (columnMatches.test(c.name())) {
                        rows.add(column(TopicSchema.NAME, t.name(), c.name(), SqlColumnTypes.toRelType(factory, c), position,
                                null, false));
                    }
                    position++;
                }
                for (SystemColumn s : SystemColumn.values()) {
                    if (columnMatches.test(s.columnName())) {
                        rows.add(column(TopicSchema.NAME, t.name(), s.columnName(),
                                factory.createTypeWithNullability(s.relType(factory), false), position,
                                "system column, set by the broker; not included in SELECT *", true));
                    }
                    position++;
                }
            }
        }
        return new Result(columnColumns(), rows);
    }

    private static List<Object> column(String schema, String table, String name, RelDataType type, int position,
            String remarks, boolean generated) {
        SqlTypeName t = type.getSqlTypeName();
        int size = ResultColumns.precision(type);
        Integer decimalDigits = switch (t) {
            case DECIMAL -> type.getScale();
            case TINYINT, SMALLINT, INTEGER, BIGINT -> 0;
            case TIME, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 3;
            default -> null;
        };
        Integer radix = SqlTypeName.NUMERIC_TYPES.contains(t) ? 10 : null;
        Integer octets = SqlTypeName.CHAR_TYPES.contains(t) || SqlTypeName.BINARY_TYPES.contains(t)
                ? (size == Integer.MAX_VALUE ? Integer.MAX_VALUE : (SqlTypeName.CHAR_TYPES.contains(t) ? size * 4 : size))
                : null;
        boolean nullable = type.isNullable();
        return Arrays.asList(null, schema, table, name, ResultColumns.jdbcType(type), SqlColumnTypes.typeName(t),
                size, null, decimalDigits, radix, nullable ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
                remarks, null, null, null, octets, position, nullable ? "YES" : "NO", null, null, null, null, "NO",
                generated ? "YES" : "NO");
    }

    public static Result typeInfo() {
        List<ColumnMetaData> columns = new Columns()
                .add("TYPE_NAME", String.class, false).add("DATA_TYPE", int.class, false)
                .add("PRECISION", Integer.class, true).add("LITERAL_PREFIX", String.class, true)
                .add("LITERAL_SUFFIX", String.class, true).add("CREATE_PARAMS", String.class, true)
                .add("NULLABLE", short.class, false).add("CASE_SENSITIVE", boolean.class, false)
                .add("SEARCHABLE", short.class, false).add("UNSIGNED_ATTRIBUTE", boolean.class, false)
                .add("FIXED_PREC_SCALE", boolean.class, false).add("AUTO_INCREMENT", boolean.class, false)
                .add("LOCAL_TYPE_NAME", String.class, true).add("MINIMUM_SCALE", Short.class, true)
                .add("MAXIMUM_SCALE", Short.class, true).add("SQL_DATA_TYPE", Integer.class, true)
                .add("SQL_DATETIME_SUB", Integer.class, true).add("NUM_PREC_RADIX", Integer.class, true)
                .build();
        short nullable = (short) DatabaseMetaData.typeNullable;
        short searchable = (short) DatabaseMetaData.typeSearchable;
        short basic = (short) DatabaseMetaData.typePredBasic;
        List<List<Object>> rows = new ArrayList<>();
        // Sorted by DATA_TYPE, as JDBC asks.
        rows.add(type("TINYINT", Types.TINYINT, 3, null, null, null, nullable, false, searchable, false, true, (short) 0, (short) 0, 10));
        rows.add(type("BIGINT", Types.BIGINT, 19, null, null, null, nullable, false, searchable, false, true, (short) 0, (short) 0, 10));
        rows.add(type("VARBINARY", Types.VARBINARY, SqlColumnTypes.MAX_LENGTH, "X'", "'", "length", nullable, false, basic, true, false, null, null, null));
        rows.add(type("DECIMAL", Types.DECIMAL, 38, null, null, "precision,scale", nullable, false, searchable, false, true, (short) 0, (short) 38, 10));
        rows.add(type("INTEGER", Types.INTEGER, 10, null, null, null, nullable, false, searchable, false, true, (short) 0, (short) 0, 10));
        rows.add(type("SMALLINT", Types.SMALLINT, 5, null, null, null, nullable, false, searchable, false, true, (short) 0, (short) 0, 10));
        rows.add(type("REAL", Types.REAL, 7, null, null, null, nullable, false, searchable, false, false, null, null, 2));
        rows.add(type("DOUBLE", Types.DOUBLE, 15, null, null, null, nullable, false, searchable, false, false, null, null, 2));
        rows.add(type("VARCHAR", Types.VARCHAR, SqlColumnTypes.MAX_LENGTH, "'", "'", "length", nullable, true, searchable, true, false, null, null, null));
        rows.add(type("BOOLEAN", Types.BOOLEAN, 1, null, null, null, nullable, false, basic, true, false, null, null, null));
        rows.add(type("DATE", Types.DATE, 10, "DATE '", "'", null, nullable, false, searchable, true, false, null, null, null));
        rows.add(type("TIME", Types.TIME, 12, "TIME '", "'", null, nullable, false, searchable, true, false, (short) 3, (short) 3, null));
        rows.add(type("TIMESTAMP", Types.TIMESTAMP, 23, "TIMESTAMP '", "'", null, nullable, false, searchable, true, false, (short) 3, (short) 3, null));
        rows.add(type("TIMESTAMP WITH LOCAL TIME ZONE", Types.TIMESTAMP, 23, "TIMESTAMP WITH LOCAL TIME ZONE '", "'", null, nullable,
                false, searchable, true, false, (short) 3, (short) 3, null));
        return new Result(columns, rows);
    }

    private static List<Object> type(String name, int dataType, Integer precision, String prefix, String suffix, String params,
            short nullable, boolean caseSensitive, short searchable, boolean unsigned, boolean fixedPrecScale, Short minScale,
            Short maxScale, Integer radix) {
        return Arrays.asList(name, dataType, precision, prefix, suffix, params, nullable, caseSensitive, searchable, unsigned,
                fixedPrecScale, false, name, minScale, maxScale, null, null, radix);
    }

    /** An empty result with the columns of one of Avatica's metadata row classes (keys, indexes, procedures, ...). */
    public static Result empty(String... columnNames) {
        Columns c = new Columns();
        for (String name : columnNames) {
            c.add(name, String.class, true);
        }
        return new Result(c.build(), List.of());
    }
}
