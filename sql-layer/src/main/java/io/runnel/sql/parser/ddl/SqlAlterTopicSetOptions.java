package io.runnel.sql.parser.ddl;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code ALTER TOPIC name SET (key = literal [, ...])}: changes options of an existing topic, for
 * example {@code retention} or {@code partitions} (which may only grow; the executor checks).
 */
public final class SqlAlterTopicSetOptions extends SqlAlterTopic {
  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("ALTER TOPIC SET", SqlKind.OTHER_DDL) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          return new SqlAlterTopicSetOptions(pos,
              (SqlIdentifier) Objects.requireNonNull(operands[0]),
              (SqlNodeList) Objects.requireNonNull(operands[1]));
        }
      };

  private final SqlNodeList options;

  /** Creates the node; {@code options} are {@link SqlTopicOption}s, at least one. */
  public SqlAlterTopicSetOptions(SqlParserPos pos, SqlIdentifier name, SqlNodeList options) {
    super(OPERATOR, pos, name);
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The options to set, by lower-case key, in the order written. */
  public Map<String, SqlTopicOption> getOptions() {
    return SqlTopicOption.byKey(options);
  }

  /**
   * Checks that no key is given twice.
   *
   * @throws org.apache.calcite.runtime.CalciteContextException at the repeated key
   */
  public void validateDefinition() {
    SqlTopicOption.byKey(options);
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override public List<SqlNode> getOperandList() {
    return List.of(name, options);
  }

  @Override protected void unparseAlteration(SqlWriter writer) {
    writer.keyword("SET");
    SqlCreateTopic.unparseList(writer, options);
  }
}
