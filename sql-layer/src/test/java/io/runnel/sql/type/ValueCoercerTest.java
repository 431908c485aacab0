package io.runnel.sql.type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.sql.errors.RunnelSqlException;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Assignment rules of INSERT, one type at a time, with the SQLSTATE of every failure. */
class ValueCoercerTest {
    private final ValueCoercer coercer = new ValueCoercer(ZoneId.of("Europe/Paris"));

    private static Column col(ColumnType type) {
        return Column.of("c", type, true);
    }

    private Object coerce(Object value, Column column) {
        return coercer.coerce(value, column, 1);
    }

    private void fails(Object value, Column column, String sqlState) {
        assertThatThrownBy(() -> coerce(value, column)).isInstanceOf(RunnelSqlException.class)
                .satisfies(e -> assertThat(((RunnelSqlException) e).sqlState()).as(e.getMessage()).isEqualTo(sqlState))
                .hasMessageContaining("'c'");
    }

    @Test
    void integers() {
        assertThat(coerce(new BigDecimal("127"), col(ColumnType.TINYINT))).isEqualTo((byte) 127);
        assertThat(coerce(new BigDecimal("-32768"), col(ColumnType.SMALLINT))).isEqualTo((short) -32768);
        assertThat(coerce(new BigDecimal("1.5"), col(ColumnType.INTEGER))).isEqualTo(2);
        assertThat(coerce(" 42 ", col(ColumnType.BIGINT))).isEqualTo(42L);
        assertThat(coerce(7L, col(ColumnType.INTEGER))).isEqualTo(7);
        assertThat(coerce(2.4d, col(ColumnType.INTEGER))).isEqualTo(2);
        fails(new BigDecimal("128"), col(ColumnType.TINYINT), "22003");
        fails(new BigDecimal("9223372036854775808"), col(ColumnType.BIGINT), "22003");
        fails(Double.NaN, col(ColumnType.INTEGER), "22003");
        fails("abc", col(ColumnType.INTEGER), "22018");
        fails(Boolean.TRUE, col(ColumnType.INTEGER), "42804");
        fails(LocalDate.of(2026, 1, 1), col(ColumnType.BIGINT), "42804");
    }

    @Test
    void approximateNumbers() {
        assertThat(coerce(new BigDecimal("1.25"), col(ColumnType.REAL))).isEqualTo(1.25f);
        assertThat(coerce("NaN", col(ColumnType.DOUBLE))).isEqualTo(Double.NaN);
        assertThat(coerce(3L, col(ColumnType.DOUBLE))).isEqualTo(3.0);
        fails(new BigDecimal("1e39"), col(ColumnType.REAL), "22003");
        fails("1e999", col(ColumnType.DOUBLE), "22003");
        fails("x", col(ColumnType.DOUBLE), "22018");
    }

    @Test
    void decimals() {
        Column c = Column.decimal("c", 5, 2, true);
        assertThat(coerce(new BigDecimal("123.45"), c)).isEqualTo(new BigDecimal("123.45"));
        assertThat(coerce(new BigDecimal("1.005"), c)).isEqualTo(new BigDecimal("1.01"));
        assertThat(coerce(12L, c)).isEqualTo(new BigDecimal("12.00"));
        assertThat(coerce("-0.5", c)).isEqualTo(new BigDecimal("-0.50"));
        fails(new BigDecimal("1000"), c, "22003");
        fails(Double.POSITIVE_INFINITY, c, "22003");
        fails("1.2.3", c, "22018");
    }

    @Test
    void strings() {
        Column c = Column.varchar("c", 3, true);
        assertThat(coerce("abc", c)).isEqualTo("abc");
        assertThat(coerce("😀😀😀", c)).isEqualTo("😀😀😀");
        assertThat(coerce(new BigDecimal("1.50"), Column.varchar("c", 10, true))).isEqualTo("1.50");
        assertThat(coerce(Boolean.TRUE, Column.varchar("c", 10, true))).isEqualTo("true");
        assertThat(coerce(LocalDateTime.of(2026, 1, 2, 3, 4, 5), Column.varchar("c", 30, true))).isEqualTo("2026-01-02 03:04:05");
        fails("abcd", c, "22001");
        fails(new byte[] {1}, c, "42804");
    }

    @Test
    void binary() {
        Column c = new Column("c", ColumnType.VARBINARY, 2, 0, true);
        assertThat((byte[]) coerce(new byte[] {1, 2}, c)).containsExactly(1, 2);
        fails(new byte[] {1, 2, 3}, c, "22001");
        fails("ab", c, "42804");
    }

    @Test
    void booleans() {
        assertThat(coerce("yes", col(ColumnType.BOOLEAN))).isEqualTo(true);
        assertThat(coerce(" F ", col(ColumnType.BOOLEAN))).isEqualTo(false);
        fails("maybe", col(ColumnType.BOOLEAN), "22018");
        fails(new BigDecimal("1"), col(ColumnType.BOOLEAN), "42804");
    }

    @Test
    void datesAndTimes() {
        assertThat(coerce(LocalDate.of(1970, 1, 2), col(ColumnType.DATE))).isEqualTo(1);
        assertThat(coerce("2026-01-01", col(ColumnType.DATE))).isEqualTo((int) LocalDate.of(2026, 1, 1).toEpochDay());
        assertThat(coerce(LocalTime.of(0, 0, 1, 500_000_000), col(ColumnType.TIME))).isEqualTo(1500);
        assertThat(coerce("10:00", col(ColumnType.TIME))).isEqualTo(36_000_000);
        assertThat(coerce("1970-01-01 00:00:01.2345", col(ColumnType.TIMESTAMP))).isEqualTo(1234L);
        assertThat(coerce("1970-01-01T00:00:01", col(ColumnType.TIMESTAMP))).isEqualTo(1000L);
        assertThat(coerce(LocalDate.of(1970, 1, 2), col(ColumnType.TIMESTAMP))).isEqualTo(86_400_000L);
        fails("2026-02-30", col(ColumnType.DATE), "22007");
        fails("25:00", col(ColumnType.TIME), "22007");
        fails("yesterday", col(ColumnType.TIMESTAMP), "22007");
        fails(new BigDecimal("1"), col(ColumnType.DATE), "42804");
    }

    @Test
    void timestampsWithLocalTimeZoneUseTheSessionZone() {
        Column ltz = col(ColumnType.TIMESTAMP_LTZ);
        // Paris is UTC+1 in January: midnight there is 23:00 UTC the day before.
        assertThat(coerce(LocalDateTime.of(2026, 1, 1, 0, 0), ltz)).isEqualTo(Instant.parse("2025-12-31T23:00:00Z").toEpochMilli());
        assertThat(coerce("2026-01-01 00:00:00Z", ltz)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        assertThat(coerce("2026-01-01 02:00:00+02:00", ltz)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        // An instant into a wall-clock TIMESTAMP reads the session zone's clock.
        assertThat(coerce(Instant.parse("2026-01-01T00:00:00Z"), col(ColumnType.TIMESTAMP)))
                .isEqualTo(ValueCoercer.wallClockMs(LocalDateTime.of(2026, 1, 1, 1, 0)));
    }

    @Test
    void nulls() {
        assertThat(coerce(null, col(ColumnType.INTEGER))).isNull();
        assertThatThrownBy(() -> coercer.coerce(null, Column.of("id", ColumnType.INTEGER, false), "orders", 3))
                .isInstanceOf(RunnelSqlException.class)
                .hasMessageContaining("'id'").hasMessageContaining("'orders'").hasMessageContaining("row 3")
                .satisfies(e -> assertThat(((RunnelSqlException) e).sqlState()).isEqualTo("23502"));
    }
}
