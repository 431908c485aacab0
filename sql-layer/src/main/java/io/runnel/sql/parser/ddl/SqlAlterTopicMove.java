package io.runnel.sql.parser.ddl;

import static io.runnel.sql.parser.RunnelParserResource.RESOURCE;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code ALTER TOPIC name MOVE PARTITION n TO (broker, ...)}: moves one partition to the listed
 * brokers, preferred leader first, while it keeps serving; and {@code ALTER TOPIC name MOVE PARTITIONS
 * TO (broker, ...)}: spreads every partition of the topic over the listed brokers (design note 0007,
 * "Reassignment"). The engine checks the topic, the brokers and the replication factor.
 */
public final class SqlAlterTopicMove extends SqlAlterTopic {
  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("ALTER TOPIC MOVE", SqlKind.OTHER_DDL) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          return new SqlAlterTopicMove(pos,
              (SqlIdentifier) Objects.requireNonNull(operands[0]),
              (SqlNumericLiteral) operands[1],
              (SqlNodeList) Objects.requireNonNull(operands[2]));
        }
      };

  private final @Nullable SqlNumericLiteral partition;
  private final SqlNodeList brokers;

  /**
   * @param partition the partition to move, or null to spread every partition over {@code brokers}
   * @param brokers   {@link SqlNumericLiteral} broker ids, at least one
   */
  public SqlAlterTopicMove(SqlParserPos pos, SqlIdentifier name, @Nullable SqlNumericLiteral partition,
      SqlNodeList brokers) {
    super(OPERATOR, pos, name);
    this.partition = partition;
    this.brokers = Objects.requireNonNull(brokers, "brokers");
  }

  /** The partition to move, or empty for every partition of the topic. */
  public OptionalInt getPartition() {
    return partition == null ? OptionalInt.empty() : OptionalInt.of(partition.intValue(true));
  }

  /** The broker ids, in the order written (the first is the preferred leader). */
  public List<Integer> getBrokers() {
    List<Integer> out = new ArrayList<>();
    for (SqlNode b : brokers) {
      out.add(((SqlNumericLiteral) b).intValue(true));
    }
    return out;
  }

  /**
   * Checks that the partition and the broker ids are whole numbers in range and that no broker is
   * named twice.
   *
   * @throws org.apache.calcite.runtime.CalciteContextException at the offending literal
   */
  public void validateDefinition() {
    if (partition != null && !fitsInt(partition.bigDecimalValue())) {
      throw SqlUtil.newContextException(partition.getParserPosition(),
          RESOURCE.invalidResetPartition(partition.toValue()));
    }
    Set<Integer> seen = new HashSet<>();
    for (SqlNode b : brokers) {
      SqlNumericLiteral id = (SqlNumericLiteral) b;
      if (!fitsInt(id.bigDecimalValue())) {
        throw SqlUtil.newContextException(id.getParserPosition(), RESOURCE.invalidBrokerId(id.toValue()));
      }
      if (!seen.add(id.intValue(true))) {
        throw SqlUtil.newContextException(id.getParserPosition(), RESOURCE.duplicateBrokerId(id.toValue()));
      }
    }
  }

  private static boolean fitsInt(@Nullable BigDecimal value) {
    return value != null
        && value.signum() >= 0
        && value.stripTrailingZeros().scale() <= 0
        && value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0;
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(name, partition, brokers);
  }

  @Override protected void unparseAlteration(SqlWriter writer) {
    writer.keyword("MOVE");
    if (partition != null) {
      writer.keyword("PARTITION");
      partition.unparse(writer, 0, 0);
    } else {
      writer.keyword("PARTITIONS");
    }
    writer.keyword("TO");
    SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode b : brokers) {
      writer.sep(",");
      b.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }
}
