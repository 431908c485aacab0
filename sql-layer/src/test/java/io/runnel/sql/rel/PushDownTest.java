package io.runnel.sql.rel;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.sql.testkit.SqlFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EXPLAIN shows what the planner pushed into topic scans (as Calcite's CsvTest asserts its
 * push-downs), and the pushed plans return the same rows as the predicates say.
 *
 * <p>Topic {@code orders}: id $0, customer $1, amount $2, placed_at $3, _partition $4, _offset $5,
 * _timestamp $6.
 */
class PushDownTest {
    private static SqlFixture f;

    @BeforeAll
    static void setUp() {
        f = new SqlFixture();
        f.update("CREATE TOPIC orders (id BIGINT NOT NULL, customer VARCHAR(64), amount DECIMAL(12,2),"
                + " placed_at TIMESTAMP(3)) WITH (partitions = 3)");
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            values.append(i == 0 ? "" : ", ").append("(").append(i).append(", 'c").append(i % 3).append("', ")
                    .append(i).append(".50, TIMESTAMP '2026-01-01 00:00:00')");
        }
        f.update("INSERT INTO orders VALUES " + values);
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    @Test
    void projectionIsPushed() {
        assertThat(f.explain("SELECT id, amount FROM orders"))
                .isEqualTo("TopicTableScan(table=[[runnel, orders]], mode=[bounded], projects=[[0, 2]])\n");
    }

    @Test
    void starScansUserColumnsOnly() {
        assertThat(f.explain("SELECT * FROM orders"))
                .isEqualTo("TopicTableScan(table=[[runnel, orders]], mode=[bounded], projects=[[0, 1, 2, 3]])\n");
    }

    @Test
    void filterIsPushedAndEvaluatedOnDecodedColumns() {
        assertThat(f.explain("SELECT id FROM orders WHERE amount > 20 AND customer = 'c1'"))
                .isEqualTo("TopicTableScan(table=[[runnel, orders]], mode=[bounded], projects=[[0]],"
                        + " filters=[[>($2, 20.00), =($1, c1)]])\n");
        assertThat(f.query("SELECT id FROM orders WHERE amount > 20 AND customer = 'c1'").stream()
                .map(r -> r.get(0)).toList()).containsExactlyInAnyOrder(22L, 25L, 28L);
    }

    @Test
    void whatCannotBePushedStaysAbove() {
        String plan = f.explain("SELECT id FROM orders WHERE amount > 20 AND UPPER(customer) = 'C1'");
        assertThat(plan).contains("filters=[[>($2, 20.00)]]").contains("EnumerableCalc").contains("UPPER");
        assertThat(f.query("SELECT id FROM orders WHERE amount > 20 AND UPPER(customer) = 'C1'")).hasSize(3);
    }

    @Test
    void inListsAndNullTestsArePushed() {
        assertThat(f.explain("SELECT id FROM orders WHERE id IN (1, 2, 3) AND placed_at IS NOT NULL"))
                .contains("IN($0, 1, 2, 3)").contains("IS NOT NULL($3)");
        assertThat(f.query("SELECT id FROM orders WHERE id IN (1, 2, 3) AND placed_at IS NOT NULL")).hasSize(3);
    }

    @Test
    void partitionAndOffsetPredicatesBecomeSeeks() {
        assertThat(f.explain("SELECT id FROM orders WHERE _partition = 2 AND _offset >= 1000"))
                .isEqualTo("TopicTableScan(table=[[runnel, orders]], mode=[bounded], projects=[[0]],"
                        + " filters=[[=($4, 2), >=($5, 1000)]], seek=[partitions [2], _offset >= 1000])\n");
        assertThat(f.explain("SELECT id FROM orders WHERE _offset BETWEEN 3 AND 5"))
                .contains("seek=[_offset >= 3, _offset <= 5]");
        assertThat(f.explain("SELECT id FROM orders WHERE _partition IN (0, 2)")).contains("seek=[partitions [0, 2]]");
    }

    @Test
    void timestampPredicateBecomesASeekForStreams() {
        assertThat(f.explain("SELECT * FROM orders WHERE _timestamp >= TIMESTAMP '2026-11-01 00:00:00' EMIT CHANGES"))
                .isEqualTo("TopicTableScan(table=[[runnel, orders, (STREAM)]], mode=[unbounded], projects=[[0, 1, 2, 3]],"
                        + " filters=[[>=($6, 1793491200000)]], seek=[_timestamp >= 2026-11-01 00:00:00])\n");
    }

    @Test
    void streamingScanIsUnboundedAndKeepsPushDowns() {
        assertThat(f.explain("SELECT id FROM orders WHERE _partition = 1 AND amount < 5 EMIT CHANGES"))
                .isEqualTo("TopicTableScan(table=[[runnel, orders, (STREAM)]], mode=[unbounded], projects=[[0]],"
                        + " filters=[[=($4, 1), <($2, 5.00)]], seek=[partitions [1]])\n");
    }

    @Test
    void seeksReturnTheRowsThePredicatesSelect() {
        long total = f.query("SELECT COUNT(*) FROM orders").get(0).stream().mapToLong(v -> (Long) v).sum();
        assertThat(total).isEqualTo(30);
        for (int p = 0; p < 3; p++) {
            long inPartition = (Long) f.query("SELECT COUNT(*) FROM orders WHERE _partition = " + p).get(0).get(0);
            long fromOffsetOne = (Long) f.query("SELECT COUNT(*) FROM orders WHERE _partition = " + p + " AND _offset >= 1")
                    .get(0).get(0);
            assertThat(fromOffsetOne).isEqualTo(Math.max(0, inPartition - 1));
        }
        assertThat(f.query("SELECT COUNT(*) FROM orders WHERE _partition = 7").get(0).get(0)).isEqualTo(0L);
    }

    @Test
    void aggregatesJoinsAndOrderingRunOnTheSnapshot() {
        assertThat(f.query("SELECT customer, COUNT(*) FROM orders GROUP BY customer ORDER BY customer"))
                .containsExactly(java.util.List.of("c0", 10L), java.util.List.of("c1", 10L), java.util.List.of("c2", 10L));
        assertThat(f.query("SELECT a.id FROM orders a JOIN orders b ON a.id = b.id + 1 WHERE b.id = 4")).hasSize(1);
        assertThat(f.query("SELECT id FROM orders ORDER BY id DESC LIMIT 2")).containsExactly(
                java.util.List.of(29L), java.util.List.of(28L));
    }
}
