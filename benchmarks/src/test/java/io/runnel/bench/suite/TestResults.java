package io.runnel.bench.suite;

import io.runnel.bench.suite.kafka.KafkaBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-made run records and results for tests that need no server. */
final class TestResults {
    private TestResults() {}

    static SuiteConfig config(Path root) {
        return SuiteConfig.full(new SuiteConfig.Paths(root, root.resolve("results"), root.resolve("work"), null, null,
                false, KafkaBroker.DEFAULT_JVM_OPTIONS, null, 60));
    }

    static RunRecord run(Phase phase, Side side, int pair, Map<String, Double> metrics) {
        return new RunRecord(phase.name(), side.name(), pair, phase == Phase.WARMUP, phase.title(), "t", "2026-01-01T00:00:00Z",
                1.0, metrics, Map.of(), null);
    }

    static RunRecord failed(Phase phase, Side side, int pair, String error) {
        return new RunRecord(phase.name(), side.name(), pair, false, phase.title(), "t", "2026-01-01T00:00:00Z", 1.0,
                Map.of(), Map.of(), error);
    }

    /** Two produce acks=1 pairs (Kafka 1.0M/1.2M, Runnel 1.6M/1.5M) with bytes, one failed consume, a warm-up. */
    static List<RunRecord> sampleRuns() {
        List<RunRecord> runs = new ArrayList<>();
        runs.add(run(Phase.WARMUP, Side.KAFKA, 0, Map.of(Metric.PRODUCE_ACKS_1.id(), 1.0)));
        runs.add(run(Phase.PRODUCE_ACKS_1, Side.KAFKA, 1, Map.of(Metric.PRODUCE_ACKS_1.id(), 1.0e6, Metric.BYTES_PER_ROW.id(), 18.0)));
        runs.add(run(Phase.PRODUCE_ACKS_1, Side.RUNNEL, 1, Map.of(Metric.PRODUCE_ACKS_1.id(), 1.6e6, Metric.BYTES_PER_ROW.id(), 8.0)));
        runs.add(run(Phase.PRODUCE_ACKS_1, Side.KAFKA, 2, Map.of(Metric.PRODUCE_ACKS_1.id(), 1.2e6, Metric.BYTES_PER_ROW.id(), 18.0)));
        runs.add(run(Phase.PRODUCE_ACKS_1, Side.RUNNEL, 2, Map.of(Metric.PRODUCE_ACKS_1.id(), 1.5e6, Metric.BYTES_PER_ROW.id(), 10.0)));
        runs.add(run(Phase.PRODUCE_ACKS_ALL, Side.KAFKA, 1, Map.of(Metric.PRODUCE_ACKS_ALL.id(), 0.9e6, Metric.BYTES_PER_ROW.id(), 18.0)));
        runs.add(run(Phase.PRODUCE_ACKS_ALL, Side.RUNNEL, 1, Map.of(Metric.PRODUCE_ACKS_ALL.id(), 0.9e6, Metric.BYTES_PER_ROW.id(), 9.0)));
        runs.add(run(Phase.CONSUME, Side.KAFKA, 1, Map.of(Metric.CONSUME.id(), 3.0e6)));
        runs.add(failed(Phase.CONSUME, Side.RUNNEL, 1, "SQLException [SQLSTATE 0A000]: EMIT CHANGES is not supported yet"));
        runs.add(run(Phase.WRITE, Side.KAFKA, 1, Map.of(Metric.WRITE_P50.id(), 1.0, Metric.WRITE_P99.id(), 10.0)));
        runs.add(run(Phase.WRITE, Side.RUNNEL, 1, Map.of(Metric.WRITE_P50.id(), 2.0, Metric.WRITE_P99.id(), 5.0)));
        return runs;
    }

    static SuiteResult result(Path root, List<RunRecord> runs, Map<Side, String> unavailable) {
        SuiteConfig config = config(root);
        Map<String, Object> kafka = new LinkedHashMap<>();
        kafka.put("available", true);
        kafka.put("version", "4.3.1");
        Map<String, Object> runnel = new LinkedHashMap<>();
        runnel.put("available", !unavailable.containsKey(Side.RUNNEL));
        if (unavailable.containsKey(Side.RUNNEL)) {
            runnel.put("reason", unavailable.get(Side.RUNNEL));
        }
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("git", Map.of("commit", "0123456789abcdef", "dirty", false));
        return new SuiteResult(SuiteResult.SUITE, SuiteResult.FORMAT_VERSION, config.mode(), "2026-01-01T00:00:00Z",
                "2026-01-01T00:10:00Z", 600.0, List.of(), config.toJson(), env, kafka, runnel, Methods.describe(config),
                Summarizer.summarize(runs, config, unavailable), runs, List.of());
    }

    static Map<Side, String> none() {
        return new EnumMap<>(Side.class);
    }
}
