package io.runnel.bench.suite.runnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.bench.suite.load.Acks;
import io.runnel.bench.suite.load.Projection;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the Runnel contract the suite relies on, checked without a server. */
class RunnelServerTest {

    @Test
    void parsesTheReadyLine() {
        assertThat(RunnelServer.parseReady("Runnel 0.1.0-SNAPSHOT ready: jdbc:runnel://127.0.0.1:41234"))
                .contains(new RunnelServer.ReadyLine("0.1.0-SNAPSHOT", "jdbc:runnel://127.0.0.1:41234"));
        // tolerant of a log prefix
        assertThat(RunnelServer.parseReady("2026-01-01 INFO Main - Runnel 0.2 ready: jdbc:runnel://127.0.0.1:7070"))
                .map(RunnelServer.ReadyLine::jdbcUrl).contains("jdbc:runnel://127.0.0.1:7070");
        assertThat(RunnelServer.parseReady("Runnel 0.1 starting on port 0")).isEmpty();
    }

    @Test
    void startsTheLauncherWithEphemeralPorts() {
        assertThat(RunnelServer.command(Path.of("/repo"), Path.of("/tmp/d"))).containsExactly(
                "/repo/runnel", "server", "--data-dir", "/tmp/d", "--sql-port", "0", "--broker-port", "0");
    }

    @Test
    void sqlOfTheContract() {
        assertThat(RunnelSql.createTopic("orders_p1_001", 1)).isEqualTo(
                "CREATE TOPIC orders_p1_001 (id BIGINT NOT NULL, customer VARCHAR(64), product VARCHAR(64), "
                        + "amount DECIMAL(12,2), qty INTEGER, placed_at TIMESTAMP(3)) WITH (partitions = 1)");
        assertThat(RunnelSql.insert("t"))
                .isEqualTo("INSERT INTO t (id, customer, product, amount, qty, placed_at) VALUES (?, ?, ?, ?, ?, ?)");
        assertThat(RunnelSql.consume("t", Projection.ALL_COLUMNS)).isEqualTo("SELECT * FROM t WHERE _offset >= 0 EMIT CHANGES");
        assertThat(RunnelSql.consume("t", Projection.ID_AND_AMOUNT))
                .isEqualTo("SELECT id, amount FROM t WHERE _offset >= 0 EMIT CHANGES");
        assertThat(RunnelSql.aggregate("t")).isEqualTo("SELECT customer, SUM(amount) FROM t GROUP BY customer");
        assertThat(RunnelSql.dropTopic("t")).isEqualTo("DROP TOPIC IF EXISTS t");
        assertThat(RunnelSql.withAcks("jdbc:runnel://127.0.0.1:1", Acks.ONE)).isEqualTo("jdbc:runnel://127.0.0.1:1?acks=1");
        assertThat(RunnelSql.withAcks("jdbc:runnel://h:1?user=a", Acks.ALL)).isEqualTo("jdbc:runnel://h:1?user=a&acks=all");
    }

    @Test
    void decimalsBecomeCentsExactly() {
        assertThat(RunnelSystem.cents(new BigDecimal("123.45"))).isEqualTo(12345);
        assertThat(RunnelSystem.cents(new BigDecimal("7.5"))).isEqualTo(750);
        assertThat(RunnelSystem.cents(new BigDecimal("7"))).isEqualTo(700);
    }

    @Test
    void updateCountsMustAccountForEveryRow() throws Exception {
        RunnelSystem.checkUpdateCounts(new int[] {1, 1, java.sql.Statement.SUCCESS_NO_INFO}, 3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunnelSystem.checkUpdateCounts(new int[] {1, 0}, 2))
                .hasMessageContaining("update count of 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunnelSystem.checkUpdateCounts(new int[] {1}, 2))
                .hasMessageContaining("1 update counts for 2 rows");
    }

    @Test
    void unavailableWithoutLauncherOrServerSources(@TempDir Path root) throws Exception {
        assertThat(RunnelAvailability.whyUnavailable(root)).get().asString().contains("no ./runnel launcher");
        Path launcher = Files.writeString(root.resolve("runnel"), "#!/bin/sh\n");
        launcher.toFile().setExecutable(true);
        assertThat(RunnelAvailability.whyUnavailable(root)).get().asString()
                .contains("server/src/main/java/io/runnel/server");
    }
}
