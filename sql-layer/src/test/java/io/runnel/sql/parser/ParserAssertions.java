package io.runnel.sql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.util.Litmus;
import org.assertj.core.api.AbstractThrowableAssert;

/** Parsing fixtures shared by the parser tests. */
final class ParserAssertions {
  private ParserAssertions() {
  }

  /** Parses one statement, failing the test (with the parser's message) if it does not parse. */
  static SqlNode parse(String sql) {
    try {
      return RunnelParser.parse(sql);
    } catch (SqlParseException e) {
      throw new AssertionError("does not parse: " + sql + "\n" + e.getMessage(), e);
    }
  }

  /** {@link RunnelParser#unparse} on one line, for readable expectations. */
  static String unparse(SqlNode node) {
    return RunnelParser.unparse(node).replaceAll("\\s*\\n\\s*", " ");
  }

  /**
   * Parses {@code sql}, unparses it, parses that again and checks that the two trees are equal
   * and that unparsing is stable; returns the unparsed text (on one line).
   */
  static String roundTrip(String sql) {
    final SqlNode first = parse(sql);
    final String text = RunnelParser.unparse(first);
    final SqlNode second = parse(text);
    assertThat(second.equalsDeep(first, Litmus.IGNORE))
        .as("tree of %s%nequals tree of its unparse%n%s", sql, text)
        .isTrue();
    assertThat(RunnelParser.unparse(second)).as("unparse is stable").isEqualTo(text);
    return text.replaceAll("\\s*\\n\\s*", " ");
  }

  /** Asserts that {@code sql} is rejected by the parser; chain on the exception. */
  static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String sql) {
    return assertThatThrownBy(() -> RunnelParser.parse(sql)).as(sql)
        .isInstanceOf(SqlParseException.class);
  }

  /** The error of a statement that must not parse. */
  static SqlParseException parseError(String sql) {
    try {
      final SqlNode node = RunnelParser.parse(sql);
      throw new AssertionError("parsed, but should not have: " + sql + "\n" + unparse(node));
    } catch (SqlParseException e) {
      return e;
    }
  }
}
