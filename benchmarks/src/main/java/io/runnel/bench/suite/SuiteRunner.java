package io.runnel.bench.suite;

import io.runnel.bench.suite.kafka.KafkaBroker;
import io.runnel.bench.suite.kafka.KafkaBrokerClasspath;
import io.runnel.bench.suite.kafka.KafkaSystem;
import io.runnel.bench.suite.load.Acks;
import io.runnel.bench.suite.load.AggregateResult;
import io.runnel.bench.suite.load.ConsumeResult;
import io.runnel.bench.suite.load.Dataset;
import io.runnel.bench.suite.load.DiskUsage;
import io.runnel.bench.suite.load.LatencyResult;
import io.runnel.bench.suite.load.Projection;
import io.runnel.bench.suite.load.ProduceResult;
import io.runnel.bench.suite.load.SystemUnderTest;
import io.runnel.bench.suite.load.WriteLatencyResult;
import io.runnel.bench.suite.process.ChildProcesses;
import io.runnel.bench.suite.process.ProcessTree;
import io.runnel.bench.suite.runnel.RunnelAvailability;
import io.runnel.bench.suite.runnel.RunnelServer;
import io.runnel.bench.suite.runnel.RunnelSystem;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs one suite: starts the servers, warms each side up, runs the phases with alternating pairs,
 * stops the servers whatever happens, and summarises. Not thread-safe: one run per instance.
 */
public final class SuiteRunner {
    private static final Duration KAFKA_START_TIMEOUT = Duration.ofSeconds(120);

    private final SuiteConfig config;
    private final Progress progress;
    private final List<RunRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final Map<Side, SystemUnderTest> systems = new EnumMap<>(Side.class);
    private final Map<Side, String> unavailable = new EnumMap<>(Side.class);
    private final Map<Side, Map<String, Object>> descriptions = new EnumMap<>(Side.class);
    private final Map<Side, String> dataTopics = new EnumMap<>(Side.class);
    private final List<String> notes = new ArrayList<>();
    private int topicSequence;
    private Dataset data;
    /** Set when a side that was there failed (as opposed to Runnel simply not existing yet). */
    private boolean failures;
    /** A server did not start: its output in the work directory is kept for diagnosis. */
    private boolean serverStartFailed;

    /** The outcome of a suite run. */
    public record Outcome(SuiteResult result, int exitCode, List<Long> serverPids) {}

    public SuiteRunner(SuiteConfig config, Progress progress) {
        this.config = config;
        this.progress = progress;
    }

    public Outcome run(List<String> arguments) throws IOException {
        Instant started = Instant.now();
        Path repoRoot = config.paths().repoRoot();
        Map<String, Object> environment = Environment.capture(repoRoot);
        Files.createDirectories(config.paths().workDir());
        Path workDir = Files.createTempDirectory(config.paths().workDir(), "runnel-bench-");
        ChildProcesses children = new ChildProcesses(config.paths().pidFile());
        if (!config.paths().keepData()) {
            children.afterShutdownHook(() -> deleteRecursively(workDir)); // Ctrl-C: no finally runs
        }
        List<Long> serverPids = new ArrayList<>();
        try {
            progress.phase("setup: " + config.mode() + " run, " + describeSizes());
            progress.info("work directory " + workDir);
            long t0 = System.nanoTime();
            data = Dataset.generate(config.seed(), config.datasetRows());
            progress.info(String.format(Locale.ROOT, "generated %,d rows (seed %d) in %.1f s", data.size(),
                    config.seed(), (System.nanoTime() - t0) / 1e9));
            startKafka(workDir, children, serverPids);
            startRunnel(workDir, children, serverPids);
            if (systems.isEmpty()) {
                failures = true;
                notes.add("no side could be started: nothing was measured");
            } else {
                runPhases();
            }
        } catch (Throwable t) {
            failures = true;
            notes.add("the suite stopped early: " + describe(t));
            progress.info("ERROR: the suite stopped early: " + describe(t));
        } finally {
            progress.phase("stopping servers");
            for (SystemUnderTest sut : systems.values()) {
                try {
                    sut.close();
                } catch (RuntimeException e) {
                    notes.add("stopping " + sut.side().displayName() + " failed: " + describe(e));
                }
            }
            children.stopAll();
            for (long pid : serverPids) {
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    notes.add("server pid " + pid + " was still alive after stopping");
                    failures = true;
                }
            }
            if (config.paths().keepData() || serverStartFailed) {
                progress.info("kept the work directory " + workDir + (serverStartFailed ? " (a server failed to start:"
                        + " its output is there)" : ""));
            } else {
                deleteRecursively(workDir);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) environment.get("machine");
        machine.put("loadAverageAtEnd", Environment.loadAverage());
        Instant finished = Instant.now();
        SuiteResult result = new SuiteResult(
                SuiteResult.SUITE,
                SuiteResult.FORMAT_VERSION,
                config.mode(),
                started.truncatedTo(ChronoUnit.SECONDS).toString(),
                finished.truncatedTo(ChronoUnit.SECONDS).toString(),
                Math.round(Duration.between(started, finished).toMillis() / 100.0) / 10.0,
                List.copyOf(arguments),
                config.toJson(),
                environment,
                sideDescription(Side.KAFKA),
                sideDescription(Side.RUNNEL),
                Methods.describe(config),
                Summarizer.summarize(records, config, unavailable),
                List.copyOf(records),
                List.copyOf(notes));
        boolean anyRunFailed = records.stream().anyMatch(r -> !r.ok());
        int exit = unavailable.containsKey(Side.KAFKA) || failures ? 1 : anyRunFailed ? 2 : 0;
        return new Outcome(result, exit, serverPids);
    }

    private String describeSizes() {
        return String.format(Locale.ROOT, "%,d rows per run, %d pair(s), %d partition(s), scenarios %s",
                config.rows(), config.pairs(), config.partitions(),
                config.scenarios().stream().sorted().map(Scenario::cliName).collect(Collectors.joining(",")));
    }

    private Map<String, Object> sideDescription(Side side) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (descriptions.containsKey(side)) {
            d.putAll(descriptions.get(side));
        } else {
            d.put("available", false);
        }
        if (unavailable.containsKey(side)) {
            d.put("available", false);
            d.put("reason", unavailable.get(side));
        }
        return d;
    }

    // ---------------------------------------------------------------- servers

    private void startKafka(Path workDir, ChildProcesses children, List<Long> serverPids) {
        try {
            List<Path> classpath = KafkaBrokerClasspath.resolve(config.paths().repoRoot(), progress::info);
            KafkaBroker broker = KafkaBroker.start(workDir.resolve("kafka"), classpath,
                    config.paths().kafkaJvmOptions(), children, KAFKA_START_TIMEOUT, progress::info);
            serverPids.add(broker.process().pid());
            KafkaSystem kafka = new KafkaSystem(broker, config.partitions());
            systems.put(Side.KAFKA, kafka);
            descriptions.put(Side.KAFKA, kafka.describe());
            progress.info("Kafka " + broker.version() + " ready on " + broker.bootstrapServers() + " (pid "
                    + broker.process().pid() + ")");
        } catch (Exception e) {
            serverStartFailed = true;
            unavailable.put(Side.KAFKA, "the broker failed to start: " + describe(e));
            progress.info("ERROR: Kafka failed to start: " + e);
        }
    }

    private void startRunnel(Path workDir, ChildProcesses children, List<Long> serverPids) {
        Optional<String> why = config.kafkaOnly()
                ? Optional.of("skipped (--kafka-only)")
                : RunnelAvailability.whyUnavailable(config.paths().repoRoot());
        if (why.isPresent()) {
            unavailable.put(Side.RUNNEL, why.get());
            progress.info("Runnel: not available — " + why.get());
            return;
        }
        try {
            progress.info("starting Runnel: " + String.join(" ", RunnelServer.command(config.paths().repoRoot(),
                    workDir.resolve("runnel-data"))));
            RunnelServer server = RunnelServer.start(config.paths().repoRoot(), workDir.resolve("runnel-data"),
                    config.paths().runnelOpts(), children, Duration.ofSeconds(config.paths().runnelStartTimeoutSeconds()),
                    line -> progress.info("  runnel| " + line));
            serverPids.add(server.process().pid());
            RunnelSystem runnel = new RunnelSystem(server, config.partitions());
            systems.put(Side.RUNNEL, runnel);
            descriptions.put(Side.RUNNEL, runnel.describe());
            progress.info("Runnel " + server.version() + " ready at " + server.jdbcUrl());
        } catch (Exception e) {
            failures = true;
            serverStartFailed = true;
            unavailable.put(Side.RUNNEL, "present but failed to start: " + describe(e));
            progress.info("ERROR: Runnel failed to start: " + e);
        }
    }

    // ---------------------------------------------------------------- phases

    private void runPhases() {
        progress.phase("warm-up (excluded from every figure)");
        for (SystemUnderTest sut : systems.values()) {
            warmUp(sut);
        }
        if (config.runs(Scenario.PRODUCE)) {
            producePhase(Phase.PRODUCE_ACKS_1, Acks.ONE);
        }
        if (config.runs(Scenario.PRODUCE) || config.runs(Scenario.BYTES)) {
            producePhase(Phase.PRODUCE_ACKS_ALL, Acks.ALL);
        }
        if (config.runs(Scenario.CONSUME)) {
            consumePhase(Phase.CONSUME, Projection.ALL_COLUMNS);
        }
        if (config.runs(Scenario.PROJECTED)) {
            consumePhase(Phase.PROJECTED, Projection.ID_AND_AMOUNT);
        }
        if (config.runs(Scenario.AGGREGATE)) {
            aggregatePhase();
        }
        if (config.runs(Scenario.LATENCY)) {
            latencyPhase();
        }
        if (config.runs(Scenario.WRITE)) {
            writePhase();
        }
    }

    private void warmUp(SystemUnderTest sut) {
        int rows = config.warmupRows();
        String topic = nextTopic("warm");
        if (!createTopic(Phase.WARMUP, sut, 0, topic)) {
            return;
        }
        RunRecord produced = measure(Phase.WARMUP, sut, 0, "produce acks=1", topic, rows, (task, d) -> {
            ProduceResult r = sut.produce(topic, data, rows, Acks.ONE, task, timeoutNanos());
            return Map.of(Metric.PRODUCE_ACKS_1.id(), r.rowsPerSecond());
        });
        if (produced.ok()) {
            if (config.runs(Scenario.CONSUME)) {
                measure(Phase.WARMUP, sut, 0, "consume", topic, rows, (task, d) -> Map.of(Metric.CONSUME.id(),
                        checked(sut.consume(topic, data, rows, Projection.ALL_COLUMNS, task, timeoutNanos())).rowsPerSecond()));
            }
            if (config.runs(Scenario.PROJECTED)) {
                measure(Phase.WARMUP, sut, 0, "projected consume", topic, rows, (task, d) -> Map.of(
                        Metric.PROJECTED_CONSUME.id(),
                        checked(sut.consume(topic, data, rows, Projection.ID_AND_AMOUNT, task, timeoutNanos())).rowsPerSecond()));
            }
            if (config.runs(Scenario.AGGREGATE)) {
                measure(Phase.WARMUP, sut, 0, "aggregate", topic, rows, (task, d) -> Map.of(Metric.AGGREGATE.id(),
                        checked(sut.aggregate(topic, data, rows, task, timeoutNanos())).rowsPerSecond()));
            }
        }
        dropTopic(sut, topic);
        if (config.runs(Scenario.LATENCY)) {
            String latencyTopic = nextTopic("warmlat");
            if (createTopic(Phase.WARMUP, sut, 0, latencyTopic)) {
                long total = Math.round(config.latencyRate() * config.latencyWarmupSeconds());
                measure(Phase.WARMUP, sut, 0, "latency", latencyTopic, total, (task, d) -> latencyMetrics(
                        sut.latency(latencyTopic, data, config.latencyRate(), config.latencyWarmupSeconds(), task), d));
                dropTopic(sut, latencyTopic);
            }
        }
    }

    private void producePhase(Phase phase, Acks acks) {
        Metric metric = acks == Acks.ONE ? Metric.PRODUCE_ACKS_1 : Metric.PRODUCE_ACKS_ALL;
        progress.phase(phase.title() + String.format(Locale.ROOT, ": %,d rows per run, %d pair(s)", config.rows(),
                config.pairs()));
        int rows = config.rows();
        for (Alternation.Slot slot : Alternation.schedule(config.pairs(), List.copyOf(systems.keySet()))) {
            SystemUnderTest sut = systems.get(slot.side());
            String topic = nextTopic(acks == Acks.ONE ? "p1" : "pall");
            if (!createTopic(phase, sut, slot.pair(), topic)) {
                continue;
            }
            RunRecord run = measure(phase, sut, slot.pair(), "produce", topic, rows, (task, d) -> {
                ProduceResult r = sut.produce(topic, data, rows, acks, task, timeoutNanos());
                Map<String, Double> m = new LinkedHashMap<>();
                m.put(metric.id(), r.rowsPerSecond());
                d.put("rows", r.rows());
                d.put("seconds", r.nanos() / 1e9);
                try {
                    DiskUsage du = sut.diskUsage(topic);
                    m.put(Metric.BYTES_PER_ROW.id(), du.bytes() / (double) rows);
                    d.put("diskBytes", du.bytes());
                    d.put("diskFiles", du.files());
                    d.put("diskRule", du.rule());
                    d.put("diskBytesByExtension", du.bytesByExtension());
                } catch (Exception e) {
                    d.put("diskUsageError", describe(e));
                }
                return m;
            });
            if (acks == Acks.ALL && run.ok()) {
                String previous = dataTopics.put(slot.side(), topic);
                if (previous != null) {
                    dropTopic(sut, previous);
                }
            } else {
                dropTopic(sut, topic);
            }
        }
    }

    /** The topic holding rows 0 … rows-1 for the read phases; written untimed if produce did not run. */
    private Optional<String> dataTopic(SystemUnderTest sut) {
        if (dataTopics.containsKey(sut.side())) {
            return Optional.of(dataTopics.get(sut.side()));
        }
        String topic = nextTopic("data");
        if (!createTopic(Phase.LOAD, sut, 0, topic)) {
            return Optional.empty();
        }
        RunRecord load = measure(Phase.LOAD, sut, 0, "load (untimed)", topic, config.rows(), (task, d) -> {
            ProduceResult r = sut.produce(topic, data, config.rows(), Acks.ALL, task, timeoutNanos());
            d.put("rows", r.rows());
            return Map.of();
        });
        if (!load.ok()) {
            return Optional.empty();
        }
        dataTopics.put(sut.side(), topic);
        return Optional.of(topic);
    }

    private void consumePhase(Phase phase, Projection projection) {
        Metric metric = projection == Projection.ALL_COLUMNS ? Metric.CONSUME : Metric.PROJECTED_CONSUME;
        progress.phase(phase.title() + String.format(Locale.ROOT, ": %,d rows per run, %d pair(s)", config.rows(),
                config.pairs()));
        for (Alternation.Slot slot : Alternation.schedule(config.pairs(), List.copyOf(systems.keySet()))) {
            SystemUnderTest sut = systems.get(slot.side());
            Optional<String> topic = dataTopic(sut);
            if (topic.isEmpty()) {
                recordFailure(phase, sut, slot.pair(), "no data topic: writing the rows to read failed (see the load run)");
                continue;
            }
            measure(phase, sut, slot.pair(), phase.title(), topic.get(), config.rows(), (task, d) -> {
                ConsumeResult r = checked(sut.consume(topic.get(), data, config.rows(), projection, task, timeoutNanos()));
                d.put("rows", r.rows());
                d.put("seconds", r.nanos() / 1e9);
                d.put("checksum", "matches the written rows");
                return Map.of(metric.id(), r.rowsPerSecond());
            });
        }
    }

    private void aggregatePhase() {
        progress.phase(Phase.AGGREGATE.title() + String.format(Locale.ROOT, ": SUM(amount) GROUP BY customer over %,d rows,"
                + " %d pair(s)", config.rows(), config.pairs()));
        for (Alternation.Slot slot : Alternation.schedule(config.pairs(), List.copyOf(systems.keySet()))) {
            SystemUnderTest sut = systems.get(slot.side());
            Optional<String> topic = dataTopic(sut);
            if (topic.isEmpty()) {
                recordFailure(Phase.AGGREGATE, sut, slot.pair(), "no data topic: writing the rows to read failed");
                continue;
            }
            measure(Phase.AGGREGATE, sut, slot.pair(), "aggregate", topic.get(), config.rows(), (task, d) -> {
                AggregateResult r = checked(sut.aggregate(topic.get(), data, config.rows(), task, timeoutNanos()));
                d.put("rows", r.rows());
                d.put("groups", r.groups());
                d.put("seconds", r.nanos() / 1e9);
                d.put("sums", "equal the sums of the written rows");
                return Map.of(Metric.AGGREGATE.id(), r.rowsPerSecond());
            });
        }
    }

    private void latencyPhase() {
        progress.phase(Phase.LATENCY.title() + String.format(Locale.ROOT, ": %,d rows/s for %.1f s per run, %d pair(s)",
                config.latencyRate(), config.latencySeconds(), config.pairs()));
        long total = Math.round(config.latencyRate() * config.latencySeconds());
        for (Alternation.Slot slot : Alternation.schedule(config.pairs(), List.copyOf(systems.keySet()))) {
            SystemUnderTest sut = systems.get(slot.side());
            String topic = nextTopic("lat");
            if (!createTopic(Phase.LATENCY, sut, slot.pair(), topic)) {
                continue;
            }
            measure(Phase.LATENCY, sut, slot.pair(), "latency", topic, total, (task, d) -> latencyMetrics(
                    sut.latency(topic, data, config.latencyRate(), config.latencySeconds(), task), d));
            dropTopic(sut, topic);
        }
    }

    private void writePhase() {
        int writes = config.singleWrites();
        progress.phase(Phase.WRITE.title() + String.format(Locale.ROOT, ": %,d synchronous writes per run, %d pair(s)",
                writes, config.pairs()));
        for (SystemUnderTest sut : systems.values()) {
            String warm = nextTopic("warmw");
            if (createTopic(Phase.WARMUP, sut, 0, warm)) {
                measure(Phase.WARMUP, sut, 0, "single-row write", warm, writes, (task, d) -> writeMetrics(
                        sut.writeLatency(warm, data, writes, task, timeoutNanos()), d));
                dropTopic(sut, warm);
            }
        }
        for (Alternation.Slot slot : Alternation.schedule(config.pairs(), List.copyOf(systems.keySet()))) {
            SystemUnderTest sut = systems.get(slot.side());
            String topic = nextTopic("w");
            if (!createTopic(Phase.WRITE, sut, slot.pair(), topic)) {
                continue;
            }
            measure(Phase.WRITE, sut, slot.pair(), "single-row write", topic, writes, (task, d) -> writeMetrics(
                    sut.writeLatency(topic, data, writes, task, timeoutNanos()), d));
            dropTopic(sut, topic);
        }
    }

    private static Map<String, Double> writeMetrics(WriteLatencyResult r, Map<String, Object> d) {
        d.put("writes", r.writes());
        d.put("p999Millis", r.p999Millis());
        d.put("maxMillis", r.maxMillis());
        d.put("meanMillis", r.meanMillis());
        d.put("client", r.description());
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(Metric.WRITE_P50.id(), r.p50Millis());
        m.put(Metric.WRITE_P99.id(), r.p99Millis());
        return m;
    }

    private static Map<String, Double> latencyMetrics(LatencyResult r, Map<String, Object> d) {
        d.put("rows", r.rows());
        d.put("targetRatePerSecond", r.targetRatePerSecond());
        d.put("achievedSendRatePerSecond", Math.round(r.achievedRatePerSecond()));
        d.put("maxMillis", r.maxMillis());
        d.put("meanMillis", r.meanMillis());
        d.put("batching", r.batchDescription());
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(Metric.LATENCY_P50.id(), r.p50Millis());
        m.put(Metric.LATENCY_P99.id(), r.p99Millis());
        m.put(Metric.LATENCY_P999.id(), r.p999Millis());
        return m;
    }

    private static ConsumeResult checked(ConsumeResult r) {
        if (!r.checksumMatches()) {
            throw new IllegalStateException("checksum of the rows read (" + r.checksum()
                    + ") differs from the rows written (" + r.expectedChecksum() + "): the reader got wrong values");
        }
        return r;
    }

    private static AggregateResult checked(AggregateResult r) {
        if (r.mismatch() != null) {
            throw new IllegalStateException("wrong aggregate: " + r.mismatch());
        }
        return r;
    }

    // ---------------------------------------------------------------- one run

    /** The body of one run: returns its metric values, may add details. */
    @FunctionalInterface
    private interface Body {
        Map<String, Double> run(Progress.Task task, Map<String, Object> details) throws Exception;
    }

    /**
     * Runs {@code body} on a fresh thread, bounded by the run time limit (then the side's client is
     * aborted), after a full GC of this JVM; records CPU used by this JVM and by the side's server.
     */
    private RunRecord measure(Phase phase, SystemUnderTest sut, int pair, String operation, String topic, long rows,
            Body body) {
        String label = sut.side().displayName() + " " + (pair > 0 ? "pair " + pair + "/" + config.pairs() : operation);
        System.gc();
        Progress.Task task = progress.task(label, rows);
        Map<String, Object> details = Collections.synchronizedMap(new LinkedHashMap<>());
        Optional<ProcessHandle> server = sut.serverProcess();
        double serverCpu0 = server.map(ProcessTree::cpuSeconds).orElse(Double.NaN);
        double allServersCpu0 = allServersCpuSeconds();
        double machineCpu0 = ProcessTree.machineBusySeconds();
        double clientCpu0 = clientCpuSeconds();
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        FutureTask<Map<String, Double>> future = new FutureTask<>(() -> body.run(task, details));
        Thread worker = new Thread(future, "bench-run-" + sut.side().name().toLowerCase(Locale.ROOT));
        worker.setDaemon(true);
        worker.start();
        Map<String, Double> metrics = Map.of();
        String error = null;
        try {
            metrics = future.get(config.runTimeoutSeconds() + 60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            sut.abort();
            future.cancel(true);
            error = "did not finish within " + (config.runTimeoutSeconds() + 60) + " s: aborted";
        } catch (ExecutionException e) {
            error = describe(e.getCause());
        } catch (InterruptedException e) {
            sut.abort();
            future.cancel(true);
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double clientCpu = clientCpuSeconds() - clientCpu0;
        double machineCpu = ProcessTree.machineBusySeconds() - machineCpu0;
        double otherCpu = machineCpu - clientCpu - (allServersCpuSeconds() - allServersCpu0);
        Map<String, Object> allDetails = new LinkedHashMap<>(details);
        allDetails.put("clientCpuSeconds", round3(clientCpu));
        server.ifPresent(p -> allDetails.put("serverCpuSeconds", round3(ProcessTree.cpuSeconds(p) - serverCpu0)));
        // CPU that neither the suite nor its servers used: other work on a shared machine.
        allDetails.put("otherCpuCores", round3(Math.max(0, otherCpu) / wall));
        boolean warmup = phase == Phase.WARMUP || phase == Phase.LOAD;
        RunRecord record = new RunRecord(phase.name(), sut.side().name(), pair, warmup, operation, topic,
                startedAt.truncatedTo(ChronoUnit.MILLIS).toString(), round3(wall), Map.copyOf(metrics),
                allDetails, error);
        records.add(record);
        task.finish(error == null ? summary(metrics, allDetails) : "FAILED: " + error);
        return record;
    }

    private void recordFailure(Phase phase, SystemUnderTest sut, int pair, String error) {
        records.add(new RunRecord(phase.name(), sut.side().name(), pair, phase == Phase.WARMUP || phase == Phase.LOAD,
                phase.title(), null, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), 0, Map.of(), Map.of(),
                error));
        progress.info("  " + sut.side().displayName() + (pair > 0 ? " pair " + pair : "") + ": FAILED: " + error);
    }

    private boolean createTopic(Phase phase, SystemUnderTest sut, int pair, String topic) {
        try {
            sut.createTopic(topic);
            return true;
        } catch (Exception e) {
            recordFailure(phase, sut, pair, "creating topic " + topic + " failed: " + describe(e));
            return false;
        }
    }

    private void dropTopic(SystemUnderTest sut, String topic) {
        try {
            sut.deleteTopic(topic);
        } catch (Exception e) {
            notes.add(sut.side().displayName() + ": dropping topic " + topic + " failed: " + describe(e));
        }
    }

    private String nextTopic(String purpose) {
        return String.format(Locale.ROOT, "orders_%s_%03d", purpose, ++topicSequence);
    }

    private long timeoutNanos() {
        return TimeUnit.SECONDS.toNanos(config.runTimeoutSeconds());
    }

    private static String summary(Map<String, Double> metrics, Map<String, Object> details) {
        List<String> parts = new ArrayList<>();
        for (Metric m : Metric.values()) {
            Double v = metrics.get(m.id());
            if (v != null) {
                parts.add(Format.value(m, v) + " " + (m.unit().equals("ms") ? "ms " + m.id().replaceAll(".*_(p\\d+)_ms", "$1")
                        : m.unit()));
            }
        }
        if (details.get("seconds") instanceof Double s) {
            parts.add(String.format(Locale.ROOT, "%.2f s", s));
        }
        if (details.get("diskUsageError") != null) {
            parts.add("bytes on disk unknown: " + details.get("diskUsageError"));
        }
        return parts.isEmpty() ? "done" : String.join(", ", parts);
    }

    private double allServersCpuSeconds() {
        double sum = 0;
        for (SystemUnderTest s : systems.values()) {
            sum += s.serverProcess().map(ProcessTree::cpuSeconds).orElse(0.0);
        }
        return sum;
    }

    private static double clientCpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    private static double round3(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
    }

    /** An exception as one line: type, message, SQLSTATE, and the causes' messages. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Throwable cur = t;
        int depth = 0;
        while (cur != null && depth++ < 4) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(cur.getClass().getSimpleName());
            if (cur instanceof SQLException sql && sql.getSQLState() != null) {
                sb.append(" [SQLSTATE ").append(sql.getSQLState()).append(']');
            }
            if (cur.getMessage() != null) {
                sb.append(": ").append(cur.getMessage().lines().limit(8).collect(Collectors.joining(" / ")));
            }
            cur = cur.getCause() == cur ? null : cur.getCause();
        }
        return sb.toString();
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a server still writing: the rest goes with the OS's temp cleaning
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
