package io.runnel.bench.suite;

import java.util.List;

/** A step of a suite run, and the metrics its measured runs yield. Runs are recorded per phase. */
public enum Phase {
    WARMUP("warm-up", List.of()),
    PRODUCE_ACKS_1("produce acks=1", List.of(Metric.PRODUCE_ACKS_1, Metric.BYTES_PER_ROW)),
    PRODUCE_ACKS_ALL("produce acks=all", List.of(Metric.PRODUCE_ACKS_ALL, Metric.BYTES_PER_ROW)),
    /** Writes the data topic, untimed, when the produce phase did not run. */
    LOAD("load", List.of()),
    CONSUME("consume", List.of(Metric.CONSUME)),
    PROJECTED("projected consume", List.of(Metric.PROJECTED_CONSUME)),
    AGGREGATE("aggregate", List.of(Metric.AGGREGATE)),
    LATENCY("latency", List.of(Metric.LATENCY_P50, Metric.LATENCY_P99, Metric.LATENCY_P999)),
    WRITE("single-row write", List.of(Metric.WRITE_P50, Metric.WRITE_P99));

    private final String title;
    private final List<Metric> metrics;

    Phase(String title, List<Metric> metrics) {
        this.title = title;
        this.metrics = metrics;
    }

    public String title() {
        return title;
    }

    public List<Metric> metrics() {
        return metrics;
    }
}
