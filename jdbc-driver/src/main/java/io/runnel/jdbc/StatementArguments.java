package io.runnel.jdbc;

import java.sql.SQLException;

/** Checks of the arguments of Statement setters, shared by both statement classes. Thread-safe: stateless. */
final class StatementArguments {
    /** Avatica keeps the query timeout in int milliseconds. */
    static final int MAX_QUERY_TIMEOUT_SECONDS = Integer.MAX_VALUE / 1000;

    private StatementArguments() {
    }

    /** {@code setFetchSize}: 0 means the connection's fetch_size. */
    static int fetchSize(int rows, ConnectionSettings settings) throws SQLException {
        if (rows < 0) {
            throw DriverErrors.invalidArgument("setFetchSize", rows, "0 (the fetch_size property) or more rows");
        }
        return rows == 0 ? settings.fetchSize() : rows;
    }

    static void maxRows(long rows) throws SQLException {
        if (rows < 0) {
            throw DriverErrors.invalidArgument("setMaxRows", rows, "0 (no limit) or more rows");
        }
    }

    static int queryTimeout(int seconds) throws SQLException {
        if (seconds < 0) {
            throw DriverErrors.invalidArgument("setQueryTimeout", seconds, "0 (no limit) or more seconds");
        }
        return Math.min(seconds, MAX_QUERY_TIMEOUT_SECONDS);
    }
}
