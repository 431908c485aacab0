package io.runnel.engine;

/**
 * An error the engine reports to its caller, with the SQLSTATE the user will see (see
 * {@link SqlStates}). Messages name the object (topic, partition, column) and, for bad values, the
 * expected and actual values.
 *
 * <p>{@link #isRetriable()} tells a client whether trying the same call again may succeed (a
 * leader moved, a timeout) or not (bad input).
 */
public class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;

    public EngineException(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    public EngineException(String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }

    /** Class 40 (conflicts), 08 (connection) and 57014 (timeout) may succeed when retried. */
    public boolean isRetriable() {
        return sqlState.startsWith("40") || sqlState.startsWith("08") || sqlState.equals(SqlStates.QUERY_CANCELED);
    }
}
