package io.runnel.sql.errors;

import java.util.Objects;

/**
 * A user-facing SQL error: a message that names the object (and, for statement text, the position)
 * and the SQLSTATE of DESIGN.md §3. Created only through {@link RunnelErrors}; the server turns it
 * into an Avatica error response that the client raises as an {@code SQLException} with the same
 * message and SQLSTATE.
 *
 * <p>Immutable.
 */
public final class RunnelSqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;

    RunnelSqlException(String sqlState, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.sqlState = Objects.requireNonNull(sqlState, "sqlState");
    }

    /** The five-character SQLSTATE, e.g. {@code 42P01}. */
    public String sqlState() {
        return sqlState;
    }

    /** The SQLSTATE class, its first two characters (e.g. {@code 42} for syntax and access rules). */
    public String sqlStateClass() {
        return sqlState.substring(0, 2);
    }

    @Override
    public String toString() {
        return "RunnelSqlException[" + sqlState + "]: " + getMessage();
    }
}
