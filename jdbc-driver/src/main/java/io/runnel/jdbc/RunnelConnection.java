package io.runnel.jdbc;

import java.sql.ClientInfoStatus;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.UnregisteredDriver;

/**
 * A connection to one Runnel server: the first host of the URL that accepted it (see
 * {@link #open()}). Every public method reports failures as the driver's clean
 * {@link SQLException}s (see {@link SqlStates}).
 *
 * <p>When the server dies under an open connection, calls fail with 08xxx; the connection does
 * not move to another host by itself (its statements and queries lived on the dead server):
 * the application opens a new connection, which tries the URL's hosts again.
 *
 * <p>Thread-safety: like JDBC connections in general, meant for one thread at a time;
 * {@link #close()}, {@link #abort(Executor)}, {@link #isValid(int)} and the statements'
 * {@code cancel()} may be called from any thread.
 */
public final class RunnelConnection extends AvaticaConnection {
    private static final Logger LOG = Logger.getLogger(RunnelConnection.class.getName());

    private final ConnectionSettings settings;
    /** The URL this connection was opened with, for {@link #openSibling()}. */
    private final String url;
    /** The server this connection talks to; written by {@link #open()}, read by any thread. */
    private volatile HostAndPort endpoint;
    /** {@link #setNetworkTimeout}; read by the threads sending requests. 0 = the socket_timeout_ms property. */
    private volatile int networkTimeoutMs;
    /** Set by {@link #abort(Executor)}; read by every method through {@link #isClosed()}. */
    private volatile boolean aborted;
    /** Tracked here so that {@link #getAutoCommit()} costs no round trip; owner thread only. */
    private boolean autoCommit = true;
    /** {@link #setClientInfo}: the JDBC standard names only; kept in the driver. Owner thread only. */
    private final Properties clientInfo = new Properties();

    /** The client info names of the JDBC specification. */
    static final Set<String> CLIENT_INFO_NAMES = Set.of("ApplicationName", "ClientUser", "ClientHostname");

    RunnelConnection(UnregisteredDriver driver, AvaticaFactory factory, String url, ConnectionSettings settings) {
        super(driver, factory, url, settings.avaticaProperties());
        this.settings = settings;
        this.url = url;
    }

    /**
     * A new connection with this one's URL and settings, opened as {@link java.sql.DriverManager} would
     * (the URL's hosts tried in order): where the data path resends a request after this connection's
     * server went away. The caller closes it.
     */
    RunnelConnection openSibling() throws SQLException {
        RunnelConnection sibling = ((RunnelJdbcFactory) factory).newConnection(driver, url, settings);
        sibling.open();
        return sibling;
    }

    ConnectionSettings settings() {
        return settings;
    }

    RunnelClientMeta clientMeta() {
        return (RunnelClientMeta) meta;
    }

    /** The server this connection is open on ({@code host:port}). */
    public String serverAddress() {
        HostAndPort bound = endpoint;
        return bound == null ? "(not connected)" : bound.toString();
    }

    /**
     * Opens the connection on the first host of the URL that accepts it. A host is skipped when
     * reaching it fails with an 08xxx error (refused, unknown, timed out, not a Runnel server,
     * or the server refuses with an 08 SQLSTATE); any other error (e.g. 28000, bad credentials)
     * comes from a live server and is thrown at once.
     *
     * @throws SQLException 08001 listing each host's failure, or the server's own error
     */
    void open() throws SQLException {
        List<SQLException> failures = new ArrayList<>();
        for (HostAndPort host : settings.hosts()) {
            RunnelClientMeta meta = clientMeta();
            RunnelService service = new RunnelService(HttpTransport.create(host, settings), this::requestTimeoutMs,
                    settings.connectTimeoutMs());
            meta.bind(service);
            try {
                meta.openConnection(handle, settings.serverProperties());
                service.established();
                endpoint = host;
                return;
            } catch (UncheckedSqlException e) {
                SQLException failure = e.sqlException();
                if (!SqlStates.isConnectionState(failure.getSQLState())) {
                    throw failure;
                }
                LOG.log(Level.FINE, failure, () -> "connect to " + host + " failed, trying the next host");
                failures.add(failure);
            }
        }
        throw DriverErrors.unableToConnect(settings.url().hostsUrl(), failures);
    }

    /** The response timeout of one request in ms, 0 = none. */
    long requestTimeoutMs() {
        int network = networkTimeoutMs;
        return network > 0 ? network : settings.socketTimeoutMs();
    }

    @Override
    protected void checkOpen() throws SQLException {
        if (isClosed()) {
            throw DriverErrors.connectionClosed();
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        return aborted || super.isClosed();
    }

    // ---- statements ----

    @Override
    public AvaticaStatement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        try {
            return super.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        try {
            return super.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    // ---- transactions ----

    /**
     * The open results of this connection's statements that read with its consumer group: their
     * positions follow {@link #commit()} and {@link #rollback()}.
     */
    private List<RunnelResultSet> groupStreams() {
        List<RunnelResultSet> list = new ArrayList<>();
        if (settings().get(ConnectionProperty.GROUP).isEmpty()) {
            return list;
        }
        for (AvaticaStatement statement : new ArrayList<>(statementMap.values())) {
            try {
                if (statement.getResultSet() instanceof RunnelResultSet rs && !rs.isClosed() && rs.isGroupStream()) {
                    list.add(rs);
                }
            } catch (SQLException e) {
                // a closed statement has no stream
            }
        }
        return list;
    }

    /** Sent to the server with the next request; consumer-group offsets follow transactions (DESIGN.md §4). */
    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        try {
            if (autoCommit && !this.autoCommit) {
                // JDBC: switching auto-commit on commits, now (the setting itself reaches the server later).
                List<RunnelResultSet> streams = groupStreams();
                for (RunnelResultSet rs : streams) {
                    rs.reportRowsReturned();
                }
                if (!streams.isEmpty()) {
                    super.commit();
                }
            }
            super.setAutoCommit(autoCommit);
            this.autoCommit = autoCommit;
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw DriverErrors.notInAutoCommit("commit");
        }
        try {
            for (RunnelResultSet rs : groupStreams()) {
                rs.reportRowsReturned();
            }
            super.commit();
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw DriverErrors.notInAutoCommit("rollback");
        }
        try {
            super.rollback();
            for (RunnelResultSet rs : groupStreams()) {
                rs.discardBufferedRows();
            }
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        try {
            super.setReadOnly(readOnly);
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        try {
            return super.isReadOnly();
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        try {
            super.setCatalog(catalog);
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        try {
            return super.getCatalog();
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        try {
            super.setSchema(schema);
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        try {
            return super.getSchema();
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        try {
            super.setTransactionIsolation(level);
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        try {
            return super.getTransactionIsolation();
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    // ---- client info: kept by the driver for tools that set it ----

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        checkOpenForClientInfo(name);
        if (!CLIENT_INFO_NAMES.contains(name)) {
            throw DriverErrors.unknownClientInfo(name, CLIENT_INFO_NAMES);
        }
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
    }

    /** All or nothing: an unknown name leaves the client info unchanged. */
    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        checkOpenForClientInfo(null);
        for (String name : properties.stringPropertyNames()) {
            if (!CLIENT_INFO_NAMES.contains(name)) {
                throw DriverErrors.unknownClientInfo(name, CLIENT_INFO_NAMES);
            }
        }
        clientInfo.clear();
        clientInfo.putAll(properties);
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return clientInfo.getProperty(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        Properties copy = new Properties();
        copy.putAll(clientInfo);
        return copy;
    }

    private void checkOpenForClientInfo(String name) throws SQLClientInfoException {
        boolean closed;
        try {
            closed = isClosed();
        } catch (SQLException e) {
            closed = true;
        }
        if (closed) {
            SQLException e = DriverErrors.connectionClosed();
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(),
                    name == null ? Map.of() : Map.of(name, ClientInfoStatus.REASON_UNKNOWN), e);
        }
    }

    // ---- liveness and closing ----

    /** A round trip to the server (Avatica connectionSync), bounded by {@code timeoutSeconds} (0 = the request timeout). */
    @Override
    public boolean isValid(int timeoutSeconds) throws SQLException {
        if (timeoutSeconds < 0) {
            throw DriverErrors.invalidArgument("isValid", timeoutSeconds, "a timeout of 0 or more seconds");
        }
        if (isClosed()) {
            return false;
        }
        return clientMeta().ping(timeoutSeconds * 1000L);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) {
            throw DriverErrors.invalidArgument("setNetworkTimeout", milliseconds, "0 or more milliseconds");
        }
        networkTimeoutMs = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return networkTimeoutMs;
    }

    /**
     * Ends the running queries of every statement (their waiting threads get 57014) and closes
     * the connection on the server, which closes its statements there. Never fails because the
     * server cannot be reached.
     */
    @Override
    public void close() throws SQLException {
        if (super.isClosed()) {
            return;
        }
        if (autoCommit) {
            // The server commits group positions on close: tell it how many rows the application read.
            for (RunnelResultSet rs : groupStreams()) {
                try {
                    rs.reportRowsReturned();
                } catch (SQLException | RuntimeException e) {
                    LOG.log(Level.FINE, e, () -> "reporting rows read before close failed");
                }
            }
        }
        closeStatementsLocally();
        try {
            super.close();
        } catch (SQLException | RuntimeException e) {
            throw DriverErrors.translate(e);
        }
    }

    /**
     * Marks the connection closed at once, ends every running query, and closes the connection on
     * the server from {@code executor}.
     */
    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw DriverErrors.invalidArgument("abort", "null", "an executor");
        }
        if (isClosed()) {
            return;
        }
        aborted = true;
        closeStatementsLocally();
        executor.execute(() -> {
            try {
                super.close();
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "abort: closing the connection on " + serverAddress() + " failed");
            }
        });
    }

    /** The server closes a connection's statements with it: end their queries and forget them here. */
    private void closeStatementsLocally() {
        for (AvaticaStatement statement : new ArrayList<>(statementMap.values())) {
            if (statement instanceof ManagedStatement managed) {
                managed.lifecycle().closedWithConnection();
            }
            try {
                statement.close();
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "closing statement " + statement.getId() + " failed");
            }
        }
    }
}
