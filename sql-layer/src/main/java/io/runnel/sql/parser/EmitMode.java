package io.runnel.sql.parser;

/**
 * The emission clause of an unbounded query.
 *
 * <p>Both make the query streaming in Calcite's terms (its {@code SELECT} carries
 * {@link org.apache.calcite.sql.SqlSelectKeyword#STREAM}); they differ in when results leave.
 */
public enum EmitMode {
  /** {@code EMIT CHANGES}: every result row as soon as it exists. Same as {@code SELECT STREAM}. */
  CHANGES("EMIT CHANGES"),
  /**
   * {@code EMIT FINAL}: one row per window once the watermark passes its end. Parsed into
   * {@link SqlEmitFinal} so that the executor can reject it (SQLSTATE 0A000) until Runnel has a
   * streaming window operator.
   */
  FINAL("EMIT FINAL");

  private final String sql;

  EmitMode(String sql) {
    this.sql = sql;
  }

  /** The clause as written in SQL, e.g. {@code EMIT CHANGES}. */
  public String sql() {
    return sql;
  }
}
