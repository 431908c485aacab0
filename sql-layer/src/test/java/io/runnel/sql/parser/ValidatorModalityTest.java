package io.runnel.sql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.StreamableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.junit.jupiter.api.Test;

/**
 * The parse tree of {@code EMIT CHANGES} goes through Calcite's validator exactly like
 * {@code SELECT STREAM}: same acceptance, same modality errors. Also checks the lexical contract
 * with the validator: names match case-insensitively under {@link RunnelParser#CONFIG}.
 */
class ValidatorModalityTest {
  /** A topic: both a table (bounded snapshot) and a stream. */
  private static final class TopicTable extends AbstractTable
      implements ScannableTable, StreamableTable {
    @Override public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      return typeFactory.builder()
          .add("id", SqlTypeName.BIGINT)
          .add("customer", SqlTypeName.VARCHAR, 64)
          .add("amount", typeFactory.createSqlType(SqlTypeName.DECIMAL, 12, 2))
          .add("_timestamp", SqlTypeName.TIMESTAMP, 3)
          .build();
    }

    @Override public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.emptyEnumerable();
    }

    @Override public Table stream() {
      return this;
    }
  }

  /** A table that is not a stream. */
  private static final class PlainTable extends AbstractTable implements ScannableTable {
    @Override public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      return typeFactory.builder().add("id", SqlTypeName.BIGINT).build();
    }

    @Override public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.emptyEnumerable();
    }
  }

  private static SqlNode validate(String sql) throws Exception {
    final SchemaPlus root = Frameworks.createRootSchema(true);
    root.add("orders", new TopicTable());
    root.add("regions", new PlainTable());
    final FrameworkConfig config = Frameworks.newConfigBuilder()
        .parserConfig(RunnelParser.CONFIG)
        .defaultSchema(root)
        .build();
    try (Planner planner = Frameworks.getPlanner(config)) {
      return planner.validate(planner.parse(sql));
    }
  }

  @Test void streamingQueriesOfAStreamValidateInBothSpellings() throws Exception {
    for (String sql : new String[] {
        "SELECT * FROM orders EMIT CHANGES",
        "SELECT STREAM * FROM orders",
        "SELECT id, amount FROM orders WHERE amount > 100 EMIT CHANGES",
        "SELECT * FROM orders WHERE _timestamp >= TIMESTAMP '2026-11-01 00:00:00' EMIT CHANGES",
    }) {
      assertThat(StreamingQueries.isStreaming(validate(sql))).as(sql).isTrue();
    }
  }

  @Test void aTableThatIsNoStreamIsRejectedTheSameWayForBothSpellings() {
    final String emit = message(() -> validate("SELECT * FROM regions EMIT CHANGES"));
    final String stream = message(() -> validate("SELECT STREAM * FROM regions"));

    assertThat(emit).isEqualTo("Cannot convert table 'regions' to stream").isEqualTo(stream);
  }

  @Test void streamingAggregationRulesApplyToBothSpellings() {
    final String emit = message(() -> validate(
        "SELECT customer, COUNT(*) FROM orders GROUP BY customer EMIT CHANGES"));
    final String stream = message(() -> validate(
        "SELECT STREAM customer, COUNT(*) FROM orders GROUP BY customer"));

    assertThat(emit).contains("Streaming aggregation requires at least one monotonic expression");
    assertThat(stream).contains("Streaming aggregation requires at least one monotonic expression");
  }

  @Test void boundedQueriesValidateWithRunnelsConformanceAndNameMatching() throws Exception {
    assertThat(StreamingQueries.isStreaming(validate(
        "SELECT Id, COUNT(*) FROM Regions WHERE ID != 0 GROUP BY iD OFFSET 1 LIMIT 2")))
        .isFalse();
    assertThat(validate("SELECT \"ID\" FROM \"REGIONS\"")).isNotNull();
    assertThat(validate("SELECT Amount FROM ORDERS EMIT CHANGES")).isNotNull();
  }

  /**
   * Stock Calcite treats a {@link StreamableTable} as a stream only: a bounded query of it fails.
   * A topic is both (DESIGN.md §3), so Runnel's catalog has to lift this rule (Calcite decides it
   * in {@code RelOptTableImpl.supportsModality}); this test pins the behaviour it starts from.
   */
  @Test void stockCalciteRefusesABoundedQueryOfAStreamableTable() {
    assertThat(message(() -> validate("SELECT * FROM orders")))
        .isEqualTo("Cannot convert stream 'orders' to relation");
  }

  private interface Statement {
    void run() throws Exception;
  }

  /** Runs {@code statement}, which must fail, and returns the message of its root cause. */
  private static String message(Statement statement) {
    final Throwable[] thrown = new Throwable[1];
    assertThatThrownBy(() -> {
      try {
        statement.run();
      } catch (Exception e) {
        thrown[0] = e;
        throw e;
      }
    }).isNotNull();
    Throwable t = thrown[0];
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
