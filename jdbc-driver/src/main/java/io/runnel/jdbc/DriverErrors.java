package io.runnel.jdbc;

import java.sql.ClientInfoStatus;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import org.apache.calcite.avatica.remote.Service;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one catalog of errors the driver raises itself: every message and SQLSTATE is here
 * (server errors keep the server's message and SQLSTATE). Messages name the object and what was expected.
 * Thread-safe: stateless.
 */
final class DriverErrors {
    private static final Pattern SECRET_IN_URL =
            Pattern.compile("(?i)((?:password|ssl_truststore_password)=)[^&;]*");

    private DriverErrors() {
    }

    // ---- URL and properties (08001, not worth retrying) ----

    static SQLException invalidUrl(String url, String reason) {
        return new SQLNonTransientConnectionException(
                "invalid Runnel URL '" + redact(url) + "': " + reason, SqlStates.UNABLE_TO_CONNECT);
    }

    static SQLException unknownProperty(String name, String source) {
        String known = Arrays.stream(ConnectionProperty.values()).map(ConnectionProperty::key)
                .collect(Collectors.joining(", "));
        return new SQLNonTransientConnectionException("unknown connection property '" + name + "' in " + source
                + "; known properties: " + known, SqlStates.UNABLE_TO_CONNECT);
    }

    static SQLException invalidPropertyValue(ConnectionProperty property, String value, String expected) {
        String shown = property.secret() ? "***" : value;
        return new SQLNonTransientConnectionException("connection property " + property.key() + "='" + shown
                + "' is invalid: expected " + expected, SqlStates.UNABLE_TO_CONNECT);
    }

    static SQLException truststoreUnreadable(String path, Exception cause) {
        return new SQLNonTransientConnectionException("cannot load ssl_truststore '" + path + "': " + cause.getMessage(),
                SqlStates.UNABLE_TO_CONNECT, cause);
    }

    /**
     * No host of the URL accepted the connection. Transient unless every host failed for a
     * reason a retry cannot fix (unknown host, TLS). Each host's error is attached as suppressed
     * and in the {@link SQLException#getNextException() next-exception} chain.
     */
    static SQLException unableToConnect(String hostsUrl, List<SQLException> failures) {
        String details = failures.stream().map(Throwable::getMessage).collect(Collectors.joining("; "));
        String message = "could not connect to " + hostsUrl + ": " + details;
        boolean anyTransient = failures.stream().anyMatch(f -> f instanceof SQLTransientConnectionException);
        SQLException e = anyTransient
                ? new SQLTransientConnectionException(message, SqlStates.UNABLE_TO_CONNECT)
                : new SQLNonTransientConnectionException(message, SqlStates.UNABLE_TO_CONNECT);
        for (SQLException failure : failures) {
            e.addSuppressed(failure);
            e.setNextException(failure);
        }
        return e;
    }

    // ---- reaching the server (transport) ----

    /**
     * @param established whether the JDBC connection was open already (08006: the server went
     *     away) or is being opened (08001)
     */
    static SQLException connectionRefused(HostAndPort endpoint, boolean established, Throwable cause) {
        return new SQLTransientConnectionException("connection to " + endpoint
                + " refused (is a Runnel server listening there?)", connectState(established), cause);
    }

    static SQLException connectTimedOut(HostAndPort endpoint, boolean established, int connectTimeoutMs,
            Throwable cause) {
        return new SQLTransientConnectionException("connecting to " + endpoint + " timed out after "
                + connectTimeoutMs + " ms (connect_timeout_ms)", connectState(established), cause);
    }

    private static String connectState(boolean established) {
        return established ? SqlStates.CONNECTION_FAILURE : SqlStates.UNABLE_TO_CONNECT;
    }

    static SQLException unknownHost(HostAndPort endpoint, Throwable cause) {
        return new SQLNonTransientConnectionException("unknown host '" + endpoint.host() + "' (in " + endpoint + ")",
                SqlStates.UNABLE_TO_CONNECT, cause);
    }

    static SQLException tlsFailed(HostAndPort endpoint, Throwable cause) {
        return new SQLNonTransientConnectionException("TLS with " + endpoint + " failed: " + cause.getMessage()
                + " (check ssl and ssl_truststore)", SqlStates.UNABLE_TO_CONNECT, cause);
    }

    static SQLException connectionLost(HostAndPort endpoint, Throwable cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new SQLTransientConnectionException("connection to " + endpoint + " failed: " + reason,
                SqlStates.CONNECTION_FAILURE, cause);
    }

    /** @param timeoutSetting the setting that set the timeout, for the message */
    static SQLException responseTimedOut(HostAndPort endpoint, long timeoutMs, String timeoutSetting, Throwable cause) {
        return new SQLTransientConnectionException("no answer from " + endpoint + " within " + timeoutMs
                + " ms (" + timeoutSetting + ")", SqlStates.CONNECTION_FAILURE, cause);
    }

    static SQLException serviceUnavailable(HostAndPort endpoint) {
        return new SQLTransientConnectionException(endpoint + " is unavailable (HTTP 503)", SqlStates.CONNECTION_FAILURE);
    }

    static SQLException credentialsRejected(HostAndPort endpoint, int httpStatus) {
        return SqlStates.toException(endpoint + " rejected the credentials (HTTP " + httpStatus + ")",
                SqlStates.INVALID_AUTHORIZATION, 0, null);
    }

    static SQLException unexpectedHttpStatus(HostAndPort endpoint, int httpStatus, String contentType) {
        return new SQLNonTransientConnectionException(endpoint + " answered HTTP " + httpStatus + " ("
                + (contentType == null ? "no content type" : contentType)
                + ") instead of Avatica protobuf: is this the SQL port of a Runnel server?", SqlStates.PROTOCOL_VIOLATION);
    }

    static SQLException malformedResponse(HostAndPort endpoint, Throwable cause) {
        return new SQLNonTransientConnectionException(endpoint + " sent an answer that is not Avatica protobuf: "
                + cause.getMessage(), SqlStates.PROTOCOL_VIOLATION, cause);
    }

    static SQLException interruptedWaiting(HostAndPort endpoint) {
        return new SQLTimeoutException("interrupted while waiting for " + endpoint, SqlStates.QUERY_CANCELED);
    }

    // ---- errors the server reported ----

    /**
     * An Avatica {@code ErrorResponse}: the server's message and SQLSTATE, the class from
     * {@link SqlStates#toException}; the server's stack traces become the cause.
     */
    static SQLException serverError(Service.ErrorResponse error, HostAndPort endpoint) {
        ServerStackTrace trace = error.exceptions == null || error.exceptions.isEmpty()
                ? null : new ServerStackTrace(endpoint, error.exceptions);
        String message = error.errorMessage == null || error.errorMessage.isBlank()
                ? "the server failed without a message" : error.errorMessage;
        int vendorCode = Math.max(error.errorCode, 0);
        if (error.errorCode == Service.ErrorResponse.MISSING_CONNECTION_ERROR_CODE) {
            return new SQLNonTransientConnectionException("connection no longer exists on " + endpoint
                    + " (closed by the server after an idle timeout or a restart); open a new connection",
                    SqlStates.CONNECTION_DOES_NOT_EXIST, vendorCode, trace);
        }
        if (error.errorCode == Service.ErrorResponse.UNAUTHORIZED_ERROR_CODE
                || Service.ErrorResponse.UNAUTHORIZED_SQL_STATE.equals(error.sqlState)) {
            return SqlStates.toException(message, SqlStates.INVALID_AUTHORIZATION, vendorCode, trace);
        }
        return SqlStates.toException(message, error.sqlState, vendorCode, trace);
    }

    // ---- the connection ----

    /** A method was called on a closed (or aborted) connection. */
    static SQLException connectionClosed() {
        return new SQLNonTransientConnectionException("connection is closed", SqlStates.CONNECTION_DOES_NOT_EXIST);
    }

    static SQLClientInfoException unknownClientInfo(String name, Set<String> known) {
        return new SQLClientInfoException("client info property '" + name + "' is not supported; supported: "
                + String.join(", ", new TreeSet<>(known)), SqlStates.INVALID_PARAMETER_VALUE,
                Map.of(name, ClientInfoStatus.REASON_UNKNOWN_PROPERTY));
    }

    static SQLException notInAutoCommit(String operation) {
        return SqlStates.toException(operation + " is not possible in auto-commit mode; call setAutoCommit(false) first",
                SqlStates.INVALID_TRANSACTION_STATE, 0, null);
    }

    // ---- statements and result sets ----

    static SQLException statementClosed(int statementId) {
        return SqlStates.toException("statement " + statementId + " is closed", SqlStates.OBJECT_NOT_IN_PREREQUISITE_STATE, 0, null);
    }

    static SQLException resultSetClosed(int statementId) {
        return SqlStates.toException("result set of statement " + statementId + " is closed",
                SqlStates.OBJECT_NOT_IN_PREREQUISITE_STATE, 0, null);
    }

    static SQLException noResultSet(String sql) {
        return SqlStates.toException("the statement returned an update count, not a result set: " + abbreviate(sql),
                SqlStates.NO_DATA, 0, null);
    }

    /** A JDBC method argument out of range, e.g. {@code setFetchSize(-1)}. */
    static SQLException invalidArgument(String method, Object value, String expected) {
        return SqlStates.toException(method + "(" + value + ") is invalid: expected " + expected,
                SqlStates.INVALID_PARAMETER_VALUE, 0, null);
    }

    static SQLException unsupported(String feature) {
        return new SQLFeatureNotSupportedException(feature + " is not supported by Runnel", SqlStates.FEATURE_NOT_SUPPORTED);
    }

    /** The server no longer has the query a result set was reading (its statement was closed there). */
    static SQLException cursorLost(int statementId, String endpoint) {
        return SqlStates.toException("the query of statement " + statementId + " no longer exists on " + endpoint
                        + " (ended by the server: idle timeout, CANCEL QUERY or restart)",
                SqlStates.INVALID_CURSOR_STATE, 0, null);
    }

    static SQLException parameterCountChanged(String sql, int before, int after) {
        return SqlStates.toException("statement was prepared again and now has " + after + " parameters instead of "
                + before + ": " + abbreviate(sql), SqlStates.OBJECT_NOT_IN_PREREQUISITE_STATE, 0, null);
    }

    // ---- ending a query early (57014) ----

    static SQLException queryCancelled(int statementId) {
        return new SQLTimeoutException("query cancelled (Statement.cancel() on statement " + statementId + ")",
                SqlStates.QUERY_CANCELED);
    }

    static SQLException queryTimedOut(int statementId, int timeoutSeconds) {
        return new SQLTimeoutException("query timeout after " + timeoutSeconds + " s (statement " + statementId + ")",
                SqlStates.QUERY_CANCELED);
    }

    static SQLException queryEndedByClose(int statementId, String what) {
        return new SQLTimeoutException("query cancelled: " + what + " of statement " + statementId + " was closed",
                SqlStates.QUERY_CANCELED);
    }

    static SQLException queryInterrupted(int statementId) {
        return new SQLTimeoutException("query cancelled: the thread waiting for statement " + statementId + " was interrupted",
                SqlStates.QUERY_CANCELED);
    }

    // ---- anything else ----

    static SQLException internal(String message, Throwable cause) {
        return SqlStates.toException("internal driver error: " + message, SqlStates.INTERNAL_ERROR, 0, cause);
    }

    /**
     * The {@link SQLException} to give the user for {@code t}, which Avatica's code may have
     * wrapped ("Error while executing SQL ...") around the driver's own exception: the first
     * {@link UncheckedSqlException} in the cause chain wins.
     */
    static SQLException translate(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 32; c = c.getCause(), depth++) {
            if (c instanceof UncheckedSqlException u) {
                return u.sqlException();
            }
        }
        if (t instanceof SQLException s) {
            return s;
        }
        return internal(String.valueOf(t), t);
    }

    /** The URL with password values replaced by ***. */
    static String redact(String url) {
        return url == null ? "null" : SECRET_IN_URL.matcher(url).replaceAll("$1***");
    }

    static String abbreviate(String sql) {
        if (sql == null) {
            return "";
        }
        String oneLine = sql.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 197) + "...";
    }
}
