package io.runnel.sql.parser.ddl;

import static io.runnel.sql.parser.RunnelParserResource.RESOURCE;

import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlUtil;

/**
 * Rules for the names a topic statement may use, checked by the grammar so that a bad name is a
 * syntax error with a position rather than a failure deep in execution.
 */
public final class TopicNames {
  /**
   * The system columns every topic has (DESIGN.md §2); a user column may not take their names.
   * Lower case, compared case-insensitively like every unquoted name.
   */
  public static final List<String> SYSTEM_COLUMNS = List.of("_partition", "_offset", "_timestamp");

  private TopicNames() {
  }

  /**
   * Returns {@code name} if it is one identifier. Topics live in the default schema: a qualified
   * name ({@code sys.x}) names no topic, so it is rejected here, at parse time, with the position
   * of the name.
   *
   * @throws org.apache.calcite.runtime.CalciteContextException if {@code name} is qualified
   */
  public static SqlIdentifier requireUnqualified(SqlIdentifier name) {
    if (!name.isSimple()) {
      throw SqlUtil.newContextException(name.getParserPosition(),
          RESOURCE.qualifiedTopicName(name.toString()));
    }
    return name;
  }

  /** Whether {@code column} is the name of a system column, in any case. */
  public static boolean isSystemColumn(String column) {
    return SYSTEM_COLUMNS.contains(column.toLowerCase(Locale.ROOT));
  }
}
