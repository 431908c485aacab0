package io.runnel.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Connecting tries the URL's hosts in order and stays on the first that accepts. */
class FailoverTest {
    @Test
    void theSecondHostServesWhenTheFirstRefuses() throws Exception {
        int dead = PlainHttpServer.unusedPort();
        try (FakeRunnelServer live = FakeRunnelServer.start();
             Connection c = DriverManager.getConnection(
                     "jdbc:runnel://127.0.0.1:" + dead + ",127.0.0.1:" + live.port() + "?group=billing")) {
            assertThat(c.unwrap(RunnelConnection.class).serverAddress()).isEqualTo("127.0.0.1:" + live.port());
            assertThat(live.meta().openedConnections).hasSize(1);
            assertThat(live.meta().openedConnections.get(0)).containsEntry("group", "billing");
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void aHostThatIsNotARunnelServerIsSkippedToo() throws Exception {
        try (PlainHttpServer web = PlainHttpServer.answering(404, "text/html", "nope".getBytes(StandardCharsets.UTF_8));
             FakeRunnelServer live = FakeRunnelServer.start();
             Connection c = DriverManager.getConnection(
                     "jdbc:runnel://127.0.0.1:" + web.port() + ",127.0.0.1:" + live.port())) {
            assertThat(c.unwrap(RunnelConnection.class).serverAddress()).isEqualTo("127.0.0.1:" + live.port());
        }
    }

    @Test
    void aServerThatRejectsTheCredentialsEndsTheSearch() {
        try (FakeRunnelServer first = FakeRunnelServer.start(); FakeRunnelServer second = FakeRunnelServer.start()) {
            first.meta().openConnectionError = Behaviors.error("28000", "password authentication failed for user bob");
            SQLInvalidAuthorizationSpecException e = catchThrowableOfType(SQLInvalidAuthorizationSpecException.class,
                    () -> DriverManager.getConnection("jdbc:runnel://127.0.0.1:" + first.port() + ",127.0.0.1:"
                            + second.port() + "?user=bob&password=x"));
            assertThat(e.getMessage()).isEqualTo("password authentication failed for user bob");
            assertThat(second.meta().openedConnections).as("a live server answered: no failover").isEmpty();
        }
    }

    @Test
    void aServerThatRefusesWithAConnectionStateIsSkipped() throws Exception {
        try (FakeRunnelServer busy = FakeRunnelServer.start(); FakeRunnelServer live = FakeRunnelServer.start()) {
            busy.meta().openConnectionError = Behaviors.error("08004", "too many connections");
            try (Connection c = DriverManager.getConnection(
                    "jdbc:runnel://127.0.0.1:" + busy.port() + ",127.0.0.1:" + live.port())) {
                assertThat(c.unwrap(RunnelConnection.class).serverAddress()).isEqualTo("127.0.0.1:" + live.port());
            }
        }
    }

    @Test
    void aHostThatAcceptsButNeverAnswersIsSkippedAfterTheConnectTimeout() throws Exception {
        // a hung process: the kernel accepts the TCP connection, nobody answers the request
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             FakeRunnelServer live = FakeRunnelServer.start()) {
            String url = "jdbc:runnel://127.0.0.1:" + hung.getLocalPort() + ",127.0.0.1:" + live.port()
                    + "?connect_timeout_ms=500";
            try (Connection c = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> DriverManager.getConnection(url))) {
                assertThat(c.unwrap(RunnelConnection.class).serverAddress()).isEqualTo("127.0.0.1:" + live.port());
            }
            SQLException e = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(
                    "jdbc:runnel://127.0.0.1:" + hung.getLocalPort() + "?connect_timeout_ms=500"));
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).endsWith("no answer from 127.0.0.1:" + hung.getLocalPort()
                    + " within 500 ms (connect_timeout_ms)");
        }
    }

    @Test
    void whenNoHostAcceptsEveryFailureIsReported() {
        int a = PlainHttpServer.unusedPort();
        int b = PlainHttpServer.unusedPort();
        SQLTransientConnectionException e = catchThrowableOfType(SQLTransientConnectionException.class,
                () -> DriverManager.getConnection("jdbc:runnel://127.0.0.1:" + a + ",127.0.0.1:" + b + "/"));
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).startsWith("could not connect to jdbc:runnel://127.0.0.1:" + a + ",127.0.0.1:" + b + ": ")
                .contains("127.0.0.1:" + a + " refused").contains("127.0.0.1:" + b + " refused");
        assertThat(e.getSuppressed()).hasSize(2);
        SQLException second = e.getNextException().getNextException();
        assertThat(second.getMessage()).contains(String.valueOf(b));
    }

    @Test
    void theServerReceivesTheServerPropertiesOnly() throws Exception {
        try (FakeRunnelServer live = FakeRunnelServer.start();
             Connection c = DriverManager.getConnection(live.url(
                     "?user=alice&password=s3cret&group=g1&acks=1&fetch_wait_ms=500&timezone=UTC"
                             + "&fetch_size=10&connect_timeout_ms=2000&socket_timeout_ms=60000"))) {
            assertThat(c.isValid(5)).isTrue();
            Map<String, String> info = live.meta().openedConnections.get(0);
            assertThat(info).containsOnly(Map.entry("user", "alice"), Map.entry("password", "s3cret"),
                    Map.entry("group", "g1"), Map.entry("acks", "1"), Map.entry("fetch_wait_ms", "500"),
                    Map.entry("timezone", "UTC"), Map.entry("data_path", "true"));
        }
    }

    @Test
    void theServerReceivesTheEffectiveDefaults() throws Exception {
        try (FakeRunnelServer live = FakeRunnelServer.start();
             Connection c = DriverManager.getConnection(live.url())) {
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(live.meta().openedConnections.get(0)).containsOnly(Map.entry("acks", "all"),
                    Map.entry("fetch_wait_ms", "1000"), Map.entry("timezone", java.time.ZoneId.systemDefault().getId()),
                    Map.entry("data_path", "true"));
        }
    }
}
