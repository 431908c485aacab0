package io.runnel.sql.parser.ddl;

import static io.runnel.sql.parser.RunnelParserResource.RESOURCE;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One {@code key = literal} of a topic's {@code WITH (...)} or {@code SET (...)} list, e.g.
 * {@code retention = '7 days'} or {@code partitions = 6}.
 *
 * <p>Keys are identifiers compared case-insensitively ({@link #getKey()} is lower case); values
 * are string, numeric (signed) or boolean literals. Which keys exist and what their values mean
 * is the executor's business, not the grammar's.
 */
public final class SqlTopicOption extends SqlCall {
  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("OPTION", SqlKind.OTHER) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          return new SqlTopicOption(pos, (SqlIdentifier) Objects.requireNonNull(operands[0]),
              (SqlLiteral) Objects.requireNonNull(operands[1]));
        }
      };

  private final SqlIdentifier key;
  private final SqlLiteral value;

  public SqlTopicOption(SqlParserPos pos, SqlIdentifier key, SqlLiteral value) {
    super(pos);
    this.key = Objects.requireNonNull(key, "key");
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The key as written, with its position. */
  public SqlIdentifier getKeyIdentifier() {
    return key;
  }

  /** The key in lower case, the form to compare and look up. */
  public String getKey() {
    return normalize(key.getSimple());
  }

  /** The value literal: a character string, an exact or approximate number, or a boolean. */
  public SqlLiteral getValue() {
    return value;
  }

  /**
   * The value as text: the string without quotes, the number as written ({@code 6},
   * {@code -1}, {@code 1.5}), or {@code true}/{@code false}.
   */
  public String getValueAsString() {
    return Objects.requireNonNull(value.toValue(), "value of " + getKey());
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override public List<SqlNode> getOperandList() {
    return List.of(key, value);
  }

  @Override public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    key.unparse(writer, 0, 0);
    writer.keyword("=");
    value.unparse(writer, 0, 0);
  }

  /**
   * The options of a {@code WITH (...)} or {@code SET (...)} list by lower-case key, in the order
   * written.
   *
   * @throws org.apache.calcite.runtime.CalciteContextException at the second occurrence if a key
   *     is given twice (in any case)
   */
  public static Map<String, SqlTopicOption> byKey(SqlNodeList options) {
    final Map<String, SqlTopicOption> map = new LinkedHashMap<>();
    for (SqlNode node : options) {
      final SqlTopicOption option = (SqlTopicOption) node;
      if (map.putIfAbsent(option.getKey(), option) != null) {
        throw SqlUtil.newContextException(option.key.getParserPosition(),
            RESOURCE.duplicateOption(option.getKey()));
      }
    }
    return Collections.unmodifiableMap(map);
  }

  static String normalize(String key) {
    return key.toLowerCase(Locale.ROOT);
  }
}
