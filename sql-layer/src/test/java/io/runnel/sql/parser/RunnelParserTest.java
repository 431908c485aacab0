package io.runnel.sql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.sql.parser.ddl.SqlDropTopic;
import io.runnel.sql.parser.impl.RunnelSqlParserImpl;
import java.io.StringReader;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.server.DdlExecutor;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserImplFactory;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.junit.jupiter.api.Test;

/** The facade's configuration and its hook for Calcite's JDBC layer. */
class RunnelParserTest {
  @Test void configurationIsTheLexicalContract() {
    final SqlParser.Config config = RunnelParser.CONFIG;

    assertThat(config.parserFactory()).isSameAs(RunnelSqlParserImpl.FACTORY);
    assertThat(config.quoting()).isEqualTo(Quoting.DOUBLE_QUOTE);
    assertThat(config.unquotedCasing()).isEqualTo(Casing.UNCHANGED);
    assertThat(config.quotedCasing()).isEqualTo(Casing.UNCHANGED);
    assertThat(config.caseSensitive()).isFalse();
    assertThat(config.conformance()).isEqualTo(SqlConformanceEnum.LENIENT);
    assertThat(config.identifierMaxLength()).isEqualTo(249);
  }

  @Test void calcitesOwnEntryPointsWorkWithTheConfig() throws Exception {
    final SqlNode node = SqlParser.create("drop topic Orders", RunnelParser.CONFIG).parseStmt();

    assertThat(node).isInstanceOf(SqlDropTopic.class);
    assertThat(((SqlDropTopic) node).getName().getSimple()).isEqualTo("Orders");
  }

  @Test void parserFactoryHandsDdlToTheGivenExecutor() throws Exception {
    final DdlExecutor executor = (context, node) -> { };
    final SqlParserImplFactory factory = RunnelParser.parserFactory(executor);

    assertThat(factory.getDdlExecutor()).isSameAs(executor);
    final SqlNode node = SqlParser.create("DROP TOPIC t", RunnelParser.CONFIG
        .withParserFactory(factory)).parseStmt();
    assertThat(node).isInstanceOf(SqlDropTopic.class);
    assertThat(factory.getParser(new StringReader("SELECT 1"))).isInstanceOf(RunnelSqlParserImpl.class);
  }
}
