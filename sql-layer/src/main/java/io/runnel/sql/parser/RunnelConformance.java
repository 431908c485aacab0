package io.runnel.sql.parser;

import org.apache.calcite.sql.validate.SqlConformance;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlDelegatingConformance;

/**
 * The SQL dialect rules Runnel accepts: Calcite's default, plus what users of Kafka-era tools
 * type without thinking — {@code !=} for {@code <>}, and {@code OFFSET m LIMIT n} as well as
 * {@code LIMIT n OFFSET m}. (MySQL's {@code LIMIT m, n} stays off: it reads the wrong way round
 * to everyone else.)
 *
 * <p>The parser and the validator must use the same instance; {@link RunnelParser#CONFIG}
 * carries it.
 */
public final class RunnelConformance extends SqlDelegatingConformance {
  public static final SqlConformance INSTANCE = new RunnelConformance();

  private RunnelConformance() {
    super(SqlConformanceEnum.DEFAULT);
  }

  @Override public boolean isBangEqualAllowed() {
    return true;
  }

  @Override public boolean isOffsetLimitAllowed() {
    return true;
  }
}
