package io.runnel.bench.suite.runnel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether this checkout has a Runnel server to benchmark. The suite measures Kafka alone until the
 * server lands, and reports why Runnel's column is empty — never a made-up figure.
 */
public final class RunnelAvailability {
    public static final String DRIVER_CLASS = "io.runnel.jdbc.RunnelDriver";

    private RunnelAvailability() {}

    /** Why Runnel cannot be measured from {@code repoRoot}, or empty if it can. */
    public static Optional<String> whyUnavailable(Path repoRoot) {
        Path launcher = repoRoot.resolve("runnel");
        if (!Files.isRegularFile(launcher)) {
            return Optional.of("the Runnel server has not landed in this checkout (no ./runnel launcher)");
        }
        if (!Files.isExecutable(launcher)) {
            return Optional.of(launcher + " is not executable");
        }
        Path serverSources = repoRoot.resolve("server/src/main/java/io/runnel/server");
        if (!Files.isDirectory(serverSources)) {
            return Optional.of("the Runnel server has not landed in this checkout (no "
                    + repoRoot.relativize(serverSources) + ")");
        }
        try {
            Class.forName(DRIVER_CLASS);
        } catch (ClassNotFoundException e) {
            return Optional.of("the JDBC driver class " + DRIVER_CLASS
                    + " is not on the suite's class path (rebuild: benchmarks/bench.sh rebuilds when sources change)");
        } catch (LinkageError e) {
            return Optional.of("the JDBC driver class " + DRIVER_CLASS + " cannot be loaded: " + e
                    + " (a dependency of the driver is missing from the suite's class path)");
        }
        return Optional.empty();
    }
}
