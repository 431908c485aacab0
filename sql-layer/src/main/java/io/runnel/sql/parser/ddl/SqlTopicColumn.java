package io.runnel.sql.parser.ddl;

import static io.runnel.sql.parser.RunnelParserResource.RESOURCE;

import java.util.List;
import java.util.Objects;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
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
 * A column of a topic: {@code name type [NOT NULL | NULL]}, in {@code CREATE TOPIC} and
 * {@code ALTER TOPIC ... ADD COLUMN}. The type is any Calcite data type spec; its nullability is
 * the column's (nullable unless NOT NULL is written).
 */
public final class SqlTopicColumn extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("COLUMN", SqlKind.COLUMN_DECL) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          final SqlDataTypeSpec type = (SqlDataTypeSpec) Objects.requireNonNull(operands[1]);
          final boolean nullable = ((SqlLiteral) Objects.requireNonNull(operands[2])).booleanValue();
          return new SqlTopicColumn(pos, (SqlIdentifier) Objects.requireNonNull(operands[0]),
              type.withNullable(nullable));
        }
      };

  private final SqlIdentifier name;
  private final SqlDataTypeSpec type;

  /**
   * Creates a column.
   *
   * @param type the column's type; {@code type.getNullable()} null or true means nullable
   */
  public SqlTopicColumn(SqlParserPos pos, SqlIdentifier name, SqlDataTypeSpec type) {
    super(pos);
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
  }

  public SqlIdentifier getName() {
    return name;
  }

  /** The column name as written (unquoted names keep their case). */
  public String getSimpleName() {
    return name.getSimple();
  }

  /** The declared type, nullability included. */
  public SqlDataTypeSpec getType() {
    return type;
  }

  public boolean isNullable() {
    return !Boolean.FALSE.equals(type.getNullable());
  }

  /**
   * Checks what the column alone can tell: it is not named after a system column.
   *
   * @throws org.apache.calcite.runtime.CalciteContextException at the name's position if it is
   */
  public void validateDefinition() {
    if (TopicNames.isSystemColumn(getSimpleName())) {
      throw SqlUtil.newContextException(name.getParserPosition(),
          RESOURCE.systemColumnName(getSimpleName()));
    }
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  /** Name, type and nullability (a literal, so that {@code equalsDeep} compares it). */
  @Override public List<SqlNode> getOperandList() {
    return List.of(name, type, SqlLiteral.createBoolean(isNullable(), SqlParserPos.ZERO));
  }

  @Override public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    name.unparse(writer, 0, 0);
    type.unparse(writer, 0, 0);
    if (!isNullable()) {
      writer.keyword("NOT NULL");
    }
  }
}
