package io.runnel.sql.parser;

import static io.runnel.sql.parser.ParserAssertions.parse;
import static io.runnel.sql.parser.ParserAssertions.parseError;
import static io.runnel.sql.parser.ParserAssertions.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The extension leaves Calcite's own SQL alone. */
class CalciteSqlStillParsesTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT o.id, c.name FROM orders AS o INNER JOIN customers AS c ON o.customer = c.id",
      "SELECT * FROM orders AS o LEFT JOIN customers AS c USING (id)",
      "SELECT * FROM a CROSS JOIN b, c NATURAL JOIN d",
      "SELECT customer, SUM(amount), COUNT(DISTINCT product), AVG(qty) FROM orders "
          + "GROUP BY customer HAVING SUM(amount) > 100",
      "SELECT customer, COUNT(*) FILTER (WHERE amount > 10) FROM orders GROUP BY ROLLUP(customer)",
      "SELECT * FROM orders ORDER BY amount DESC NULLS LAST, id",
      "SELECT * FROM orders LIMIT 10",
      "SELECT * FROM orders LIMIT 10 OFFSET 20",
      "SELECT * FROM orders OFFSET 20 ROWS FETCH FIRST 10 ROWS ONLY",
      "SELECT * FROM orders WHERE amount != 3 AND qty <> 4",
      "SELECT CAST(amount AS VARCHAR(20)), CAST('1' AS INTEGER) FROM orders",
      "SELECT CASE WHEN amount > 100 THEN 'big' WHEN amount > 10 THEN 'mid' ELSE 'small' END FROM orders",
      "SELECT CASE qty WHEN 1 THEN 'one' ELSE 'many' END FROM orders",
      "SELECT * FROM orders WHERE placed_at > CURRENT_TIMESTAMP - INTERVAL '7' DAY",
      "SELECT INTERVAL '1:30' HOUR TO MINUTE, INTERVAL '2' YEAR, INTERVAL '1.5' SECOND FROM orders",
      "SELECT * FROM orders WHERE customer IN (SELECT id FROM vip) AND EXISTS (SELECT 1 FROM x)",
      "WITH big AS (SELECT * FROM orders WHERE amount > 100) SELECT COUNT(*) FROM big",
      "SELECT * FROM a UNION ALL SELECT * FROM b INTERSECT SELECT * FROM c",
      "SELECT ROW_NUMBER() OVER (PARTITION BY customer ORDER BY placed_at) FROM orders",
      "SELECT TUMBLE_START(_timestamp, INTERVAL '1' MINUTE), COUNT(*) FROM orders "
          + "GROUP BY TUMBLE(_timestamp, INTERVAL '1' MINUTE)",
      "SELECT STREAM * FROM orders",
      "SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(_timestamp), INTERVAL '1' MINUTE))",
      "VALUES (1, 'a'), (2, 'b')",
      "SELECT * FROM orders WHERE note LIKE 'a%' ESCAPE '\\' AND id BETWEEN 1 AND 10",
      "SELECT topic, topics, emit, changes, final, query, cancel, consumer, offsets, earliest, "
          + "latest FROM events AS query",
      "SELECT \"if\", if FROM topic",
      "SELECT _partition, _offset, _timestamp FROM orders WHERE _offset >= ?",
      "INSERT INTO orders (id, customer) VALUES (1, 'a'), (2, 'b'), (3, NULL)",
      "INSERT INTO orders VALUES (1, 'a')",
      "INSERT INTO big SELECT * FROM orders WHERE amount > 100",
      "INSERT INTO orders (id) VALUES (?)",
      "UPDATE orders SET amount = amount * 2 WHERE id = 1",
      "DELETE FROM orders WHERE id = 1",
      "MERGE INTO orders AS t USING updates AS s ON t.id = s.id "
          + "WHEN MATCHED THEN UPDATE SET amount = s.amount "
          + "WHEN NOT MATCHED THEN INSERT (id, amount) VALUES (s.id, s.amount)",
      "EXPLAIN PLAN FOR SELECT * FROM orders",
      "EXPLAIN PLAN WITHOUT IMPLEMENTATION FOR SELECT * FROM orders",
      "EXPLAIN PLAN WITH TYPE FOR SELECT * FROM orders",
      "EXPLAIN PLAN EXCLUDING ATTRIBUTES AS JSON FOR SELECT * FROM orders",
      "EXPLAIN PLAN INCLUDING ALL ATTRIBUTES AS XML FOR SELECT * FROM orders",
      "EXPLAIN PLAN AS DOT FOR SELECT * FROM orders",
      "EXPLAIN PLAN FOR INSERT INTO t VALUES (1)",
      "EXPLAIN PLAN FOR UPDATE t SET a = 1",
      "EXPLAIN PLAN FOR DELETE FROM t",
      "SET fetch_wait_ms = 100",
      "ALTER SESSION SET fetch_wait_ms = 100",
      "ALTER SYSTEM RESET ALL",
      "RESET fetch_wait_ms",
      "CALL refresh('orders')",
  })
  void calciteSqlParsesAndRoundTrips(String sql) {
    roundTrip(sql);
  }

  @Test void dmlTheExecutorRejectsStillParsesIntoCalcitesNodes() {
    assertThat(parse("UPDATE orders SET amount = 0").getKind()).isEqualTo(SqlKind.UPDATE);
    assertThat(parse("DELETE FROM orders").getKind()).isEqualTo(SqlKind.DELETE);
    assertThat(parse("MERGE INTO orders t USING u s ON t.id = s.id "
        + "WHEN MATCHED THEN UPDATE SET a = s.a").getKind()).isEqualTo(SqlKind.MERGE);
  }

  @Test void explainKeepsItsOptions() {
    final SqlExplain explain = (SqlExplain) parse(
        "EXPLAIN PLAN EXCLUDING ATTRIBUTES WITHOUT IMPLEMENTATION AS JSON FOR SELECT 1");

    assertThat(explain.getDetailLevel().name()).isEqualTo("NO_ATTRIBUTES");
    assertThat(explain.getDepth()).isEqualTo(SqlExplain.Depth.LOGICAL);
    assertThat(explain.getFormat().name()).isEqualTo("JSON");
    assertThat(explain.withImplementation()).isFalse();
  }

  @Test void lenientConformanceAllowsBangEqualAndEveryLimitSpelling() {
    assertThat(roundTrip("SELECT * FROM t WHERE a != 1")).isEqualTo("SELECT * FROM t WHERE a <> 1");
    assertThat(roundTrip("SELECT * FROM t OFFSET 5 LIMIT 10"))
        .isEqualTo("SELECT * FROM t LIMIT 10 OFFSET 5");
    assertThat(roundTrip("SELECT * FROM t LIMIT 5, 10"))
        .isEqualTo("SELECT * FROM t LIMIT 10 OFFSET 5");
    assertThat(roundTrip("SELECT * FROM t LIMIT ALL")).isEqualTo("SELECT * FROM t");
  }

  @Test void unquotedNamesKeepTheirCase() {
    final SqlSelect select = (SqlSelect) parse("SELECT Amount, \"Qty\" FROM Sales.Orders");

    assertThat(select.getSelectList().get(0)).hasToString("Amount");
    assertThat(select.getSelectList().get(1)).hasToString("Qty");
    assertThat(select.getFrom()).hasToString("Sales.Orders");
  }

  @Test void statementsAreSeparatedBySemicolons() throws SqlParseException {
    final List<SqlNode> statements = RunnelParser.parseStatements(
        "SHOW TOPICS; -- list them\nSELECT 1;\n/* last */ DROP TOPIC t;");

    assertThat(statements).extracting(SqlNode::getKind)
        .containsExactly(SqlKind.OTHER, SqlKind.SELECT, SqlKind.OTHER_DDL);
    assertThat(RunnelParser.parseStatements("  -- nothing\n")).isEmpty();
    assertThat(parseError("SELECT 1; SELECT 2").getMessage()).contains("Expected one statement");
  }

  /**
   * A statement of 10,000 rows parses iteratively: no stack overflow, and fast enough to not be
   * the bottleneck of a bulk INSERT (the time is printed, not asserted).
   */
  @Test void tenThousandRowInsertParses() {
    final int rows = 10_000;
    final StringBuilder sql = new StringBuilder(
        "INSERT INTO orders (id, customer, product, amount, qty, placed_at) VALUES\n");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ",\n").append('(').append(i).append(", 'customer-")
          .append(i % 97).append("', 'product-").append(i % 13).append("', ")
          .append(i % 1000).append(".25, ").append(i % 7)
          .append(", TIMESTAMP '2026-11-01 10:00:00.123')");
    }

    parse(sql.toString()); // warm-up
    final long start = System.nanoTime();
    final SqlInsert insert = (SqlInsert) parse(sql.toString());
    final long micros = (System.nanoTime() - start) / 1_000;

    final SqlBasicCall values = (SqlBasicCall) insert.getSource();
    assertThat(values.getKind()).isEqualTo(SqlKind.VALUES);
    assertThat(values.operandCount()).isEqualTo(rows);
    System.out.printf("Parsed a %,d-row INSERT (%,d characters) in %,d us%n", rows,
        sql.length(), micros);
  }
}
