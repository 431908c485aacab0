package io.runnel.sql.parser;

import java.sql.SQLSyntaxErrorException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * What a client needs to hear about a statement that did not parse: the message, SQLSTATE 42601
 * and where in the statement (1-based line and column, 0 when unknown).
 *
 * @param message   the parser's message; for {@link RunnelParser} it names the position
 * @param line      line of the first offending character, from 1
 * @param column    column of the first offending character, from 1
 * @param endLine   line of the last offending character
 * @param endColumn column of the last offending character
 */
public record SqlSyntaxError(String message, int line, int column, int endLine, int endColumn) {
  /** SQLSTATE of every parse error: syntax error or access rule violation. */
  public static final String SQLSTATE = "42601";

  /** Extracts message and position from a parser exception. */
  public static SqlSyntaxError of(SqlParseException e) {
    final SqlParserPos pos = e.getPos();
    final String message = String.valueOf(e.getMessage());
    if (pos == null) {
      return new SqlSyntaxError(message, 0, 0, 0, 0);
    }
    return new SqlSyntaxError(message, pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(),
        pos.getEndColumnNum());
  }

  /** Whether the parser knew where the error is. */
  public boolean hasPosition() {
    return line > 0;
  }

  /** The error as JDBC reports it: a {@link SQLSyntaxErrorException} with SQLSTATE 42601. */
  public SQLSyntaxErrorException toSqlException(Throwable cause) {
    return new SQLSyntaxErrorException(message, SQLSTATE, cause);
  }
}
