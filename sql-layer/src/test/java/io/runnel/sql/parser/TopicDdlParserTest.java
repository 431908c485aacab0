package io.runnel.sql.parser;

import static io.runnel.sql.parser.ParserAssertions.assertRejected;
import static io.runnel.sql.parser.ParserAssertions.parse;
import static io.runnel.sql.parser.ParserAssertions.parseError;
import static io.runnel.sql.parser.ParserAssertions.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.runnel.sql.parser.ddl.SqlAlterTopicAddColumn;
import io.runnel.sql.parser.ddl.SqlAlterTopicSetOptions;
import io.runnel.sql.parser.ddl.SqlCreateTopic;
import io.runnel.sql.parser.ddl.SqlDropTopic;
import io.runnel.sql.parser.ddl.SqlTopicColumn;
import io.runnel.sql.parser.ddl.SqlTopicOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.util.Litmus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CREATE TOPIC, ALTER TOPIC and DROP TOPIC: grammar, nodes, unparse, and static checks. */
class TopicDdlParserTest {
  /** The statement of DESIGN.md §3, verbatim. */
  private static final String DESIGN_CREATE = "CREATE TOPIC IF NOT EXISTS orders (\n"
      + "  id BIGINT NOT NULL, customer VARCHAR(64), product VARCHAR(64),\n"
      + "  amount DECIMAL(12,2), qty INTEGER, placed_at TIMESTAMP(3)\n"
      + ") PARTITION BY (customer)\n"
      + "  WITH (partitions = 6, replication_factor = 3, retention = '7 days',\n"
      + "        retention_bytes = '10GB', compression = 'zstd', min_insync_replicas = 2)";

  @Test void designCreateTopicParsesIntoItsParts() {
    final SqlCreateTopic create = (SqlCreateTopic) parse(DESIGN_CREATE);

    assertThat(create.getKind()).isEqualTo(SqlKind.OTHER_DDL);
    assertThat(create.isIfNotExists()).isTrue();
    assertThat(create.getName().getSimple()).isEqualTo("orders");
    assertThat(create.getColumns()).extracting(SqlTopicColumn::getSimpleName)
        .containsExactly("id", "customer", "product", "amount", "qty", "placed_at");
    assertThat(create.getColumns()).extracting(SqlTopicColumn::isNullable)
        .containsExactly(false, true, true, true, true, true);
    assertThat(create.getColumns().get(3).getType().getTypeName().getSimple())
        .isEqualTo("DECIMAL");
    assertThat(create.getPartitionKey()).extracting(SqlIdentifier::getSimple)
        .containsExactly("customer");
    assertThat(create.getOptions().keySet()).containsExactly("partitions", "replication_factor",
        "retention", "retention_bytes", "compression", "min_insync_replicas");
    assertThat(create.getOptions().get("partitions").getValueAsString()).isEqualTo("6");
    assertThat(create.getOptions().get("retention").getValueAsString()).isEqualTo("7 days");
    assertThat(create.getOptions().get("retention_bytes").getValueAsString()).isEqualTo("10GB");
  }

  @Test void designCreateTopicRoundTrips() {
    assertThat(roundTrip(DESIGN_CREATE)).isEqualTo("CREATE TOPIC IF NOT EXISTS orders ("
        + "id BIGINT NOT NULL, customer VARCHAR(64), product VARCHAR(64), amount DECIMAL(12, 2), "
        + "qty INTEGER, placed_at TIMESTAMP(3)) PARTITION BY (customer) "
        + "WITH (partitions = 6, replication_factor = 3, retention = '7 days', "
        + "retention_bytes = '10GB', compression = 'zstd', min_insync_replicas = 2)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "BOOLEAN                                 | BOOLEAN",
      "TINYINT                                 | TINYINT",
      "SMALLINT                                | SMALLINT",
      "INTEGER                                 | INTEGER",
      "INT                                     | INTEGER",
      "BIGINT                                  | BIGINT",
      "REAL                                    | REAL",
      "DOUBLE                                  | DOUBLE",
      "DOUBLE PRECISION                        | DOUBLE",
      "FLOAT                                   | FLOAT",
      "DECIMAL(12,2)                           | DECIMAL(12, 2)",
      "DECIMAL(10)                             | DECIMAL(10)",
      "DECIMAL                                 | DECIMAL",
      "VARCHAR(64)                             | VARCHAR(64)",
      "VARBINARY(16)                           | VARBINARY(16)",
      "DATE                                    | DATE",
      "TIME                                    | TIME",
      "TIMESTAMP                               | TIMESTAMP",
      "TIMESTAMP(3)                            | TIMESTAMP(3)",
      "TIMESTAMP WITH LOCAL TIME ZONE          | TIMESTAMP WITH LOCAL TIME ZONE",
      "timestamp(6) with local time zone       | TIMESTAMP(6) WITH LOCAL TIME ZONE",
  })
  void everyColumnTypeRoundTrips(String type, String unparsed) {
    for (String nullability : List.of("", " NULL", " NOT NULL")) {
      final String expected = nullability.equals(" NOT NULL") ? " NOT NULL" : "";
      assertThat(roundTrip("CREATE TOPIC t (c " + type + nullability + ")"))
          .isEqualTo("CREATE TOPIC t (c " + unparsed + expected + ")");
    }
  }

  @Test void explicitNullAndNothingAreTheSameColumn() {
    final SqlNode explicit = parse("CREATE TOPIC t (c INT NULL)");
    final SqlNode implicit = parse("CREATE TOPIC t (c INT)");
    final SqlNode notNull = parse("CREATE TOPIC t (c INT NOT NULL)");

    assertThat(explicit.equalsDeep(implicit, Litmus.IGNORE)).isTrue();
    assertThat(notNull.equalsDeep(implicit, Litmus.IGNORE)).isFalse();
  }

  @Test void namesKeepTheirCaseAndQuotesOnlyWhereNeeded() {
    final SqlCreateTopic create = (SqlCreateTopic) parse(
        "create topic Orders (Id bigint not null, \"select\" int, \"Order Lines\" varchar(8), "
            + "\"plain\" int, topic int, emit int, changes int) partition by Id");

    assertThat(create.getName().getSimple()).isEqualTo("Orders");
    assertThat(create.getColumns()).extracting(SqlTopicColumn::getSimpleName)
        .containsExactly("Id", "select", "Order Lines", "plain", "topic", "emit", "changes");
    assertThat(roundTrip("create topic Orders (Id bigint not null, \"select\" int, "
        + "\"Order Lines\" varchar(8), \"plain\" int, topic int, emit int, changes int) "
        + "partition by Id"))
        .isEqualTo("CREATE TOPIC Orders (Id BIGINT NOT NULL, \"select\" INTEGER, "
            + "\"Order Lines\" VARCHAR(8), plain INTEGER, topic INTEGER, \"emit\" INTEGER, "
            + "changes INTEGER) PARTITION BY (Id)");
  }

  @Test void partitionByTakesSeveralColumnsOrOneWithoutParentheses() {
    final SqlCreateTopic several = (SqlCreateTopic) parse(
        "CREATE TOPIC t (a INT, b VARCHAR(3), c DATE) PARTITION BY (c, a)");
    assertThat(several.getPartitionKey()).extracting(SqlIdentifier::getSimple)
        .containsExactly("c", "a");
    assertThat(roundTrip("CREATE TOPIC t (a INT, b VARCHAR(3), c DATE) PARTITION BY (c, a)"))
        .isEqualTo("CREATE TOPIC t (a INTEGER, b VARCHAR(3), c DATE) PARTITION BY (c, a)");
    assertThat(roundTrip("CREATE TOPIC t (a INT) PARTITION BY a"))
        .isEqualTo("CREATE TOPIC t (a INTEGER) PARTITION BY (a)");
    // Names in PARTITION BY match columns case-insensitively, like every name.
    assertThat(((SqlCreateTopic) parse("CREATE TOPIC t (Customer INT) PARTITION BY (CUSTOMER)"))
        .getPartitionKey()).hasSize(1);
  }

  @Test void optionValuesAreStringsSignedNumbersOrBooleans() {
    final SqlCreateTopic create = (SqlCreateTopic) parse("CREATE TOPIC t (a INT) WITH ("
        + "Partitions = 3, retention_ms = -1, ratio = 1.5, big = 1e3, plus = +7, "
        + "unclean_leader_election = TRUE, compacted = false, note = 'it''s', \"Quoted\" = 'q')");

    assertThat(create.getOptions().keySet()).containsExactly("partitions", "retention_ms",
        "ratio", "big", "plus", "unclean_leader_election", "compacted", "note", "quoted");
    assertThat(create.getOptions().values()).extracting(SqlTopicOption::getValueAsString)
        .containsExactly("3", "-1", "1.5", "1E3", "7", "true", "false", "it's", "q");
    assertThat(roundTrip("CREATE TOPIC t (a INT) WITH (Partitions = 3, retention_ms = -1, "
        + "ratio = 1.5, unclean_leader_election = TRUE, note = 'it''s')"))
        .isEqualTo("CREATE TOPIC t (a INTEGER) WITH (Partitions = 3, retention_ms = -1, "
            + "ratio = 1.5, unclean_leader_election = TRUE, note = 'it''s')");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE TOPIC t (a INT) WITH (retention = INTERVAL '7' DAY)",
      "CREATE TOPIC t (a INT) WITH (retention = DATE '2020-01-01')",
      "CREATE TOPIC t (a INT) WITH (partitions = x)",
      "CREATE TOPIC t (a INT) WITH (partitions = 1 + 1)",
      "CREATE TOPIC t (a INT) WITH (partitions)",
      "CREATE TOPIC t (a INT) WITH ()",
      "CREATE TOPIC t (a INT) WITH (a.b = 1)",
  })
  void optionValuesMustBeLiteralsAndKeysIdentifiers(String sql) {
    assertRejected(sql);
  }

  @Test void ifNotExistsIsOptionalAndIfCanNameATopic() {
    assertThat(((SqlCreateTopic) parse("CREATE TOPIC t (a INT)")).isIfNotExists()).isFalse();
    final SqlCreateTopic named = (SqlCreateTopic) parse("CREATE TOPIC if (a INT)");
    assertThat(named.getName().getSimple()).isEqualTo("if");
    assertThat(named.isIfNotExists()).isFalse();
    assertThat(roundTrip("CREATE TOPIC IF NOT EXISTS if (a INT)"))
        .isEqualTo("CREATE TOPIC IF NOT EXISTS if (a INTEGER)");
  }

  static Stream<Arguments> meaninglessDefinitions() {
    return Stream.of(
        arguments("CREATE TOPIC t (a INT, b INT, A VARCHAR(3))",
            "Duplicate column 'A' in topic 't'", 1, 31),
        arguments("CREATE TOPIC t (\"x y\" INT,\n  \"X Y\" INT)",
            "Duplicate column 'X Y' in topic 't'", 2, 3),
        arguments("CREATE TOPIC t (a INT) WITH (p = 1, q = 2, P = 3)",
            "Option 'p' is given more than once", 1, 44),
        arguments("CREATE TOPIC t (a INT) PARTITION BY (b)",
            "PARTITION BY column 'b' is not a column of topic 't'", 1, 38),
        arguments("CREATE TOPIC t (a INT, b INT) PARTITION BY (a, b, A)",
            "PARTITION BY lists column 'A' more than once", 1, 51),
        arguments("CREATE TOPIC t (a INT, _offset BIGINT)",
            "Column name '_offset' is reserved for the system column of the same name", 1, 24),
        arguments("CREATE TOPIC t (_Timestamp TIMESTAMP(3))",
            "Column name '_Timestamp' is reserved", 1, 17),
        arguments("CREATE TOPIC sys.x (a INT)",
            "Topic name 'sys.x' is qualified", 1, 14),
        arguments("CREATE OR REPLACE TOPIC t (a INT)",
            "CREATE OR REPLACE TOPIC is not supported", 1, 1));
  }

  @ParameterizedTest
  @MethodSource("meaninglessDefinitions")
  void meaninglessDefinitionsAreRejectedWithPosition(String sql, String message, int line,
      int column) {
    final SqlParseException e = parseError(sql);

    assertThat(e.getMessage()).contains(message)
        .containsPattern("^(At|From) line " + line + ", column " + column + "\\b");
    assertThat(e.getPos().getLineNum()).isEqualTo(line);
    assertThat(e.getPos().getColumnNum()).isEqualTo(column);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE TOPIC t ()",
      "CREATE TOPIC t",
      "CREATE TOPIC t (a)",
      "CREATE TOPIC t (a INT,)",
      "CREATE TOPIC t (a INT PRIMARY KEY)",
      "CREATE TOPIC t (a INT) PARTITION BY ()",
      "CREATE TOPIC t (a INT) WITH (p = 1) PARTITION BY (a)",
      "CREATE TOPIC (a INT)",
      "CREATE TOPICS t (a INT)",
  })
  void malformedCreateTopicIsASyntaxError(String sql) {
    assertRejected(sql);
  }

  @Test void alterTopicSetOptions() {
    final SqlAlterTopicSetOptions set = (SqlAlterTopicSetOptions) parse(
        "ALTER TOPIC orders SET (retention = '30 days', partitions = 12)");

    assertThat(set.getKind()).isEqualTo(SqlKind.OTHER_DDL);
    assertThat(set.getName().getSimple()).isEqualTo("orders");
    assertThat(set.getOptions()).containsOnlyKeys("retention", "partitions");
    assertThat(roundTrip("alter topic orders set (retention = '30 days', partitions = 12)"))
        .isEqualTo("ALTER TOPIC orders SET (retention = '30 days', partitions = 12)");
    assertThat(parseError("ALTER TOPIC orders SET (retention = '1 day', RETENTION = '2 days')")
        .getMessage()).startsWith("From line 1, column 46 to line 1, column 54: Option 'retention'");
    assertRejected("ALTER TOPIC orders SET ()");
    assertRejected("ALTER TOPIC sys.topics SET (partitions = 2)");
  }

  @Test void alterTopicAddColumn() {
    final SqlAlterTopicAddColumn add = (SqlAlterTopicAddColumn) parse(
        "ALTER TOPIC orders ADD COLUMN channel VARCHAR(16)");

    assertThat(add.getName().getSimple()).isEqualTo("orders");
    assertThat(add.getColumn().getSimpleName()).isEqualTo("channel");
    assertThat(add.getColumn().isNullable()).isTrue();
    assertThat(roundTrip("ALTER TOPIC orders ADD COLUMN channel VARCHAR(16)"))
        .isEqualTo("ALTER TOPIC orders ADD COLUMN channel VARCHAR(16)");
    assertThat(roundTrip("ALTER TOPIC orders ADD channel VARCHAR(16) NULL"))
        .isEqualTo("ALTER TOPIC orders ADD COLUMN channel VARCHAR(16)");
    assertThat(parseError("ALTER TOPIC orders ADD COLUMN channel VARCHAR(16) NOT NULL")
        .getMessage()).contains("Column 'channel' added to an existing topic cannot be NOT NULL");
    assertThat(parseError("ALTER TOPIC orders ADD COLUMN _partition INT").getMessage())
        .contains("'_partition' is reserved");
    assertRejected("ALTER TOPIC orders ADD COLUMN channel");
    assertRejected("ALTER TOPIC orders DROP COLUMN channel");
  }

  @Test void dropTopic() {
    final SqlDropTopic drop = (SqlDropTopic) parse("DROP TOPIC IF EXISTS orders");
    assertThat(drop.getKind()).isEqualTo(SqlKind.OTHER_DDL);
    assertThat(drop.isIfExists()).isTrue();
    assertThat(drop.getName().getSimple()).isEqualTo("orders");

    assertThat(((SqlDropTopic) parse("DROP TOPIC orders")).isIfExists()).isFalse();
    assertThat(((SqlDropTopic) parse("DROP TOPIC if")).getName().getSimple()).isEqualTo("if");
    assertThat(roundTrip("drop topic if exists \"Orders\"")).isEqualTo("DROP TOPIC IF EXISTS Orders");
    assertThat(roundTrip("DROP TOPIC orders")).isEqualTo("DROP TOPIC orders");
    assertThat(parseError("DROP TOPIC sys.topics").getMessage())
        .startsWith("From line 1, column 12 to line 1, column 21: Topic name 'sys.topics' is qualified");
  }

  @Test void nodesRebuildThemselvesFromTheirOperands() {
    for (String sql : List.of(DESIGN_CREATE, "ALTER TOPIC t SET (a = 1)",
        "ALTER TOPIC t ADD COLUMN c INT", "DROP TOPIC IF EXISTS t")) {
      final SqlNode node = parse(sql);
      final SqlNode copy = node.clone(node.getParserPosition());
      assertThat(copy).isInstanceOf(node.getClass());
      assertThat(copy.equalsDeep(node, Litmus.IGNORE)).as(sql).isTrue();
    }
  }

  @Test void designStatementsAllParse() throws SqlParseException {
    final List<SqlNode> statements = RunnelParser.parseStatements(DESIGN_CREATE + ";\n"
        + "ALTER TOPIC orders SET (retention = '30 days', partitions = 12);   -- partitions only grow\n"
        + "ALTER TOPIC orders ADD COLUMN channel VARCHAR(16);                 -- older rows read NULL\n"
        + "DROP TOPIC IF EXISTS orders;\n"
        + "DROP TOPIC orders;\n"
        + "SHOW TOPICS;  DESCRIBE orders;\n"
        + "INSERT INTO orders (id, customer, product, amount, qty, placed_at) VALUES "
        + "(1, 'c1', 'p1', 10.50, 2, TIMESTAMP '2026-11-01 10:00:00'), "
        + "(2, 'c2', 'p2', 99.99, 1, TIMESTAMP '2026-11-01 10:00:01');\n"
        + "SELECT customer, SUM(amount) FROM orders GROUP BY customer;        -- bounded snapshot\n"
        + "SELECT * FROM orders WHERE amount > 100 EMIT CHANGES;             -- unbounded, from latest\n"
        + "SELECT * FROM orders WHERE _timestamp >= TIMESTAMP '2026-11-01 00:00:00' EMIT CHANGES; -- replay from a time\n"
        + "SELECT * FROM orders WHERE _partition = 2 AND _offset >= 1000 EMIT CHANGES;           -- replay from an offset\n"
        + "SELECT STREAM * FROM orders;                                       -- Calcite's spelling, same as EMIT CHANGES\n");

    assertThat(statements.stream().map(n -> n.getClass().getSimpleName())
        .collect(Collectors.toList())).containsExactly("SqlCreateTopic",
        "SqlAlterTopicSetOptions", "SqlAlterTopicAddColumn", "SqlDropTopic", "SqlDropTopic",
        "SqlShowTopics", "SqlDescribeTable", "SqlInsert", "SqlSelect", "SqlSelect", "SqlSelect",
        "SqlSelect", "SqlSelect");
    assertThat(statements.subList(8, 13)).extracting(StreamingQueries::isStreaming)
        .containsExactly(false, true, true, true, true);
  }
}
