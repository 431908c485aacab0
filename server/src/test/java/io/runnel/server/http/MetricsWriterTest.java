package io.runnel.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.local.LocalEngine;
import io.runnel.engine.Acks;
import io.runnel.sql.SqlLayerConfig;
import io.runnel.sql.meta.RunnelMeta;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.Meta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics is valid Prometheus text with the families operations.md lists. */
class MetricsWriterTest {
    private static final Pattern SAMPLE = Pattern.compile("[a-z_]+(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*})? -?\\d+");

    @Test
    void everyLineIsACommentOrASample(@TempDir Path dir) {
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir));
                RunnelMeta meta = new RunnelMeta(engine, SqlLayerConfig.DEFAULTS, System::currentTimeMillis)) {
            Meta.ConnectionHandle ch = new Meta.ConnectionHandle("c1");
            meta.openConnection(ch, Map.of("acks", Acks.LEADER.text()));
            Meta.StatementHandle h = meta.createStatement(ch);
            try {
                meta.prepareAndExecute(h, "CREATE TOPIC \"my-topic.v2\" (a INTEGER) WITH (partitions = 2)", -1, -1, null);
                meta.prepareAndExecute(h, "INSERT INTO \"my-topic.v2\" VALUES (1), (2)", -1, -1, null);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            String text = new MetricsWriter(engine, meta).write();
            for (String line : text.split("\n")) {
                assertThat(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || SAMPLE.matcher(line).matches())
                        .as(line).isTrue();
            }
            assertThat(text).contains("runnel_produced_rows_total 2\n", "runnel_connections 1\n",
                    "runnel_partition_size_bytes{topic=\"my-topic.v2\",partition=\"0\"}", "jvm_memory_used_bytes{area=\"heap\"}",
                    "runnel_running_queries{kind=\"unbounded\"} 0");
            for (String family : List.of("runnel_fetched_rows_total", "runnel_produced_bytes_total", "runnel_statements_total",
                    "runnel_partition_high_watermark", "jvm_threads_live")) {
                assertThat(text).contains("# TYPE " + family + " ");
            }
        }
    }
}
