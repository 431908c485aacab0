package io.runnel.sql.parser.ddl;

import java.util.List;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code ALTER TOPIC name CANCEL MOVE}: every partition of the topic still moving goes back to the
 * replicas it had (design note 0007, "Reassignment"); the update count is the number of partitions
 * whose move was cancelled.
 */
public final class SqlAlterTopicCancelMove extends SqlAlterTopic {
  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("ALTER TOPIC CANCEL MOVE", SqlKind.OTHER_DDL) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          return new SqlAlterTopicCancelMove(pos, (SqlIdentifier) Objects.requireNonNull(operands[0]));
        }
      };

  public SqlAlterTopicCancelMove(SqlParserPos pos, SqlIdentifier name) {
    super(OPERATOR, pos, name);
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override public List<SqlNode> getOperandList() {
    return List.of(name);
  }

  @Override protected void unparseAlteration(SqlWriter writer) {
    writer.keyword("CANCEL MOVE");
  }
}
