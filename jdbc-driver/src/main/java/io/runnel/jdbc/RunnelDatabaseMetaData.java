package io.runnel.jdbc;

import java.sql.SQLException;
import java.util.Map;
import org.apache.calcite.avatica.AvaticaDatabaseMetaData;
import org.apache.calcite.avatica.Meta.DatabaseProperty;

/**
 * Runnel's {@link java.sql.DatabaseMetaData}: catalogs, schemas, tables, columns and types are
 * the server's answers, unchanged (through Avatica); the product name and version are the
 * server's when it reports them; the driver's name and version come from the build. Errors are
 * the driver's clean {@link SQLException}s. Thread-safety: as the connection.
 */
public final class RunnelDatabaseMetaData extends AvaticaDatabaseMetaData {
    private final RunnelConnection connection;

    RunnelDatabaseMetaData(RunnelConnection connection) {
        super(connection);
        this.connection = connection;
    }

    private Object serverProperty(DatabaseProperty property) throws SQLException {
        try {
            Map<DatabaseProperty, Object> properties = connection.clientMeta().getDatabaseProperties(connection.handle);
            return properties.get(property);
        } catch (RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    private String serverString(DatabaseProperty property, String fallback) throws SQLException {
        return serverProperty(property) instanceof String s && !s.isEmpty() ? s : fallback;
    }

    private int serverInt(DatabaseProperty property, int fallback) throws SQLException {
        return serverProperty(property) instanceof Number n && n.intValue() >= 0 ? n.intValue() : fallback;
    }

    /** The URL without password values. */
    @Override
    public String getURL() throws SQLException {
        return DriverErrors.redact(super.getURL());
    }

    /** Runnel takes INSERT and DDL; Avatica's default says read-only. */
    @Override
    public boolean isReadOnly() throws SQLException {
        return false;
    }

    @Override
    public String getDatabaseProductName() throws SQLException {
        return serverString(DatabaseProperty.GET_DATABASE_PRODUCT_NAME, super.getDatabaseProductName());
    }

    @Override
    public String getDatabaseProductVersion() throws SQLException {
        return serverString(DatabaseProperty.GET_DATABASE_PRODUCT_VERSION, super.getDatabaseProductVersion());
    }

    @Override
    public int getDatabaseMajorVersion() throws SQLException {
        return serverInt(DatabaseProperty.GET_DATABASE_MAJOR_VERSION, super.getDatabaseMajorVersion());
    }

    @Override
    public int getDatabaseMinorVersion() throws SQLException {
        return serverInt(DatabaseProperty.GET_DATABASE_MINOR_VERSION, super.getDatabaseMinorVersion());
    }

    @Override
    public String getSQLKeywords() throws SQLException {
        return serverString(DatabaseProperty.GET_S_Q_L_KEYWORDS, "");
    }

    @Override
    public String getNumericFunctions() throws SQLException {
        return serverString(DatabaseProperty.GET_NUMERIC_FUNCTIONS, "");
    }

    @Override
    public String getStringFunctions() throws SQLException {
        return serverString(DatabaseProperty.GET_STRING_FUNCTIONS, "");
    }

    @Override
    public String getSystemFunctions() throws SQLException {
        return serverString(DatabaseProperty.GET_SYSTEM_FUNCTIONS, "");
    }

    @Override
    public String getTimeDateFunctions() throws SQLException {
        return serverString(DatabaseProperty.GET_TIME_DATE_FUNCTIONS, "");
    }

    @Override
    public int getDefaultTransactionIsolation() throws SQLException {
        return serverInt(DatabaseProperty.GET_DEFAULT_TRANSACTION_ISOLATION, java.sql.Connection.TRANSACTION_NONE);
    }
}
