package io.runnel.sql.parser;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A query ending in {@code EMIT FINAL}: {@code SELECT ... [HAVING ...] EMIT FINAL [ORDER BY ...]
 * [LIMIT n]}.
 *
 * <p>The wrapped query is exactly what {@code EMIT CHANGES} would have produced (its
 * {@code SELECT} carries the STREAM keyword, ORDER BY and LIMIT wrap it as a
 * {@link SqlOrderBy}); this node only adds "emit once per window, when final". Calcite's validator
 * does not know it, on purpose: until Runnel has a streaming window operator the executor must
 * see it and reject it with SQLSTATE 0A000, rather than silently running the query as
 * {@code EMIT CHANGES}. {@link StreamingQueries#emitMode} recognises it.
 */
public final class SqlEmitFinal extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("EMIT FINAL", SqlKind.OTHER) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          return new SqlEmitFinal(pos, requireNonNull(operands[0]));
        }
      };

  private SqlNode query;

  /**
   * Creates a node for {@code query EMIT FINAL}.
   *
   * @param query a streaming SELECT, optionally wrapped in WITH or in ORDER BY / LIMIT
   */
  public SqlEmitFinal(SqlParserPos pos, SqlNode query) {
    super(pos);
    this.query = query;
  }

  /** The streaming query whose results are to be emitted once final. */
  public SqlNode getQuery() {
    return query;
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override public List<SqlNode> getOperandList() {
    return List.of(query);
  }

  @Override public void setOperand(int i, @Nullable SqlNode operand) {
    if (i != 0 || operand == null) {
      throw new IllegalArgumentException("EMIT FINAL has one operand, the query; got #" + i);
    }
    query = operand;
  }

  /**
   * Writes the clause where the grammar reads it: after the SELECT (and its WITH), before ORDER BY,
   * OFFSET and LIMIT.
   */
  @Override public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    if (query instanceof SqlOrderBy) {
      final SqlOrderBy orderBy = (SqlOrderBy) query;
      final SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.ORDER_BY);
      orderBy.query.unparse(writer, SqlOrderBy.OPERATOR.getLeftPrec(),
          SqlOrderBy.OPERATOR.getRightPrec());
      writer.keyword(EmitMode.FINAL.sql());
      if (!orderBy.orderList.isEmpty()) {
        writer.sep("ORDER BY");
        writer.list(SqlWriter.FrameTypeEnum.ORDER_BY_LIST, SqlWriter.COMMA, orderBy.orderList);
      }
      writer.fetchOffset(orderBy.fetch, orderBy.offset);
      writer.endList(frame);
    } else {
      // A query frame, like SqlOrderBy's, so that the query is written without parentheses.
      final SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.ORDER_BY);
      query.unparse(writer, SqlOrderBy.OPERATOR.getLeftPrec(),
          SqlOrderBy.OPERATOR.getRightPrec());
      writer.keyword(EmitMode.FINAL.sql());
      writer.endList(frame);
    }
  }

  private static SqlNode requireNonNull(@Nullable SqlNode node) {
    if (node == null) {
      throw new IllegalArgumentException("EMIT FINAL needs a query");
    }
    return node;
  }
}
