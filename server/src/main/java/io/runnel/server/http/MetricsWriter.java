package io.runnel.server.http;

import io.runnel.engine.Engine;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.TopicInfo;
import io.runnel.sql.meta.RunnelMeta;
import io.runnel.sql.exec.SqlMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Locale;

/**
 * Writes the server's metrics in the Prometheus text exposition format (version 0.0.4): counters
 * end in {@code _total}, labels are quoted and escaped, every family has its HELP and TYPE lines.
 *
 * <p>Stateless and thread-safe: each call reads the current values.
 */
public final class MetricsWriter {
    private final Engine engine;
    private final RunnelMeta meta;

    public MetricsWriter(Engine engine, RunnelMeta meta) {
        this.engine = engine;
        this.meta = meta;
    }

    public String write() {
        StringBuilder out = new StringBuilder(4096);
        SqlMetrics m = meta.metrics();
        counter(out, "runnel_produced_rows_total", "Rows written by INSERT statements and batches.", m.producedRows.sum());
        counter(out, "runnel_produced_bytes_total", "Bytes of batches written by INSERT statements and batches.",
                m.producedBytes.sum());
        counter(out, "runnel_fetched_rows_total", "Rows returned to clients.", m.fetchedRows.sum());
        counter(out, "runnel_data_path_rows_total", "Rows written through the driver's data path (client-built batches).",
                m.dataPathRows.sum());
        counter(out, "runnel_data_path_requests_total", "Produce requests of the driver's data path.",
                m.dataPathRequests.sum());
        counter(out, "runnel_duplicate_batches_total",
                "Idempotent producers' batches this broker, as leader, found already stored and did not store again.",
                engine.duplicateBatches());
        counter(out, "runnel_idempotent_retries_total",
                "Idempotent produces this broker resent to a partition's new leader after an unknown outcome.",
                engine.idempotentRetries());
        counter(out, "runnel_statements_total", "Statements executed.", m.statements.sum());
        header(out, "runnel_statement_errors_total", "Statements that failed, by SQLSTATE class.", "counter");
        sample(out, "runnel_statement_errors_total", "class=\"syntax_or_access\"", m.syntaxErrors.sum());
        sample(out, "runnel_statement_errors_total", "class=\"data\"", m.dataErrors.sum());
        sample(out, "runnel_statement_errors_total", "class=\"other\"", m.otherErrors.sum());
        counter(out, "runnel_connections_opened_total", "Client connections opened.", m.connectionsOpened.sum());
        counter(out, "runnel_connections_expired_total", "Client connections closed for being idle.",
                m.connectionsExpired.sum());
        counter(out, "runnel_group_sessions_expired_total",
                "Consumer-group members removed for making no request within group_session_timeout_ms.",
                m.groupSessionsExpired.sum());
        gauge(out, "runnel_connections", "Open client connections.", meta.connectionCount());
        header(out, "runnel_running_queries", "Queries running now, by kind.", "gauge");
        int streaming = meta.queries().streamingCount();
        sample(out, "runnel_running_queries", "kind=\"bounded\"", meta.queries().runningCount() - streaming);
        sample(out, "runnel_running_queries", "kind=\"unbounded\"", streaming);

        List<TopicInfo> topics = engine.topics();
        gauge(out, "runnel_topics", "User topics.", topics.size());
        header(out, "runnel_partition_size_bytes", "Bytes of a partition's log on disk.", "gauge");
        StringBuilder hw = new StringBuilder();
        StringBuilder start = new StringBuilder();
        for (TopicInfo t : topics) {
            List<PartitionStatus> partitions;
            try {
                partitions = engine.partitionStatus(t.name());
            } catch (RuntimeException e) {
                continue;
            }
            for (PartitionStatus p : partitions) {
                String labels = "topic=\"" + escape(t.name()) + "\",partition=\"" + p.partition() + "\"";
                sample(out, "runnel_partition_size_bytes", labels, p.sizeBytes());
                sample(hw, "runnel_partition_high_watermark", labels, p.highWatermark());
                sample(start, "runnel_partition_log_start_offset", labels, p.logStartOffset());
            }
        }
        header(out, "runnel_partition_high_watermark", "A partition's high watermark (next offset readers may see).", "gauge");
        out.append(hw);
        header(out, "runnel_partition_log_start_offset", "A partition's oldest retained offset.", "gauge");
        out.append(start);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        header(out, "jvm_memory_used_bytes", "JVM memory in use.", "gauge");
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        sample(out, "jvm_memory_used_bytes", "area=\"heap\"", heap.getUsed());
        sample(out, "jvm_memory_used_bytes", "area=\"nonheap\"", nonHeap.getUsed());
        header(out, "jvm_memory_committed_bytes", "JVM memory committed by the OS.", "gauge");
        sample(out, "jvm_memory_committed_bytes", "area=\"heap\"", heap.getCommitted());
        sample(out, "jvm_memory_committed_bytes", "area=\"nonheap\"", nonHeap.getCommitted());
        header(out, "jvm_memory_max_bytes", "Most memory the JVM may use (-1: no limit).", "gauge");
        sample(out, "jvm_memory_max_bytes", "area=\"heap\"", heap.getMax());
        gauge(out, "jvm_threads_live", "Live JVM threads.", ManagementFactory.getThreadMXBean().getThreadCount());
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "counter");
        sample(out, name, null, value);
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "gauge");
        sample(out, name, null, value);
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name);
        if (labels != null) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(String.format(Locale.ROOT, "%d", value)).append('\n');
    }

    static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
