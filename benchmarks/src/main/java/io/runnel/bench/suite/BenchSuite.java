package io.runnel.bench.suite;

import io.runnel.bench.suite.kafka.KafkaBroker;
import io.runnel.bench.suite.report.RatioChart;
import io.runnel.bench.suite.report.ResultTable;
import io.runnel.bench.suite.report.ResultsJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code benchmarks/bench.sh}: Runnel and Apache Kafka side by side on this machine — one command,
 * a table of ratios against the targets of DESIGN.md §8, JSON results and a PNG chart.
 */
@Command(
        name = "bench.sh",
        mixinStandardHelpOptions = true,
        version = "Runnel vs Apache Kafka side-by-side suite, results format " + SuiteResult.FORMAT_VERSION,
        sortOptions = false,
        description = {
            "Runs Runnel and Apache Kafka side by side on this machine and prints a table of Runnel ÷ Kafka ratios"
                    + " against the targets of DESIGN.md §8.",
            "Starts a real Kafka broker (KRaft, one node, 127.0.0.1) and, if this checkout has one, a Runnel server,"
                    + " each in its own JVM, and stops both at the end whatever happens.",
            "Writes benchmarks/results/<timestamp>-<mode>.{json,md,png}; a default full run also copies the chart to"
                    + " docs/images/runnel-vs-kafka.png.",
            ""
        })
public final class BenchSuite implements Callable<Integer> {
    static final String PUBLISHED_CHART = "docs/images/runnel-vs-kafka.png";

    @Option(names = "--quick", description = "about a minute: 1M rows, one pair, 5 s latency runs")
    boolean quick;

    @Option(names = "--only", paramLabel = "SCENARIOS",
            description = "comma-separated subset of: produce,consume,projected,bytes,latency,aggregate (default: all)")
    String only;

    @Option(names = "--rows", paramLabel = "N", description = "rows per produce/consume/aggregate run (full: 10,000,000)")
    Integer rows;

    @Option(names = "--pairs", paramLabel = "N", description = "measured Kafka/Runnel pairs per phase (full: 3)")
    Integer pairs;

    @Option(names = "--warmup-rows", paramLabel = "N", description = "rows of each side's warm-up (full: 2,000,000)")
    Integer warmupRows;

    @Option(names = "--latency-rate", paramLabel = "ROWS_PER_S", description = "pace of the latency runs (20,000)")
    Integer latencyRate;

    @Option(names = "--latency-seconds", paramLabel = "S", description = "length of one latency run (full: 15)")
    Double latencySeconds;

    @Option(names = "--partitions", paramLabel = "N", description = "partitions per topic, both sides (1)")
    Integer partitions;

    @Option(names = "--seed", paramLabel = "N", description = "dataset seed (42)")
    Long seed;

    @Option(names = "--kafka-only", description = "measure Kafka alone even if Runnel is available")
    boolean kafkaOnly;

    @Option(names = "--tiny", hidden = true, description = "20k rows, for the integration test")
    boolean tiny;

    @Option(names = "--results-dir", paramLabel = "DIR", description = "where results go (benchmarks/results)")
    Path resultsDir;

    @Option(names = "--publish", negatable = true,
            description = "copy the chart to " + PUBLISHED_CHART + " (default: only for a full run with default sizes)")
    Boolean publish;

    @Option(names = "--repo-root", paramLabel = "DIR", description = "the Runnel checkout (found from the working directory)")
    Path repoRoot;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "parent of the run's temporary directory (bench.sh: benchmarks/target/bench-work)")
    Path workDir;

    @Option(names = "--keep-data", description = "keep the servers' data and logs after the run")
    boolean keepData;

    @Option(names = "--kafka-jvm-opts", paramLabel = "OPTS",
            description = "JVM options of the Kafka broker (default: those of kafka-server-start.sh)")
    String kafkaJvmOpts;

    @Option(names = "--runnel-opts", paramLabel = "OPTS",
            description = "RUNNEL_OPTS for the Runnel server (default: the environment's RUNNEL_OPTS, else the Kafka"
                    + " broker's heap and collector, " + DEFAULT_RUNNEL_OPTS + ", so both servers get the same memory)")
    String runnelOpts;

    /** The heap and collector of kafka-server-start.sh, so that neither server has more memory to work with. */
    static final String DEFAULT_RUNNEL_OPTS = "-Xmx1G -Xms1G -XX:+UseG1GC -XX:MaxGCPauseMillis=20";

    @Option(names = "--run-timeout", paramLabel = "S", description = "time limit of one run (full: 600, quick: 300)")
    Long runTimeoutSeconds;

    @Option(names = "--runnel-start-timeout", paramLabel = "S",
            description = "how long ./runnel may take to be ready, first build included (900)")
    long runnelStartTimeoutSeconds = 900;

    @Option(names = "--pid-file", paramLabel = "FILE", hidden = true,
            description = "where to list the servers' pids, for bench.sh's cleanup")
    Path pidFile;

    private String[] args = new String[0];

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        quietLogging();
        BenchSuite suite = new BenchSuite();
        suite.args = args.clone();
        int exit = new CommandLine(suite).execute(args);
        System.exit(exit);
    }

    @Override
    public Integer call() throws Exception {
        SuiteConfig config = config();
        try (Progress progress = Progress.console()) {
            SuiteRunner.Outcome outcome = new SuiteRunner(config, progress).run(Arrays.asList(args));
            SuiteResult result = outcome.result();
            String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            String base = stamp + "-" + config.mode().replace(" (custom)", "-custom");
            Path dir = config.paths().resultsDir();
            Path json = dir.resolve(base + ".json");
            Path md = dir.resolve(base + ".md");
            Path png = dir.resolve(base + ".png");
            ResultsJson.write(result, json);
            Files.writeString(md, ResultTable.markdown(result), StandardCharsets.UTF_8);
            RatioChart.write(result, png);
            progress.phase("results");
            System.out.println();
            System.out.println(ResultTable.text(result));
            System.out.println("results: " + json);
            System.out.println("table:   " + md);
            System.out.println("chart:   " + png);
            if (config.paths().publishChartTo() != null) {
                Files.createDirectories(config.paths().publishChartTo().getParent());
                Files.copy(png, config.paths().publishChartTo(), StandardCopyOption.REPLACE_EXISTING);
                System.out.println("chart copied to " + config.paths().publishChartTo()
                        + " (referenced from docs/performance.md)");
            }
            return outcome.exitCode();
        }
    }

    SuiteConfig config() throws IOException {
        Path root = (repoRoot != null ? repoRoot : findRepoRoot(Path.of("").toAbsolutePath())).toAbsolutePath().normalize();
        List<String> kafkaOptions = kafkaJvmOpts == null ? KafkaBroker.DEFAULT_JVM_OPTIONS
                : Arrays.stream(kafkaJvmOpts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        boolean defaultSizes = rows == null && pairs == null && warmupRows == null && latencyRate == null
                && latencySeconds == null && partitions == null && seed == null && only == null && runTimeoutSeconds == null
                && !kafkaOnly;
        boolean publishChart = publish != null ? publish : !quick && !tiny && defaultSizes;
        SuiteConfig.Paths paths = new SuiteConfig.Paths(
                root,
                resultsDir != null ? resultsDir.toAbsolutePath() : root.resolve("benchmarks/results"),
                workDir != null ? workDir.toAbsolutePath() : Path.of(System.getProperty("java.io.tmpdir")),
                publishChart ? root.resolve(PUBLISHED_CHART) : null,
                pidFile,
                keepData,
                kafkaOptions,
                runnelOpts != null ? runnelOpts
                        : System.getenv("RUNNEL_OPTS") != null ? System.getenv("RUNNEL_OPTS") : DEFAULT_RUNNEL_OPTS,
                runnelStartTimeoutSeconds);
        SuiteConfig preset = tiny ? SuiteConfig.tiny(paths) : quick ? SuiteConfig.quick(paths) : SuiteConfig.full(paths);
        SuiteConfig c = new SuiteConfig(
                preset.mode(),
                rows != null ? rows : preset.rows(),
                pairs != null ? pairs : preset.pairs(),
                warmupRows != null ? warmupRows : Math.min(preset.warmupRows(), rows != null ? rows : preset.warmupRows()),
                latencyRate != null ? latencyRate : preset.latencyRate(),
                latencySeconds != null ? latencySeconds : preset.latencySeconds(),
                preset.latencyWarmupSeconds(),
                partitions != null ? partitions : preset.partitions(),
                seed != null ? seed : preset.seed(),
                Scenario.parseList(only),
                runTimeoutSeconds != null ? runTimeoutSeconds : preset.runTimeoutSeconds(),
                kafkaOnly,
                paths);
        return defaultSizes ? c : c.withMode(preset.mode() + " (custom)");
    }

    /** The nearest directory at or above {@code start} that holds mvnw and benchmarks/. */
    static Path findRepoRoot(Path start) throws IOException {
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("benchmarks"))) {
                return p;
            }
        }
        throw new IOException("not inside a Runnel checkout (no mvnw and benchmarks/ at or above " + start
                + "): pass --repo-root");
    }

    /** Client libraries log through SLF4J to logback: keep the console for the suite's own output. */
    static void quietLogging() {
        try {
            var context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
            context.getLogger("org.apache.kafka").setLevel(ch.qos.logback.classic.Level.ERROR);
        } catch (ClassCastException notLogback) {
            // another binding: its own configuration applies
        }
    }
}
