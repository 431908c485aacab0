package io.runnel.jdbc;

import static io.runnel.jdbc.Behaviors.bigintColumns;
import static io.runnel.jdbc.Behaviors.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.remote.TypedValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transactions, prepared statements, batches, metadata and liveness against the fake server. */
class SessionTest {
    private static final String INSERT = "INSERT INTO orders (id, customer) VALUES (?, ?)";

    private FakeRunnelServer server;
    private FakeServerMeta meta;

    @BeforeEach
    void start() {
        server = FakeRunnelServer.start();
        meta = server.meta();
        meta.on(INSERT, Behaviors.update(1,
                new AvaticaParameter(true, 19, 0, Types.BIGINT, "BIGINT", Long.class.getName(), "id"),
                new AvaticaParameter(false, 64, 0, Types.VARCHAR, "VARCHAR", String.class.getName(), "customer")));
        meta.on("SELECT n FROM t", Behaviors.bounded(bigintColumns("N"), List.of(row(1L), row(2L))));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(server.url());
    }

    @Test
    void autoCommitIsOnAndCommitIsAnErrorThen() throws Exception {
        try (Connection c = connect()) {
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(catchThrowableOfType(SQLException.class, c::commit).getSQLState()).isEqualTo("25000");
            assertThat(catchThrowableOfType(SQLException.class, c::rollback).getMessage())
                    .isEqualTo("rollback is not possible in auto-commit mode; call setAutoCommit(false) first");
            assertThat(meta.transactions).isEmpty();
        }
    }

    @Test
    void commitAndRollbackGoToTheServerWithTheAutoCommitSetting() throws Exception {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            assertThat(c.getAutoCommit()).isFalse();
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setLong(1, 1);
                ps.setString(2, "acme");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            c.commit();
            assertThat(meta.serverConnectionProperties().isAutoCommit()).isFalse();
            c.rollback();
            assertThat(meta.transactions).containsExactly("commit", "rollback");
            c.setAutoCommit(true);
            assertThat(c.getAutoCommit()).isTrue();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n FROM t")) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(meta.serverConnectionProperties().isAutoCommit()).isTrue();
        }
    }

    @Test
    void autoCommitChangedAfterPreparingReachesTheServerBeforeTheExecute() throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            c.setAutoCommit(false);
            ps.setLong(1, 1);
            ps.setString(2, "acme");
            ps.executeUpdate();
            assertThat(meta.serverConnectionProperties().isAutoCommit()).isFalse();
            c.setAutoCommit(true);
            ps.addBatch();
            ps.executeBatch();
            assertThat(meta.serverConnectionProperties().isAutoCommit()).isTrue();
        }
    }

    @Test
    void preparedParametersReachTheServer() throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(2);
            ps.setLong(1, 42);
            ps.setString(2, "globex");
            assertThat(ps.executeUpdate()).isEqualTo(1);
            assertThat(meta.lastExecution(INSERT).parameters).extracting(v -> v.value).containsExactly(42L, "globex");
        }
    }

    @Test
    void aBatchGoesInOneRequest() throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (long id = 1; id <= 3; id++) {
                ps.setLong(1, id);
                ps.setString(2, "c" + id);
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
            assertThat(meta.batches).hasSize(1);
            List<List<Object>> rows = new ArrayList<>();
            for (List<TypedValue> values : meta.batches.get(0)) {
                rows.add(values.stream().map(v -> v.value).toList());
            }
            assertThat(rows).containsExactly(List.of(1L, "c1"), List.of(2L, "c2"), List.of(3L, "c3"));
        }
    }

    @Test
    void aStatementTheServerDroppedIsPreparedAgainAndTheBatchIsNotLost() throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            meta.forgetStatement(ps.unwrap(RunnelPreparedStatement.class).getId());
            for (long id = 1; id <= 2; id++) {
                ps.setLong(1, id);
                ps.setString(2, "c" + id);
                ps.addBatch();
            }
            assertThat(ps.executeLargeBatch()).containsExactly(1L, 1L);
            assertThat(meta.prepares).containsExactly(INSERT, INSERT);
            assertThat(meta.batches.get(0)).hasSize(2);

            meta.forgetStatement(ps.unwrap(RunnelPreparedStatement.class).getId());
            ps.setLong(1, 9);
            ps.setString(2, "c9");
            assertThat(ps.executeUpdate()).isEqualTo(1);
            assertThat(meta.prepares).hasSize(3);
        }
    }

    @Test
    void aPlainStatementBatch() throws Exception {
        meta.on("INSERT INTO t VALUES (1)", Behaviors.update(1));
        meta.on("INSERT INTO t VALUES (2), (3)", Behaviors.update(2));
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.addBatch("INSERT INTO t VALUES (1)");
            s.addBatch("INSERT INTO t VALUES (2), (3)");
            assertThat(s.executeBatch()).containsExactly(1, 2);
        }
    }

    @Test
    void resultMetadataIsTheServers() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n FROM t")) {
            ResultSetMetaData md = rs.getMetaData();
            assertThat(md.getColumnCount()).isEqualTo(1);
            assertThat(md.getColumnLabel(1)).isEqualTo("N");
            assertThat(md.getColumnType(1)).isEqualTo(Types.BIGINT);
        }
    }

    @Test
    void tablesAreTheServersRowsUnchanged() throws Exception {
        try (Connection c = connect(); ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
            List<String> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
            }
            assertThat(tables).containsExactly("runnel.orders:TABLE", "sys.topics:SYSTEM TABLE");
        }
    }

    @Test
    void isValidAsksTheServer() throws Exception {
        try (Connection c = connect()) {
            int before = meta.connectionSyncs.get();
            assertThat(c.isValid(5)).isTrue();
            assertThat(meta.connectionSyncs.get()).isGreaterThan(before);
            assertThat(catchThrowableOfType(SQLException.class, () -> c.isValid(-1)).getSQLState()).isEqualTo("22023");
        }
    }

    @Test
    void abortClosesAtOnceAndTellsTheServerFromTheExecutor() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Connection c = connect();
            Statement s = c.createStatement();
            c.abort(executor);
            assertThat(c.isClosed()).isTrue();
            assertThat(s.isClosed()).isTrue();
            assertThat(c.isValid(1)).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> meta.closedConnections.size() == 1);
            c.close(); // no second closeConnection
            assertThat(meta.closedConnections).hasSize(1);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void clientInfoKeepsTheStandardNamesAndRejectsOthers() throws Exception {
        try (Connection c = connect()) {
            c.setClientInfo("ApplicationName", "DBeaver 25.1");
            assertThat(c.getClientInfo("ApplicationName")).isEqualTo("DBeaver 25.1");
            java.sql.SQLClientInfoException e = catchThrowableOfType(java.sql.SQLClientInfoException.class,
                    () -> c.setClientInfo("Color", "blue"));
            assertThat(e.getMessage()).isEqualTo("client info property 'Color' is not supported; "
                    + "supported: ApplicationName, ClientHostname, ClientUser");
            assertThat(e.getFailedProperties()).containsOnlyKeys("Color");
            java.util.Properties both = new java.util.Properties();
            both.setProperty("ClientUser", "bob");
            both.setProperty("Color", "blue");
            catchThrowableOfType(java.sql.SQLClientInfoException.class, () -> c.setClientInfo(both));
            assertThat(c.getClientInfo()).as("all or nothing").containsOnlyKeys("ApplicationName");
        }
    }

    @Test
    void hintsToolsSetAreAccepted() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            s.setEscapeProcessing(false);
            s.setPoolable(true);
            ps.setPoolable(false);
            ps.setEscapeProcessing(true);
            assertThat(s.isPoolable()).isFalse();
        }
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT n FROM t");
        rs.close();
        rs.close();
        s.close();
        s.close();
        c.close();
        c.close();
        assertThat(meta.closedConnections).hasSize(1);
    }
}
