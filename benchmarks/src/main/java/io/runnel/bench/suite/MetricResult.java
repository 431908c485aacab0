package io.runnel.bench.suite;

import java.util.List;

/**
 * The summary of one metric over a suite run, as it goes into the table, the chart and the JSON.
 *
 * @param kafkaRuns Kafka's value per pair (null where the run failed)
 * @param runnelRuns Runnel's value per pair (null where it failed or did not run)
 * @param pairRatios Runnel ÷ Kafka per pair
 * @param medianRatio median of {@code pairRatios}: what the verdict judges
 * @param ratioOfMedians Runnel's median ÷ Kafka's median, for comparison
 * @param target the DESIGN.md §8 target on Runnel ÷ Kafka, e.g. "≥ 1.5×", or null
 * @param kafkaStatus "ok", or why Kafka has no (or partial) figures
 * @param runnelStatus "ok", or why Runnel has no (or partial) figures ("not available: …")
 */
public record MetricResult(
        String id,
        String title,
        String scenario,
        String unit,
        String better,
        List<Double> kafkaRuns,
        Double kafkaMedian,
        List<Double> runnelRuns,
        Double runnelMedian,
        List<Double> pairRatios,
        Double medianRatio,
        Double ratioOfMedians,
        String target,
        String targetSource,
        String verdict,
        String kafkaStatus,
        String runnelStatus) {}
