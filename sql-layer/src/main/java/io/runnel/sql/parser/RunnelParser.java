package io.runnel.sql.parser;

import io.runnel.sql.parser.impl.RunnelSqlParserImpl;
import java.io.Reader;
import java.util.List;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.server.DdlExecutor;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserImplFactory;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Parses Runnel SQL: Calcite's grammar plus topic DDL, consumer-group and query administration,
 * and the {@code EMIT} clause (see {@code docs/sql-reference.md}).
 *
 * <p>Lexical rules ({@link #CONFIG}): identifiers are quoted with double quotes; unquoted and
 * quoted identifiers both keep the case they are written in ({@link Casing#UNCHANGED}); names are
 * matched case-insensitively, which is the validator's part (its catalog reader must be created
 * with {@code caseSensitive = false}, as {@link SqlParser.Config#caseSensitive()} here says).
 * Thus {@code SELECT Amount FROM Orders} finds column {@code amount} of topic {@code orders},
 * and {@code CREATE TOPIC Orders} creates a topic that lists as {@code Orders}.
 *
 * <p>Every {@link SqlParseException} thrown here has a message that ends with, or contains, the
 * line and column where the statement went wrong; {@link SqlSyntaxError#of} extracts them for a
 * client (SQLSTATE 42601).
 *
 * <p>Thread-safe: each call creates its own parser.
 */
public final class RunnelParser {
  /**
   * Topic names are Kafka topic names, which may be 249 characters long; the same limit applies
   * to every identifier.
   */
  public static final int IDENTIFIER_MAX_LENGTH = 249;

  /** The parser configuration of every Runnel statement, for Calcite's planner and JDBC too. */
  public static final SqlParser.Config CONFIG = SqlParser.config()
      .withParserFactory(RunnelSqlParserImpl.FACTORY)
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.UNCHANGED)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(false)
      .withIdentifierMaxLength(IDENTIFIER_MAX_LENGTH)
      .withConformance(RunnelConformance.INSTANCE);

  private RunnelParser() {
  }

  /**
   * Parses exactly one statement (a trailing semicolon is not allowed; use
   * {@link #parseStatements} for scripts).
   *
   * @throws SqlParseException if {@code sql} is not one well-formed statement
   */
  public static SqlNode parse(String sql) throws SqlParseException {
    try {
      return SqlParser.create(sql, CONFIG).parseStmt();
    } catch (SqlParseException e) {
      throw withPosition(e);
    }
  }

  /**
   * Parses statements separated by semicolons (the last one may have one too); an empty or
   * comment-only script gives an empty list.
   *
   * @throws SqlParseException at the first statement that is not well-formed
   */
  public static List<SqlNode> parseStatements(String sql) throws SqlParseException {
    final SqlNodeList statements;
    try {
      statements = SqlParser.create(sql, CONFIG).parseStmtList();
    } catch (SqlParseException e) {
      throw withPosition(e);
    }
    return List.copyOf(statements.getList());
  }

  /**
   * Writes {@code node} as Runnel SQL that {@link #parse} reads back to an equal tree.
   * {@code EMIT CHANGES} comes back as Calcite's equivalent {@code SELECT STREAM}.
   */
  public static String unparse(SqlNode node) {
    return node.toSqlString(c -> c.withDialect(RunnelSqlDialect.DEFAULT)
            .withQuoteAllIdentifiers(false)
            .withAlwaysUseParentheses(false)
            .withSelectListItemsOnSeparateLines(false)
            .withUpdateSetListNewline(false)
            .withIndentation(0))
        .getSql();
  }

  /**
   * A parser factory for Calcite's JDBC layer that also hands Runnel's DDL (the
   * {@link org.apache.calcite.sql.SqlKind#OTHER_DDL} nodes) to {@code ddlExecutor}.
   */
  public static SqlParserImplFactory parserFactory(DdlExecutor ddlExecutor) {
    return new SqlParserImplFactory() {
      @Override public SqlAbstractParserImpl getParser(Reader reader) {
        return RunnelSqlParserImpl.FACTORY.getParser(reader);
      }

      @Override public DdlExecutor getDdlExecutor() {
        return ddlExecutor;
      }
    };
  }

  /**
   * Makes sure the message says where: JavaCC's syntax errors do ("... at line 1, column 8"),
   * the errors the grammar raises for well-formed but meaningless statements (a duplicate column,
   * EMIT on a UNION) carry the position only as data, so it is prefixed the way Calcite's
   * validator does ("From line 1, column 8 to line 1, column 9: ...").
   */
  static SqlParseException withPosition(SqlParseException e) {
    final SqlParserPos pos = e.getPos();
    final String message = String.valueOf(e.getMessage());
    if (pos == null || pos.getLineNum() <= 0 || message.contains("line " + pos.getLineNum())) {
      return e;
    }
    final String where = pos.getLineNum() == pos.getEndLineNum()
            && pos.getColumnNum() == pos.getEndColumnNum()
        ? String.format("At line %d, column %d", pos.getLineNum(), pos.getColumnNum())
        : String.format("From line %d, column %d to line %d, column %d", pos.getLineNum(),
            pos.getColumnNum(), pos.getEndLineNum(), pos.getEndColumnNum());
    return new SqlParseException(where + ": " + message, pos, e.getExpectedTokenSequences(),
        e.getTokenImages(), e.getCause());
  }
}
