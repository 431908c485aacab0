package io.runnel.bench.suite;

/**
 * One row of the results table: a figure measured on both sides, its unit, which way is better,
 * and its target from DESIGN.md §8 (the "targets table"). Ratios are always Runnel ÷ Kafka.
 */
public enum Metric {
    PRODUCE_ACKS_1(Scenario.PRODUCE, "produce_acks1_rows_per_s", "produce, acks=1", "rows/s", true,
            Target.atLeast(1.5, "produce, JDBC executeBatch, rows/s: ≥ 1.5 × Kafka producer")),
    PRODUCE_ACKS_ALL(Scenario.PRODUCE, "produce_acksall_rows_per_s", "produce, acks=all", "rows/s", true,
            Target.atLeast(1.5, "produce, JDBC executeBatch, rows/s: ≥ 1.5 × Kafka producer")),
    CONSUME(Scenario.CONSUME, "consume_rows_per_s", "consume, all 6 columns", "rows/s", true,
            Target.atLeast(1.0, "consume, EMIT CHANGES from earliest, all columns read through ResultSet getters:"
                    + " ≥ 1.0 × Kafka consumer with decode")),
    PROJECTED_CONSUME(Scenario.PROJECTED, "projected_consume_rows_per_s", "consume, 2 of 6 columns", "rows/s", true,
            Target.atLeast(3.0, "projected consume, 2 of 6 columns: ≥ 3 × Kafka consumer")),
    BYTES_PER_ROW(Scenario.BYTES, "bytes_per_row", "bytes on disk per row", "B/row", false,
            Target.atMost(0.5, "bytes on disk per row: ≤ 0.5 × Kafka with zstd")),
    LATENCY_P50(Scenario.LATENCY, "latency_p50_ms", "latency p50 @ fixed rate", "ms", false, null),
    LATENCY_P99(Scenario.LATENCY, "latency_p99_ms", "latency p99 @ fixed rate", "ms", false,
            Target.atMost(1.0, "INSERT-to-next() latency at 20,000 rows/s: p99 ≤ Kafka's produce-to-poll p99")),
    LATENCY_P999(Scenario.LATENCY, "latency_p999_ms", "latency p99.9 @ fixed rate", "ms", false, null),
    AGGREGATE(Scenario.AGGREGATE, "aggregate_rows_per_s", "GROUP BY customer, SUM(amount)", "rows/s", true, null),
    WRITE_P50(Scenario.WRITE, "write_p50_ms", "single-row write p50", "ms", false, null),
    WRITE_P99(Scenario.WRITE, "write_p99_ms", "single-row write p99", "ms", false, null);

    private final Scenario scenario;
    private final String id;
    private final String title;
    private final String unit;
    private final boolean higherIsBetter;
    private final Target target;

    Metric(Scenario scenario, String id, String title, String unit, boolean higherIsBetter, Target target) {
        this.scenario = scenario;
        this.id = id;
        this.title = title;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.target = target;
    }

    public Scenario scenario() {
        return scenario;
    }

    /** Stable key in the JSON results. */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public String unit() {
        return unit;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The DESIGN.md §8 target on Runnel ÷ Kafka, or {@code null} where §8 sets none. */
    public Target target() {
        return target;
    }

    /** The verdict for a measured Runnel ÷ Kafka ratio. */
    public Verdict judge(Double ratio) {
        if (target == null) {
            return Verdict.NO_TARGET;
        }
        return target.judge(ratio);
    }
}
