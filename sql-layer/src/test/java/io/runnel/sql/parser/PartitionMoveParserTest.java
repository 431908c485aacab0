package io.runnel.sql.parser;

import static io.runnel.sql.parser.ParserAssertions.parse;
import static io.runnel.sql.parser.ParserAssertions.parseError;
import static io.runnel.sql.parser.ParserAssertions.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.sql.parser.ddl.SqlAlterTopicCancelMove;
import io.runnel.sql.parser.ddl.SqlAlterTopicMove;
import org.apache.calcite.sql.SqlKind;
import org.junit.jupiter.api.Test;

/** ALTER TOPIC ... MOVE PARTITION / MOVE PARTITIONS / CANCEL MOVE: grammar, nodes, unparse, static checks. */
class PartitionMoveParserTest {

  @Test void movePartitionNamesThePartitionAndTheBrokersInOrder() {
    final SqlAlterTopicMove move = (SqlAlterTopicMove) parse("ALTER TOPIC orders MOVE PARTITION 3 TO (4, 1, 2)");
    assertThat(move.getKind()).isEqualTo(SqlKind.OTHER_DDL);
    assertThat(move.getName().getSimple()).isEqualTo("orders");
    assertThat(move.getPartition()).hasValue(3);
    assertThat(move.getBrokers()).containsExactly(4, 1, 2);
    assertThat(roundTrip("alter topic orders move partition 3 to (4,1,2)"))
        .isEqualTo("ALTER TOPIC orders MOVE PARTITION 3 TO (4, 1, 2)");
  }

  @Test void movePartitionsSpreadsTheWholeTopic() {
    final SqlAlterTopicMove move = (SqlAlterTopicMove) parse("ALTER TOPIC orders MOVE PARTITIONS TO (1, 2, 3, 4)");
    assertThat(move.getPartition()).isEmpty();
    assertThat(move.getBrokers()).containsExactly(1, 2, 3, 4);
    assertThat(roundTrip("ALTER TOPIC orders MOVE PARTITIONS TO (1, 2, 3, 4)"))
        .isEqualTo("ALTER TOPIC orders MOVE PARTITIONS TO (1, 2, 3, 4)");
  }

  @Test void cancelMove() {
    final SqlAlterTopicCancelMove cancel = (SqlAlterTopicCancelMove) parse("ALTER TOPIC orders CANCEL MOVE");
    assertThat(cancel.getName().getSimple()).isEqualTo("orders");
    assertThat(roundTrip("alter topic orders cancel move")).isEqualTo("ALTER TOPIC orders CANCEL MOVE");
  }

  @Test void aBrokerNamedTwiceIsRejectedAtItsPosition() {
    assertThat(parseError("ALTER TOPIC orders MOVE PARTITION 0 TO (4, 1, 4)").getMessage())
        .contains("Broker 4 is named twice").contains("column 47");
  }

  @Test void brokerIdsAndPartitionsAreWholeNonNegativeInts() {
    assertThat(parseError("ALTER TOPIC orders MOVE PARTITION 0 TO (1.5, 2)").getMessage())
        .contains("broker id must be a whole number");
    assertThat(parseError("ALTER TOPIC orders MOVE PARTITION 0 TO (3000000000, 2)").getMessage())
        .contains("broker id must be a whole number");
    assertThat(parseError("ALTER TOPIC orders MOVE PARTITION 2.5 TO (1, 2)").getMessage())
        .contains("PARTITION must be a whole number");
    assertThat(parseError("ALTER TOPIC orders MOVE PARTITION -1 TO (1, 2)").getMessage()).contains("-");
  }

  @Test void malformedMovesAreSyntaxErrors() {
    assertThat(parseError("ALTER TOPIC orders MOVE PARTITION 0 TO ()")).isNotNull();
    assertThat(parseError("ALTER TOPIC orders MOVE PARTITION 0 (1, 2)")).isNotNull();
    assertThat(parseError("ALTER TOPIC orders MOVE TO (1, 2)")).isNotNull();
    assertThat(parseError("ALTER TOPIC orders CANCEL")).isNotNull();
  }

  @Test void moveAndPartitionsStayUsableAsNames() {
    assertThat(parse("SELECT move, partitions FROM t")).isNotNull();
    assertThat(parse("CREATE TOPIC move (partitions INT)")).isNotNull();
  }
}
