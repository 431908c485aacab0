package io.runnel.sql.parser.ddl;

import static io.runnel.sql.parser.RunnelParserResource.RESOURCE;

import java.util.List;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
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
 * {@code CANCEL QUERY 'query-id'}: stops a running statement, named by its id in
 * {@code sys.queries}.
 */
public final class SqlCancelQuery extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("CANCEL QUERY", SqlKind.OTHER) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          return new SqlCancelQuery(pos,
              (SqlCharStringLiteral) Objects.requireNonNull(operands[0]));
        }
      };

  private final SqlCharStringLiteral queryId;

  public SqlCancelQuery(SqlParserPos pos, SqlCharStringLiteral queryId) {
    super(pos);
    this.queryId = Objects.requireNonNull(queryId, "queryId");
  }

  /** The id of the query to cancel, as listed in {@code sys.queries}. */
  public String getQueryId() {
    return queryId.getValueAs(String.class);
  }

  /**
   * Checks that the id is not empty.
   *
   * @throws org.apache.calcite.runtime.CalciteContextException at the literal if it is
   */
  public void validateDefinition() {
    if (getQueryId().isEmpty()) {
      throw SqlUtil.newContextException(queryId.getParserPosition(), RESOURCE.emptyQueryId());
    }
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override public List<SqlNode> getOperandList() {
    return List.of(queryId);
  }

  @Override public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CANCEL QUERY");
    queryId.unparse(writer, 0, 0);
  }
}
