package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Arrow data path of {@code executeBatch} (design note 0008) through the real driver and server:
 * every row written equals what Avatica's path writes for the same setter calls, keyed rows land in
 * the partitions the server would choose, a bad value writes nothing and fails with the server's
 * SQLSTATE and message, a plan the topic outgrew is fetched again, and statements the server must
 * evaluate stay on Avatica's path.
 */
class DataPathIT {
    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServerFixture();
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

    /** Rows the server received over the data path so far. */
    private static long dataPathRows() {
        return fixture.server().meta().metrics().dataPathRows.sum();
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = connect(false); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<List<Object>> rows(String sql) throws SQLException {
        try (Connection c = connect(false); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : v);
                }
                out.add(row);
            }
            return out;
        }
    }

    private static final String TYPES = "(k INTEGER NOT NULL, b BOOLEAN, ti TINYINT, si SMALLINT, i INTEGER, bi BIGINT,"
            + " r REAL, d DOUBLE, dc DECIMAL(20,4), v VARCHAR(10), vb VARBINARY(8), dt DATE, tm TIME,"
            + " ts TIMESTAMP(3), ltz TIMESTAMP(3) WITH LOCAL TIME ZONE)";

    /** Every type, NULLs, conversions (strings, wider numbers, java.sql date/time) give the same rows on both paths. */
    @Test
    void everyTypeWritesWhatAvaticasPathWrites() throws Exception {
        exec("CREATE TOPIC dp_types_arrow " + TYPES + " WITH (partitions = 3)");
        exec("CREATE TOPIC dp_types_avatica " + TYPES + " WITH (partitions = 3)");
        for (boolean arrow : new boolean[] {true, false}) {
            long before = dataPathRows();
            String topic = arrow ? "dp_types_arrow" : "dp_types_avatica";
            try (Connection c = connect(arrow); PreparedStatement ps = c.prepareStatement("INSERT INTO " + topic
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int k = 0; k < 40; k++) {
                    ps.setInt(1, k);
                    if (k % 4 == 3) {
                        for (int p = 2; p <= 15; p++) {
                            ps.setNull(p, Types.NULL);
                        }
                    } else if (k % 4 == 2) {
                        ps.setString(2, "yes");
                        ps.setString(3, "-12");
                        ps.setLong(4, 300);
                        ps.setBigDecimal(5, new BigDecimal("41.5"));
                        ps.setString(6, " 9000000000 ");
                        ps.setInt(7, 3);
                        ps.setFloat(8, 1.25f);
                        ps.setDouble(9, 2.00005);
                        ps.setInt(10, k);
                        ps.setBytes(11, new byte[0]);
                        ps.setString(12, "2026-02-28");
                        ps.setString(13, "23:59:59.999");
                        ps.setString(14, "2026-03-29 02:30:00");
                        ps.setString(15, "2026-03-29 03:30:00+02:00");
                    } else {
                        ps.setBoolean(2, k % 2 == 0);
                        ps.setByte(3, (byte) -k);
                        ps.setShort(4, (short) (k * 100));
                        ps.setInt(5, Integer.MIN_VALUE + k);
                        ps.setLong(6, Long.MAX_VALUE - k);
                        ps.setFloat(7, k / 3f);
                        ps.setDouble(8, Math.PI * k);
                        ps.setBigDecimal(9, new BigDecimal("1234567890123456.1234").negate().add(BigDecimal.valueOf(k)));
                        ps.setString(10, "é€😀" + k);
                        ps.setBytes(11, new byte[] {(byte) k, 0, (byte) 0xFF});
                        ps.setDate(12, Date.valueOf("1969-12-31"));
                        ps.setTime(13, Time.valueOf("00:00:01"));
                        ps.setTimestamp(14, Timestamp.valueOf("2026-11-22 06:45:00.123"));
                        ps.setTimestamp(15, new Timestamp(1_700_000_000_123L + k));
                    }
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).hasSize(40).containsOnly(1);
            }
            assertThat(dataPathRows() - before).as("rows over the data path").isEqualTo(arrow ? 40 : 0);
        }
        String cols = "k, b, ti, si, i, bi, r, d, dc, v, vb, dt, tm, ts, ltz";
        List<List<Object>> arrow = rows("SELECT " + cols + " FROM dp_types_arrow ORDER BY k");
        List<List<Object>> avatica = rows("SELECT " + cols + " FROM dp_types_avatica ORDER BY k");
        assertThat(arrow).hasSize(40).isEqualTo(avatica);
    }

    /** 100,000 keyed rows over 4 partitions: every row back, each key in the partition the server's own INSERT path picks. */
    @Test
    void hundredThousandKeyedRowsLandWhereTheServerPutsThem() throws Exception {
        long seed = 20261122L;
        System.out.println("DataPathIT seed " + seed);
        exec("CREATE TOPIC dp_keyed (id BIGINT NOT NULL, customer VARCHAR(16), amount DECIMAL(12,2), placed_at TIMESTAMP(3))"
                + " PARTITION BY (customer) WITH (partitions = 4)");
        exec("CREATE TOPIC dp_keyed_ref (id BIGINT NOT NULL, customer VARCHAR(16), amount DECIMAL(12,2), placed_at TIMESTAMP(3))"
                + " PARTITION BY (customer) WITH (partitions = 4)");
        Random random = new Random(seed);
        long expectedCents = 0;
        long before = dataPathRows();
        try (Connection c = connect(true); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dp_keyed (id, customer, amount, placed_at) VALUES (?, ?, ?, ?)")) {
            for (int id = 0; id < 100_000; id++) {
                long cents = random.nextInt(1_000_000);
                expectedCents += cents;
                ps.setLong(1, id);
                ps.setString(2, "c" + random.nextInt(500));
                ps.setBigDecimal(3, BigDecimal.valueOf(cents, 2));
                ps.setTimestamp(4, new Timestamp(1_700_000_000_000L + id));
                ps.addBatch();
                if (id % 25_000 == 24_999) {
                    assertThat(ps.executeBatch()).hasSize(25_000);
                }
            }
        }
        assertThat(dataPathRows() - before).isEqualTo(100_000);
        try (Connection c = connect(false); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dp_keyed_ref (id, customer) VALUES (?, ?)")) {
            for (int i = 0; i < 500; i++) {
                ps.setLong(1, i);
                ps.setString(2, "c" + i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        assertThat(rows("SELECT COUNT(*), COUNT(DISTINCT id), SUM(amount) FROM dp_keyed"))
                .containsExactly(List.of(100_000L, 100_000L, BigDecimal.valueOf(expectedCents, 2)));
        List<List<Object>> placement = rows("SELECT DISTINCT customer, _partition FROM dp_keyed ORDER BY customer");
        List<List<Object>> reference = rows("SELECT customer, _partition FROM dp_keyed_ref ORDER BY customer");
        assertThat(placement).isEqualTo(reference);
        assertThat(rows("SELECT COUNT(DISTINCT _partition) FROM dp_keyed")).containsExactly(List.of(4L));
    }

    /** One bad row in a batch writes nothing, with the SQLSTATE and message Avatica's path gives. */
    @Test
    void aBadValueFailsTheWholeBatchLikeTheServerPath() throws Exception {
        exec("CREATE TOPIC dp_bad (id BIGINT NOT NULL, name VARCHAR(5), qty SMALLINT, dy DATE)");
        String[][] cases = {
            {"name", "toolong", "22001"},
            {"qty", "40000", "22003"},
            {"day", "2026-02-30", "22007"},
            {"id", null, "23502"},
            {"qty", "abc", "22018"},
        };
        for (String[] bad : cases) {
            String[] messages = new String[2];
            for (boolean arrow : new boolean[] {true, false}) {
                try (Connection c = connect(arrow); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO dp_bad (id, name, qty, dy) VALUES (?, ?, ?, ?)")) {
                    for (int row = 1; row <= 100; row++) {
                        ps.setLong(1, row);
                        ps.setString(2, "ok");
                        ps.setInt(3, 1);
                        ps.setString(4, "2026-01-01");
                        if (row == 57) {
                            int index = switch (bad[0]) {
                                case "id" -> 1;
                                case "name" -> 2;
                                case "qty" -> 3;
                                default -> 4;
                            };
                            if (bad[1] == null) {
                                ps.setNull(index, Types.BIGINT);
                            } else {
                                ps.setString(index, bad[1]);
                            }
                        }
                        ps.addBatch();
                    }
                    SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, ps::executeBatch);
                    assertThat(e.getSQLState()).as(bad[0] + "=" + bad[1]).isEqualTo(bad[2]);
                    messages[arrow ? 0 : 1] = e.getMessage();
                    // the statement is usable again, and the failed batch is gone
                    ps.setLong(1, 0);
                    ps.setString(2, "x");
                    ps.setInt(3, 0);
                    ps.setString(4, "2026-01-01");
                    ps.addBatch();
                    assertThat(ps.executeBatch()).containsExactly(1);
                }
            }
            assertThat(messages[0]).as("row 57 named").contains("row 57").isEqualTo(messages[1]);
        }
        assertThat(rows("SELECT COUNT(*), MAX(id) FROM dp_bad")).containsExactly(List.of(10L, 0L));
    }

    /** Partitions added or a column added after the plan was fetched: the driver fetches it again and the rows arrive. */
    @Test
    void aPlanTheTopicOutgrewIsFetchedAgain() throws Exception {
        exec("CREATE TOPIC dp_alter (id BIGINT NOT NULL, k VARCHAR(8)) PARTITION BY (k) WITH (partitions = 2)");
        try (Connection c = connect(true); PreparedStatement ps = c.prepareStatement("INSERT INTO dp_alter VALUES (?, ?)")) {
            batch(ps, "dp_alter", 0, 100);
            exec("ALTER TOPIC dp_alter SET (partitions = 5)");
            batch(ps, "dp_alter", 100, 100);
            exec("ALTER TOPIC dp_alter ADD COLUMN note VARCHAR(4)");
            batch(ps, "dp_alter", 200, 100);
            exec("DROP TOPIC dp_alter");
            exec("CREATE TOPIC dp_alter (id BIGINT NOT NULL, k VARCHAR(8))");
            ps.setLong(1, 1);
            ps.setString(2, "x");
            ps.addBatch();
            assertThatThrownBy(ps::executeBatch).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42P01"))
                    .hasMessageContaining("dp_alter");
        }
        exec("DROP TOPIC dp_alter");
        exec("CREATE TOPIC dp_alter2 (id BIGINT NOT NULL, k VARCHAR(8)) PARTITION BY (k) WITH (partitions = 2)");
        exec("CREATE TOPIC dp_alter2_ref (id BIGINT NOT NULL, k VARCHAR(8)) PARTITION BY (k) WITH (partitions = 5)");
        try (Connection c = connect(true); PreparedStatement ps = c.prepareStatement("INSERT INTO dp_alter2 VALUES (?, ?)")) {
            batch(ps, "dp_alter2", 0, 1);
            ps.clearBatch();
            exec("ALTER TOPIC dp_alter2 SET (partitions = 5)");
            for (int i = 0; i < 50; i++) {
                ps.setLong(1, i);
                ps.setString(2, "k" + i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (Connection c = connect(false); PreparedStatement ps = c.prepareStatement("INSERT INTO dp_alter2_ref VALUES (?, ?)")) {
            for (int i = 0; i < 50; i++) {
                ps.setLong(1, i);
                ps.setString(2, "k" + i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        assertThat(rows("SELECT k, _partition FROM dp_alter2 WHERE k <> 'k0' ORDER BY k"))
                .isEqualTo(rows("SELECT k, _partition FROM dp_alter2_ref WHERE k <> 'k0' ORDER BY k"));
    }

    private static void batch(PreparedStatement ps, String topic, int from, int count) throws SQLException {
        for (int i = from; i < from + count; i++) {
            ps.setLong(1, i);
            ps.setString(2, "k" + (i % 13));
            ps.addBatch();
        }
        assertThat(ps.executeBatch()).hasSize(count);
        assertThat(rows("SELECT COUNT(*) FROM " + topic + " WHERE id >= " + from + " AND id < " + (from + count)))
                .containsExactly(List.of((long) count));
    }

    /** Literals, expressions and INSERT ... SELECT are the server's to evaluate: their batches take Avatica's path and work. */
    @Test
    void statementsTheServerMustEvaluateStayOnAvaticasPath() throws Exception {
        exec("CREATE TOPIC dp_mixed (id BIGINT NOT NULL, name VARCHAR(16))");
        long before = dataPathRows();
        try (Connection c = connect(true)) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dp_mixed VALUES (?, 'lit')")) {
                for (int i = 0; i < 10; i++) {
                    ps.setLong(1, i);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).hasSize(10);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dp_mixed VALUES (CAST(? AS BIGINT) + 100, UPPER(CAST(? AS VARCHAR(16))))")) {
                ps.setLong(1, 1);
                ps.setString(2, "x");
                ps.addBatch();
                assertThat(ps.executeBatch()).containsExactly(1);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dp_mixed VALUES (?, ?)")) {
                ps.setLong(1, 7);
                ps.setString(2, "single");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        assertThat(dataPathRows()).as("nothing took the data path").isEqualTo(before);
        assertThat(rows("SELECT COUNT(*) FROM dp_mixed WHERE name = 'lit'")).containsExactly(List.of(10L));
        assertThat(rows("SELECT id, name FROM dp_mixed WHERE id >= 7 AND name <> 'lit' ORDER BY id"))
                .containsExactly(List.of(7L, "single"), List.of(101L, "X"));
    }

    /** A batch larger than one request (8 MB) goes in several requests; every row arrives intact. */
    @Test
    void aBigBatchGoesInSeveralRequests() throws Exception {
        long seed = 8_388_608L;
        System.out.println("DataPathIT.aBigBatchGoesInSeveralRequests seed " + seed);
        exec("CREATE TOPIC dp_big (id INTEGER NOT NULL, payload VARBINARY) WITH (partitions = 2)");
        Random random = new Random(seed);
        java.util.zip.CRC32 written = new java.util.zip.CRC32();
        long requestsBefore = fixture.server().meta().metrics().dataPathRequests.sum();
        int rows = 2_500;
        try (Connection c = connect(true); PreparedStatement ps = c.prepareStatement("INSERT INTO dp_big VALUES (?, ?)")) {
            for (int id = 0; id < rows; id++) {
                byte[] payload = new byte[8 * 1024];
                random.nextBytes(payload);
                written.update(payload);
                ps.setInt(1, id);
                ps.setBytes(2, payload);
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).hasSize(rows).containsOnly(1);
        }
        assertThat(fixture.server().meta().metrics().dataPathRequests.sum() - requestsBefore)
                .as("20 MB of incompressible rows in requests of at most 8 MB").isGreaterThanOrEqualTo(3);
        java.util.zip.CRC32 read = new java.util.zip.CRC32();
        int count = 0;
        try (Connection c = connect(false); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, payload FROM dp_big ORDER BY id")) {
            while (rs.next()) {
                assertThat(rs.getInt(1)).isEqualTo(count++);
                read.update(rs.getBytes(2));
            }
        }
        assertThat(count).isEqualTo(rows);
        assertThat(read.getValue()).isEqualTo(written.getValue());
    }
}
