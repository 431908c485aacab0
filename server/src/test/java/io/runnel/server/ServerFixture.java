package io.runnel.server;

import io.runnel.server.config.ConfigLoader;
import io.runnel.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A Runnel server in this JVM on an ephemeral loopback port over a temporary data directory, for
 * integration tests that need no process boundary. {@link #restart()} closes it cleanly and opens
 * it again on the same data.
 */
public final class ServerFixture implements AutoCloseable {
    private final Path dataDir;
    private final Map<String, String> settings;
    private RunnelServer server;

    public ServerFixture(Map<String, String> settings) throws Exception {
        this.dataDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "runnel-it-");
        this.settings = new LinkedHashMap<>(settings);
        this.settings.put("data_dir", dataDir.toString());
        this.settings.put("sql_port", "0");
        this.settings.put("broker_port", "0");
        this.server = RunnelServer.start(config());
    }

    public ServerFixture() throws Exception {
        this(Map.of());
    }

    private ServerConfig config() {
        return ConfigLoader.load(settings);
    }

    public RunnelServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The URL of the stock Avatica client for this server. */
    public String avaticaUrl() {
        return "jdbc:avatica:remote:url=http://127.0.0.1:" + port() + ";serialization=protobuf";
    }

    /** The Runnel driver's URL for this server. */
    public String url() {
        return "jdbc:runnel://127.0.0.1:" + port();
    }

    /** A connection through the Runnel JDBC driver. */
    public Connection connect() throws SQLException {
        return connect(new Properties());
    }

    public Connection connect(Properties properties) throws SQLException {
        return DriverManager.getConnection(url(), properties);
    }

    /** A connection through Avatica's stock remote driver. */
    public Connection connectStockAvatica(Properties properties) throws SQLException {
        return DriverManager.getConnection(avaticaUrl(), properties);
    }

    /** Closes the server cleanly and starts it again on the same data directory (and a new port). */
    public void restart() throws Exception {
        server.close();
        server = RunnelServer.start(config());
    }

    @Override
    public void close() throws IOException {
        server.close();
        deleteRecursively(dataDir);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: the directory is under target/
                }
            });
        }
    }
}
