package io.runnel.jdbc;

import java.sql.SQLException;
import java.util.Objects;

/**
 * Carries the driver's {@link SQLException} through Avatica's interfaces, whose methods
 * cannot throw checked exceptions ({@code Meta}, {@code Service}, {@code Iterator}). The public
 * JDBC methods unwrap it again ({@link DriverErrors#translate}). Never reaches users.
 * Thread-safe: immutable.
 */
final class UncheckedSqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UncheckedSqlException(SQLException sqlException) {
        super(sqlException.getMessage(), Objects.requireNonNull(sqlException), false, false);
    }

    SQLException sqlException() {
        return (SQLException) getCause();
    }
}
