package io.runnel.jdbc;

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
import java.util.Set;

/**
 * The SQLSTATEs the driver raises itself, and the one rule that turns any SQLSTATE (the server's
 * or the driver's) into a JDBC 4 {@link SQLException} subclass.
 *
 * <table>
 *   <caption>SQLSTATE class to exception class</caption>
 *   <tr><th>SQLSTATE</th><th>exception</th></tr>
 *   <tr><td>08001, 08004, 08006</td><td>{@link SQLTransientConnectionException}</td></tr>
 *   <tr><td>other 08xxx</td><td>{@link SQLNonTransientConnectionException}</td></tr>
 *   <tr><td>0Axxx</td><td>{@link SQLFeatureNotSupportedException}</td></tr>
 *   <tr><td>22xxx</td><td>{@link SQLDataException}</td></tr>
 *   <tr><td>23xxx</td><td>{@link SQLIntegrityConstraintViolationException}</td></tr>
 *   <tr><td>28xxx</td><td>{@link SQLInvalidAuthorizationSpecException}</td></tr>
 *   <tr><td>40xxx</td><td>{@link SQLTransactionRollbackException}</td></tr>
 *   <tr><td>42xxx</td><td>{@link SQLSyntaxErrorException}</td></tr>
 *   <tr><td>57014</td><td>{@link SQLTimeoutException}</td></tr>
 *   <tr><td>anything else</td><td>{@link SQLException}</td></tr>
 * </table>
 *
 * <p>Errors the driver detects itself where the SQLSTATE alone cannot tell transient from
 * non-transient (an unknown host versus a refused connection, both 08001) are built by
 * {@link DriverErrors} with an explicit class. Thread-safe: stateless.
 */
public final class SqlStates {
    /** The URL or a connection property is invalid, or no host of the URL could be reached. */
    public static final String UNABLE_TO_CONNECT = "08001";
    /** The connection is closed, or the server no longer knows it. */
    public static final String CONNECTION_DOES_NOT_EXIST = "08003";
    /** The connection to the server failed while a request was under way. */
    public static final String CONNECTION_FAILURE = "08006";
    /**
     * A write was sent, its outcome could not be learned, and resending it within {@code retry_timeout_ms}
     * did not settle it: its rows may or may not be stored (each at most once).
     */
    public static final String TRANSACTION_RESOLUTION_UNKNOWN = "08007";
    /** The server's answer was not the Avatica protobuf the driver speaks. */
    public static final String PROTOCOL_VIOLATION = "08P01";
    /** A JDBC feature Runnel does not offer. */
    public static final String FEATURE_NOT_SUPPORTED = "0A000";
    /** A statement produced no result set, where one was required. */
    public static final String NO_DATA = "02000";
    /** An argument of a JDBC method is out of its range. */
    public static final String INVALID_PARAMETER_VALUE = "22023";
    /** A server-side cursor the result set relied on no longer exists. */
    public static final String INVALID_CURSOR_STATE = "24000";
    /** commit/rollback called in auto-commit mode. */
    public static final String INVALID_TRANSACTION_STATE = "25000";
    /** The credentials were refused. */
    public static final String INVALID_AUTHORIZATION = "28000";
    /** The query was cancelled, timed out, or its statement was closed while it ran. */
    public static final String QUERY_CANCELED = "57014";
    /** A method was called on a closed statement or result set. */
    public static final String OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";
    /** The server failed without saying why (Avatica's "00000"), or the driver failed unexpectedly. */
    public static final String INTERNAL_ERROR = "XX000";

    /** Avatica's SQLSTATE for "no state known"; never handed to users. */
    static final String AVATICA_UNKNOWN = "00000";

    /** 08 states after which a new attempt (a new connection) may succeed. */
    private static final Set<String> TRANSIENT_CONNECTION_STATES = Set.of("08001", "08004", "08006");

    private SqlStates() {
    }

    /**
     * Creates the JDBC 4 exception that {@code sqlState} calls for.
     *
     * @param message the message, as the user should read it
     * @param sqlState five characters; {@code null}, empty and Avatica's "00000" become {@link #INTERNAL_ERROR}
     * @param vendorCode the server's error code, or 0
     * @param cause kept as the cause (e.g. the server's stack trace), may be {@code null}
     */
    public static SQLException toException(String message, String sqlState, int vendorCode, Throwable cause) {
        String state = sqlState == null || sqlState.isEmpty() || AVATICA_UNKNOWN.equals(sqlState)
                ? INTERNAL_ERROR : sqlState;
        String stateClass = state.length() >= 2 ? state.substring(0, 2) : state;
        return switch (stateClass) {
            case "08" -> TRANSIENT_CONNECTION_STATES.contains(state)
                    ? new SQLTransientConnectionException(message, state, vendorCode, cause)
                    : new SQLNonTransientConnectionException(message, state, vendorCode, cause);
            case "0A" -> new SQLFeatureNotSupportedException(message, state, vendorCode, cause);
            case "22" -> new SQLDataException(message, state, vendorCode, cause);
            case "23" -> new SQLIntegrityConstraintViolationException(message, state, vendorCode, cause);
            case "28" -> new SQLInvalidAuthorizationSpecException(message, state, vendorCode, cause);
            case "40" -> new SQLTransactionRollbackException(message, state, vendorCode, cause);
            case "42" -> new SQLSyntaxErrorException(message, state, vendorCode, cause);
            default -> QUERY_CANCELED.equals(state)
                    ? new SQLTimeoutException(message, state, vendorCode, cause)
                    : new SQLException(message, state, vendorCode, cause);
        };
    }

    /** Whether {@code sqlState} is in class 08 (connection exception). */
    static boolean isConnectionState(String sqlState) {
        return sqlState != null && sqlState.startsWith("08");
    }
}
