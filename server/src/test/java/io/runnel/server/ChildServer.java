package io.runnel.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code runnel server} in a child JVM with this test's class path, for tests where the process
 * boundary matters (kill -9, restart). Waits for the ready line on standard output, within a deadline.
 */
final class ChildServer implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("Runnel \\S+ ready: jdbc:runnel://([^:]+):(\\d+)");
    private static final Pattern ZOOKEEPER_READY = Pattern.compile("ZooKeeper (ready): 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final int port;
    private final List<String> output;

    private ChildServer(Process process, int port, List<String> output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    static ChildServer start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(List.of("io.runnel.server.Main", "server", "--data-dir", dataDir.toString()));
        List<String> extra = List.of(extraArgs);
        if (!extra.contains("--sql-port")) {
            command.addAll(List.of("--sql-port", "0"));
        }
        if (!extra.contains("--broker-port")) {
            command.addAll(List.of("--broker-port", "0"));
        }
        command.addAll(extra);
        return launch(command, dataDir, READY, "runnel server");
    }

    /**
     * A standalone ZooKeeper server ({@link StandaloneZooKeeperMain}) in a child JVM over {@code dir};
     * {@link #port()} is its client port on 127.0.0.1.
     */
    static ChildServer startZooKeeper(Path dir, int tickMs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(List.of(StandaloneZooKeeperMain.class.getName(), dir.toString(), Integer.toString(tickMs)));
        return launch(command, dir, ZOOKEEPER_READY, "ZooKeeper");
    }

    private static List<String> javaCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"));
    }

    private static ChildServer launch(List<String> command, Path dataDir, Pattern ready, String what)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile()))
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> output = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "child-server-stdout");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null) {
                output.add(line);
                Matcher m = ready.matcher(line);
                if (m.matches()) {
                    return new ChildServer(process, Integer.parseInt(m.group(2)), output);
                }
            }
            if (!process.isAlive() && lines.isEmpty()) {
                throw new IllegalStateException(what + " exited with " + process.exitValue() + " before it was ready; "
                        + "stdout: " + output + "; log: " + dataDir.resolveSibling(dataDir.getFileName() + ".log"));
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(what + " was not ready within 90 s; stdout: " + output);
    }

    int port() {
        return port;
    }

    /** The operating-system process id (for kill -9, SIGSTOP and SIGCONT by pid). */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) to this process only, by pid. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    String url() {
        return "jdbc:runnel://127.0.0.1:" + port;
    }

    /** Standard output so far (the ready line, and nothing else if the server behaves). */
    List<String> output() {
        return output;
    }

    /** SIGKILL: the process gets no chance to flush or close anything. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as Ctrl-C or a service manager sends it; returns the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("runnel server did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
