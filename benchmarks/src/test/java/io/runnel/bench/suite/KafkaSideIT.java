package io.runnel.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.bench.suite.kafka.KafkaBroker;
import io.runnel.bench.suite.report.RatioChart;
import io.runnel.bench.suite.report.ResultTable;
import io.runnel.bench.suite.report.ResultsJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole suite on its Kafka side, end to end, in the tiny mode (20k rows, one pair): resolves
 * the broker's class path if needed, formats storage, starts a real Kafka broker JVM on ephemeral
 * ports, runs every scenario, stops the broker — and checks the broker process is gone. About
 * 30–60 s on a 2-core machine (plus a one-off download of Kafka's jars on a fresh machine).
 */
class KafkaSideIT {

    @Test
    @Timeout(300)
    void tinyKafkaOnlyRunMeasuresEveryScenarioAndStopsTheBroker() throws Exception {
        Path repoRoot = BenchSuite.findRepoRoot(Path.of("").toAbsolutePath());
        Path target = repoRoot.resolve("benchmarks/target");
        Path work = Files.createDirectories(target.resolve("it-work"));
        SuiteConfig config = SuiteConfig.tiny(new SuiteConfig.Paths(repoRoot, target.resolve("it-results"), work, null,
                target.resolve("it-servers.pids"), false, KafkaBroker.DEFAULT_JVM_OPTIONS, null, 60));
        config = new SuiteConfig(config.mode(), config.rows(), config.pairs(), config.warmupRows(), config.latencyRate(),
                config.latencySeconds(), config.latencyWarmupSeconds(), config.partitions(), config.seed(),
                config.scenarios(), config.runTimeoutSeconds(), true, config.paths());

        ByteArrayOutputStream progressOut = new ByteArrayOutputStream();
        SuiteRunner.Outcome outcome;
        try (Progress progress = new Progress(new PrintStream(progressOut, true, StandardCharsets.UTF_8), false)) {
            outcome = new SuiteRunner(config, progress).run(List.of("--tiny", "--kafka-only"));
        }
        String log = progressOut.toString(StandardCharsets.UTF_8);
        SuiteResult result = outcome.result();

        assertThat(outcome.exitCode()).as(log).isZero();
        assertThat(result.kafka().get("available")).isEqualTo(true);
        assertThat(result.kafka().get("version")).isEqualTo("4.3.1");
        assertThat(result.runnel().get("available")).isEqualTo(false);
        assertThat(result.runs()).as(log).allMatch(RunRecord::ok);
        for (MetricResult m : result.metrics()) {
            assertThat(m.kafkaMedian()).as(m.id() + "\n" + log).isNotNull().isPositive();
            assertThat(m.kafkaStatus()).isEqualTo("ok");
            assertThat(m.runnelStatus()).isEqualTo("not available: skipped (--kafka-only)");
            assertThat(m.verdict()).isIn("n/a", "no target");
        }
        MetricResult bytes = result.metrics().stream().filter(m -> m.id().equals(Metric.BYTES_PER_ROW.id())).findFirst()
                .orElseThrow();
        assertThat(bytes.kafkaMedian()).as("zstd-compressed ~52-byte values").isBetween(5.0, 40.0);
        assertThat(log).contains("== produce acks=1").contains("Kafka pair 1/1");

        // The broker is gone, and so is its data.
        assertThat(outcome.serverPids()).hasSize(1);
        for (long pid : outcome.serverPids()) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("broker pid " + pid).isFalse();
        }
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("runnel-bench-"))).isEmpty();
        }

        // The outputs a user gets render from this result.
        Path json = target.resolve("it-results/tiny.json");
        ResultsJson.write(result, json);
        assertThat(ResultsJson.mapper().readTree(json.toFile()).get("metrics").size()).isEqualTo(Metric.values().length);
        RatioChart.write(result, target.resolve("it-results/tiny.png"));
        assertThat(ResultTable.text(result)).contains("Runnel vs Apache Kafka 4.3.1");
    }
}
