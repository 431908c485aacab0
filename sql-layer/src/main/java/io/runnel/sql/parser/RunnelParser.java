package io.runnel.sql.parser;

import io.runnel.sql.parser.impl.ParseException;
import io.runnel.sql.parser.impl.RunnelSqlParserImpl;
import io.runnel.sql.parser.impl.RunnelSqlParserImplConstants;
import io.runnel.sql.parser.impl.Token;
import java.io.Reader;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
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
import org.apache.calcite.sql.validate.SqlConformanceEnum;

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

  /** The text of an EMIT_CHANGES or EMIT_FINAL token. */
  private static final Pattern EMIT_CLAUSE =
      Pattern.compile("(?is)EMIT\\b.*\\b(CHANGES|FINAL)");

  /**
   * The SQL dialect rules: Calcite's {@link SqlConformanceEnum#LENIENT}, the one built-in
   * conformance that accepts both {@code !=} and {@code OFFSET m LIMIT n} (besides
   * {@code LIMIT n OFFSET m}); it also accepts what people used to other databases type:
   * {@code GROUP BY} an alias or ordinal, a {@code HAVING} alias, {@code LIMIT m, n},
   * {@code MINUS}, plural time units. It is an enum constant on purpose: Calcite's JDBC layer and
   * its {@code Frameworks} planner carry the conformance as a connection property, which must
   * name a {@link SqlConformanceEnum} (a custom {@code SqlConformance} class fails there with
   * "Property ... not valid for enum"). The validator must use the same value.
   */
  public static final SqlConformanceEnum CONFORMANCE = SqlConformanceEnum.LENIENT;

  /** The parser configuration of every Runnel statement, for Calcite's planner and JDBC too. */
  public static final SqlParser.Config CONFIG = SqlParser.config()
      .withParserFactory(RunnelSqlParserImpl.FACTORY)
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.UNCHANGED)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(false)
      .withIdentifierMaxLength(IDENTIFIER_MAX_LENGTH)
      .withConformance(CONFORMANCE);

  private RunnelParser() {
  }

  /**
   * Parses exactly one statement, which may end in a semicolon (as JDBC tools often send it).
   *
   * @throws SqlParseException if {@code sql} is not one well-formed statement: a syntax error,
   *     no statement at all, or more than one
   */
  public static SqlNode parse(String sql) throws SqlParseException {
    final List<SqlNode> statements = parseStatements(sql);
    if (statements.size() == 1) {
      return statements.get(0);
    }
    if (statements.isEmpty()) {
      throw error(new SqlParserPos(1, 1), RunnelParserResource.RESOURCE.emptyStatement()
          .ex().getMessage());
    }
    throw error(statements.get(1).getParserPosition(), RunnelParserResource.RESOURCE
        .oneStatementExpected(statements.size()).ex().getMessage());
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
      statements = SqlParser.create(nonEmpty(sql), CONFIG).parseStmtList();
    } catch (SqlParseException e) {
      throw withPosition(e, sql);
    }
    return List.copyOf(statements.getList());
  }

  private static SqlParseException error(SqlParserPos pos, String message) {
    return withPosition(new SqlParseException(message, pos, null, null, null), "");
  }

  /**
   * The generated parser sizes its input buffer to the statement, and a buffer of size 0 fails
   * with an ArrayIndexOutOfBoundsException instead of a syntax error (so does Calcite's own
   * parser); a single blank reads as the same empty statement.
   */
  private static String nonEmpty(String sql) {
    return sql.isEmpty() ? " " : sql;
  }

  /**
   * Writes {@code node} as Runnel SQL that {@link #parse} reads back to an equal tree. Every
   * name goes through {@link RunnelSqlDialect}, which quotes it only if it must.
   * {@code EMIT CHANGES} comes back as Calcite's equivalent {@code SELECT STREAM}.
   */
  public static String unparse(SqlNode node) {
    return node.toSqlString(c -> c.withDialect(RunnelSqlDialect.DEFAULT)
            .withQuoteAllIdentifiers(true)
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
   * validator does ("From line 1, column 8 to line 1, column 9: ..."). A misplaced EMIT clause
   * also gets a sentence on where it belongs.
   */
  static SqlParseException withPosition(SqlParseException e, String sql) {
    final SqlParserPos pos = e.getPos();
    String message = String.valueOf(e.getMessage());
    if (isMisplacedEmit(e, sql)) {
      final int endOfFirstLine = message.indexOf('\n');
      final String hint = " EMIT CHANGES and EMIT FINAL may only end the statement's own SELECT"
          + " (after FROM, WHERE, GROUP BY, HAVING; before ORDER BY and LIMIT),"
          + " not a sub-query or a branch of a UNION.";
      message = endOfFirstLine < 0
          ? message + hint
          : message.substring(0, endOfFirstLine) + hint + message.substring(endOfFirstLine);
    }
    if (pos != null && pos.getLineNum() > 0 && !message.contains("line " + pos.getLineNum())) {
      final String where = pos.getLineNum() == pos.getEndLineNum()
              && pos.getColumnNum() == pos.getEndColumnNum()
          ? String.format(Locale.ROOT, "At line %d, column %d", pos.getLineNum(),
              pos.getColumnNum())
          : String.format(Locale.ROOT, "From line %d, column %d to line %d, column %d",
              pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(), pos.getEndColumnNum());
      message = where + ": " + message;
    }
    if (message.equals(e.getMessage())) {
      return e;
    }
    return new SqlParseException(message, pos, e.getExpectedTokenSequences(),
        e.getTokenImages(), e.getCause());
  }

  /**
   * Whether the parser stopped at an EMIT clause, i.e. found one where none may be. (Calcite
   * rewrites the message of an error at a keyword and drops the token, so this reads the
   * statement at the error's position.)
   */
  private static boolean isMisplacedEmit(SqlParseException e, String sql) {
    if (!(e.getCause() instanceof ParseException)) {
      return false;
    }
    final Token current = ((ParseException) e.getCause()).currentToken;
    if (current != null && current.next != null) {
      return current.next.kind == RunnelSqlParserImplConstants.EMIT_CHANGES
          || current.next.kind == RunnelSqlParserImplConstants.EMIT_FINAL;
    }
    final SqlParserPos pos = e.getPos();
    return pos != null && EMIT_CLAUSE.matcher(textAt(sql, pos)).matches();
  }

  /** The text from {@code pos} to its end, counting lines and columns as JavaCC does. */
  private static String textAt(String sql, SqlParserPos pos) {
    final int start = offsetOf(sql, pos.getLineNum(), pos.getColumnNum());
    final int end = offsetOf(sql, pos.getEndLineNum(), pos.getEndColumnNum());
    return start < 0 || end < start ? "" : sql.substring(start, Math.min(end + 1, sql.length()));
  }

  /** The index of the character at 1-based {@code line} and {@code column}, or -1. */
  private static int offsetOf(String sql, int line, int column) {
    int currentLine = 1;
    int i = 0;
    while (currentLine < line && i < sql.length()) {
      final char c = sql.charAt(i++);
      if (c == '\n' || (c == '\r' && (i == sql.length() || sql.charAt(i) != '\n'))) {
        currentLine++;
      }
    }
    final int offset = i + column - 1;
    return currentLine == line && column > 0 && offset < sql.length() ? offset : -1;
  }
}
