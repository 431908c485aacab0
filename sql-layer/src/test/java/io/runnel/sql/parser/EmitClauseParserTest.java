package io.runnel.sql.parser;

import static io.runnel.sql.parser.ParserAssertions.parse;
import static io.runnel.sql.parser.ParserAssertions.parseError;
import static io.runnel.sql.parser.ParserAssertions.roundTrip;
import static io.runnel.sql.parser.ParserAssertions.unparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.util.Litmus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The EMIT clause: where it may stand, that it is grammar and not text (strings, comments,
 * identifiers and aliases never trigger it), and that {@code EMIT CHANGES} is Calcite's
 * {@code SELECT STREAM}.
 */
class EmitClauseParserTest {
  /** An EMIT CHANGES query and the SELECT STREAM query it must be the same tree as. */
  static Stream<Arguments> emitChangesAndItsStreamSpelling() {
    return Stream.of(
        arguments("SELECT * FROM orders EMIT CHANGES",
            "SELECT STREAM * FROM orders"),
        arguments("SELECT * FROM orders WHERE amount > 100 EMIT CHANGES",
            "SELECT STREAM * FROM orders WHERE amount > 100"),
        arguments("SELECT customer, COUNT(*) FROM orders GROUP BY customer EMIT CHANGES",
            "SELECT STREAM customer, COUNT(*) FROM orders GROUP BY customer"),
        arguments("SELECT customer FROM orders GROUP BY customer HAVING SUM(amount) > 5 "
                + "EMIT CHANGES",
            "SELECT STREAM customer FROM orders GROUP BY customer HAVING SUM(amount) > 5"),
        arguments("SELECT customer, COUNT(*) FROM orders "
                + "GROUP BY TUMBLE(_timestamp, INTERVAL '1' MINUTE), customer EMIT CHANGES",
            "SELECT STREAM customer, COUNT(*) FROM orders "
                + "GROUP BY TUMBLE(_timestamp, INTERVAL '1' MINUTE), customer"),
        arguments("SELECT SUM(amount) OVER w FROM orders WINDOW w AS (ORDER BY _timestamp) "
                + "EMIT CHANGES",
            "SELECT STREAM SUM(amount) OVER w FROM orders WINDOW w AS (ORDER BY _timestamp)"),
        arguments("SELECT * FROM orders WHERE amount > 100 EMIT CHANGES LIMIT 10",
            "SELECT STREAM * FROM orders WHERE amount > 100 LIMIT 10"),
        arguments("SELECT * FROM orders EMIT CHANGES ORDER BY _timestamp LIMIT 10 OFFSET 5",
            "SELECT STREAM * FROM orders ORDER BY _timestamp LIMIT 10 OFFSET 5"),
        arguments("SELECT * FROM orders EMIT CHANGES OFFSET 5 LIMIT 10",
            "SELECT STREAM * FROM orders OFFSET 5 LIMIT 10"),
        arguments("SELECT * FROM orders EMIT CHANGES FETCH NEXT 3 ROWS ONLY",
            "SELECT STREAM * FROM orders FETCH NEXT 3 ROWS ONLY"),
        arguments("SELECT DISTINCT customer FROM orders EMIT CHANGES",
            "SELECT STREAM DISTINCT customer FROM orders"),
        arguments("SELECT /*+ no_seek */ * FROM orders EMIT CHANGES",
            "SELECT /*+ no_seek */ STREAM * FROM orders"),
        arguments("SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer = c.id "
                + "EMIT CHANGES",
            "SELECT STREAM o.id, c.name FROM orders o JOIN customers c ON o.customer = c.id"),
        arguments("WITH big AS (SELECT * FROM orders WHERE amount > 100) "
                + "SELECT * FROM big EMIT CHANGES",
            "WITH big AS (SELECT * FROM orders WHERE amount > 100) SELECT STREAM * FROM big"),
        arguments("(SELECT * FROM orders) EMIT CHANGES",
            "SELECT STREAM * FROM orders"),
        arguments("SELECT * FROM (SELECT * FROM a UNION ALL SELECT * FROM b) EMIT CHANGES",
            "SELECT STREAM * FROM (SELECT * FROM a UNION ALL SELECT * FROM b)"),
        arguments("SELECT * FROM orders AS emit EMIT CHANGES",
            "SELECT STREAM * FROM orders AS emit"),
        arguments("SELECT * FROM emit EMIT CHANGES",
            "SELECT STREAM * FROM emit"),
        arguments("SELECT STREAM * FROM orders EMIT CHANGES",
            "SELECT STREAM * FROM orders"),
        arguments("select * from orders emit changes",
            "SELECT STREAM * FROM orders"),
        arguments("SELECT * FROM orders EMIT\n   CHANGES",
            "SELECT STREAM * FROM orders"),
        arguments("SELECT * FROM orders Emit/*how*/Changes",
            "SELECT STREAM * FROM orders"),
        arguments("SELECT * FROM orders EMIT -- all of them\n CHANGES",
            "SELECT STREAM * FROM orders"),
        arguments("SELECT * FROM orders EMIT /* a */ /** b **/ // c\n\t CHANGES",
            "SELECT STREAM * FROM orders"));
  }

  @ParameterizedTest
  @MethodSource("emitChangesAndItsStreamSpelling")
  void emitChangesIsTheSameTreeAsSelectStream(String emitChanges, String selectStream) {
    final SqlNode emitted = parse(emitChanges);
    final SqlNode streamed = parse(selectStream);

    assertThat(emitted.equalsDeep(streamed, Litmus.IGNORE))
        .as("%s%n  is%n%s%n  but is%n%s", emitChanges, unparse(streamed), unparse(emitted))
        .isTrue();
    assertThat(StreamingQueries.emitMode(emitted)).contains(EmitMode.CHANGES);
    assertThat(StreamingQueries.isStreaming(emitted)).isTrue();
    assertThat(StreamingQueries.isEmitFinal(emitted)).isFalse();
    roundTrip(emitChanges);
  }

  @Test void theSelectCarriesCalcitesStreamKeyword() {
    final SqlOrderBy orderBy = (SqlOrderBy) parse(
        "SELECT a FROM orders WHERE a > 1 EMIT CHANGES ORDER BY a LIMIT 10");
    final SqlSelect select = (SqlSelect) orderBy.query;

    assertThat(select.isKeywordPresent(SqlSelectKeyword.STREAM)).isTrue();
    assertThat(select.getWhere()).isNotNull();
    assertThat(orderBy.orderList).hasSize(1);
    assertThat(orderBy.fetch).hasToString("10");
    assertThat(roundTrip("SELECT a FROM orders WHERE a > 1 EMIT CHANGES ORDER BY a LIMIT 10"))
        .isEqualTo("SELECT STREAM a FROM orders WHERE a > 1 ORDER BY a LIMIT 10");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM orders ORDER BY a EMIT CHANGES",
      "SELECT * FROM orders LIMIT 1 EMIT CHANGES",
      "SELECT * FROM orders OFFSET 1 EMIT CHANGES",
      "SELECT * FROM orders EMIT CHANGES WHERE a > 1",
      "SELECT * FROM orders WHERE a > 1 EMIT CHANGES GROUP BY a",
      "SELECT a FROM orders GROUP BY a EMIT CHANGES HAVING COUNT(*) > 1",
      "SELECT * EMIT CHANGES FROM orders",
      "SELECT EMIT CHANGES * FROM orders",
      "SELECT * FROM orders EMIT CHANGES EMIT CHANGES",
      "SELECT * FROM orders EMIT CHANGES EMIT FINAL",
      "SELECT * FROM orders EMIT CHANGE",
      "SELECT * FROM orders EMIT STREAM",
      "SELECT * FROM (SELECT * FROM orders EMIT CHANGES)",
      "SELECT * FROM (SELECT * FROM orders EMIT CHANGES) AS o",
      "SELECT * FROM t WHERE a IN (SELECT a FROM orders EMIT CHANGES)",
      "SELECT (SELECT MAX(a) FROM orders EMIT CHANGES) FROM t",
      "SELECT * FROM orders EMIT CHANGES UNION SELECT * FROM returns",
      "SELECT * FROM a UNION ALL (SELECT * FROM b EMIT CHANGES)",
      "WITH w AS (SELECT * FROM orders EMIT CHANGES) SELECT * FROM w",
      "INSERT INTO big SELECT * FROM orders EMIT CHANGES",
      "INSERT INTO big (SELECT * FROM orders EMIT CHANGES)",
      "EMIT CHANGES",
      "EMIT CHANGES SELECT * FROM orders",
      "DELETE FROM orders EMIT CHANGES",
  })
  void emitIsRejectedAnywhereElse(String sql) {
    ParserAssertions.assertRejected(sql);
  }

  @Test void misplacedEmitSaysWhereItBelongs() {
    final SqlParseException e = parseError("SELECT * FROM (SELECT * FROM orders EMIT CHANGES)");

    // Calcite words it "Incorrect syntax near the keyword 'EMIT CHANGES' at line 1, column 37."
    assertThat(e.getMessage().lines().findFirst()).hasValueSatisfying(first -> assertThat(first)
        .contains("EMIT CHANGES").contains("at line 1, column 37.")
        .contains("may only end the statement's own SELECT"));
    assertThat(e.getPos().getLineNum()).isEqualTo(1);
    assertThat(e.getPos().getColumnNum()).isEqualTo(37);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM a UNION ALL SELECT * FROM b EMIT CHANGES",
      "SELECT * FROM a INTERSECT SELECT * FROM b EMIT FINAL",
      "VALUES (1), (2) EMIT CHANGES",
      "TABLE orders EMIT CHANGES",
      "WITH w AS (SELECT 1) SELECT * FROM a EXCEPT SELECT * FROM w EMIT CHANGES",
  })
  void emitOnAnythingButASelectSaysHowToStreamIt(String sql) {
    final SqlParseException e = parseError(sql);

    assertThat(e.getMessage()).containsPattern(
        "^From line 1, column \\d+ to line 1, column \\d+: EMIT (CHANGES|FINAL) applies to a "
            + "single SELECT; to stream a UNION, VALUES or TABLE, write SELECT \\* FROM "
            + "\\(\\.\\.\\.\\) EMIT (CHANGES|FINAL)");
    assertThat(sql.substring(e.getPos().getColumnNum() - 1)).startsWith("EMIT");
  }

  /** The words inside literals, comments and names are just text. */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 'EMIT CHANGES' FROM orders",
      "SELECT * FROM orders WHERE note = 'x EMIT CHANGES y'",
      "SELECT * FROM orders WHERE note LIKE '%EMIT FINAL%'",
      "SELECT * FROM orders -- EMIT CHANGES",
      "SELECT * FROM orders /* EMIT CHANGES */",
      "SELECT * FROM orders /* EMIT */ -- CHANGES",
      "SELECT \"EMIT CHANGES\" FROM orders",
      "SELECT \"emit\" \"changes\" FROM orders",
      "SELECT emit FROM orders",
      "SELECT emit, changes, final FROM orders",
      "SELECT x AS emit FROM orders",
      "SELECT x emit FROM orders",
      "SELECT emit AS changes FROM orders",
      "SELECT emit changesx FROM orders",
      "SELECT emit changes_2 FROM orders",
      "SELECT emit_changes, emitchanges FROM orders",
      "SELECT emit.changes FROM emit",
      "SELECT * FROM orders emit",
      "SELECT * FROM orders AS emit",
      "SELECT * FROM emit JOIN changes ON emit.a = changes.a",
      "SELECT * FROM orders EMIT (a, b)",
      "SELECT emit FROM orders GROUP BY emit HAVING emit > 0 ORDER BY emit",
  })
  void emitInsideTextOrNamesIsNotTheClause(String sql) {
    final SqlNode node = parse(sql);

    assertThat(StreamingQueries.isStreaming(node)).as(sql).isFalse();
    roundTrip(sql);
  }

  /** How the lexer tells the clause from the keyword at the edges of the input. */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM orders EMIT",
      "SELECT * FROM orders EMIT ",
      "SELECT * FROM orders EMIT -- to the end",
      "SELECT * FROM orders EMIT /* c */",
      "SELECT * FROM orders emit\r\n",
      "SELECT * FROM orders EMIT WHERE emit > 0",
      "SELECT * FROM orders EMIT, changes",
      "SELECT emit FROM orders WHERE emit IN (1, 2)",
      "SELECT emit(1) FROM orders",
      "SELECT emit changesé FROM orders",
      "SELECT emit changes$ FROM orders",
      "SELECT emit final_total FROM orders",
  })
  void emitWithoutChangesOrFinalIsAName(String sql) {
    assertThat(StreamingQueries.isStreaming(parse(sql))).as(sql).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM orders EMIT\r\nCHANGES",
      "SELECT * FROM orders EMIT\rCHANGES",
      "SELECT * FROM orders EMIT -- no newline before the end of a comment is\nCHANGES",
      "SELECT * FROM orders EMIT // also a comment\nCHANGES",
      "SELECT * FROM orders EMIT /*+ a hint here means nothing */ CHANGES",
      "SELECT * FROM orders EMIT/**/CHANGES",
      "SELECT * FROM orders EMIT /* * / ** */ CHANGES",
      "SELECT * FROM orders eMiT\fcHaNgEs",
  })
  void anyBlanksAndCommentsMaySeparateTheWords(String sql) {
    assertThat(StreamingQueries.emitMode(parse(sql))).as(sql).contains(EmitMode.CHANGES);
  }

  @Test void anUnterminatedCommentAfterEmitIsTheLexersError() {
    final SqlParseException e = parseError("SELECT * FROM orders EMIT /* CHANGES");

    assertThat(e.getMessage()).contains("line 1, column");
  }

  @Test void wordsAfterEmitThatOnlyStartWithChangesAreNamesAndKeepTheirPositions() {
    final SqlSelect select = (SqlSelect) parse("SELECT emit  changesx FROM orders");

    assertThat(unparse(select)).isEqualTo("SELECT \"emit\" AS changesx FROM orders");
    final SqlParseException e = parseError("SELECT emit changesx, FROM");
    assertThat(e.getPos().getColumnNum()).isEqualTo(23);
  }

  /**
   * The one price of reading EMIT CHANGES as one token: a column called emit aliased changes
   * without AS reads as the clause. AS, quotes or any other alias avoid it.
   */
  @Test void columnEmitAliasedChangesNeedsAs() {
    final SqlParseException e = parseError("SELECT emit changes FROM orders");

    assertThat(e.getMessage()).startsWith("Encountered \"emit changes").contains("at line 1, column 8.");
    assertThat(StreamingQueries.isStreaming(parse("SELECT emit AS changes FROM orders")))
        .isFalse();
  }

  @Test void emitFinalWrapsTheStreamingQuery() {
    final SqlNode node = parse("SELECT customer, COUNT(*) FROM orders "
        + "GROUP BY TUMBLE(_timestamp, INTERVAL '1' MINUTE), customer EMIT FINAL");

    assertThat(node).isInstanceOf(SqlEmitFinal.class);
    assertThat(node.getKind()).isEqualTo(SqlKind.OTHER);
    assertThat(StreamingQueries.emitMode(node)).contains(EmitMode.FINAL);
    assertThat(StreamingQueries.isEmitFinal(node)).isTrue();
    assertThat(StreamingQueries.isStreaming(node)).isTrue();
    final SqlNode query = ((SqlEmitFinal) node).getQuery();
    assertThat(query.equalsDeep(parse("SELECT STREAM customer, COUNT(*) FROM orders "
        + "GROUP BY TUMBLE(_timestamp, INTERVAL '1' MINUTE), customer"), Litmus.IGNORE)).isTrue();
    assertThat(roundTrip("SELECT customer, COUNT(*) FROM orders "
        + "GROUP BY TUMBLE(_timestamp, INTERVAL '1' MINUTE), customer EMIT FINAL"))
        .isEqualTo("SELECT STREAM customer, COUNT(*) FROM orders "
            + "GROUP BY TUMBLE(_timestamp, INTERVAL '1' MINUTE), customer EMIT FINAL");
  }

  @Test void emitFinalKeepsOrderByAndLimitAfterIt() {
    final SqlEmitFinal node = (SqlEmitFinal) parse(
        "select * from orders emit\nfinal order by amount desc limit 5 offset 1");

    assertThat(node.getQuery()).isInstanceOf(SqlOrderBy.class);
    assertThat(roundTrip("select * from orders emit\nfinal order by amount desc limit 5 offset 1"))
        .isEqualTo("SELECT STREAM * FROM orders EMIT FINAL ORDER BY amount DESC LIMIT 5 OFFSET 1");
    assertThat(roundTrip("WITH w AS (SELECT 1 AS a) SELECT * FROM w EMIT FINAL LIMIT 2"))
        .isEqualTo("WITH w AS (SELECT 1 AS a) SELECT STREAM * FROM w EMIT FINAL LIMIT 2");
    final SqlNode copy = node.clone(node.getParserPosition());
    assertThat(copy).isInstanceOf(SqlEmitFinal.class);
    assertThat(copy.equalsDeep(node, Litmus.IGNORE)).isTrue();
  }

  @Test void emitFinalAndEmitChangesAreDifferentTrees() {
    assertThat(parse("SELECT * FROM t EMIT FINAL")
        .equalsDeep(parse("SELECT * FROM t EMIT CHANGES"), Litmus.IGNORE)).isFalse();
  }

  @Test void boundedQueriesAndOtherStatementsHaveNoEmitMode() {
    for (String sql : List.of("SELECT * FROM orders", "SELECT * FROM orders ORDER BY a LIMIT 1",
        "WITH w AS (SELECT STREAM * FROM t) SELECT * FROM w", "VALUES (1)",
        "SELECT * FROM a UNION SELECT * FROM b", "INSERT INTO t SELECT STREAM * FROM u",
        "EXPLAIN PLAN FOR SELECT * FROM orders EMIT CHANGES", "DROP TOPIC orders")) {
      assertThat(StreamingQueries.emitMode(parse(sql))).as(sql).isEmpty();
    }
  }

  @Test void explainTakesAnEmitClauseToo() {
    final SqlExplain explain = (SqlExplain) parse(
        "EXPLAIN PLAN FOR SELECT * FROM orders WHERE a > 1 EMIT CHANGES LIMIT 3");

    assertThat(StreamingQueries.emitMode(explain.getExplicandum())).contains(EmitMode.CHANGES);
    assertThat(explain.getExplicandum().equalsDeep(
        parse("SELECT STREAM * FROM orders WHERE a > 1 LIMIT 3"), Litmus.IGNORE)).isTrue();
    assertThat(StreamingQueries.emitMode(((SqlExplain) parse(
        "EXPLAIN PLAN AS JSON FOR SELECT * FROM orders EMIT FINAL")).getExplicandum()))
        .contains(EmitMode.FINAL);
  }

  @Test void positionsAfterAMultiLineEmitClauseAreRight() {
    final SqlParseException e = parseError("SELECT *\n"
        + "FROM orders\n"
        + "EMIT\n"
        + "  -- from now on\n"
        + "  CHANGES\n"
        + "LIMIT ten");

    assertThat(e.getMessage()).startsWith("Encountered \"ten\" at line 6, column 7.");
    assertThat(e.getPos().getLineNum()).isEqualTo(6);
    assertThat(e.getPos().getColumnNum()).isEqualTo(7);
  }

  @Test void theClausesOwnPositionSpansItsWords() {
    final SqlParseException e = parseError("VALUES 1\nEMIT  \n  FINAL");

    assertThat(e.getPos().getLineNum()).isEqualTo(2);
    assertThat(e.getPos().getColumnNum()).isEqualTo(1);
    assertThat(e.getPos().getEndLineNum()).isEqualTo(3);
    assertThat(e.getPos().getEndColumnNum()).isEqualTo(7);
  }
}
