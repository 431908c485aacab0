package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DatabaseMetaData as DBeaver and BI tools read it. */
class MetadataIT {

    @Test
    void catalogSchemasTablesColumnsTypes() throws Exception {
        try (ServerFixture fixture = new ServerFixture(); Connection c = fixture.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TOPIC orders (id BIGINT NOT NULL, customer VARCHAR(64), amount DECIMAL(12,2),"
                        + " placed_at TIMESTAMP(3)) PARTITION BY (customer) WITH (partitions = 3)");
            }
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getDatabaseProductName()).isEqualTo("Runnel");
            assertThat(md.getDatabaseProductVersion()).isNotBlank();
            assertThat(md.getIdentifierQuoteString()).isEqualTo("\"");

            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = md.getSchemas()) {
                while (rs.next()) {
                    schemas.add(rs.getString("TABLE_SCHEM"));
                }
            }
            assertThat(schemas).containsExactlyInAnyOrder("runnel", "sys");
            try (ResultSet rs = md.getCatalogs()) {
                assertThat(rs.next()).isFalse();
            }
            Map<String, String> tables = new LinkedHashMap<>();
            try (ResultSet rs = md.getTables(null, null, "%", null)) {
                while (rs.next()) {
                    tables.put(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"), rs.getString("TABLE_TYPE"));
                }
            }
            assertThat(tables).containsEntry("runnel.orders", "TABLE").containsEntry("sys.topics", "SYSTEM TABLE")
                    .containsEntry("sys.partitions", "SYSTEM TABLE").containsEntry("sys.queries", "SYSTEM TABLE");
            List<String> types = new ArrayList<>();
            try (ResultSet rs = md.getTableTypes()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
            assertThat(types).contains("TABLE", "SYSTEM TABLE");

            List<String> columns = new ArrayList<>();
            try (ResultSet rs = md.getColumns(null, "runnel", "orders", "%")) {
                while (rs.next()) {
                    String name = rs.getString("COLUMN_NAME");
                    columns.add(name);
                    switch (name) {
                        case "id" -> {
                            assertThat(rs.getInt("DATA_TYPE")).isEqualTo(Types.BIGINT);
                            assertThat(rs.getString("TYPE_NAME")).isEqualTo("BIGINT");
                            assertThat(rs.getInt("NULLABLE")).isEqualTo(DatabaseMetaData.columnNoNulls);
                            assertThat(rs.getInt("ORDINAL_POSITION")).isEqualTo(1);
                        }
                        case "customer" -> {
                            assertThat(rs.getInt("DATA_TYPE")).isEqualTo(Types.VARCHAR);
                            assertThat(rs.getInt("COLUMN_SIZE")).isEqualTo(64);
                            assertThat(rs.getString("IS_NULLABLE")).isEqualTo("YES");
                        }
                        case "amount" -> {
                            assertThat(rs.getInt("DATA_TYPE")).isEqualTo(Types.DECIMAL);
                            assertThat(rs.getInt("COLUMN_SIZE")).isEqualTo(12);
                            assertThat(rs.getInt("DECIMAL_DIGITS")).isEqualTo(2);
                        }
                        case "placed_at" -> assertThat(rs.getInt("DATA_TYPE")).isEqualTo(Types.TIMESTAMP);
                        case "_offset" -> {
                            assertThat(rs.getString("IS_GENERATEDCOLUMN")).isEqualTo("YES");
                            assertThat(rs.getInt("ORDINAL_POSITION")).isEqualTo(6);
                        }
                        default -> { }
                    }
                }
            }
            assertThat(columns).containsExactly("id", "customer", "amount", "placed_at", "_partition", "_offset", "_timestamp");

            List<String> typeNames = new ArrayList<>();
            try (ResultSet rs = md.getTypeInfo()) {
                while (rs.next()) {
                    typeNames.add(rs.getString("TYPE_NAME"));
                }
            }
            assertThat(typeNames).contains("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "REAL", "DOUBLE",
                    "DECIMAL", "VARCHAR", "VARBINARY", "DATE", "TIME", "TIMESTAMP", "TIMESTAMP WITH LOCAL TIME ZONE");
            try (ResultSet rs = md.getPrimaryKeys(null, "runnel", "orders")) {
                assertThat(rs.getMetaData().getColumnName(4)).isEqualTo("COLUMN_NAME");
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = md.getIndexInfo(null, "runnel", "orders", false, true)) {
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = md.getProcedures(null, null, "%")) {
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = md.getFunctions(null, null, "%")) {
                assertThat(rs.next()).isFalse();
            }
            c.setSchema("sys");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM partitions")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(3);
            }
            // Avatica sends property changes with the next request: the unknown schema fails there.
            c.setSchema("nosuch");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT 1").close();
                }
            }).isInstanceOf(java.sql.SQLException.class).hasMessageContaining("nosuch")
                    .satisfies(e -> assertThat(((java.sql.SQLException) e).getSQLState()).isEqualTo("3F000"));
            c.setSchema("runnel");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE orders")) {
                List<String> described = new ArrayList<>();
                while (rs.next()) {
                    described.add(rs.getString("column_name") + " " + rs.getString("type") + " " + rs.getBoolean("partition_key"));
                }
                assertThat(described).startsWith("id BIGINT false", "customer VARCHAR(64) true", "amount DECIMAL(12, 2) false");
            }
        }
    }
}
