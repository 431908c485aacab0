package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Compatibility: Avatica's stock remote client ({@code jdbc:avatica:remote:url=...;serialization=protobuf})
 * works against the server — DDL, a prepared batch insert, queries, metadata, errors with their
 * SQLSTATE, and EMIT CHANGES (the stock client reads one row ahead, so a streamed row arrives once
 * the next one exists).
 */
class StockAvaticaIT {

    @Test
    void stockClientEndToEnd() throws Exception {
        Properties props = new Properties();
        props.setProperty("timeZone", "UTC");
        try (ServerFixture fixture = new ServerFixture(); Connection c = fixture.connectStockAvatica(props)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TOPIC stock (id BIGINT NOT NULL, name VARCHAR(20)) WITH (partitions = 2)");
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO stock VALUES (?, ?)")) {
                for (int i = 0; i < 1000; i++) {
                    p.setLong(1, i);
                    p.setString(2, "n" + i);
                    p.addBatch();
                }
                int[] counts = p.executeBatch();
                assertThat(counts).hasSize(1000).containsOnly(1);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(id) FROM stock")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1000);
                assertThat(rs.getLong(2)).isEqualTo(999);
            }
            DatabaseMetaData md = c.getMetaData();
            // (The stock client reports its own driver's product name; MetadataIT checks the server's through the Runnel driver.)
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, "runnel", "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertThat(tables).containsExactly("stock");
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM missing")).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42P01"));
            }
            try (Connection reader = fixture.connectStockAvatica(props); Statement rs = reader.createStatement();
                    Statement ws = c.createStatement()) {
                CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> {
                    try (ResultSet r = rs.executeQuery("SELECT id FROM stock WHERE id >= 5000 EMIT CHANGES")) {
                        return r.next() ? r.getLong(1) : -1L;
                    } catch (SQLException e) {
                        throw new RuntimeException(e);
                    }
                });
                long[] next = {5000};
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                    ws.executeUpdate("INSERT INTO stock VALUES (" + next[0]++ + ", 'streamed')");
                    assertThat(first.get(1, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(5000L);
                });
            }
        }
    }
}
