package io.runnel.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionTest {
    private FakeRunnelServer server;

    @BeforeEach
    void start() {
        server = FakeRunnelServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void boundedQueryReturnsTheServersRows() throws Exception {
        server.meta().on("SELECT n FROM t", Behaviors.bounded(Behaviors.bigintColumns("N"),
                List.of(Behaviors.row(1L), Behaviors.row(2L), Behaviors.row(3L))));
        try (Connection c = DriverManager.getConnection(server.url());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong("n")).isEqualTo(2);
            assertThat(rs.next()).isTrue();
            assertThat(rs.next()).isFalse();
        }
    }
}
