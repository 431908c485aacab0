package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Properties;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every column type round-trips exactly through INSERT (literals and PreparedStatement parameters)
 * and SELECT, with a client JVM whose default time zone is not UTC (the server runs in this JVM too,
 * so the test also proves the server ignores the JVM's zone): TIMESTAMP is a wall-clock time and
 * reads back as written; TIMESTAMP WITH LOCAL TIME ZONE is an instant, written and read in the
 * session time zone ({@code timezone} property).
 *
 * <p>The build runs this class in its own JVM started with {@code -Duser.timezone=America/Los_Angeles}
 * (server/pom.xml): Avatica's client converts TIMESTAMP values with the JVM zone it read when it
 * first converted one ({@code DateTimeUtils.DEFAULT_ZONE}), so setting the zone here after another
 * test in the same JVM converted a value would shift every TIMESTAMP on either read path. The
 * {@code setDefault} below only makes a lone run from an IDE behave the same.
 */
class TypesIT {
    private static final TimeZone ORIGINAL = TimeZone.getDefault();
    private static ServerFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"));
        fixture = new ServerFixture();
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TOPIC typed (k INTEGER NOT NULL, b BOOLEAN, ti TINYINT, si SMALLINT, i INTEGER, bi BIGINT,"
                    + " r REAL, d DOUBLE, dc DECIMAL(20,4), v VARCHAR(10), vb VARBINARY(8), dt DATE, tm TIME,"
                    + " ts TIMESTAMP(3), ltz TIMESTAMP(3) WITH LOCAL TIME ZONE)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        TimeZone.setDefault(ORIGINAL);
    }

    private static final LocalDateTime WALL = LocalDateTime.of(2026, 7, 1, 12, 34, 56, 789_000_000);
    private static final Instant INSTANT = Instant.parse("2026-07-01T10:00:00.123Z");

    @Test
    void literalsRoundTrip() throws Exception {
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO typed VALUES (1, TRUE, -128, 32767, -2147483648, 9223372036854775807,"
                    + " 1.5, -2.25e10, 1234567890123456.7891, 'héllo ✓', X'00FF7F', DATE '2026-07-01', TIME '23:59:59.999',"
                    + " TIMESTAMP '2026-07-01 12:34:56.789', TIMESTAMP WITH LOCAL TIME ZONE '2026-07-01 03:00:00.123')");
            s.executeUpdate("INSERT INTO typed (k) VALUES (2)");
            try (ResultSet rs = s.executeQuery("SELECT * FROM typed WHERE k = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean("b")).isTrue();
                assertThat(rs.getByte("ti")).isEqualTo((byte) -128);
                assertThat(rs.getShort("si")).isEqualTo((short) 32767);
                assertThat(rs.getInt("i")).isEqualTo(Integer.MIN_VALUE);
                assertThat(rs.getLong("bi")).isEqualTo(Long.MAX_VALUE);
                assertThat(rs.getFloat("r")).isEqualTo(1.5f);
                assertThat(rs.getDouble("d")).isEqualTo(-2.25e10);
                assertThat(rs.getBigDecimal("dc")).isEqualTo(new BigDecimal("1234567890123456.7891"));
                assertThat(rs.getString("v")).isEqualTo("héllo ✓");
                assertThat(rs.getBytes("vb")).containsExactly(0x00, 0xFF, 0x7F);
                assertThat(rs.getDate("dt").toLocalDate()).isEqualTo(LocalDate.of(2026, 7, 1));
                assertThat(rs.getTime("tm").toLocalTime()).isEqualTo(LocalTime.of(23, 59, 59));
                assertThat(rs.getTimestamp("ts").toLocalDateTime()).isEqualTo(WALL);
                // The session zone is the JVM's (America/Los_Angeles, UTC-7 in July): 03:00 there is 10:00 UTC.
                assertThat(rs.getTimestamp("ltz").toInstant()).isEqualTo(INSTANT);
                assertThat(rs.getMetaData().getColumnType(rs.findColumn("ts"))).isEqualTo(Types.TIMESTAMP);
            }
            try (ResultSet rs = s.executeQuery("SELECT * FROM typed WHERE k = 2")) {
                assertThat(rs.next()).isTrue();
                for (int col = 2; col <= rs.getMetaData().getColumnCount(); col++) {
                    assertThat(rs.getObject(col)).as(rs.getMetaData().getColumnName(col)).isNull();
                }
            }
        }
    }

    @Test
    void parametersRoundTrip() throws Exception {
        try (Connection c = fixture.connect();
                PreparedStatement p = c.prepareStatement("INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setInt(1, 3);
            p.setBoolean(2, false);
            p.setByte(3, (byte) 127);
            p.setShort(4, (short) -32768);
            p.setInt(5, 42);
            p.setLong(6, -1L);
            p.setFloat(7, 3.25f);
            p.setDouble(8, Math.PI);
            p.setBigDecimal(9, new BigDecimal("-0.0001"));
            p.setString(10, "ünï");
            p.setBytes(11, new byte[] {1, 2, 3});
            p.setDate(12, Date.valueOf(LocalDate.of(1969, 12, 31)));
            p.setTime(13, Time.valueOf(LocalTime.of(0, 0, 1)));
            p.setTimestamp(14, Timestamp.valueOf(WALL));
            p.setTimestamp(15, Timestamp.from(INSTANT));
            assertThat(p.executeUpdate()).isEqualTo(1);
            p.setInt(1, 4);
            for (int i = 2; i <= 15; i++) {
                p.setNull(i, Types.NULL);
            }
            assertThat(p.executeUpdate()).isEqualTo(1);
        }
        try (Connection c = fixture.connect(); PreparedStatement q = c.prepareStatement("SELECT * FROM typed WHERE k = ?")) {
            q.setInt(1, 3);
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean("b")).isFalse();
                assertThat(rs.getByte("ti")).isEqualTo((byte) 127);
                assertThat(rs.getShort("si")).isEqualTo((short) -32768);
                assertThat(rs.getInt("i")).isEqualTo(42);
                assertThat(rs.getLong("bi")).isEqualTo(-1L);
                assertThat(rs.getFloat("r")).isEqualTo(3.25f);
                assertThat(rs.getDouble("d")).isEqualTo(Math.PI);
                assertThat(rs.getBigDecimal("dc")).isEqualByComparingTo("-0.0001");
                assertThat(rs.getString("v")).isEqualTo("ünï");
                assertThat(rs.getBytes("vb")).containsExactly(1, 2, 3);
                assertThat(rs.getDate("dt").toLocalDate()).isEqualTo(LocalDate.of(1969, 12, 31));
                assertThat(rs.getTime("tm").toLocalTime()).isEqualTo(LocalTime.of(0, 0, 1));
                assertThat(rs.getTimestamp("ts").toLocalDateTime()).isEqualTo(WALL);
                assertThat(rs.getTimestamp("ltz").toInstant()).isEqualTo(INSTANT);
            }
            q.setInt(1, 4);
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject("ts")).isNull();
                assertThat(rs.getObject("dc")).isNull();
            }
        }
    }

    @Test
    void sessionTimeZoneDecidesHowAnInstantReads() throws Exception {
        Properties tokyo = new Properties();
        tokyo.setProperty("timezone", "Asia/Tokyo");
        try (Connection c = fixture.connect(tokyo); Statement s = c.createStatement()) {
            // 19:00 in Tokyo (UTC+9) is 10:00 UTC.
            s.executeUpdate("INSERT INTO typed (k, ts, ltz) VALUES (5, TIMESTAMP '2026-07-01 12:34:56.789',"
                    + " TIMESTAMP WITH LOCAL TIME ZONE '2026-07-01 19:00:00.123')");
            try (ResultSet rs = s.executeQuery("SELECT CAST(ltz AS VARCHAR) AS text, ltz FROM typed WHERE k = 5")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).startsWith("2026-07-01 19:00:00.123");
                assertThat(rs.getTimestamp(2).toInstant()).isEqualTo(INSTANT);
            }
        }
        try (Connection c = fixture.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT ts, ltz FROM typed WHERE k = 5")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getTimestamp(1).toLocalDateTime()).isEqualTo(WALL);
            assertThat(rs.getTimestamp(2).toInstant()).isEqualTo(INSTANT);
        }
    }
}
