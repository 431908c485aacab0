package io.runnel.sql.parser.ddl;

import static io.runnel.sql.parser.RunnelParserResource.RESOURCE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code CREATE TOPIC [IF NOT EXISTS] name (column [, ...]) [PARTITION BY (column [, ...])]
 * [WITH (key = literal [, ...])]}.
 *
 * <p>The grammar calls {@link #validateDefinition()}, so a parsed node has distinct column names,
 * none named after a system column, a partition key made of its own columns, and distinct option
 * keys. Whether the options are known and valid is decided when the statement runs.
 */
public final class SqlCreateTopic extends SqlCreate {
  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("CREATE TOPIC", SqlKind.OTHER_DDL) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          return new SqlCreateTopic(pos,
              ((SqlLiteral) Objects.requireNonNull(operands[0])).booleanValue(),
              (SqlIdentifier) Objects.requireNonNull(operands[1]),
              (SqlNodeList) Objects.requireNonNull(operands[2]),
              (SqlNodeList) Objects.requireNonNull(operands[3]),
              (SqlNodeList) Objects.requireNonNull(operands[4]));
        }
      };

  private final SqlIdentifier name;
  private final SqlNodeList columns;
  private final SqlNodeList partitionKey;
  private final SqlNodeList options;

  /**
   * Creates a CREATE TOPIC node.
   *
   * @param columns      {@link SqlTopicColumn}s, at least one
   * @param partitionKey {@link SqlIdentifier}s; empty for round-robin placement
   * @param options      {@link SqlTopicOption}s; empty if there is no WITH clause
   */
  public SqlCreateTopic(SqlParserPos pos, boolean ifNotExists, SqlIdentifier name,
      SqlNodeList columns, SqlNodeList partitionKey, SqlNodeList options) {
    super(OPERATOR, pos, false, ifNotExists);
    this.name = Objects.requireNonNull(name, "name");
    this.columns = Objects.requireNonNull(columns, "columns");
    this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey");
    this.options = Objects.requireNonNull(options, "options");
  }

  public SqlIdentifier getName() {
    return name;
  }

  public boolean isIfNotExists() {
    return ifNotExists;
  }

  /** The columns in declaration order. */
  public List<SqlTopicColumn> getColumns() {
    return cast(columns, SqlTopicColumn.class);
  }

  /** The partition key columns as written; empty when rows are spread round-robin. */
  public List<SqlIdentifier> getPartitionKey() {
    return cast(partitionKey, SqlIdentifier.class);
  }

  /** The WITH options by lower-case key, in the order written. */
  public Map<String, SqlTopicOption> getOptions() {
    return SqlTopicOption.byKey(options);
  }

  /**
   * Checks everything the statement alone can tell (see the class comment).
   *
   * @throws org.apache.calcite.runtime.CalciteContextException at the position of the first
   *     offending name
   */
  public void validateDefinition() {
    final Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (SqlTopicColumn column : getColumns()) {
      column.validateDefinition();
      if (!seen.add(column.getSimpleName())) {
        throw SqlUtil.newContextException(column.getName().getParserPosition(),
            RESOURCE.duplicateColumn(column.getSimpleName(), name.getSimple()));
      }
    }
    final Set<String> keyColumns = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (SqlIdentifier keyColumn : getPartitionKey()) {
      final String column = keyColumn.getSimple();
      if (!seen.contains(column)) {
        throw SqlUtil.newContextException(keyColumn.getParserPosition(),
            RESOURCE.unknownPartitionColumn(column, name.getSimple()));
      }
      if (!keyColumns.add(column)) {
        throw SqlUtil.newContextException(keyColumn.getParserPosition(),
            RESOURCE.duplicatePartitionColumn(column));
      }
    }
    SqlTopicOption.byKey(options);
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override public List<SqlNode> getOperandList() {
    return List.of(SqlLiteral.createBoolean(ifNotExists, SqlParserPos.ZERO), name, columns,
        partitionKey, options);
  }

  @Override public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE TOPIC");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    unparseList(writer, columns);
    if (!partitionKey.isEmpty()) {
      writer.keyword("PARTITION BY");
      unparseList(writer, partitionKey);
    }
    if (!options.isEmpty()) {
      writer.keyword("WITH");
      unparseList(writer, options);
    }
  }

  /** Writes {@code (a, b, ...)}. */
  static void unparseList(SqlWriter writer, SqlNodeList list) {
    final SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode node : list) {
      writer.sep(",");
      node.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }

  static <T extends SqlNode> List<T> cast(SqlNodeList list, Class<T> type) {
    final List<T> result = new ArrayList<>(list.size());
    for (SqlNode node : list) {
      result.add(type.cast(node));
    }
    return Collections.unmodifiableList(result);
  }
}
