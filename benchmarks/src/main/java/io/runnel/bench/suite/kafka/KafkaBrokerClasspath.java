package io.runnel.bench.suite.kafka;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Apache Kafka broker's class path, resolved by Maven from the standalone POM
 * {@code benchmarks/kafka-broker/pom.xml} (kept out of the reactor so that Kafka's server jars
 * never enter Runnel's dependency graph) into {@code benchmarks/kafka-broker/target/}, once, and
 * again whenever the POM is newer than the resolved file.
 */
public final class KafkaBrokerClasspath {
    private static final Pattern KAFKA_JAR = Pattern.compile("kafka_(\\d+\\.\\d+)-(.+)\\.jar");
    private static final long RESOLVE_TIMEOUT_MINUTES = 15;

    private KafkaBrokerClasspath() {}

    public static Path pom(Path repoRoot) {
        return repoRoot.resolve("benchmarks/kafka-broker/pom.xml");
    }

    public static Path classpathFile(Path repoRoot) {
        return repoRoot.resolve("benchmarks/kafka-broker/target/kafka-broker.classpath");
    }

    /** The Maven command that writes the class path to {@code outputFile}, run from {@code repoRoot}. */
    public static List<String> resolveCommand(Path repoRoot, Path outputFile) {
        return List.of(
                repoRoot.resolve("mvnw").toString(),
                "-B",
                "-q",
                "-f",
                pom(repoRoot).toString(),
                "dependency:build-classpath",
                "-Dmdep.outputFile=" + outputFile.toAbsolutePath(),
                "-Dmdep.includeScope=runtime");
    }

    /**
     * The broker's class path, resolving it first if needed ({@code log} receives a line saying so
     * and Maven's output on failure).
     */
    public static List<Path> resolve(Path repoRoot, Consumer<String> log) throws IOException, InterruptedException {
        Path file = classpathFile(repoRoot);
        if (isStale(file, pom(repoRoot))) {
            runResolve(repoRoot, file, log);
        }
        List<Path> classpath = read(file);
        if (classpath.stream().anyMatch(p -> !Files.exists(p))) {
            // A jar vanished from the local repository since: resolve again.
            runResolve(repoRoot, file, log);
            classpath = read(file);
        }
        return classpath;
    }

    static boolean isStale(Path classpathFile, Path pom) throws IOException {
        return !Files.exists(classpathFile)
                || Files.getLastModifiedTime(classpathFile).compareTo(Files.getLastModifiedTime(pom)) < 0;
    }

    private static void runResolve(Path repoRoot, Path file, Consumer<String> log)
            throws IOException, InterruptedException {
        List<String> command = resolveCommand(repoRoot, file);
        log.accept("resolving the Kafka broker's class path (first use): " + String.join(" ", command));
        Files.createDirectories(file.getParent());
        Path output = Files.createTempFile("kafka-broker-resolve", ".log");
        try {
            Process p = new ProcessBuilder(command)
                    .directory(repoRoot.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!p.waitFor(RESOLVE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("resolving the Kafka broker's class path took over "
                        + RESOLVE_TIMEOUT_MINUTES + " minutes: " + String.join(" ", command));
            }
            if (p.exitValue() != 0 || !Files.exists(file)) {
                throw new IOException("resolving the Kafka broker's class path failed (exit " + p.exitValue() + "): "
                        + String.join(" ", command) + "\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static List<Path> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        List<Path> entries = new ArrayList<>();
        for (String entry : text.split(Pattern.quote(File.pathSeparator))) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry.trim()));
            }
        }
        if (entries.isEmpty()) {
            throw new IOException(file + " is empty: delete it and run again");
        }
        return entries;
    }

    /** The class path as one {@code -cp} argument. */
    public static String join(List<Path> classpath) {
        return classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /** Kafka's version, from the {@code kafka_<scala>-<version>.jar} on the class path. */
    public static String kafkaVersion(List<Path> classpath) {
        for (Path p : classpath) {
            Matcher m = KAFKA_JAR.matcher(p.getFileName().toString());
            if (m.matches()) {
                return m.group(2);
            }
        }
        throw new IllegalStateException("no kafka_<scala>-<version>.jar on the broker class path " + classpath);
    }
}
