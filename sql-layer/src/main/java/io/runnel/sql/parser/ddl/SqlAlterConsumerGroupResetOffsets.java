package io.runnel.sql.parser.ddl;

import static io.runnel.sql.parser.RunnelParserResource.RESOURCE;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDdl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlTimestampLiteral;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;
import org.apache.calcite.util.TimestampString;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code ALTER CONSUMER GROUP group RESET OFFSETS FOR TOPIC topic [PARTITION n]
 * TO { EARLIEST | LATEST | TIMESTAMP 'yyyy-mm-dd hh:mm:ss[.fff]' | OFFSET n }}: moves a
 * consumer group's committed offsets, for one partition or for all partitions of a topic (what
 * {@code kafka-consumer-groups.sh --reset-offsets} does).
 */
public final class SqlAlterConsumerGroupResetOffsets extends SqlDdl {
  /** Where the reset moves the committed offsets. */
  public enum ResetTarget {
    /** The log start offset of each partition (oldest retained row). */
    EARLIEST,
    /** The log end offset of each partition (only rows written from now on). */
    LATEST,
    /** The first offset whose {@code _timestamp} is at or after the given time. */
    TIMESTAMP,
    /** A given offset. */
    OFFSET
  }

  public static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("ALTER CONSUMER GROUP RESET OFFSETS", SqlKind.OTHER_DDL) {
        @Override public SqlCall createCall(@Nullable SqlLiteral functionQualifier,
            SqlParserPos pos, @Nullable SqlNode... operands) {
          return new SqlAlterConsumerGroupResetOffsets(pos,
              (SqlIdentifier) Objects.requireNonNull(operands[0]),
              (SqlIdentifier) Objects.requireNonNull(operands[1]),
              (SqlNumericLiteral) operands[2],
              ((SqlLiteral) Objects.requireNonNull(operands[3])).symbolValue(ResetTarget.class),
              (SqlLiteral) operands[4]);
        }
      };

  private final SqlIdentifier group;
  private final SqlIdentifier topic;
  private final @Nullable SqlNumericLiteral partition;
  private final ResetTarget target;
  private final @Nullable SqlLiteral value;

  /**
   * Creates the node.
   *
   * @param partition null for every partition of the topic
   * @param value     a {@link SqlTimestampLiteral} for {@link ResetTarget#TIMESTAMP}, a
   *                  {@link SqlNumericLiteral} for {@link ResetTarget#OFFSET}, otherwise null
   */
  public SqlAlterConsumerGroupResetOffsets(SqlParserPos pos, SqlIdentifier group, SqlIdentifier topic,
      @Nullable SqlNumericLiteral partition, ResetTarget target, @Nullable SqlLiteral value) {
    super(OPERATOR, pos);
    this.group = Objects.requireNonNull(group, "group");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.partition = partition;
    this.target = Objects.requireNonNull(target, "target");
    this.value = value;
    final boolean needsValue = target == ResetTarget.TIMESTAMP || target == ResetTarget.OFFSET;
    if (needsValue != (value != null)) {
      throw new IllegalArgumentException("TO " + target + (needsValue ? " needs" : " takes no")
          + " value; got " + value);
    }
  }

  /** The consumer group's name (one identifier; quote it if it has '-' or '.'). */
  public SqlIdentifier getGroup() {
    return group;
  }

  public SqlIdentifier getTopic() {
    return topic;
  }

  /** The partition to reset, or empty for all partitions of the topic. */
  public OptionalInt getPartition() {
    return partition == null ? OptionalInt.empty() : OptionalInt.of(partition.intValue(true));
  }

  public ResetTarget getTarget() {
    return target;
  }

  /**
   * The time for {@link ResetTarget#TIMESTAMP}, without a time zone: the statement's executor
   * reads it as it reads a TIMESTAMP literal compared with {@code _timestamp}.
   */
  public Optional<TimestampString> getTimestamp() {
    return target == ResetTarget.TIMESTAMP
        ? Optional.of(Objects.requireNonNull(value).getValueAs(TimestampString.class))
        : Optional.empty();
  }

  /** The offset for {@link ResetTarget#OFFSET}. */
  public OptionalLong getOffset() {
    return target == ResetTarget.OFFSET
        ? OptionalLong.of(Objects.requireNonNull(value).bigDecimalValue().longValueExact())
        : OptionalLong.empty();
  }

  /**
   * Checks that PARTITION is an INTEGER and OFFSET a BIGINT, both whole and not negative (the
   * grammar admits only unsigned numbers, which may still be fractional or too large).
   *
   * @throws org.apache.calcite.runtime.CalciteContextException at the offending number
   */
  public void validateDefinition() {
    if (partition != null
        && !fitsUnsigned(partition.bigDecimalValue(), BigDecimal.valueOf(Integer.MAX_VALUE))) {
      throw SqlUtil.newContextException(partition.getParserPosition(),
          RESOURCE.invalidResetPartition(partition.toValue()));
    }
    if (target == ResetTarget.OFFSET) {
      final SqlLiteral offset = Objects.requireNonNull(value);
      if (!fitsUnsigned(offset.bigDecimalValue(), BigDecimal.valueOf(Long.MAX_VALUE))) {
        throw SqlUtil.newContextException(offset.getParserPosition(),
            RESOURCE.invalidResetOffset(offset.toValue()));
      }
    }
  }

  private static boolean fitsUnsigned(@Nullable BigDecimal value, BigDecimal max) {
    return value != null
        && value.signum() >= 0
        && value.stripTrailingZeros().scale() <= 0
        && value.compareTo(max) <= 0;
  }

  @Override public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(group, topic, partition,
        SqlLiteral.createSymbol(target, SqlParserPos.ZERO), value);
  }

  @Override public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("ALTER CONSUMER GROUP");
    group.unparse(writer, 0, 0);
    writer.keyword("RESET OFFSETS FOR TOPIC");
    topic.unparse(writer, 0, 0);
    if (partition != null) {
      writer.keyword("PARTITION");
      partition.unparse(writer, 0, 0);
    }
    writer.keyword("TO");
    switch (target) {
    case EARLIEST:
    case LATEST:
      writer.keyword(target.name());
      break;
    case TIMESTAMP:
      // The literal writes its own TIMESTAMP keyword.
      Objects.requireNonNull(value).unparse(writer, 0, 0);
      break;
    case OFFSET:
      writer.keyword("OFFSET");
      Objects.requireNonNull(value).unparse(writer, 0, 0);
      break;
    default:
      throw new AssertionError(target);
    }
  }
}
