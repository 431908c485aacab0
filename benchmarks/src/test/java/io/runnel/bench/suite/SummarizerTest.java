package io.runnel.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummarizerTest {
    private final Path root = Path.of("/repo");

    private MetricResult metric(List<MetricResult> results, Metric metric) {
        return results.stream().filter(r -> r.id().equals(metric.id())).findFirst().orElseThrow();
    }

    @Test
    void pairsRunsWithinAPhaseAndExcludesWarmUp() {
        List<MetricResult> results = Summarizer.summarize(TestResults.sampleRuns(), TestResults.config(root), TestResults.none());
        MetricResult produce = metric(results, Metric.PRODUCE_ACKS_1);
        assertThat(produce.kafkaRuns()).containsExactly(1.0e6, 1.2e6); // the warm-up's 1.0 is not there
        assertThat(produce.runnelRuns()).containsExactly(1.6e6, 1.5e6);
        assertThat(produce.pairRatios().get(0)).isCloseTo(1.6, within(1e-12));
        assertThat(produce.pairRatios().get(1)).isCloseTo(1.25, within(1e-12));
        assertThat(produce.medianRatio()).isCloseTo(1.425, within(1e-12));
        assertThat(produce.verdict()).isEqualTo("missed"); // 1.425 < 1.5
        assertThat(produce.kafkaStatus()).isEqualTo("ok");
    }

    @Test
    void bytesPerRowPairsEveryProduceRun() {
        MetricResult bytes = metric(Summarizer.summarize(TestResults.sampleRuns(), TestResults.config(root),
                TestResults.none()), Metric.BYTES_PER_ROW);
        // Pairs: acks=1 #1 (8/18), acks=1 #2 (10/18), acks=all #1 (9/18) → median 9/18 = 0.5.
        assertThat(bytes.kafkaRuns()).containsExactly(18.0, 18.0, 18.0);
        assertThat(bytes.runnelRuns()).containsExactly(8.0, 10.0, 9.0);
        assertThat(bytes.medianRatio()).isCloseTo(0.5, within(1e-12));
        assertThat(bytes.verdict()).isEqualTo("met");
        assertThat(bytes.better()).isEqualTo("lower");
    }

    @Test
    void aFailedRunnelRunSaysWhy() {
        MetricResult consume = metric(Summarizer.summarize(TestResults.sampleRuns(), TestResults.config(root),
                TestResults.none()), Metric.CONSUME);
        assertThat(consume.kafkaMedian()).isEqualTo(3.0e6);
        assertThat(consume.runnelMedian()).isNull();
        assertThat(consume.verdict()).isEqualTo("n/a");
        assertThat(consume.runnelStatus()).startsWith("failed: SQLException [SQLSTATE 0A000]");
    }

    @Test
    void runnelNotAvailableIsReportedAsSuch() {
        List<RunRecord> kafkaOnly = TestResults.sampleRuns().stream().filter(r -> r.side().equals("KAFKA")).toList();
        Map<Side, String> unavailable = new EnumMap<>(Side.class);
        unavailable.put(Side.RUNNEL, "no ./runnel launcher");
        List<MetricResult> results = Summarizer.summarize(kafkaOnly, TestResults.config(root), unavailable);
        for (MetricResult m : results) {
            assertThat(m.runnelStatus()).isEqualTo("not available: no ./runnel launcher");
            assertThat(m.runnelMedian()).isNull();
            assertThat(m.verdict()).isIn("n/a", "no target");
        }
        assertThat(metric(results, Metric.LATENCY_P99).kafkaStatus()).isEqualTo("not run");
        assertThat(results).hasSize(Metric.values().length);
    }
}
