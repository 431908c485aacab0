package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A produce whose answer is lost: the driver talks to the server through a {@link LinkProxy} that lets
 * the request through and swallows the answer, then resets the connection. The driver resends the same
 * request; the leader recognizes the producer id and sequences and stores nothing twice — also when the
 * server restarted in between (the resend moves to a new connection, and the restarted log still knows
 * the producer).
 */
class IdempotentProduceIT {
    static ServerFixture server;
    static LinkProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerFixture();
        proxy = new LinkProxy(server.port());
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TOPIC lost_answers (id BIGINT NOT NULL, k VARCHAR(8)) PARTITION BY k WITH (partitions = 3)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void addRows(PreparedStatement insert, int from, int count) throws SQLException {
        for (int i = from; i < from + count; i++) {
            insert.setLong(1, i);
            insert.setString(2, "k" + (i % 7));
            insert.addBatch();
        }
    }

    /** {@code executeBatch} on another thread: it waits for an answer the proxy swallows. */
    private static CompletableFuture<int[]> executeBatchAsync(PreparedStatement insert) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return insert.executeBatch();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aBatchWhoseAnswerWasLostIsResentAndStoredOnce() throws Exception {
        String url = "jdbc:runnel://127.0.0.1:" + proxy.port() + "?retry_timeout_ms=60000";
        try (Connection client = DriverManager.getConnection(url);
                Connection direct = server.connect();
                PreparedStatement insert = client.prepareStatement("INSERT INTO lost_answers (id, k) VALUES (?, ?)")) {
            addRows(insert, 0, 500);
            assertThat(insert.executeBatch()).hasSize(500);
            long duplicatesBefore = server.server().engine().duplicateBatches();

            proxy.cutResponses();
            addRows(insert, 500, 500);
            CompletableFuture<int[]> second = executeBatchAsync(insert);
            // The request arrived and was stored; its answer is swallowed.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> count(direct, "lost_answers") == 1000);
            assertThat(second).isNotDone();
            proxy.heal(); // resets the connection: the driver sees 08006 and resends the same bytes
            assertThat(second.get(60, TimeUnit.SECONDS)).hasSize(500);

            assertThat(count(direct, "lost_answers")).isEqualTo(1000);
            Map<Long, Integer> copies = new HashMap<>();
            try (Statement s = direct.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM lost_answers")) {
                while (rs.next()) {
                    copies.merge(rs.getLong(1), 1, Integer::sum);
                }
            }
            assertThat(copies).hasSize(1000).allSatisfy((id, n) -> assertThat(n).as("copies of id %d", id).isEqualTo(1));
            assertThat(server.server().engine().duplicateBatches()).as("batches the leader recognized as resent")
                    .isGreaterThan(duplicatesBefore);

            // The statement's producer goes on: the next batch is stored normally.
            addRows(insert, 1000, 100);
            assertThat(insert.executeBatch()).hasSize(100);
            assertThat(count(direct, "lost_answers")).isEqualTo(1100);
        }
    }

    @Test
    void aResendAfterTheServerRestartedMovesToANewConnectionAndIsStoredOnce() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("runnel-it-");
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Map<String, String> settings = Map.of("data_dir", dir.toString(), "sql_port", Integer.toString(port), "broker_port", "0");
        RunnelServer running = RunnelServer.start(io.runnel.server.config.ConfigLoader.load(settings));
        String direct = "jdbc:runnel://127.0.0.1:" + port;
        try (LinkProxy link = new LinkProxy(port)) {
            try (Connection c = DriverManager.getConnection(direct); Statement s = c.createStatement()) {
                s.execute("CREATE TOPIC restarts (id BIGINT NOT NULL, k VARCHAR(8)) PARTITION BY k WITH (partitions = 2)");
            }
            String url = "jdbc:runnel://127.0.0.1:" + link.port() + "?retry_timeout_ms=60000&connect_timeout_ms=2000";
            try (Connection client = DriverManager.getConnection(url);
                    PreparedStatement insert = client.prepareStatement("INSERT INTO restarts (id, k) VALUES (?, ?)")) {
                addRows(insert, 0, 300);
                assertThat(insert.executeBatch()).hasSize(300);

                link.cutResponses();
                addRows(insert, 300, 300);
                CompletableFuture<int[]> second = executeBatchAsync(insert);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    try (Connection c = DriverManager.getConnection(direct)) {
                        return count(c, "restarts") == 600;
                    }
                });
                running.close(); // the answer never left; the client's connection dies with the server
                running = RunnelServer.start(io.runnel.server.config.ConfigLoader.load(settings));
                link.heal(); // the driver sees its request fail, resends, learns the server lost the connection, moves
                assertThat(second.get(60, TimeUnit.SECONDS)).hasSize(300);
            }
            try (Connection c = DriverManager.getConnection(direct); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM restarts")) {
                Map<Long, Integer> copies = new HashMap<>();
                while (rs.next()) {
                    copies.merge(rs.getLong(1), 1, Integer::sum);
                }
                assertThat(copies).hasSize(600).allSatisfy((id, n) -> assertThat(n).as("copies of id %d", id).isEqualTo(1));
            }
            assertThat(running.engine().duplicateBatches()).as("the restarted leader recognized the resent batches")
                    .isPositive();
        } finally {
            running.close();
            ServerFixture.deleteRecursively(dir);
        }
    }

    private static long count(Connection c, String topic) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + topic)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

