package io.runnel.sql.parser.ddl;

import static io.runnel.sql.parser.RunnelParserResource.RESOURCE;

import java.util.List;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code ALTER TOPIC name ADD [COLUMN] column type [NULL]}: appends a column; rows written
 * before it read NULL, which is why the column must be nullable.
 */
public final class SqlAlterTopicAddColumn extends SqlAlterTopic {
  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("ALTER TOPIC ADD COLUMN", SqlKind.OTHER_DDL) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          return new SqlAlterTopicAddColumn(pos,
              (SqlIdentifier) Objects.requireNonNull(operands[0]),
              (SqlTopicColumn) Objects.requireNonNull(operands[1]));
        }
      };

  private final SqlTopicColumn column;

  public SqlAlterTopicAddColumn(SqlParserPos pos, SqlIdentifier name, SqlTopicColumn column) {
    super(OPERATOR, pos, name);
    this.column = Objects.requireNonNull(column, "column");
  }

  public SqlTopicColumn getColumn() {
    return column;
  }

  /**
   * Checks that the column is nullable and not named after a system column. (Whether the topic
   * already has a column of that name is known only when the statement runs.)
   *
   * @throws org.apache.calcite.runtime.CalciteContextException at the column's position
   */
  public void validateDefinition() {
    column.validateDefinition();
    if (!column.isNullable()) {
      throw SqlUtil.newContextException(column.getParserPosition(),
          RESOURCE.addedColumnNotNull(column.getSimpleName()));
    }
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override public List<SqlNode> getOperandList() {
    return List.of(name, column);
  }

  @Override protected void unparseAlteration(SqlWriter writer) {
    writer.keyword("ADD COLUMN");
    column.unparse(writer, 0, 0);
  }
}
