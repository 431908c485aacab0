package io.runnel.storage.testkit;

import io.runnel.storage.format.BatchBuilder;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.Schema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Random rows for any schema, written through {@link BatchBuilder} and compared with what
 * {@link DecodedBatch#getObject} reads back. Values follow {@link DecodedBatch#getObject}'s Java types.
 */
public final class TestRows {
    private TestRows() {}

    /** A schema with one column of every type, half of them nullable. */
    public static Schema allTypes(int schemaId) {
        return new Schema(schemaId, List.of(
                Column.of("b", ColumnType.BOOLEAN, true),
                Column.of("i8", ColumnType.TINYINT, true),
                Column.of("i16", ColumnType.SMALLINT, false),
                Column.of("i32", ColumnType.INTEGER, true),
                Column.of("i64", ColumnType.BIGINT, false),
                Column.of("f32", ColumnType.REAL, true),
                Column.of("f64", ColumnType.DOUBLE, true),
                Column.decimal("d64", 12, 2, true),
                Column.decimal("d128", 30, 5, true),
                Column.varchar("s", 40, true),
                Column.varchar("dict", -1, true),
                new Column("bin", ColumnType.VARBINARY, 64, 0, true),
                Column.of("day", ColumnType.DATE, true),
                Column.of("tod", ColumnType.TIME, true),
                Column.of("ts", ColumnType.TIMESTAMP, false),
                Column.of("tsz", ColumnType.TIMESTAMP_LTZ, true)));
    }

    /** The orders schema of DESIGN §3. */
    public static Schema orders(int schemaId) {
        return new Schema(schemaId, List.of(
                Column.of("id", ColumnType.BIGINT, false),
                Column.varchar("customer", 64, true),
                Column.varchar("product", 64, true),
                Column.decimal("amount", 12, 2, true),
                Column.of("qty", ColumnType.INTEGER, true),
                Column.of("placed_at", ColumnType.TIMESTAMP, true)));
    }

    /** {@code count} random rows for {@code schema}; nulls only in nullable columns. */
    public static List<Object[]> random(Schema schema, int count, SplittableRandom random) {
        List<Object[]> rows = new ArrayList<>(count);
        long sequence = random.nextLong(1_000_000);
        long time = 1_767_225_600_000L + random.nextInt(1_000_000);
        for (int r = 0; r < count; r++) {
            Object[] row = new Object[schema.columnCount()];
            sequence++;
            time += random.nextInt(4);
            for (int c = 0; c < row.length; c++) {
                Column column = schema.column(c);
                if (column.nullable() && random.nextInt(8) == 0) {
                    continue;
                }
                row[c] = value(column, random, sequence, time);
            }
            rows.add(row);
        }
        return rows;
    }

    private static Object value(Column column, SplittableRandom random, long sequence, long time) {
        return switch (column.type()) {
            case BOOLEAN -> random.nextBoolean();
            case TINYINT -> (byte) random.nextInt();
            case SMALLINT -> (short) random.nextInt();
            case INTEGER -> random.nextInt(4) == 0 ? (int) sequence : random.nextInt();
            case BIGINT -> column.name().equals("id") || random.nextBoolean() ? sequence : random.nextLong();
            case REAL -> random.nextInt(20) == 0 ? Float.NaN : (float) random.nextDouble(-1e6, 1e6);
            case DOUBLE -> random.nextDouble(-1e12, 1e12);
            case DECIMAL -> {
                int digits = random.nextInt(1, column.precision() + 1);
                BigInteger unscaled = new BigInteger(random.nextInt(1, 120), new java.util.Random(random.nextLong()))
                        .mod(BigInteger.TEN.pow(digits));
                if (random.nextBoolean()) {
                    unscaled = unscaled.negate();
                }
                yield new BigDecimal(unscaled, column.scale());
            }
            case VARCHAR -> {
                if (column.name().equals("dict") || column.name().equals("product")) {
                    yield "v-" + random.nextInt(20);
                }
                if (column.name().equals("customer")) {
                    yield String.format("customer-%04d", random.nextInt(10_000));
                }
                int max = column.precision() < 0 ? 30 : column.precision();
                int length = random.nextInt(max + 1);
                StringBuilder sb = new StringBuilder();
                while (sb.codePointCount(0, sb.length()) < length) {
                    int kind = random.nextInt(10);
                    sb.appendCodePoint(kind < 7 ? 'a' + random.nextInt(26) : kind < 9 ? 0x00e0 + random.nextInt(30) : 0x1F600 + random.nextInt(50));
                }
                yield sb.toString();
            }
            case VARBINARY -> {
                byte[] b = new byte[random.nextInt(column.precision() < 0 ? 30 : column.precision() + 1)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) random.nextInt();
                }
                yield b;
            }
            case DATE -> LocalDate.ofEpochDay(random.nextInt(-100_000, 100_000));
            case TIME -> LocalTime.ofNanoOfDay(random.nextInt(86_400_000) * 1_000_000L);
            case TIMESTAMP -> LocalDateTime.ofInstant(Instant.ofEpochMilli(time), ZoneOffset.UTC);
            case TIMESTAMP_LTZ -> Instant.ofEpochMilli(random.nextLong(-1L << 45, 1L << 45));
        };
    }

    /** Writes {@code row} into the builder's current row and ends it. */
    public static void write(BatchBuilder builder, Schema schema, Object[] row) {
        for (int c = 0; c < row.length; c++) {
            Object v = row[c];
            if (v == null) {
                builder.setNull(c);
                continue;
            }
            switch (schema.column(c).type()) {
                case BOOLEAN -> builder.setBoolean(c, (Boolean) v);
                case TINYINT -> builder.setByte(c, (Byte) v);
                case SMALLINT -> builder.setShort(c, (Short) v);
                case INTEGER -> builder.setInt(c, (Integer) v);
                case BIGINT -> builder.setLong(c, (Long) v);
                case REAL -> builder.setFloat(c, (Float) v);
                case DOUBLE -> builder.setDouble(c, (Double) v);
                case DECIMAL -> builder.setDecimal(c, (BigDecimal) v);
                case VARCHAR -> {
                    if ((c & 1) == 0) {
                        builder.setString(c, (String) v);
                    } else {
                        builder.setString(c, ((String) v).getBytes(StandardCharsets.UTF_8));
                    }
                }
                case VARBINARY -> builder.setBytes(c, (byte[]) v);
                case DATE -> builder.setInt(c, (int) ((LocalDate) v).toEpochDay());
                case TIME -> builder.setInt(c, (int) (((LocalTime) v).toNanoOfDay() / 1_000_000));
                case TIMESTAMP -> builder.setLong(c, ((LocalDateTime) v).toInstant(ZoneOffset.UTC).toEpochMilli());
                case TIMESTAMP_LTZ -> builder.setLong(c, ((Instant) v).toEpochMilli());
            }
        }
        builder.endRow();
    }

    /** Whether a decoded value equals the expected one (arrays by content, NaN equal to NaN). */
    public static boolean same(Object expected, Object actual) {
        if (expected instanceof byte[] e && actual instanceof byte[] a) {
            return Arrays.equals(e, a);
        }
        return Objects.equals(expected, actual);
    }

    /** Reads row {@code row} of {@code decoded} through the typed getters, as {@link #random} builds values. */
    public static Object[] readTyped(DecodedBatch decoded, int row) {
        Schema schema = decoded.schema();
        Object[] out = new Object[schema.columnCount()];
        for (int c = 0; c < out.length; c++) {
            if (!decoded.isProjected(c) || decoded.isNull(c, row)) {
                continue;
            }
            out[c] = switch (schema.column(c).type()) {
                case BOOLEAN -> decoded.getBoolean(c, row);
                case TINYINT -> (byte) decoded.getInt(c, row);
                case SMALLINT -> (short) decoded.getInt(c, row);
                case INTEGER -> decoded.getInt(c, row);
                case BIGINT -> decoded.getLong(c, row);
                case REAL -> decoded.getFloat(c, row);
                case DOUBLE -> decoded.getDouble(c, row);
                case DECIMAL -> decoded.getDecimal(c, row);
                case VARCHAR -> decoded.getString(c, row);
                case VARBINARY -> decoded.getBytes(c, row);
                case DATE -> LocalDate.ofEpochDay(decoded.getInt(c, row));
                case TIME -> LocalTime.ofNanoOfDay(decoded.getInt(c, row) * 1_000_000L);
                case TIMESTAMP -> LocalDateTime.ofInstant(Instant.ofEpochMilli(decoded.getLong(c, row)), ZoneOffset.UTC);
                case TIMESTAMP_LTZ -> Instant.ofEpochMilli(decoded.getLong(c, row));
            };
        }
        return out;
    }
}
