package io.runnel.sql.parser;

import static io.runnel.sql.parser.ParserAssertions.assertRejected;
import static io.runnel.sql.parser.ParserAssertions.parse;
import static io.runnel.sql.parser.ParserAssertions.parseError;
import static io.runnel.sql.parser.ParserAssertions.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.sql.parser.ddl.SqlAlterConsumerGroupResetOffsets;
import io.runnel.sql.parser.ddl.SqlAlterConsumerGroupResetOffsets.ResetTarget;
import io.runnel.sql.parser.ddl.SqlCancelQuery;
import io.runnel.sql.parser.ddl.SqlShowTopics;
import java.util.List;
import org.apache.calcite.sql.SqlDescribeSchema;
import org.apache.calcite.sql.SqlDescribeTable;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.util.Litmus;
import org.apache.calcite.util.TimestampString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SHOW TOPICS, DESCRIBE, ALTER CONSUMER GROUP ... RESET OFFSETS and CANCEL QUERY. */
class AdminStatementsParserTest {
  @Test void showTopics() {
    final SqlShowTopics all = (SqlShowTopics) parse("SHOW TOPICS");
    assertThat(all.getLikePattern()).isEmpty();
    assertThat(all.getKind()).isEqualTo(SqlKind.OTHER);

    final SqlShowTopics some = (SqlShowTopics) parse("show topics like 'ord%'");
    assertThat(some.getLikePattern()).contains("ord%");

    assertThat(roundTrip("SHOW TOPICS")).isEqualTo("SHOW TOPICS");
    assertThat(roundTrip("show topics like 'it''s_%'")).isEqualTo("SHOW TOPICS LIKE 'it''s_%'");
    assertRejected("SHOW TOPICS LIKE ord");
    assertRejected("SHOW TOPIC");
    assertRejected("SHOW TABLES");
  }

  /**
   * {@code DESCRIBE TOPIC x} is Calcite's {@code DESCRIBE TABLE x}: one node, SqlDescribeTable,
   * for every spelling, because a topic is a table and the executor answers both alike.
   */
  @Test void describeTopicIsDescribeTable() {
    final SqlNode calcite = parse("DESCRIBE TABLE orders");
    for (String sql : List.of("DESCRIBE orders", "DESCRIBE TOPIC orders", "describe topic orders",
        "DESCRIBE TABLE orders")) {
      final SqlNode node = parse(sql);
      assertThat(node).as(sql).isInstanceOf(SqlDescribeTable.class);
      assertThat(node.equalsDeep(calcite, Litmus.IGNORE)).as(sql).isTrue();
      assertThat(roundTrip(sql)).isEqualTo("DESCRIBE TABLE orders");
    }
    final SqlDescribeTable column = (SqlDescribeTable) parse("DESCRIBE TOPIC orders amount");
    assertThat(column.getTable().getSimple()).isEqualTo("orders");
    assertThat(column.getColumn().getSimple()).isEqualTo("amount");
    assertThat(roundTrip("DESCRIBE TOPIC orders amount")).isEqualTo("DESCRIBE TABLE orders amount");
    assertThat(parseError("DESCRIBE TOPIC sys.topics").getMessage())
        .contains("Topic name 'sys.topics' is qualified");
    assertThat(((SqlDescribeTable) parse("DESCRIBE sys.topics")).getTable().names)
        .containsExactly("sys", "topics");
  }

  /** Runnel's new keywords stay usable as names after DESCRIBE, as after FROM. */
  @Test void describeTablesNamedLikeRunnelKeywords() {
    for (String name : List.of("topics", "emit", "changes", "cancel", "query", "consumer",
        "offsets", "earliest", "latest", "if")) {
      final SqlDescribeTable node = (SqlDescribeTable) parse("DESCRIBE " + name);
      assertThat(node.getTable().getSimple()).isEqualTo(name);
      roundTrip("DESCRIBE " + name);
    }
    assertThat(((SqlDescribeTable) parse("DESCRIBE topic")).getTable().getSimple())
        .isEqualTo("topic");
    assertThat(((SqlDescribeTable) parse("DESCRIBE TOPIC topic")).getTable().getSimple())
        .isEqualTo("topic");
    assertThat(((SqlDescribeTable) parse("DESCRIBE query.x y")).getColumn().getSimple())
        .isEqualTo("y");
  }

  @Test void calcitesOtherDescribeFormsAreUntouched() {
    assertThat(parse("DESCRIBE SCHEMA sys")).isInstanceOf(SqlDescribeSchema.class);
    assertThat(parse("DESCRIBE STATEMENT SELECT * FROM orders")).isInstanceOf(SqlExplain.class);
    assertThat(parse("DESCRIBE SELECT * FROM orders")).isInstanceOf(SqlExplain.class);
  }

  @Test void resetOffsetsToEarliestOrLatest() {
    final SqlAlterConsumerGroupResetOffsets earliest = (SqlAlterConsumerGroupResetOffsets) parse(
        "ALTER CONSUMER GROUP billing RESET OFFSETS FOR TOPIC orders TO EARLIEST");

    assertThat(earliest.getKind()).isEqualTo(SqlKind.OTHER_DDL);
    assertThat(earliest.getGroup().getSimple()).isEqualTo("billing");
    assertThat(earliest.getTopic().getSimple()).isEqualTo("orders");
    assertThat(earliest.getPartition()).isEmpty();
    assertThat(earliest.getTarget()).isEqualTo(ResetTarget.EARLIEST);
    assertThat(earliest.getTimestamp()).isEmpty();
    assertThat(earliest.getOffset()).isEmpty();
    assertThat(roundTrip("alter consumer group billing reset offsets for topic orders to earliest"))
        .isEqualTo("ALTER CONSUMER GROUP billing RESET OFFSETS FOR TOPIC orders TO EARLIEST");

    final SqlAlterConsumerGroupResetOffsets latest = (SqlAlterConsumerGroupResetOffsets) parse(
        "ALTER CONSUMER GROUP \"billing-v2.eu\" RESET OFFSETS FOR TOPIC orders PARTITION 3 "
            + "TO LATEST");
    assertThat(latest.getGroup().getSimple()).isEqualTo("billing-v2.eu");
    assertThat(latest.getPartition()).hasValue(3);
    assertThat(latest.getTarget()).isEqualTo(ResetTarget.LATEST);
    assertThat(roundTrip("ALTER CONSUMER GROUP \"billing-v2.eu\" RESET OFFSETS FOR TOPIC orders "
        + "PARTITION 3 TO LATEST")).isEqualTo("ALTER CONSUMER GROUP \"billing-v2.eu\" RESET OFFSETS "
        + "FOR TOPIC orders PARTITION 3 TO LATEST");
  }

  @Test void resetOffsetsToATimestamp() {
    final SqlAlterConsumerGroupResetOffsets reset = (SqlAlterConsumerGroupResetOffsets) parse(
        "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders "
            + "TO TIMESTAMP '2026-11-01 00:00:00.250'");

    assertThat(reset.getTarget()).isEqualTo(ResetTarget.TIMESTAMP);
    assertThat(reset.getTimestamp()).contains(new TimestampString("2026-11-01 00:00:00.25"));
    assertThat(roundTrip("ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders "
        + "TO TIMESTAMP '2026-11-01 00:00:00'"))
        .isEqualTo("ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders "
            + "TO TIMESTAMP '2026-11-01 00:00:00'");
    assertThat(parseError("ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders "
        + "TO TIMESTAMP 'yesterday'").getMessage()).contains("Illegal TIMESTAMP literal 'yesterday'");
  }

  @Test void resetOffsetsToAnOffset() {
    final SqlAlterConsumerGroupResetOffsets reset = (SqlAlterConsumerGroupResetOffsets) parse(
        "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders PARTITION 0 "
            + "TO OFFSET 9223372036854775807");

    assertThat(reset.getTarget()).isEqualTo(ResetTarget.OFFSET);
    assertThat(reset.getPartition()).hasValue(0);
    assertThat(reset.getOffset()).hasValue(Long.MAX_VALUE);
    assertThat(roundTrip("ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders TO OFFSET 1000"))
        .isEqualTo("ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders TO OFFSET 1000");
    assertThat(parseError("ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders "
        + "TO OFFSET 9223372036854775808").getMessage())
        .startsWith("From line 1, column 65 to line 1, column 83: OFFSET must be a whole number");
    assertThat(parseError("ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders TO OFFSET 1.5")
        .getMessage()).contains("OFFSET must be a whole number between 0 and 9223372036854775807, not 1.5");
    assertThat(parseError("ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders "
        + "PARTITION 2147483648 TO EARLIEST").getMessage())
        .contains("PARTITION must be a whole number between 0 and 2147483647, not 2147483648");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders TO OFFSET -1",
      "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders PARTITION -1 TO EARLIEST",
      "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders TO NEWEST",
      "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders",
      "ALTER CONSUMER GROUP g RESET OFFSETS TO EARLIEST",
      "ALTER CONSUMER GROUP g.h RESET OFFSETS FOR TOPIC orders TO EARLIEST",
      "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC sys.orders TO EARLIEST",
      "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders TO DATE '2020-01-01'",
      "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC orders TO TIMESTAMP",
      "ALTER CONSUMER g RESET OFFSETS FOR TOPIC orders TO EARLIEST",
  })
  void malformedResetOffsetsIsRejected(String sql) {
    assertRejected(sql);
  }

  @Test void cancelQuery() {
    final SqlCancelQuery cancel = (SqlCancelQuery) parse("CANCEL QUERY 'q-42'");

    assertThat(cancel.getQueryId()).isEqualTo("q-42");
    assertThat(cancel.getKind()).isEqualTo(SqlKind.OTHER);
    assertThat(roundTrip("cancel query 'q-42'")).isEqualTo("CANCEL QUERY 'q-42'");
    assertThat(parseError("CANCEL QUERY ''").getMessage())
        .startsWith("From line 1, column 14 to line 1, column 15: Query id must not be empty");
    assertRejected("CANCEL QUERY q42");
    assertRejected("CANCEL QUERY 42");
    assertRejected("CANCEL 'q-42'");
  }

  @Test void nodesRebuildThemselvesFromTheirOperands() {
    for (String sql : List.of("SHOW TOPICS", "SHOW TOPICS LIKE 'a%'", "CANCEL QUERY 'q'",
        "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC t PARTITION 1 TO OFFSET 5",
        "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC t TO TIMESTAMP '2026-01-01 00:00:00'",
        "ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC t TO LATEST")) {
      final SqlNode node = parse(sql);
      final SqlNode copy = node.clone(node.getParserPosition());
      assertThat(copy).isInstanceOf(node.getClass());
      assertThat(copy.equalsDeep(node, Litmus.IGNORE)).as(sql).isTrue();
    }
  }
}
