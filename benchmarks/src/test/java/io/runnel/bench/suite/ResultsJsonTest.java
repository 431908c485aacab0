package io.runnel.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.bench.suite.report.ResultTable;
import io.runnel.bench.suite.report.ResultsJson;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shape of the JSON results: what a later tool or a reader of benchmarks/results/ relies on. */
class ResultsJsonTest {

    @Test
    void topLevelShape() throws Exception {
        JsonNode json = ResultsJson.mapper().readTree(ResultsJson.toJson(
                TestResults.result(Path.of("/repo"), TestResults.sampleRuns(), TestResults.none())));
        assertThat(json.get("suite").asText()).isEqualTo("runnel-vs-kafka");
        assertThat(json.get("formatVersion").asInt()).isEqualTo(1);
        for (String field : new String[] {"mode", "startedAt", "finishedAt", "durationSeconds", "arguments", "config",
            "environment", "kafka", "runnel", "methods", "metrics", "runs", "notes"}) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.get("config").get("rowsPerRun").asLong()).isEqualTo(10_000_000);
        assertThat(json.get("config").get("kafkaJvmOptions").isArray()).isTrue();
        assertThat(json.get("methods").has("latency")).isTrue();
        assertThat(json.get("metrics").size()).isEqualTo(Metric.values().length);
    }

    @Test
    void metricShape() throws Exception {
        JsonNode json = ResultsJson.mapper().readTree(ResultsJson.toJson(
                TestResults.result(Path.of("/repo"), TestResults.sampleRuns(), TestResults.none())));
        JsonNode produce = json.get("metrics").get(0);
        assertThat(produce.get("id").asText()).isEqualTo("produce_acks1_rows_per_s");
        assertThat(produce.get("unit").asText()).isEqualTo("rows/s");
        assertThat(produce.get("better").asText()).isEqualTo("higher");
        assertThat(produce.get("kafkaRuns").size()).isEqualTo(2);
        assertThat(produce.get("runnelRuns").size()).isEqualTo(2);
        assertThat(produce.get("pairRatios").get(0).asDouble()).isEqualTo(1.6, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(produce.get("medianRatio").isNumber()).isTrue();
        assertThat(produce.get("target").asText()).isEqualTo("≥ 1.5×");
        assertThat(produce.get("targetSource").asText()).startsWith("DESIGN.md §8");
        assertThat(produce.get("verdict").asText()).isEqualTo("missed");
        JsonNode aggregate = json.get("metrics").get(json.get("metrics").size() - 1);
        assertThat(aggregate.get("target").isNull()).isTrue();
        assertThat(aggregate.get("verdict").asText()).isEqualTo("no target");
    }

    @Test
    void runShape() throws Exception {
        JsonNode run = ResultsJson.mapper().readTree(ResultsJson.toJson(
                TestResults.result(Path.of("/repo"), TestResults.sampleRuns(), TestResults.none()))).get("runs").get(1);
        assertThat(run.get("phase").asText()).isEqualTo("PRODUCE_ACKS_1");
        assertThat(run.get("side").asText()).isEqualTo("KAFKA");
        assertThat(run.get("pair").asInt()).isEqualTo(1);
        assertThat(run.get("warmup").asBoolean()).isFalse();
        assertThat(run.get("metrics").get("bytes_per_row").asDouble()).isEqualTo(18.0);
        assertThat(run.get("error").isNull()).isTrue();
    }

    @Test
    void unavailableRunnelIsExplainedInJsonAndTable() throws Exception {
        Map<Side, String> unavailable = new EnumMap<>(Side.class);
        unavailable.put(Side.RUNNEL, "the Runnel server has not landed in this checkout");
        var kafkaOnly = TestResults.sampleRuns().stream().filter(r -> r.side().equals("KAFKA")).toList();
        SuiteResult result = TestResults.result(Path.of("/repo"), kafkaOnly, unavailable);
        JsonNode json = ResultsJson.mapper().readTree(ResultsJson.toJson(result));
        assertThat(json.get("runnel").get("available").asBoolean()).isFalse();
        assertThat(json.get("runnel").get("reason").asText()).contains("has not landed");
        assertThat(json.get("metrics").get(0).get("runnelStatus").asText()).startsWith("not available:");
        assertThat(json.get("metrics").get(0).get("runnelMedian").isNull()).isTrue();

        String table = ResultTable.text(result);
        assertThat(table).contains("not available").contains("Runnel: not available — the Runnel server has not landed");
        assertThat(table).contains("1.10 M"); // Kafka's median of 1.0M and 1.2M
        assertThat(ResultTable.markdown(result)).contains("| produce, acks=1 | rows/s | 1.10 M |");
    }
}
