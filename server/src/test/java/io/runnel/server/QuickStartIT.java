package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's quick start, statement by statement, through JDBC only. */
class QuickStartIT {

    @Test
    void quickStartFlowAndRestart() throws Exception {
        try (ServerFixture fixture = new ServerFixture()) {
            try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TOPIC orders (id BIGINT NOT NULL, customer VARCHAR(64), product VARCHAR(64),"
                        + " amount DECIMAL(12,2), qty INTEGER, placed_at TIMESTAMP(3)) WITH (partitions = 3)");
                assertThat(s.executeUpdate("INSERT INTO orders VALUES"
                        + " (1, 'alice', 'apples', 10.50, 3, TIMESTAMP '2026-11-01 09:30:00'),"
                        + " (2, 'bob', 'pears', 4.25, 1, TIMESTAMP '2026-11-01 09:31:00'),"
                        + " (3, 'alice', 'plums', 7.00, 2, TIMESTAMP '2026-11-01 09:32:00')")).isEqualTo(3);

                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM orders")) {
                    assertThat(rs.getMetaData().getColumnCount()).isEqualTo(6);
                    while (rs.next()) {
                        ids.add(rs.getLong("id"));
                    }
                }
                assertThat(ids).containsExactlyInAnyOrder(1L, 2L, 3L);

                Map<String, BigDecimal> sums = new HashMap<>();
                try (ResultSet rs = s.executeQuery("SELECT customer, SUM(amount) FROM orders GROUP BY customer")) {
                    while (rs.next()) {
                        sums.put(rs.getString(1), rs.getBigDecimal(2));
                    }
                }
                assertThat(sums).containsOnly(Map.entry("alice", new BigDecimal("17.50")), Map.entry("bob", new BigDecimal("4.25")));
            }

            // EMIT CHANGES in one connection sees a row another connection inserts.
            try (Connection reader = fixture.connect(); Connection writer = fixture.connect();
                    Statement rs = reader.createStatement(); Statement ws = writer.createStatement()) {
                CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> {
                    try (ResultSet r = rs.executeQuery("SELECT id, customer FROM orders EMIT CHANGES")) {
                        return r.next() ? r.getLong(1) : -1L;
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                    ws.executeUpdate("INSERT INTO orders (id, customer) VALUES (100, 'carol')");
                    assertThat(first.get(2, TimeUnit.SECONDS)).isEqualTo(100L);
                });
            }

            fixture.restart();
            try (Connection c = fixture.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders WHERE id < 100")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(3);
            }
        }
    }
}
