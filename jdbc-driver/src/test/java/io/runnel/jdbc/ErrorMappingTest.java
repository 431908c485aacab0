package io.runnel.jdbc;

import static io.runnel.jdbc.Behaviors.bigintColumns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error the server reports reaches the application as the JDBC 4 exception its SQLSTATE
 * calls for, with the server's message alone (no Avatica "Error -1 (00000) :" prefix, no
 * stack trace in it) and the server's stack trace as the cause, whichever call failed.
 */
class ErrorMappingTest {
    private FakeRunnelServer server;

    @BeforeEach
    void start() {
        server = FakeRunnelServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static Stream<Arguments> sqlStates() {
        return Stream.of(
                Arguments.of("42601", "42601", SQLSyntaxErrorException.class),
                Arguments.of("42P01", "42P01", SQLSyntaxErrorException.class),
                Arguments.of("42703", "42703", SQLSyntaxErrorException.class),
                Arguments.of("42501", "42501", SQLSyntaxErrorException.class),
                Arguments.of("22003", "22003", SQLDataException.class),
                Arguments.of("22001", "22001", SQLDataException.class),
                Arguments.of("23502", "23502", SQLIntegrityConstraintViolationException.class),
                Arguments.of("08006", "08006", SQLTransientConnectionException.class),
                Arguments.of("08004", "08004", SQLTransientConnectionException.class),
                Arguments.of("08003", "08003", SQLNonTransientConnectionException.class),
                Arguments.of("08P01", "08P01", SQLNonTransientConnectionException.class),
                Arguments.of("0A000", "0A000", SQLFeatureNotSupportedException.class),
                Arguments.of("57014", "57014", SQLTimeoutException.class),
                Arguments.of("40001", "40001", SQLTransactionRollbackException.class),
                Arguments.of("28000", "28000", SQLInvalidAuthorizationSpecException.class),
                Arguments.of("53100", "53100", SQLException.class),
                Arguments.of("XX000", "XX000", SQLException.class),
                Arguments.of("00000", "XX000", SQLException.class));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("sqlStates")
    void executeErrorsAreMappedByTheirSqlState(String serverState, String expectedState,
            Class<? extends SQLException> expectedClass) throws Exception {
        String message = "topic 'orders' says " + serverState + " at line 1, column 8";
        server.meta().on("BAD", Behaviors.failing(serverState, message));
        try (Connection c = DriverManager.getConnection(server.url()); Statement s = c.createStatement()) {
            SQLException e = catchThrowableOfType(SQLException.class, () -> s.executeQuery("BAD"));

            assertThat(e.getClass()).isEqualTo(expectedClass);
            assertThat(e.getSQLState()).isEqualTo(expectedState);
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.getCause()).isInstanceOf(ServerStackTrace.class)
                    .hasMessageContaining("127.0.0.1:" + server.port())
                    .hasMessageContaining("AvaticaRuntimeException");
        }
    }

    @Test
    void aPrepareErrorIsTheServers() throws Exception {
        try (Connection c = DriverManager.getConnection(server.url())) {
            SQLException e = catchThrowableOfType(SQLSyntaxErrorException.class,
                    () -> c.prepareStatement("SELECT * FROM nowhere"));
            assertThat(e.getSQLState()).isEqualTo("42P01");
            assertThat(e.getMessage()).isEqualTo("unknown SQL in the fake server: SELECT * FROM nowhere");
        }
    }

    @Test
    void anErrorInAFetchReachesNextAndClosesTheResultSet() throws Exception {
        server.meta().on("OVERFLOW", Behaviors.failingFetch(bigintColumns("N"), 2, "22003",
                "value 3000000000 of column qty is out of range for INTEGER"));
        try (Connection c = DriverManager.getConnection(server.url());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("OVERFLOW")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.next()).isTrue();
            SQLException e = catchThrowableOfType(SQLDataException.class, rs::next);
            assertThat(e.getMessage()).isEqualTo("value 3000000000 of column qty is out of range for INTEGER");
            assertThat(rs.isClosed()).isTrue();
        }
    }

    @Test
    void metadataErrorsAreTheServers() throws Exception {
        server.meta().metadataError = Behaviors.error("42501", "user alice may not list topics");
        try (Connection c = DriverManager.getConnection(server.url())) {
            SQLException e = catchThrowableOfType(SQLSyntaxErrorException.class,
                    () -> c.getMetaData().getTables(null, null, "%", null));
            assertThat(e.getSQLState()).isEqualTo("42501");
            assertThat(e.getMessage()).isEqualTo("user alice may not list topics");
        }
    }

    @Test
    void commitErrorsAreTheServers() throws Exception {
        server.meta().commitError = Behaviors.error("40001", "offsets of group g moved; retry the transaction");
        try (Connection c = DriverManager.getConnection(server.url())) {
            c.setAutoCommit(false);
            SQLException e = catchThrowableOfType(SQLTransactionRollbackException.class, c::commit);
            assertThat(e.getMessage()).isEqualTo("offsets of group g moved; retry the transaction");
        }
    }

    @Test
    void rejectedCredentialsAreAnAuthorizationError() {
        server.meta().openConnectionError = Behaviors.error("28000", "password authentication failed for user alice");
        SQLException e = catchThrowableOfType(SQLInvalidAuthorizationSpecException.class,
                () -> DriverManager.getConnection(server.url("?user=alice&password=wrong")));
        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(e.getMessage()).isEqualTo("password authentication failed for user alice");
    }

    @Test
    void aConnectionTheServerForgotIs08003() throws Exception {
        try (Connection c = DriverManager.getConnection(server.url())) {
            server.meta().forgetConnections = true;
            SQLException e = catchThrowableOfType(SQLNonTransientConnectionException.class, c::createStatement);
            assertThat(e.getSQLState()).isEqualTo("08003");
            assertThat(e.getMessage()).contains("connection no longer exists on 127.0.0.1:" + server.port())
                    .contains("open a new connection");
            assertThat(c.isValid(5)).isFalse();
        }
    }

    @Test
    void driverErrorsOnClosedObjectsHaveStates() throws Exception {
        Connection c = DriverManager.getConnection(server.url());
        Statement s = c.createStatement();
        s.close();
        assertThat(catchThrowableOfType(SQLException.class, () -> s.executeQuery("SELECT 1")).getSQLState())
                .isEqualTo("55000");
        c.close();
        SQLException closed = catchThrowableOfType(SQLNonTransientConnectionException.class, c::createStatement);
        assertThat(closed.getSQLState()).isEqualTo("08003");
        assertThat(closed.getMessage()).isEqualTo("connection is closed");
    }

    @Test
    void executeQueryOnAnUpdateSaysSo() throws Exception {
        server.meta().on("INSERT INTO t VALUES (1)", Behaviors.update(1));
        try (Connection c = DriverManager.getConnection(server.url()); Statement s = c.createStatement()) {
            SQLException e = catchThrowableOfType(SQLException.class, () -> s.executeQuery("INSERT INTO t VALUES (1)"));
            assertThat(e.getSQLState()).isEqualTo("02000");
            assertThat(s.executeUpdate("INSERT INTO t VALUES (1)")).isEqualTo(1);
        }
    }
}
