package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read side of the data path (design note 0008) through the real driver and server: a bare
 * topic scan read as stored batches gives, through every getter, exactly what Avatica's frames
 * give (data_path=false vs true), for every type with NULLs, projections, system columns, seeks,
 * LIMIT and maxRows; EMIT CHANGES delivers a row inserted after the query started; cancel and close
 * free the query; queries that are more than a scan stay on Avatica's path.
 */
class DataPathReadIT {
    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServerFixture();
        try (Connection c = connect(false); Statement s = c.createStatement()) {
            s.execute("CREATE TOPIC rp_types (k INTEGER NOT NULL, b BOOLEAN, ti TINYINT, si SMALLINT, i INTEGER,"
                    + " bi BIGINT, r REAL, d DOUBLE, dc DECIMAL(20,4), v VARCHAR(10), vb VARBINARY(8), dt DATE, tm TIME,"
                    + " ts TIMESTAMP(3), ltz TIMESTAMP(3) WITH LOCAL TIME ZONE) PARTITION BY (k) WITH (partitions = 3)");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO rp_types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int k = 0; k < 500; k++) {
                    ps.setInt(1, k);
                    if (k % 5 == 4) {
                        for (int p = 2; p <= 15; p++) {
                            ps.setNull(p, Types.NULL);
                        }
                    } else {
                        ps.setBoolean(2, k % 2 == 0);
                        ps.setByte(3, (byte) -k);
                        ps.setShort(4, (short) (k * 100));
                        ps.setInt(5, Integer.MIN_VALUE + k);
                        ps.setLong(6, Long.MAX_VALUE - k);
                        ps.setFloat(7, k / 3f);
                        ps.setDouble(8, Math.PI * k);
                        ps.setBigDecimal(9, new BigDecimal(k).movePointLeft(3));
                        ps.setString(10, "v" + k);
                        ps.setBytes(11, new byte[] {(byte) k, 1, 2});
                        ps.setString(12, "2026-02-" + (10 + k % 18));
                        ps.setString(13, "12:34:" + (10 + k % 40) + ".125");
                        ps.setString(14, "2026-03-29 02:" + (10 + k % 40) + ":00");
                        ps.setString(15, "2026-03-29 03:30:00+02:00");
                    }
                    ps.addBatch();
                    if (k % 100 == 99) {
                        ps.executeBatch(); // several batches per partition
                    }
                }
            }
            // keyed rows spread by hash, the same in every run: every partition holds the rows the seeks below read
            try (ResultSet rs = s.executeQuery("SELECT _partition, COUNT(*) FROM rp_types GROUP BY _partition")) {
                int partitions = 0;
                while (rs.next()) {
                    partitions++;
                    assertThat(rs.getLong(2)).as("rows in partition %d", rs.getInt(1)).isGreaterThanOrEqualTo(60);
                }
                assertThat(partitions).isEqualTo(3);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    private static Connection connect(boolean dataPath) throws SQLException {
        Properties p = new Properties();
        p.setProperty("data_path", Boolean.toString(dataPath));
        p.setProperty("timezone", "Europe/Paris");
        return fixture.connect(p);
    }

    private static long arrowRows() {
        return fixture.server().meta().metrics().dataPathFetchedRows.sum();
    }

    /** Every getter's answer for every column of every row, as text, plus metadata. */
    private static List<String> read(boolean dataPath, String sql, int maxRows) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(dataPath); Statement s = c.createStatement()) {
            s.setMaxRows(maxRows);
            s.setFetchSize(7);
            try (ResultSet rs = s.executeQuery(sql)) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                for (int i = 1; i <= n; i++) {
                    out.add(md.getColumnLabel(i) + ":" + md.getColumnType(i) + ":" + md.getColumnClassName(i)
                            + ":" + md.getPrecision(i) + ":" + md.getScale(i) + ":" + md.isNullable(i));
                }
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        Object o = rs.getObject(i);
                        row.append(o == null ? "null" : o.getClass().getName() + "=" + (o instanceof byte[] b
                                ? HexFormat.of().formatHex(b) : o)).append(rs.wasNull() ? "(wasNull)" : "");
                        row.append('|').append(rs.getString(i));
                        int type = md.getColumnType(i);
                        switch (type) {
                            case Types.BOOLEAN -> row.append('|').append(rs.getBoolean(i));
                            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> row.append('|')
                                    .append(rs.getLong(i)).append('|').append(rs.getInt(i)).append('|')
                                    .append(rs.getBigDecimal(i)).append('|').append(rs.getDouble(i));
                            case Types.REAL, Types.DOUBLE -> row.append('|').append(rs.getFloat(i)).append('|')
                                    .append(rs.getDouble(i));
                            case Types.DECIMAL -> row.append('|').append(rs.getBigDecimal(i)).append('|')
                                    .append(rs.getDouble(i)).append('|').append(rs.getLong(i));
                            case Types.VARBINARY -> row.append('|').append(rs.getBytes(i) == null ? "null"
                                    : HexFormat.of().formatHex(rs.getBytes(i)));
                            case Types.DATE -> row.append('|').append(rs.getDate(i));
                            case Types.TIME -> row.append('|').append(rs.getTime(i));
                            case Types.TIMESTAMP -> row.append('|').append(rs.getTimestamp(i)).append('|')
                                    .append(rs.getTimestamp(i) == null ? null : rs.getTimestamp(i).getTime());
                            default -> { }
                        }
                        row.append(rs.wasNull() ? "(wasNull)" : "").append(" ; ");
                    }
                    out.add(row.toString());
                }
            }
        }
        return out;
    }

    private static String explain(String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Connection c = connect(true); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + sql)) {
            while (rs.next()) {
                plan.append(rs.getString(1));
            }
        }
        return plan.toString();
    }

    private static void sameOnBothPaths(String sql, int maxRows, long expectedRows) throws SQLException {
        List<String> avatica = read(false, sql, maxRows);
        long before = arrowRows();
        List<String> arrow = read(true, sql, maxRows);
        long fetched = arrowRows() - before;
        assertThat(arrow).as(sql).containsExactlyElementsOf(avatica);
        if (fetched != expectedRows) {
            assertThat(fetched).as("rows fetched as stored batches for %s; its plan: %s", sql, explain(sql))
                    .isEqualTo(expectedRows);
        }
        assertThat(arrow).as(sql).containsExactlyElementsOf(avatica);
    }

    @Test
    void everyTypeAndNullReadsAsOnAvaticasPath() throws Exception {
        sameOnBothPaths("SELECT * FROM rp_types", 0, 500);
        sameOnBothPaths("SELECT _partition, _offset, _timestamp, k, ltz FROM rp_types", 0, 500);
    }

    /** Without any property the driver reads through the data path (the server's own default is off). */
    @Test
    void theDriverReadsStoredBatchesByDefault() throws Exception {
        long before = arrowRows();
        int rows = 0;
        try (Connection c = fixture.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT k, v FROM rp_types")) {
            while (rs.next()) {
                rows++;
            }
        }
        assertThat(rows).isEqualTo(500);
        assertThat(arrowRows() - before).isEqualTo(500);
    }

    @Test
    void projectionSeeksLimitAndMaxRowsReadAsOnAvaticasPath() throws Exception {
        sameOnBothPaths("SELECT v, k FROM rp_types WHERE _partition = 1 AND _offset >= 20 AND _offset < 60", 0, 40);
        sameOnBothPaths("SELECT k, dc FROM rp_types WHERE _partition = 2 LIMIT 15", 0, 15);
        sameOnBothPaths("SELECT k, vb FROM rp_types WHERE _partition = 0", 9, 9);
        sameOnBothPaths("SELECT k FROM rp_types WHERE _partition = 0 LIMIT 0", 0, 0);
    }

    /** Literal timestamps written by the server's INSERT, read in the JVM's own zone (no timezone property). */
    @Test
    void timestampsReadAsOnAvaticasPathInTheJvmZone() throws Exception {
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TOPIC rp_ts (k INTEGER NOT NULL, ts TIMESTAMP(3), ltz TIMESTAMP(3) WITH LOCAL TIME ZONE)");
            s.executeUpdate("INSERT INTO rp_ts VALUES (1, TIMESTAMP '2026-07-01 12:34:56.789',"
                    + " TIMESTAMP WITH LOCAL TIME ZONE '2026-07-01 03:00:00.123')");
        }
        List<List<String>> both = new ArrayList<>();
        for (boolean dataPath : new boolean[] {false, true}) {
            Properties p = new Properties();
            p.setProperty("data_path", Boolean.toString(dataPath));
            List<String> out = new ArrayList<>();
            try (Connection c = fixture.connect(p); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT ts, ltz FROM rp_ts")) {
                while (rs.next()) {
                    out.add(rs.getObject(1) + "|" + rs.getTimestamp(1) + "|" + rs.getObject(2) + "|"
                            + rs.getTimestamp(2).toInstant());
                }
            }
            both.add(out);
        }
        assertThat(both.get(1)).isEqualTo(both.get(0));
    }

    @Test
    void queriesThatAreMoreThanAScanStayOnAvaticasPath() throws Exception {
        long before = arrowRows();
        List<String> avatica = read(false, "SELECT k, v FROM rp_types WHERE k > 400 ORDER BY k", 0);
        assertThat(read(true, "SELECT k, v FROM rp_types WHERE k > 400 ORDER BY k", 0)).isEqualTo(avatica);
        assertThat(read(true, "SELECT COUNT(*) FROM rp_types", 0)).isEqualTo(read(false, "SELECT COUNT(*) FROM rp_types", 0));
        assertThat(arrowRows()).isEqualTo(before);
    }

    @Test
    void emitChangesDeliversARowInsertedLater() throws Exception {
        try (Connection admin = connect(false); Statement s = admin.createStatement()) {
            s.execute("CREATE TOPIC rp_stream (k INTEGER NOT NULL, v VARCHAR(20)) WITH (partitions = 2)");
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection c = connect(true); Statement s = c.createStatement()) {
            long before = arrowRows();
            ResultSet rs = s.executeQuery("SELECT k, v, _partition FROM rp_stream EMIT CHANGES");
            Future<String> first = pool.submit(() -> rs.next() ? rs.getInt(1) + ":" + rs.getString(2) : "end");
            try (Connection w = connect(false); Statement ws = w.createStatement()) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> fixture.server().meta().queries().streamingCount() >= 1);
                ws.executeUpdate("INSERT INTO rp_stream VALUES (7, 'later')");
            }
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("7:later");
            assertThat(arrowRows() - before).isEqualTo(1);
            try (Connection q = connect(false); Statement qs = q.createStatement();
                    ResultSet queries = qs.executeQuery("SELECT kind FROM sys.queries WHERE kind = 'unbounded'")) {
                assertThat(queries.next()).as("the Arrow-path query is listed in sys.queries").isTrue();
            }
            s.cancel();
            assertThatThrownBy(() -> {
                while (rs.next()) {
                    // drain until the cancel ends the result
                }
            }).isInstanceOf(SQLException.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.server().meta().queries().streamingCount() == 0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingAResultOrStatementFreesTheQuery() throws Exception {
        try (Connection c = connect(true)) {
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT k, v FROM rp_types EMIT CHANGES");
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.server().meta().queries().streamingCount() >= 1);
            rs.close();
            s.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.server().meta().queries().streamingCount() == 0);
            Statement bounded = c.createStatement();
            ResultSet some = bounded.executeQuery("SELECT k FROM rp_types");
            assertThat(some.next()).isTrue();
            bounded.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.server().meta().queries().runningCount() == 0);
        }
    }
}
