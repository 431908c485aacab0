package io.runnel.sql.parser;

import static io.runnel.sql.parser.ParserAssertions.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.junit.jupiter.api.Test;

/** The dialect {@link RunnelParser#unparse} writes: quotes only where the parser needs them. */
class RunnelSqlDialectTest {
  private static String name(String name) {
    return RunnelParser.unparse(new SqlIdentifier(name, SqlParserPos.ZERO));
  }

  @Test void plainNamesStayUnquotedInAnyCase() {
    assertThat(name("orders")).isEqualTo("orders");
    assertThat(name("Orders")).isEqualTo("Orders");
    assertThat(name("_offset")).isEqualTo("_offset");
    assertThat(name("topic")).isEqualTo("topic");
    assertThat(name("changes")).isEqualTo("changes");
  }

  @Test void reservedWordsOddCharactersAndEmitAreQuoted() {
    assertThat(name("select")).isEqualTo("\"select\"");
    assertThat(name("Group")).isEqualTo("\"Group\"");
    assertThat(name("order lines")).isEqualTo("\"order lines\"");
    assertThat(name("billing-v2")).isEqualTo("\"billing-v2\"");
    assertThat(name("2fa")).isEqualTo("\"2fa\"");
    assertThat(name("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(name("emit")).isEqualTo("\"emit\"");
  }

  @Test void groupWindowsAreWrittenAsTheyAreRead() {
    final String sql = "SELECT COUNT(*) FROM orders GROUP BY TUMBLE(_timestamp, INTERVAL '1' MINUTE), "
        + "HOP(_timestamp, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE), "
        + "SESSION(_timestamp, INTERVAL '10' SECOND)";

    assertThat(roundTrip(sql)).isEqualTo(sql);
    final SqlSelect reparsed = (SqlSelect) ParserAssertions.parse(roundTrip(sql));
    assertThat(((SqlCall) reparsed.getGroup().get(0)).getOperator())
        .isSameAs(SqlStdOperatorTable.TUMBLE_OLD);
    assertThat(((SqlCall) reparsed.getGroup().get(2)).getOperator())
        .isSameAs(SqlStdOperatorTable.SESSION_OLD);
  }

  @Test void describeOfATableCalledEmitReadsBack() {
    assertThat(roundTrip("DESCRIBE \"emit\" changes")).isEqualTo("DESCRIBE TABLE \"emit\" changes");
  }
}
