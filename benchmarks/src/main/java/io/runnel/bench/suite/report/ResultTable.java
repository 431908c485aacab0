package io.runnel.bench.suite.report;

import io.runnel.bench.suite.Format;
import io.runnel.bench.suite.Metric;
import io.runnel.bench.suite.MetricResult;
import io.runnel.bench.suite.SuiteResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results as a text table (console) and as Markdown (docs/performance.md). Stateless. */
public final class ResultTable {
    private static final String[] HEADER = {
        "metric", "unit", "Kafka", "spread", "Runnel", "spread", "Runnel÷Kafka", "per pair", "target", "verdict"
    };

    /** Average cores used by other processes during a run above which the run is flagged. */
    static final double DISTURBED_CORES = 0.2;

    private ResultTable() {}

    /** The rows of the table, header first. */
    static List<String[]> rows(SuiteResult result) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (MetricResult m : result.metrics()) {
            Metric metric = metricOf(m);
            rows.add(new String[] {
                m.title(),
                m.unit(),
                Format.value(metric, m.kafkaMedian()),
                Format.spread(m.kafkaRuns(), m.kafkaMedian()),
                m.runnelMedian() == null ? (m.runnelStatus().startsWith("not available") ? "not available" : "failed")
                        : Format.value(metric, m.runnelMedian()),
                Format.spread(m.runnelRuns(), m.runnelMedian()),
                Format.ratio(m.medianRatio()),
                Format.ratios(m.pairRatios()),
                m.target() == null ? "—" : m.target(),
                m.verdict()
            });
        }
        return rows;
    }

    /** A plain-text table with a heading and the notes that explain empty cells. */
    public static String text(SuiteResult result) {
        List<String[]> rows = rows(result);
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(heading(result)).append('\n');
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= 2 && i <= 6;
                String cell = numeric && r > 0 ? pad(row[i], widths[i], true) : pad(row[i], widths[i], false);
                line.append(cell).append(i < row.length - 1 ? "  " : "");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                int total = Arrays.stream(widths).sum() + 2 * (widths.length - 1);
                sb.append("-".repeat(total)).append('\n');
            }
        }
        footnotes(result).forEach(n -> sb.append(n).append('\n'));
        environment(result).forEach(n -> sb.append("  ").append(n).append('\n'));
        return sb.toString();
    }

    /** The same table in Markdown. */
    public static String markdown(SuiteResult result) {
        StringBuilder sb = new StringBuilder();
        sb.append(heading(result)).append("\n\n");
        List<String[]> rows = rows(result);
        for (int r = 0; r < rows.size(); r++) {
            sb.append("| ").append(String.join(" | ", rows.get(r))).append(" |\n");
            if (r == 0) {
                sb.append("|").append(" --- |".repeat(HEADER.length)).append('\n');
            }
        }
        sb.append('\n');
        footnotes(result).forEach(n -> sb.append("- ").append(n.replaceFirst("^\\* ", "")).append('\n'));
        environment(result).forEach(n -> sb.append("- ").append(n).append('\n'));
        return sb.toString();
    }

    /** Machine, JVMs (versions and flags) and load: what a reader needs to weigh the figures. */
    @SuppressWarnings("unchecked")
    static List<String> environment(SuiteResult result) {
        List<String> lines = new ArrayList<>();
        Map<String, Object> env = result.environment();
        Map<String, Object> machine = (Map<String, Object>) env.getOrDefault("machine", Map.of());
        lines.add(String.format(Locale.ROOT, "machine: %s cores, %s, %s; load average %s at start, %s at end",
                machine.get("cores"), machine.get("cpu"), machine.get("os"), machine.get("loadAverageAtStart"),
                machine.get("loadAverageAtEnd")));
        Map<String, Object> client = (Map<String, Object>) env.getOrDefault("clientJvm", Map.of());
        lines.add("clients' JVM (both sides' clients, one run at a time): Java " + client.get("javaVersion") + ", flags "
                + client.get("flags"));
        Map<String, Object> kafkaJvm = (Map<String, Object>) result.kafka().getOrDefault("brokerJvm", Map.of());
        if (!kafkaJvm.isEmpty()) {
            lines.add("Kafka " + result.kafka().get("version") + " broker JVM: " + kafkaJvm.get("javaVersion") + ", flags "
                    + kafkaJvm.get("flags"));
        }
        Map<String, Object> runnelJvm = (Map<String, Object>) result.runnel().getOrDefault("serverJvm", Map.of());
        if (!runnelJvm.isEmpty()) {
            lines.add("Runnel " + result.runnel().get("version") + " server JVM: " + runnelJvm.get("javaVersion")
                    + ", flags " + runnelJvm.get("flags"));
        }
        return lines;
    }

    static String heading(SuiteResult result) {
        Map<String, Object> config = result.config();
        Object version = result.kafka().getOrDefault("version", "?");
        @SuppressWarnings("unchecked")
        Map<String, Object> git = (Map<String, Object>) result.environment().getOrDefault("git", Map.of());
        Object commit = git.get("commit");
        String shortCommit = commit == null ? "unknown" : commit.toString().substring(0, Math.min(10, commit.toString().length()))
                + (Boolean.TRUE.equals(git.get("dirty")) ? "+dirty" : "");
        return String.format(Locale.ROOT,
                "Runnel vs Apache Kafka %s — %s run, %,d rows per run, %s pair(s), %s partition(s); %s, commit %s, %.0f s",
                version, result.mode(), ((Number) config.get("rowsPerRun")).longValue(), config.get("pairs"),
                config.get("partitions"), result.startedAt(), shortCommit, result.durationSeconds());
    }

    static List<String> footnotes(SuiteResult result) {
        List<String> notes = new ArrayList<>();
        notes.add("* Medians of the measured runs (warm-up excluded); spread = half the range ÷ median; Runnel÷Kafka ="
                + " median of the per-pair ratios; targets from DESIGN.md §8 (bytes and latency: lower is better).");
        if (Boolean.FALSE.equals(result.runnel().get("available"))) {
            notes.add("* Runnel: not available — " + result.runnel().get("reason"));
        }
        if (Boolean.FALSE.equals(result.kafka().get("available"))) {
            notes.add("* Kafka: not available — " + result.kafka().get("reason"));
        }
        for (MetricResult m : result.metrics()) {
            if (!m.kafkaStatus().equals("ok") && !m.kafkaStatus().startsWith("not available")) {
                notes.add("* " + m.title() + ", Kafka " + m.kafkaStatus());
            }
            if (!m.runnelStatus().equals("ok") && !m.runnelStatus().startsWith("not available")) {
                notes.add("* " + m.title() + ", Runnel " + m.runnelStatus());
            }
        }
        long measured = result.runs().stream().filter(r -> !r.warmup()).count();
        long disturbed = result.runs().stream()
                .filter(r -> !r.warmup() && r.details().get("otherCpuCores") instanceof Number n
                        && n.doubleValue() > DISTURBED_CORES)
                .count();
        if (disturbed > 0) {
            notes.add(String.format(Locale.ROOT, "* %d of %d measured runs shared the machine with other work (more than"
                    + " %.2f cores busy outside the suite and its servers; runs[].details.otherCpuCores): treat their"
                    + " figures with care.", disturbed, measured, DISTURBED_CORES));
        }
        result.notes().forEach(n -> notes.add("* " + n));
        return notes;
    }

    private static Metric metricOf(MetricResult m) {
        for (Metric metric : Metric.values()) {
            if (metric.id().equals(m.id())) {
                return metric;
            }
        }
        throw new IllegalArgumentException("unknown metric " + m.id());
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
