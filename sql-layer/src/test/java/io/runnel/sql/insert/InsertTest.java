package io.runnel.sql.insert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.engine.EngineException;
import io.runnel.sql.errors.RunnelSqlException;
import io.runnel.sql.exec.Prepared;
import io.runnel.sql.testkit.SqlFixture;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.AvaticaParameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runnel's own INSERT path: literal rows, expressions, parameters, batches, INSERT ... SELECT, atomicity. */
class InsertTest {
    private SqlFixture f;

    @BeforeEach
    void setUp() {
        f = new SqlFixture();
        f.update("CREATE TOPIC t (id INTEGER NOT NULL, name VARCHAR(8), amount DECIMAL(6,2)) WITH (partitions = 3)");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private long count() {
        return (Long) f.query("SELECT COUNT(*) FROM t").get(0).get(0);
    }

    private static void failsWith(Runnable r, String sqlState) {
        assertThatThrownBy(r::run).isInstanceOf(RunnelSqlException.class)
                .satisfies(e -> assertThat(((RunnelSqlException) e).sqlState()).as(e.getMessage()).isEqualTo(sqlState));
    }

    @Test
    void tenThousandLiteralRowsInOneStatement() {
        StringBuilder sql = new StringBuilder("INSERT INTO t VALUES ");
        for (int i = 0; i < 10_000; i++) {
            sql.append(i == 0 ? "" : ", ").append("(").append(i).append(", 'n").append(i % 100).append("', ")
                    .append(i % 1000).append(".25)");
        }
        long start = System.nanoTime();
        assertThat(f.update(sql.toString())).isEqualTo(10_000);
        System.out.printf("10,000-row INSERT ... VALUES: %.0f ms%n", (System.nanoTime() - start) / 1e6);
        assertThat(count()).isEqualTo(10_000);
        assertThat(f.query("SELECT SUM(id) FROM t").get(0).get(0)).isEqualTo(49_995_000L);
    }

    @Test
    void columnListDefaultsOthersToNull() {
        f.update("INSERT INTO t (name, id) VALUES ('x', 1)");
        assertThat(f.query("SELECT id, name, amount FROM t")).containsExactly(java.util.Arrays.asList(1, "x", null));
    }

    @Test
    void expressionsAreEvaluatedByCalcite() {
        f.update("INSERT INTO t VALUES (1 + 2, UPPER('ab') || 'c', CAST('1.5' AS DECIMAL(6,2)) * 2), (-4, NULL, -1.005)");
        assertThat(f.query("SELECT id, name, amount FROM t ORDER BY id")).containsExactly(
                java.util.Arrays.asList(-4, null, new BigDecimal("-1.01")),
                java.util.Arrays.asList(3, "ABc", new BigDecimal("3.00")));
    }

    @Test
    void parametersTakeTheirTypesFromTheTargetColumns() {
        Prepared p = f.prepare("INSERT INTO t (id, name, amount) VALUES (?, ?, ?)");
        assertThat(p.parameters()).extracting(a -> a.typeName).containsExactly("INTEGER", "VARCHAR", "DECIMAL");
        assertThat(p.parameters()).extracting(a -> a.precision).containsExactly(10, 8, 6);
        assertThat(f.update("INSERT INTO t VALUES (?, ?, ?)", 7L, "seven", new BigDecimal("7.7"))).isEqualTo(1);
        assertThat(f.update("INSERT INTO t VALUES (?, UPPER(CAST(? AS VARCHAR(8))), ? + 1)", 8, "eight", 1)).isEqualTo(1);
        assertThat(f.query("SELECT id, name, amount FROM t ORDER BY id")).containsExactly(
                List.of(7, "seven", new BigDecimal("7.70")), List.of(8, "EIGHT", new BigDecimal("2.00")));
    }

    @Test
    void batchesCountEachParameterSet() {
        List<Object[]> sets = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sets.add(new Object[] {i, "n" + i});
        }
        long[] counts = f.batch("INSERT INTO t (id, name) VALUES (?, ?)", sets);
        assertThat(counts).hasSize(500).containsOnly(1L);
        long[] twoRowCounts = f.batch("INSERT INTO t (id) VALUES (?), (? + 1000)", List.<Object[]>of(new Object[] {1, 2}));
        assertThat(twoRowCounts).containsExactly(2L);
        assertThat(count()).isEqualTo(502);
    }

    @Test
    void aBadRowFailsTheWholeStatementOrBatch() {
        failsWith(() -> f.update("INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'too long name')"), "22001");
        failsWith(() -> f.update("INSERT INTO t (id, amount) VALUES (1, 1), (2, 10000)"), "22003");
        failsWith(() -> f.update("INSERT INTO t (id, name) VALUES (1, 'a'), (NULL, 'b')"), "23502");
        List<Object[]> sets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sets.add(new Object[] {i == 5 ? null : i, "ok"});
        }
        failsWith(() -> f.batch("INSERT INTO t (id, name) VALUES (?, ?)", sets), "23502");
        failsWith(() -> f.update("INSERT INTO t (id, name) VALUES (?, ?)", 1, "much too long"), "22001");
        assertThat(count()).isZero();
        assertThat(f.engine.appendedBatches.sum()).isZero();
    }

    @Test
    void anEngineFailureReachesTheClientWithItsState() {
        f.engine.failNextProduce = new EngineException("53100", "partition 1 of topic t: disk full");
        failsWith(() -> f.update("INSERT INTO t (id) VALUES (1), (2), (3)"), "53100");
    }

    @Test
    void insertSelectCopiesABoundedQuery() {
        f.update("INSERT INTO t VALUES (1, 'a', 1.50), (2, 'b', 2.50)");
        f.update("CREATE TOPIC copy (n BIGINT, label VARCHAR(20))");
        assertThat(f.update("INSERT INTO copy SELECT id * 10, name || '!' FROM t")).isEqualTo(2);
        assertThat(f.query("SELECT n, label FROM copy ORDER BY n")).containsExactly(List.of(10L, "a!"), List.of(20L, "b!"));
        failsWith(() -> f.prepare("INSERT INTO copy SELECT id FROM t"), "42601");
        failsWith(() -> f.prepare("INSERT INTO copy SELECT STREAM id, name FROM t"), "0A000");
    }

    @Test
    void targetsAreChecked() {
        failsWith(() -> f.prepare("INSERT INTO nosuch VALUES (1)"), "42P01");
        failsWith(() -> f.prepare("INSERT INTO t (id, id) VALUES (1, 2)"), "42701");
        failsWith(() -> f.prepare("INSERT INTO t (id, _timestamp) VALUES (1, 2)"), "428C9");
        failsWith(() -> f.prepare("INSERT INTO t (name) VALUES ('x')"), "23502");
        failsWith(() -> f.prepare("INSERT INTO t VALUES (1, 'a')"), "42601");
        failsWith(() -> f.prepare("UPSERT INTO t VALUES (1, 'a', 1)"), "0A000");
        failsWith(() -> f.prepare("INSERT INTO sys.topics VALUES (1)"), "42809");
    }

    @Test
    void maxInsertRowsIsEnforced() {
        try (SqlFixture small = new SqlFixture(new io.runnel.sql.testkit.InMemoryEngine(),
                io.runnel.sql.SqlLayerConfig.DEFAULTS.withMaxInsertRows(2), java.time.ZoneOffset.UTC)) {
            small.update("CREATE TOPIC s (id INTEGER)");
            assertThatThrownBy(() -> small.update("INSERT INTO s VALUES (1), (2), (3)")).isInstanceOf(RunnelSqlException.class)
                    .hasMessageContaining("max_insert_rows")
                    .satisfies(e -> assertThat(((RunnelSqlException) e).sqlState()).isEqualTo("54000"));
        }
    }
}
