package io.runnel.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** How the JDK HTTP client's failures become named 08xxx errors (the ones a loopback test cannot provoke). */
class HttpTransportTest {
    private final HttpTransport transport;

    HttpTransportTest() throws SQLException {
        transport = HttpTransport.create(new HostAndPort("db.example.com", 7070),
                ConnectionSettings.parse("jdbc:runnel://db.example.com?connect_timeout_ms=1500", null));
    }

    private static ConnectException connectException(Throwable cause) {
        ConnectException e = new ConnectException();
        e.initCause(cause);
        return e;
    }

    @Test
    void anUnknownHostIsNotWorthRetrying() {
        SQLException e = transport.classify(new CompletionException(connectException(new UnresolvedAddressException())),
                1000, "socket_timeout_ms", false);
        assertThat((Throwable) e).isInstanceOf(SQLNonTransientConnectionException.class).hasMessage(
                "unknown host 'db.example.com' (in db.example.com:7070)");
        assertThat(e.getSQLState()).isEqualTo("08001");
    }

    @Test
    void aConnectTimeoutNamesTheSetting() {
        SQLException e = transport.classify(new HttpConnectTimeoutException("HTTP connect timed out"), 1000, "socket_timeout_ms", false);
        assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class).hasMessage(
                "connecting to db.example.com:7070 timed out after 1500 ms (connect_timeout_ms)");
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(transport.classify(new HttpConnectTimeoutException("x"), 1000, "socket_timeout_ms", true).getSQLState()).isEqualTo("08006");
    }

    @Test
    void aResponseTimeoutIs08006() {
        SQLException e = transport.classify(new HttpTimeoutException("request timed out"), 2500, "socket_timeout_ms", true);
        assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class).hasMessage(
                "no answer from db.example.com:7070 within 2500 ms (socket_timeout_ms)");
    }

    @Test
    void aTlsFailureIsAConfigurationError() {
        SQLException e = transport.classify(new IOException(new SSLHandshakeException("PKIX path building failed")), 1, "socket_timeout_ms", false);
        assertThat((Throwable) e).isInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessage("TLS with db.example.com:7070 failed: PKIX path building failed (check ssl and ssl_truststore)");
    }

    @Test
    void aLostConnectionIs08006() {
        SQLException e = transport.classify(new EOFException("EOF reached while reading"), 1, "socket_timeout_ms", true);
        assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class)
                .hasMessage("connection to db.example.com:7070 failed: EOF reached while reading");
        assertThat(e.getSQLState()).isEqualTo("08006");
    }

    @Test
    void anythingElseIsAnInternalError() {
        SQLException e = transport.classify(new IllegalStateException("bug"), 1, "socket_timeout_ms", true);
        assertThat(e.getSQLState()).isEqualTo("XX000");
        assertThat(e.getMessage()).startsWith("internal driver error: request to db.example.com:7070 failed");
    }
}
