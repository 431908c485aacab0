package io.runnel.sql.ddl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.engine.TopicInfo;
import io.runnel.sql.errors.RunnelSqlException;
import io.runnel.sql.testkit.SqlFixture;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Topic DDL, SHOW TOPICS and DESCRIBE against the engine. */
class DdlTest {
    private SqlFixture f;

    @BeforeEach
    void setUp() {
        f = new SqlFixture();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private void fails(String sql, String sqlState) {
        assertThatThrownBy(() -> f.update(sql)).isInstanceOf(RunnelSqlException.class)
                .satisfies(e -> assertThat(((RunnelSqlException) e).sqlState()).as(e.getMessage()).isEqualTo(sqlState));
    }

    @Test
    void createMapsEveryTypeAndOption() {
        f.update("CREATE TOPIC Orders (id BIGINT NOT NULL, b BOOLEAN, ti TINYINT, si SMALLINT, i INT, r REAL, d DOUBLE,"
                + " f FLOAT, n NUMERIC(10, 3), c CHAR(4), v VARCHAR, vb VARBINARY(16), dt DATE, tm TIME, ts TIMESTAMP,"
                + " ltz TIMESTAMP(3) WITH LOCAL TIME ZONE) PARTITION BY (c, id) WITH (partitions = 4, retention = '1 day')");
        TopicInfo t = f.engine.topic("orders").orElseThrow();
        assertThat(t.name()).isEqualTo("Orders");
        assertThat(t.partitions()).isEqualTo(4);
        assertThat(t.config().retentionMs()).isEqualTo(86_400_000L);
        List<Column> cols = t.currentSchema().columns();
        assertThat(cols).extracting(Column::type).containsExactly(ColumnType.BIGINT, ColumnType.BOOLEAN, ColumnType.TINYINT,
                ColumnType.SMALLINT, ColumnType.INTEGER, ColumnType.REAL, ColumnType.DOUBLE, ColumnType.DOUBLE,
                ColumnType.DECIMAL, ColumnType.VARCHAR, ColumnType.VARCHAR, ColumnType.VARBINARY, ColumnType.DATE,
                ColumnType.TIME, ColumnType.TIMESTAMP, ColumnType.TIMESTAMP_LTZ);
        assertThat(cols.get(0).nullable()).isFalse();
        assertThat(cols.get(8).precision()).isEqualTo(10);
        assertThat(cols.get(8).scale()).isEqualTo(3);
        assertThat(cols.get(9).precision()).isEqualTo(4);
        assertThat(cols.get(10).precision()).isEqualTo(Column.UNBOUNDED);
        assertThat(t.partitionKey()).containsExactly(9, 0);
    }

    @Test
    void ifNotExistsAndIfExists() {
        f.update("CREATE TOPIC t (a INTEGER)");
        f.update("CREATE TOPIC IF NOT EXISTS T (a INTEGER)");
        fails("CREATE TOPIC t (a INTEGER)", "42P07");
        f.update("DROP TOPIC T");
        f.update("DROP TOPIC IF EXISTS t");
        fails("DROP TOPIC t", "42P01");
    }

    @Test
    void alterTopic() {
        f.update("CREATE TOPIC t (a INTEGER) WITH (partitions = 2)");
        f.update("INSERT INTO t VALUES (1)");
        f.update("ALTER TOPIC t SET (partitions = 5, retention = '30 days')");
        assertThat(f.engine.topic("t").orElseThrow().partitions()).isEqualTo(5);
        fails("ALTER TOPIC t SET (partitions = 3)", "22023");
        f.update("ALTER TOPIC t ADD COLUMN note VARCHAR(10)");
        f.update("INSERT INTO t VALUES (2, 'x')");
        assertThat(f.query("SELECT a, note FROM t ORDER BY a")).containsExactly(java.util.Arrays.asList(1, null),
                java.util.Arrays.asList(2, "x"));
        fails("ALTER TOPIC t ADD COLUMN note INTEGER", "42701");
        fails("ALTER TOPIC nosuch SET (retention = '1 day')", "42P01");
    }

    @Test
    void invalidDefinitions() {
        fails("CREATE TOPIC t (a DECIMAL(39, 2))", "0A000");
        fails("CREATE TOPIC t (a VARCHAR(70000))", "0A000");
        fails("CREATE TOPIC t (a TIME(6))", "0A000");
        fails("CREATE TOPIC t (a TIMESTAMP WITH TIME ZONE)", "0A000");
        fails("CREATE TOPIC t (a INTEGER) WITH (partitions = 0)", "22023");
        fails("CREATE TOPIC t (_offset INTEGER)", "42601");
    }

    @Test
    void showTopicsAndDescribe() {
        f.update("CREATE TOPIC orders (id BIGINT NOT NULL, customer VARCHAR(64)) PARTITION BY (customer) WITH (partitions = 3)");
        f.update("CREATE TOPIC clicks (url VARCHAR)");
        assertThat(f.query("SHOW TOPICS")).extracting(r -> r.get(0)).containsExactly("clicks", "orders");
        assertThat(f.query("SHOW TOPICS LIKE 'ord%'")).containsExactly(java.util.Arrays.asList("orders", 3, 1, "customer", "append"));
        assertThat(f.query("DESCRIBE orders")).containsExactly(
                List.of("id", "BIGINT", false, false, false),
                List.of("customer", "VARCHAR(64)", true, true, false),
                List.of("_partition", "INTEGER", false, false, true),
                List.of("_offset", "BIGINT", false, false, true),
                List.of("_timestamp", "TIMESTAMP(3)", false, false, true));
        assertThat(f.query("DESCRIBE TOPIC orders customer")).hasSize(1);
        assertThat(f.query("DESCRIBE sys.queries")).extracting(r -> r.get(0)).contains("query_id", "sql_text", "state");
        fails("DESCRIBE nosuch", "42P01");
        fails("DESCRIBE orders nosuch", "42703");
    }

    @Test
    void cancelUnknownQuery() {
        fails("CANCEL QUERY 'q-999'", "42704");
    }
}
