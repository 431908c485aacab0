package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The server in a child JVM: a clean stop (SIGTERM) and a kill -9 while a client inserts both keep
 * every acknowledged row, under the default flush policy.
 */
class DurabilityIT {

    private static Path dataDir(String name) throws Exception {
        return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), name);
    }

    private static Set<Long> ids(String url, String topic) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM " + topic)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    @Test
    void cleanStopAndRestartServeTheSameTopicsAndRows() throws Exception {
        Path data = dataDir("runnel-restart-");
        try (ChildServer server = ChildServer.start(data)) {
            assertThat(server.output()).hasSize(1);
            try (Connection c = DriverManager.getConnection(server.url()); Statement s = c.createStatement()) {
                s.execute("CREATE TOPIC kept (id BIGINT NOT NULL, note VARCHAR(10)) WITH (partitions = 3)");
                assertThat(s.executeUpdate("INSERT INTO kept VALUES (1, 'a'), (2, 'b'), (3, 'c')")).isEqualTo(3);
            }
            assertThat(server.stop()).as("exit status after SIGTERM").isIn(0, 143);
        }
        try (ChildServer server = ChildServer.start(data)) {
            assertThat(ids(server.url(), "kept")).containsExactlyInAnyOrder(1L, 2L, 3L);
        }
    }

    @Test
    void everyAcknowledgedRowSurvivesKillNine() throws Exception {
        Path data = dataDir("runnel-kill9-");
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        try (ChildServer server = ChildServer.start(data)) {
            try (Connection c = DriverManager.getConnection(server.url()); Statement s = c.createStatement()) {
                s.execute("CREATE TOPIC acked (id BIGINT NOT NULL) WITH (partitions = 2)");
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(server.url());
                        PreparedStatement p = c.prepareStatement("INSERT INTO acked (id) VALUES (?)")) {
                    for (long id = 0; writing.get() && id < 1_000_000; id++) {
                        p.setLong(1, id);
                        p.executeUpdate();
                        acknowledged.add(id);
                    }
                } catch (SQLException e) {
                    // the server was killed under us: the row in flight was not acknowledged
                }
            }, "kill9-writer");
            writer.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (acknowledged.size() < 2_000 && System.nanoTime() < deadline && writer.isAlive()) {
                Thread.sleep(20);
            }
            server.kill9();
            writing.set(false);
            writer.join(30_000);
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(100);
        try (ChildServer server = ChildServer.start(data)) {
            Set<Long> stored = ids(server.url(), "acked");
            assertThat(stored).containsAll(acknowledged);
            System.out.printf("kill -9: %d rows acknowledged, %d stored after restart%n", acknowledged.size(), stored.size());
        }
    }
}
