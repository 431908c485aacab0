package io.runnel.bench.suite.kafka;

import io.runnel.bench.suite.process.ChildProcesses;
import io.runnel.bench.suite.process.FreePort;
import io.runnel.bench.suite.process.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one process) in its own
 * JVM, on 127.0.0.1, with its data in a directory of its own — started the way Kafka's own scripts
 * start it: {@code kafka-storage format --standalone} (the StorageTool main class), then
 * {@code kafka.Kafka server.properties}, with the JVM options of {@code kafka-server-start.sh}.
 *
 * <p>Its output goes to {@code broker.out} in its directory. Not thread-safe; {@link #close()} is
 * idempotent, and the process is also registered with {@link ChildProcesses} so that it stops on
 * Ctrl-C.
 */
public final class KafkaBroker implements AutoCloseable {
    /**
     * The JVM options Kafka's scripts use: {@code kafka-server-start.sh}'s heap and
     * {@code kafka-run-class.sh}'s KAFKA_JVM_PERFORMANCE_OPTS.
     */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-Xmx1G",
            "-Xms1G",
            "-server",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:MaxInlineLevel=15",
            "-Djava.awt.headless=true");

    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);

    private final Path directory;
    private final Path logDir;
    private final Process process;
    private final ChildProcesses children;
    private final String bootstrapServers;
    private final Map<String, String> serverProperties;
    private final List<String> jvmOptions;
    private final String version;
    private final String javaPath;
    private boolean closed;

    private KafkaBroker(Path directory, Path logDir, Process process, ChildProcesses children,
            String bootstrapServers, Map<String, String> serverProperties, List<String> jvmOptions,
            String version, String javaPath) {
        this.directory = directory;
        this.logDir = logDir;
        this.process = process;
        this.children = children;
        this.bootstrapServers = bootstrapServers;
        this.serverProperties = serverProperties;
        this.jvmOptions = jvmOptions;
        this.version = version;
        this.javaPath = javaPath;
    }

    /**
     * Formats storage under {@code directory}, starts the broker and waits until it answers a
     * DescribeCluster request, for at most {@code timeout}.
     */
    public static KafkaBroker start(Path directory, List<Path> classpath, List<String> jvmOptions,
            ChildProcesses children, Duration timeout, Consumer<String> log) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path logDir = directory.resolve("kafka-logs");
        int[] ports = FreePort.pickTwo();
        String bootstrap = "127.0.0.1:" + ports[0];
        Map<String, String> props = serverProperties(ports[0], ports[1], logDir);
        Path propsFile = directory.resolve("server.properties");
        writeProperties(propsFile, props);
        Path log4j = directory.resolve("log4j2.properties");
        Files.writeString(log4j, LOG4J2_PROPERTIES, StandardCharsets.UTF_8);

        String javaPath = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = KafkaBrokerClasspath.join(classpath);
        String version = KafkaBrokerClasspath.kafkaVersion(classpath);

        // 1. kafka-storage format --standalone
        List<String> format = new ArrayList<>(List.of(javaPath, "-Xmx256m", "-Dlog4j2.configurationFile=" + log4j,
                "-cp", cp, "kafka.tools.StorageTool", "format", "--standalone",
                "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString()));
        Path formatOut = directory.resolve("format.out");
        Process formatting = new ProcessBuilder(format).redirectErrorStream(true)
                .redirectOutput(formatOut.toFile()).start();
        children.register("kafka-storage format", formatting);
        boolean done = formatting.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        children.stop(formatting, Duration.ofSeconds(5));
        if (!done || formatting.exitValue() != 0) {
            throw new IOException("kafka-storage format failed (" + (done ? "exit " + formatting.exitValue() : "timed out")
                    + "):\n" + tail(formatOut));
        }

        // 2. kafka.Kafka server.properties
        List<String> command = new ArrayList<>();
        command.add(javaPath);
        command.addAll(jvmOptions);
        command.add("-Dlog4j2.configurationFile=" + log4j);
        command.addAll(List.of("-cp", cp, "kafka.Kafka", propsFile.toString()));
        Path out = directory.resolve("broker.out");
        log.accept("starting Apache Kafka " + version + " (KRaft, single node) on " + bootstrap + ", data in " + logDir);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        children.register("kafka broker", process);
        KafkaBroker broker = new KafkaBroker(directory, logDir, process, children, bootstrap, props,
                List.copyOf(jvmOptions), version, javaPath);
        try {
            broker.awaitReady(timeout);
        } catch (IOException | RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** A single-node KRaft configuration with defaults everywhere that shapes performance. */
    static Map<String, String> serverProperties(int brokerPort, int controllerPort, Path logDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        // One node: internal topics cannot have three replicas.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    private static void writeProperties(Path file, Map<String, String> props) throws IOException {
        StringBuilder sb = new StringBuilder("# Written by the Runnel benchmark suite (io.runnel.bench.suite.kafka.KafkaBroker)\n");
        props.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(props)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("the Kafka broker exited with code " + process.exitValue()
                            + " while starting; last lines of " + directory.resolve("broker.out") + ":\n"
                            + tail(directory.resolve("broker.out")));
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the Kafka broker did not answer within " + timeout.toSeconds()
                            + " s; last lines of broker.out:\n" + tail(directory.resolve("broker.out")));
                }
                Thread.sleep(200);
            }
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's {@code log.dirs}: one directory per partition, {@code <topic>-<partition>}. */
    public Path logDir() {
        return logDir;
    }

    public Path directory() {
        return directory;
    }

    public ProcessHandle process() {
        return process.toHandle();
    }

    public String version() {
        return version;
    }

    public Map<String, String> serverProperties() {
        return serverProperties;
    }

    /** What to record about the broker's JVM. */
    public Map<String, Object> describeJvm() {
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("java", javaPath);
        jvm.put("javaVersion", ProcessTree.javaVersion(javaPath));
        jvm.put("flags", ProcessTree.javaCommandLine(process.toHandle())
                .map(ProcessTree::jvmOptions)
                .orElse(jvmOptions));
        jvm.put("mainClass", "kafka.Kafka");
        jvm.put("pid", process.pid());
        return jvm;
    }

    /** The last lines of the broker's output. */
    public String outputTail() {
        return tail(directory.resolve("broker.out"));
    }

    /** SIGTERM (Kafka's controlled shutdown), then SIGKILL after the grace period. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        children.stop(process, ChildProcesses.DEFAULT_GRACE);
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.subList(Math.max(0, lines.size() - 40), lines.size()).stream()
                    .map(l -> "  | " + l)
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return "  (no output: " + e.getMessage() + ")";
        }
    }

    /** Kafka's INFO log to stdout (which goes to broker.out), without the request-level chatter. */
    private static final String LOG4J2_PROPERTIES = String.join("\n",
            "status = warn",
            "appender.out.type = Console",
            "appender.out.name = OUT",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = info",
            "rootLogger.appenderRef.out.ref = OUT",
            "logger.request.name = kafka.request.logger",
            "logger.request.level = warn",
            "logger.authorizer.name = kafka.authorizer.logger",
            "logger.authorizer.level = warn",
            "");
}
