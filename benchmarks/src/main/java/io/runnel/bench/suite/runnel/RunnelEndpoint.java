package io.runnel.bench.suite.runnel;

import java.nio.file.Path;
import java.util.Map;

/**
 * What {@link RunnelSystem} needs of a running Runnel server — the seam that lets its JDBC code be
 * tested against an in-memory driver before the real server exists. {@link RunnelServer} is the
 * real one.
 */
public interface RunnelEndpoint extends AutoCloseable {

    /** {@code jdbc:runnel://127.0.0.1:<port>}, from the server's ready line. */
    String jdbcUrl();

    String version();

    /** The server's {@code --data-dir}. */
    Path dataDir();

    ProcessHandle process();

    /** JVM version and flags of the server, for the results. */
    Map<String, Object> describeJvm();

    /** Stops the server. */
    @Override
    void close();
}
