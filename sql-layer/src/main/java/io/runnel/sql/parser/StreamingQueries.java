package io.runnel.sql.parser;

import static io.runnel.sql.parser.RunnelParserResource.RESOURCE;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Answers "is this query unbounded, and how does it emit?" for parsed statements, and builds the
 * streaming form of a query for the grammar.
 *
 * <p>{@code SELECT ... EMIT CHANGES} and Calcite's own {@code SELECT STREAM ...} are one parse
 * tree: the SELECT carries {@link SqlSelectKeyword#STREAM}, so Calcite's validator checks
 * modality (the table must be a stream, streaming aggregates need a monotonic GROUP BY key) the
 * same way for both spellings. {@code EMIT FINAL} is that tree wrapped in {@link SqlEmitFinal}.
 *
 * <p>Stateless; safe to call from any thread.
 */
public final class StreamingQueries {
  private StreamingQueries() {
  }

  /**
   * How a top-level query emits, or empty for a bounded query (and for anything that is not a
   * query: DDL, INSERT, EXPLAIN — ask about {@code SqlExplain.getExplicandum()} to know what an
   * EXPLAIN explains).
   */
  public static Optional<EmitMode> emitMode(SqlNode statement) {
    if (statement instanceof SqlEmitFinal) {
      return Optional.of(EmitMode.FINAL);
    }
    final SqlSelect select = streamableSelect(statement);
    if (select != null && select.isKeywordPresent(SqlSelectKeyword.STREAM)) {
      return Optional.of(EmitMode.CHANGES);
    }
    return Optional.empty();
  }

  /** Whether {@code statement} is an unbounded query ({@code EMIT CHANGES}, {@code EMIT FINAL}
   * or {@code SELECT STREAM}). */
  public static boolean isStreaming(SqlNode statement) {
    return emitMode(statement).isPresent();
  }

  /** Whether {@code statement} is a query ending in {@code EMIT FINAL}. */
  public static boolean isEmitFinal(SqlNode statement) {
    return statement instanceof SqlEmitFinal;
  }

  /**
   * Makes {@code query} streaming because an {@code EMIT} clause follows it; called by the
   * generated parser before it reads ORDER BY / LIMIT.
   *
   * <p>The query must be one SELECT, possibly inside WITH or parentheses: that is where Calcite
   * puts the STREAM keyword. A UNION, VALUES or TABLE is rejected with a hint to wrap it in
   * {@code SELECT * FROM (...)}. {@code SELECT STREAM ... EMIT CHANGES} is accepted: both say the
   * same thing.
   *
   * @param emitPos position of the EMIT clause, for the error
   * @return {@code query}, whose SELECT now carries STREAM
   * @throws org.apache.calcite.runtime.CalciteContextException if the query is not a SELECT
   */
  public static SqlNode applyEmit(SqlNode query, EmitMode mode, SqlParserPos emitPos) {
    final SqlSelect select = streamableSelect(query);
    if (select == null) {
      throw SqlUtil.newContextException(emitPos, RESOURCE.emitNeedsSelect(mode.sql()));
    }
    if (!select.isKeywordPresent(SqlSelectKeyword.STREAM)) {
      final SqlNodeList keywords = (SqlNodeList) select.getOperandList().get(0);
      // STREAM goes first: it is where SELECT STREAM [DISTINCT | ALL] writes it, so the unparsed
      // text reads back to the same list.
      final List<SqlNode> streaming = new ArrayList<>(keywords.size() + 1);
      streaming.add(SqlSelectKeyword.STREAM.symbol(emitPos));
      streaming.addAll(keywords.getList());
      select.setOperand(0, new SqlNodeList(streaming, keywords.getParserPosition()));
    }
    return query;
  }

  /**
   * The SELECT that an EMIT clause (or a STREAM keyword) on {@code query} belongs to, or null if
   * there is none: a set operation, VALUES, TABLE or a non-query.
   */
  private static @Nullable SqlSelect streamableSelect(SqlNode query) {
    SqlNode node = query;
    while (true) {
      if (node instanceof SqlSelect) {
        return (SqlSelect) node;
      } else if (node instanceof SqlOrderBy) {
        node = ((SqlOrderBy) node).query;
      } else if (node instanceof SqlWith) {
        node = ((SqlWith) node).body;
      } else {
        return null;
      }
    }
  }
}
