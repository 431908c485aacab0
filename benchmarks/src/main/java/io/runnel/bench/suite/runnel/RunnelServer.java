package io.runnel.bench.suite.runnel;

import io.runnel.bench.suite.process.ChildProcesses;
import io.runnel.bench.suite.process.ProcessOutputPump;
import io.runnel.bench.suite.process.ProcessTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Runnel server in its own JVM, started with the repository's launcher:
 * {@code ./runnel server --data-dir DIR --sql-port 0 --broker-port 0} (port 0: the server picks
 * free ports). It is ready when it prints {@code Runnel <version> ready: jdbc:runnel://127.0.0.1:<port>};
 * SIGTERM stops it. JVM options go through the environment variable {@code RUNNEL_OPTS}.
 *
 * <p>Not thread-safe; {@link #close()} is idempotent, and the process is registered with
 * {@link ChildProcesses} so that it stops on Ctrl-C.
 */
public final class RunnelServer implements RunnelEndpoint {
    static final Pattern READY = Pattern.compile("Runnel (\\S+) ready: (jdbc:runnel://\\S+)");

    /** The server's announcement that it accepts connections. */
    public record ReadyLine(String version, String jdbcUrl) {}

    private final Process process;
    private final ProcessOutputPump output;
    private final ChildProcesses children;
    private final Path dataDir;
    private final ReadyLine ready;
    private final String runnelOpts;
    private boolean closed;

    private RunnelServer(Process process, ProcessOutputPump output, ChildProcesses children, Path dataDir,
            ReadyLine ready, String runnelOpts) {
        this.process = process;
        this.output = output;
        this.children = children;
        this.dataDir = dataDir;
        this.ready = ready;
        this.runnelOpts = runnelOpts;
    }

    /** Parses the ready line out of one line of the server's output. */
    public static Optional<ReadyLine> parseReady(String line) {
        Matcher m = READY.matcher(line);
        return m.find() ? Optional.of(new ReadyLine(m.group(1), m.group(2))) : Optional.empty();
    }

    public static List<String> command(Path repoRoot, Path dataDir) {
        return List.of(repoRoot.resolve("runnel").toString(), "server",
                "--data-dir", dataDir.toString(), "--sql-port", "0", "--broker-port", "0");
    }

    /**
     * Starts the server and waits for its ready line for at most {@code timeout} (the launcher
     * builds the server on first use, which takes a while). Every line it prints before it is
     * ready goes to {@code echo}.
     *
     * @param runnelOpts JVM options for {@code RUNNEL_OPTS}, or {@code null} to leave the
     *     environment as it is
     */
    public static RunnelServer start(Path repoRoot, Path dataDir, String runnelOpts, ChildProcesses children,
            Duration timeout, Consumer<String> echo) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        ProcessBuilder pb = new ProcessBuilder(command(repoRoot, dataDir))
                .directory(repoRoot.toFile())
                .redirectErrorStream(true);
        if (runnelOpts != null) {
            pb.environment().put("RUNNEL_OPTS", runnelOpts);
        }
        Process process = pb.start();
        children.register("runnel server", process);
        CompletableFuture<ReadyLine> readyLine = new CompletableFuture<>();
        ProcessOutputPump output = ProcessOutputPump.start(process, dataDir.resolveSibling("runnel-server.out"), line -> {
            if (!readyLine.isDone()) {
                echo.accept(line);
                parseReady(line).ifPresent(readyLine::complete);
            }
        }, "runnel");
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    ReadyLine ready = readyLine.get(200, TimeUnit.MILLISECONDS);
                    return new RunnelServer(process, output, children, dataDir, ready,
                            runnelOpts != null ? runnelOpts : System.getenv("RUNNEL_OPTS"));
                } catch (TimeoutException notYet) {
                    if (!process.isAlive()) {
                        output.awaitEnd(2_000);
                        throw new IOException("the Runnel server exited with code " + process.exitValue()
                                + " before it was ready; its last lines:\n" + indent(output.tail()));
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the Runnel server printed no ready line within " + timeout.toSeconds()
                                + " s; its last lines:\n" + indent(output.tail()));
                    }
                } catch (java.util.concurrent.ExecutionException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            children.stop(process, Duration.ofSeconds(10));
            throw e;
        }
    }

    @Override
    public String jdbcUrl() {
        return ready.jdbcUrl();
    }

    @Override
    public String version() {
        return ready.version();
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** What to record about the server's JVM (the java process under the launcher). */
    @Override
    public Map<String, Object> describeJvm() {
        Map<String, Object> jvm = new LinkedHashMap<>();
        Optional<List<String>> java = ProcessTree.javaCommandLine(process.toHandle());
        jvm.put("java", java.map(c -> c.get(0)).orElse("unknown"));
        jvm.put("javaVersion", java.map(c -> ProcessTree.javaVersion(c.get(0))).orElse("unknown"));
        jvm.put("flags", java.map(ProcessTree::jvmOptions).orElse(List.of()));
        jvm.put("RUNNEL_OPTS", runnelOpts);
        jvm.put("launcherPid", process.pid());
        return jvm;
    }

    public List<String> outputTail() {
        return output.tail();
    }

    /** SIGTERM to the launcher and its JVM, SIGKILL after the grace period. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        children.stop(process, ChildProcesses.DEFAULT_GRACE);
    }

    private static String indent(List<String> lines) {
        return lines.isEmpty() ? "  (nothing)" : "  | " + String.join("\n  | ", lines);
    }
}
