package io.runnel.sql.parser.ddl;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code SHOW TOPICS [LIKE 'pattern']}: lists topic names, optionally those matching a SQL LIKE
 * pattern ({@code %} any run, {@code _} one character).
 */
public final class SqlShowTopics extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("SHOW TOPICS", SqlKind.OTHER) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          return new SqlShowTopics(pos, (SqlCharStringLiteral) operands[0]);
        }
      };

  private final @Nullable SqlCharStringLiteral likePattern;

  /** Creates the node; {@code likePattern} is null when there is no LIKE. */
  public SqlShowTopics(SqlParserPos pos, @Nullable SqlCharStringLiteral likePattern) {
    super(pos);
    this.likePattern = likePattern;
  }

  /** The LIKE pattern without quotes, if any. */
  public Optional<String> getLikePattern() {
    return likePattern == null
        ? Optional.empty()
        : Optional.of(likePattern.getValueAs(String.class));
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(likePattern);
  }

  @Override public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("SHOW TOPICS");
    if (likePattern != null) {
      writer.keyword("LIKE");
      likePattern.unparse(writer, 0, 0);
    }
  }
}
