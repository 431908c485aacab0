package io.runnel.jdbc;

import static io.runnel.jdbc.Behaviors.bigintColumns;
import static io.runnel.jdbc.Behaviors.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every way of not reaching the server is an 08xxx {@link SQLException} naming host and port,
 * never a raw runtime exception, and never a hang.
 */
class ConnectionFailureTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Test
    void aPortNobodyListensOnIsRefused() {
        int port = PlainHttpServer.unusedPort();
        SQLTransientConnectionException e = catchThrowableOfType(SQLTransientConnectionException.class,
                () -> DriverManager.getConnection("jdbc:runnel://127.0.0.1:" + port));
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).isEqualTo("could not connect to jdbc:runnel://127.0.0.1:" + port
                + ": connection to 127.0.0.1:" + port + " refused (is a Runnel server listening there?)");
        assertThat(e.getSuppressed()).hasSize(1);
        assertThat((Object) e.getNextException()).isSameAs(e.getSuppressed()[0]);
    }

    @Test
    void aServerThatDiesUnderAnOpenConnectionFailsItsStatementsWith08006() throws Exception {
        FakeRunnelServer server = FakeRunnelServer.start();
        server.meta().on("SELECT 1", Behaviors.bounded(bigintColumns("ONE"), List.of(row(1L))));
        try (Connection c = DriverManager.getConnection(server.url()); Statement s = c.createStatement()) {
            assertThat(c.isValid(5)).isTrue();
            server.close();

            SQLTransientConnectionException e = catchThrowableOfType(SQLTransientConnectionException.class,
                    () -> s.executeQuery("SELECT 1"));
            assertThat(e.getSQLState()).isEqualTo("08006");
            assertThat(e.getMessage()).contains("127.0.0.1:" + server.port());
            assertThat(assertTimeoutPreemptively(DEADLINE, () -> c.isValid(2))).isFalse();
        }
    }

    @Test
    void aServerThatDiesDuringAStreamEndsTheWaitingNextWith08006() throws Exception {
        FakeRunnelServer server = FakeRunnelServer.start();
        server.meta().on("SILENT", Behaviors.stuck(bigintColumns("N"), server.meta().shutdown, 60_000));
        try (Connection c = DriverManager.getConnection(server.url()); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SILENT");
            java.util.concurrent.CompletableFuture<Throwable> next = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    while (rs.next()) {
                        // no rows ever
                    }
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            await().atMost(DEADLINE).until(() -> server.meta().fetches.get() >= 1);

            server.close();

            Throwable failure = next.get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port());
            assertThat(((SQLException) failure).getSQLState()).isEqualTo("08006");
            assertThat(rs.isClosed()).isTrue();
        }
    }

    @Test
    void aServerThatDoesNotAnswerWithinTheSocketTimeoutIs08006AndItsQueryIsClosed() throws Exception {
        try (FakeRunnelServer server = FakeRunnelServer.start()) {
            server.meta().on("SILENT", Behaviors.stuck(bigintColumns("N"), server.meta().shutdown, 60_000));
            try (Connection c = DriverManager.getConnection(server.url("?socket_timeout_ms=1000&fetch_wait_ms=0"));
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SILENT")) {
                SQLTransientConnectionException e = catchThrowableOfType(SQLTransientConnectionException.class,
                        () -> assertTimeoutPreemptively(DEADLINE, rs::next));
                assertThat(e.getSQLState()).isEqualTo("08006");
                assertThat(e.getMessage()).isEqualTo("no answer from 127.0.0.1:" + server.port()
                        + " within 1000 ms (socket_timeout_ms or Connection.setNetworkTimeout)");
                int statementId = server.meta().lastExecution("SILENT").statementId;
                await().atMost(DEADLINE).until(() -> server.meta().closedStatements.contains(statementId));
            }
        }
    }

    @Test
    void setNetworkTimeoutBoundsEachRequest() throws Exception {
        try (FakeRunnelServer server = FakeRunnelServer.start()) {
            server.meta().on("SILENT", Behaviors.stuck(bigintColumns("N"), server.meta().shutdown, 60_000));
            try (Connection c = DriverManager.getConnection(server.url()); Statement s = c.createStatement()) {
                c.setNetworkTimeout(Runnable::run, 700);
                assertThat(c.getNetworkTimeout()).isEqualTo(700);
                ResultSet rs = s.executeQuery("SILENT");
                SQLException e = catchThrowableOfType(SQLTransientConnectionException.class,
                        () -> assertTimeoutPreemptively(DEADLINE, rs::next));
                assertThat(e.getMessage()).contains("within 700 ms");
            }
        }
    }

    @Test
    void anHttpServerThatIsNotRunnelIsAProtocolError() {
        try (PlainHttpServer web = PlainHttpServer.answering(404, "text/html",
                "<html>not found</html>".getBytes(StandardCharsets.UTF_8))) {
            SQLNonTransientConnectionException e = catchThrowableOfType(SQLNonTransientConnectionException.class,
                    () -> DriverManager.getConnection("jdbc:runnel://127.0.0.1:" + web.port()));
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).contains("127.0.0.1:" + web.port() + " answered HTTP 404 (text/html)")
                    .contains("is this the SQL port of a Runnel server?");
            assertThat(((SQLException) e.getSuppressed()[0]).getSQLState()).isEqualTo("08P01");
        }
    }

    @Test
    void aBodyThatIsNotProtobufIsAProtocolError() {
        try (PlainHttpServer web = PlainHttpServer.answering(200, "application/octet-stream",
                "\u0000garbage\u00ff".getBytes(StandardCharsets.ISO_8859_1))) {
            SQLNonTransientConnectionException e = catchThrowableOfType(SQLNonTransientConnectionException.class,
                    () -> DriverManager.getConnection("jdbc:runnel://127.0.0.1:" + web.port()));
            assertThat(e.getMessage()).contains("sent an answer that is not Avatica protobuf");
        }
    }

    @Test
    void httpAuthenticationFailureIs28000() {
        try (PlainHttpServer web = PlainHttpServer.answering(401, "text/plain", new byte[0])) {
            SQLInvalidAuthorizationSpecException e = catchThrowableOfType(SQLInvalidAuthorizationSpecException.class,
                    () -> DriverManager.getConnection("jdbc:runnel://127.0.0.1:" + web.port()));
            assertThat(e.getSQLState()).isEqualTo("28000");
            assertThat(e.getMessage()).isEqualTo("127.0.0.1:" + web.port() + " rejected the credentials (HTTP 401)");
        }
    }

    @Test
    void http503IsTransient() {
        try (PlainHttpServer web = PlainHttpServer.answering(503, "text/plain", new byte[0])) {
            SQLTransientConnectionException e = catchThrowableOfType(SQLTransientConnectionException.class,
                    () -> DriverManager.getConnection("jdbc:runnel://127.0.0.1:" + web.port()));
            assertThat(e.getMessage()).contains("127.0.0.1:" + web.port() + " is unavailable (HTTP 503)");
        }
    }
}
