package io.runnel.sql.parser;

import static io.runnel.sql.parser.ParserAssertions.parseError;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLSyntaxErrorException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.junit.jupiter.api.Test;

/** Syntax errors say where they are, in the message and as data for SQLSTATE 42601. */
class SyntaxErrorTest {
  @Test void errorOnTheFirstLine() {
    final SqlParseException e = parseError("SELECT * FORM orders");

    assertThat(e.getMessage()).startsWith("Encountered \"orders\" at line 1, column 15.");
    assertThat(e.getPos()).isEqualTo(new SqlParserPos(1, 15, 1, 20));
  }

  @Test void errorOnALaterLine() {
    final SqlParseException e = parseError("CREATE TOPIC orders (\n"
        + "  id BIGINT NOT NULL,\n"
        + "  amount DECIMAL(12,2)\n"
        + "  customer VARCHAR(64)\n"
        + ")");

    assertThat(e.getMessage()).startsWith("Encountered \"customer\" at line 4, column 3.");
    assertThat(e.getPos().getLineNum()).isEqualTo(4);
    assertThat(e.getPos().getColumnNum()).isEqualTo(3);
  }

  @Test void reservedWordInTheWrongPlace() {
    final SqlParseException e = parseError("SELECT * FROM orders WHERE");

    // JavaCC puts the end of input on the last character.
    assertThat(e.getMessage()).startsWith("Encountered \"<EOF>\" at line 1, column 26.");
    assertThat(e.getPos().getColumnNum()).isEqualTo(26);
  }

  @Test void lexicalError() {
    final SqlParseException e = parseError("SELECT 'unterminated FROM orders");

    assertThat(e.getMessage()).contains("line 1, column");
    assertThat(SqlSyntaxError.of(e).hasPosition()).isTrue();
  }

  @Test void identifierTooLong() {
    final String name = "t".repeat(RunnelParser.IDENTIFIER_MAX_LENGTH + 1);
    final SqlParseException e = parseError("DROP TOPIC " + name);

    assertThat(e.getMessage()).startsWith("From line 1, column 12 to line 1, column 261: Length of identifier");
    ParserAssertions.parse("DROP TOPIC " + "t".repeat(RunnelParser.IDENTIFIER_MAX_LENGTH));
  }

  @Test void syntaxErrorCarriesSqlStateAndPosition() {
    final SqlParseException e = parseError("SELECT *\nFROM orders\nWHERE amount >");
    final SqlSyntaxError error = SqlSyntaxError.of(e);

    assertThat(error.line()).isEqualTo(3);
    assertThat(error.column()).isEqualTo(14);
    assertThat(error.hasPosition()).isTrue();
    assertThat(error.message()).isEqualTo(e.getMessage());

    final SQLSyntaxErrorException sqlException = error.toSqlException(e);
    assertThat(sqlException.getSQLState()).isEqualTo("42601").isEqualTo(SqlSyntaxError.SQLSTATE);
    assertThat(sqlException.getMessage()).contains("line 3, column 14");
    assertThat(sqlException.getCause()).isSameAs(e);
  }

  @Test void errorsOfTheGrammarItselfNameTheirPositionToo() {
    final SqlSyntaxError error = SqlSyntaxError.of(
        parseError("CREATE TOPIC t (a INT,\n    a BIGINT)"));

    assertThat(error.message()).isEqualTo("At line 2, column 5: Duplicate column 'a' in topic 't'");
    assertThat(error.line()).isEqualTo(2);
    assertThat(error.column()).isEqualTo(5);
  }

  @Test void emptyStatement() {
    for (String sql : new String[] {"", " ", "-- nothing\n"}) {
      final SqlParseException e = parseError(sql);
      assertThat(e.getMessage()).as(sql)
          .isEqualTo("At line 1, column 1: Empty statement: there is no SQL to run");
    }
  }

  @Test void oneStatementMayEndInASemicolonButNotBeFollowedByAnother() throws Exception {
    assertThat(RunnelParser.parse("SHOW TOPICS;")).isNotNull();
    assertThat(RunnelParser.parse("SELECT 1 ; -- done\n")).isNotNull();

    final SqlParseException e = parseError("SELECT 1;\n  SELECT 2; SELECT 3");
    assertThat(e.getMessage()).isEqualTo("From line 2, column 3 to line 2, column 10: "
        + "Expected one statement, found 3; run them one at a time");
  }
}
