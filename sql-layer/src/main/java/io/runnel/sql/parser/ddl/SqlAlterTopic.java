package io.runnel.sql.parser.ddl;

import java.util.Objects;
import org.apache.calcite.sql.SqlDdl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code ALTER TOPIC name ...}: the topic it changes; subclasses say how.
 *
 * @see SqlAlterTopicSetOptions
 * @see SqlAlterTopicAddColumn
 */
public abstract class SqlAlterTopic extends SqlDdl {
  protected final SqlIdentifier name;

  protected SqlAlterTopic(SqlOperator operator, SqlParserPos pos, SqlIdentifier name) {
    super(operator, pos);
    this.name = Objects.requireNonNull(name, "name");
  }

  public SqlIdentifier getName() {
    return name;
  }

  @Override public final void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("ALTER TOPIC");
    name.unparse(writer, 0, 0);
    unparseAlteration(writer);
  }

  /** Writes what follows {@code ALTER TOPIC name}. */
  protected abstract void unparseAlteration(SqlWriter writer);
}
