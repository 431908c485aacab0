package io.runnel.bench.suite;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the recorded runs into one {@link MetricResult} per metric: pairs run {@code i} of Kafka
 * with run {@code i} of Runnel within each phase (warm-up and load runs never count), and applies
 * {@link PairStats} and the metric's target. Stateless.
 */
public final class Summarizer {
    private Summarizer() {}

    /**
     * @param unavailable why a side has no runs at all (e.g. Runnel not available), by side
     */
    public static List<MetricResult> summarize(List<RunRecord> runs, SuiteConfig config, Map<Side, String> unavailable) {
        List<MetricResult> results = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            if (!config.runs(metric.scenario())) {
                continue;
            }
            results.add(summarize(metric, runs, unavailable));
        }
        return results;
    }

    static MetricResult summarize(Metric metric, List<RunRecord> runs, Map<Side, String> unavailable) {
        // Pair key (phase, pair) in first-seen order → value per side.
        Map<String, Map<Side, RunRecord>> pairs = new LinkedHashMap<>();
        for (RunRecord run : runs) {
            if (run.warmup() || run.pair() < 1 || !Phase.valueOf(run.phase()).metrics().contains(metric)) {
                continue;
            }
            pairs.computeIfAbsent(run.phase() + "#" + run.pair(), k -> new EnumMap<>(Side.class))
                    .put(Side.valueOf(run.side()), run);
        }
        List<Double> kafka = new ArrayList<>();
        List<Double> runnel = new ArrayList<>();
        for (Map<Side, RunRecord> pair : pairs.values()) {
            kafka.add(value(pair.get(Side.KAFKA), metric));
            runnel.add(value(pair.get(Side.RUNNEL), metric));
        }
        PairStats stats = PairStats.of(kafka, runnel);
        Target target = metric.target();
        return new MetricResult(
                metric.id(),
                metric.title(),
                metric.scenario().cliName(),
                metric.unit(),
                metric.higherIsBetter() ? "higher" : "lower",
                stats.kafka(),
                stats.kafkaMedian(),
                stats.runnel(),
                stats.runnelMedian(),
                stats.pairRatios(),
                stats.medianRatio(),
                stats.ratioOfMedians(),
                target == null ? null : target.describe(),
                target == null ? null : "DESIGN.md §8: " + target.source(),
                metric.judge(stats.medianRatio()).label(),
                status(Side.KAFKA, metric, pairs, stats.kafka(), unavailable),
                status(Side.RUNNEL, metric, pairs, stats.runnel(), unavailable));
    }

    private static Double value(RunRecord run, Metric metric) {
        return run == null || !run.ok() ? null : run.metrics().get(metric.id());
    }

    private static String status(Side side, Metric metric, Map<String, Map<Side, RunRecord>> pairs, List<Double> values,
            Map<Side, String> unavailable) {
        if (unavailable.containsKey(side)) {
            return "not available: " + unavailable.get(side);
        }
        long present = values.stream().filter(Objects::nonNull).count();
        if (pairs.isEmpty()) {
            return "not run";
        }
        if (present == values.size()) {
            return "ok";
        }
        String firstProblem = pairs.values().stream()
                .map(p -> p.get(side))
                .filter(r -> value(r, metric) == null)
                .map(r -> r == null ? "did not run"
                        : r.error() != null ? r.error() : "no " + metric.id() + " in this run")
                .findFirst()
                .orElse("did not run");
        return (present == 0 ? "failed: " : "partial (" + present + " of " + values.size() + " runs): ") + firstProblem;
    }
}
