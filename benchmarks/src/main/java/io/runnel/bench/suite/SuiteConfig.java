package io.runnel.bench.suite;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The sizes and switches of one suite run. {@link #full()} is sized to finish in about ten minutes
 * on a 2-core machine with both sides, {@link #quick()} in about one; {@link #tiny()} is for the
 * integration test.
 *
 * @param mode "full", "quick", "tiny", or one of those followed by " (custom)" once overridden
 * @param rows rows per produce run; the consume, projected and aggregate runs read that many
 * @param pairs measured pairs (Kafka run, Runnel run) per phase
 * @param warmupRows rows of each side's warm-up, excluded from every figure
 * @param latencyRate rows per second of the latency runs
 * @param latencySeconds length of one measured latency run
 * @param latencyWarmupSeconds length of each side's warm-up latency run
 * @param partitions partitions of every topic, on both sides
 * @param seed seed of the dataset
 * @param scenarios the scenarios to run
 * @param runTimeoutSeconds time limit of one run (then it is aborted and recorded as failed)
 * @param kafkaOnly skip Runnel even if it is available
 */
public record SuiteConfig(
        String mode,
        int rows,
        int pairs,
        int warmupRows,
        int latencyRate,
        double latencySeconds,
        double latencyWarmupSeconds,
        int partitions,
        long seed,
        Set<Scenario> scenarios,
        long runTimeoutSeconds,
        boolean kafkaOnly,
        Paths paths) {

    /**
     * Where things are and how servers start.
     *
     * @param repoRoot the repository (for ./runnel, ./mvnw and the Kafka broker POM)
     * @param resultsDir where the JSON, Markdown table and chart of each run go
     * @param workDir parent of the run's temporary directory (servers' data and logs)
     * @param publishChartTo where to copy the chart for docs/performance.md, or null
     * @param pidFile where to list the servers' pids for the launcher script, or null
     * @param keepData keep the temporary directory after the run
     * @param kafkaJvmOptions JVM options of the Kafka broker
     * @param runnelOpts RUNNEL_OPTS for the Runnel server, or null to inherit the environment
     * @param runnelStartTimeoutSeconds how long ./runnel may take to print its ready line
     */
    public record Paths(
            Path repoRoot,
            Path resultsDir,
            Path workDir,
            Path publishChartTo,
            Path pidFile,
            boolean keepData,
            List<String> kafkaJvmOptions,
            String runnelOpts,
            long runnelStartTimeoutSeconds) {}

    public static final int DEFAULT_LATENCY_RATE = 20_000;

    public SuiteConfig {
        require(rows >= 1, "rows must be positive");
        require(pairs >= 1, "pairs must be at least 1");
        require(warmupRows >= 1, "warm-up rows must be positive");
        require(latencyRate >= 1, "latency rate must be positive");
        require(latencySeconds > 0 && latencyWarmupSeconds > 0, "latency seconds must be positive");
        require(partitions >= 1, "partitions must be at least 1");
        require(!scenarios.isEmpty(), "no scenario selected");
        scenarios = Set.copyOf(EnumSet.copyOf(scenarios));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** About 10 minutes with both sides on 2 cores: 10M rows, 3 pairs, 15 s latency runs. */
    public static SuiteConfig full(Paths paths) {
        return new SuiteConfig("full", 10_000_000, 3, 2_000_000, DEFAULT_LATENCY_RATE, 15, 5, 1, 42,
                EnumSet.allOf(Scenario.class), 600, false, paths);
    }

    /** About a minute: 1M rows, one pair, 5 s latency runs. */
    public static SuiteConfig quick(Paths paths) {
        return new SuiteConfig("quick", 1_000_000, 1, 500_000, DEFAULT_LATENCY_RATE, 5, 2, 1, 42,
                EnumSet.allOf(Scenario.class), 300, false, paths);
    }

    /** For the integration test: 20k rows, one pair, 1 s latency runs. */
    public static SuiteConfig tiny(Paths paths) {
        return new SuiteConfig("tiny", 20_000, 1, 20_000, DEFAULT_LATENCY_RATE, 1, 0.5, 1, 42,
                EnumSet.allOf(Scenario.class), 120, false, paths);
    }

    /** Rows the dataset must hold: enough for the biggest run of any phase. */
    public int datasetRows() {
        long latencyRows = Math.round(latencyRate * Math.max(latencySeconds, latencyWarmupSeconds));
        return (int) Math.max(Math.max(rows, warmupRows), latencyRows);
    }

    /** Synchronous single-row writes per write-latency run: 2,000 in a full or quick run, fewer for small runs. */
    public int singleWrites() {
        return Math.max(100, Math.min(2_000, rows / 500));
    }

    public boolean runs(Scenario scenario) {
        return scenarios.contains(scenario);
    }

    /** For the JSON results. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode);
        m.put("rowsPerRun", rows);
        m.put("pairs", pairs);
        m.put("warmupRows", warmupRows);
        m.put("latencyRatePerSecond", latencyRate);
        m.put("latencySecondsPerRun", latencySeconds);
        m.put("latencyWarmupSeconds", latencyWarmupSeconds);
        m.put("singleWritesPerRun", singleWrites());
        m.put("partitions", partitions);
        m.put("seed", seed);
        m.put("scenarios", scenarios.stream().sorted().map(Scenario::cliName).collect(Collectors.toList()));
        m.put("runTimeoutSeconds", runTimeoutSeconds);
        m.put("kafkaOnly", kafkaOnly);
        m.put("kafkaJvmOptions", paths.kafkaJvmOptions());
        m.put("runnelOpts", paths.runnelOpts());
        return m;
    }

    public SuiteConfig withMode(String newMode) {
        return new SuiteConfig(newMode, rows, pairs, warmupRows, latencyRate, latencySeconds, latencyWarmupSeconds,
                partitions, seed, scenarios, runTimeoutSeconds, kafkaOnly, paths);
    }
}
