package io.runnel.storage.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * Converts a value to what a column stores, with SQL's assignment rules (what an {@code INSERT}
 * does with a value of another type), failing with the SQLSTATE of DESIGN.md §3.
 *
 * <p><b>Input</b> is one of: {@code null}; {@link Boolean}; an exact number ({@link Byte},
 * {@link Short}, {@link Integer}, {@link Long}, {@link BigInteger}, {@link BigDecimal}); an
 * approximate number ({@link Float}, {@link Double}); a {@link String}; bytes ({@code byte[]}); a {@link LocalDate}, {@link LocalTime}, {@link LocalDateTime} (a wall-clock
 * TIMESTAMP) or {@link Instant} (a TIMESTAMP WITH LOCAL TIME ZONE).
 *
 * <p><b>Output</b> is the column's internal value, the one Calcite's generated code and the batch
 * builder use: {@code Boolean}, {@code Byte}, {@code Short}, {@code Integer}, {@code Long},
 * {@code Float}, {@code Double}, {@code BigDecimal} (at the column's scale), {@code String},
 * {@code byte[]}, DATE as {@code Integer} days since 1970-01-01, TIME as {@code Integer}
 * milliseconds of the day, TIMESTAMP as {@code Long} wall-clock milliseconds (the epoch millis of
 * the time read in UTC), TIMESTAMP WITH LOCAL TIME ZONE as {@code Long} epoch milliseconds.
 *
 * <p><b>Rules</b>
 * <ul>
 *   <li>numbers convert between numeric types; an exact value with more fractional digits than the
 *       target keeps is rounded half up (as PostgreSQL does); a value outside the type's range or
 *       precision fails with 22003; NaN and infinities only fit REAL and DOUBLE;
 *   <li>a string converts to any type by parsing it as a literal of that type (leading and
 *       trailing blanks ignored): 22018 for a bad number or boolean, 22007 for a bad date or time;
 *   <li>numbers, booleans, dates and times convert to VARCHAR as their SQL text;
 *   <li>a VARCHAR(n) value longer than n characters, or VARBINARY(n) value longer than n bytes, fails
 *       with 22001 (no silent truncation);
 *   <li>DATE, TIMESTAMP and TIMESTAMP WITH LOCAL TIME ZONE convert to each other, through the
 *       session time zone where a zone is needed; fractional seconds beyond milliseconds are
 *       truncated;
 *   <li>NULL into a NOT NULL column fails with 23502;
 *   <li>anything else (a number into a DATE, a boolean into an INTEGER, bytes into a VARCHAR) fails
 *       with 42804.
 * </ul>
 *
 * <p>The one set of assignment rules: the server's INSERT path ({@code ValueCoercer} in sql-layer
 * delegates here) and the JDBC driver's data path (which coerces {@code executeBatch} parameters
 * before it encodes them) apply the same code, so a value fails with the same SQLSTATE and message
 * on either path.
 *
 * <p>Immutable and thread-safe.
 */
public final class ValueAssignment {
    private static final BigDecimal DOUBLE_MAX = new BigDecimal(Double.MAX_VALUE);
    private static final long MS_PER_DAY = 86_400_000L;

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.HOUR_OF_DAY, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalEnd()
            .toFormatter(Locale.ROOT)
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);
    private static final DateTimeFormatter DATE = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR, 4, 9, java.time.format.SignStyle.NORMAL)
            .appendLiteral('-').appendValue(ChronoField.MONTH_OF_YEAR, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE)
            .appendLiteral('-').appendValue(ChronoField.DAY_OF_MONTH, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE)
            .toFormatter(Locale.ROOT)
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);

    private final ZoneId sessionZone;

    /** @param sessionZone the session time zone, for conversions between wall-clock times and instants */
    public ValueAssignment(ZoneId sessionZone) {
        this.sessionZone = Objects.requireNonNull(sessionZone, "sessionZone");
    }

    public ZoneId sessionZone() {
        return sessionZone;
    }

    /**
     * {@code value} as {@code column} stores it.
     *
     * @param row 1-based row number for the message
     * @throws AssignmentException with the SQLSTATE of the rule it breaks
     */
    public Object coerce(Object value, Column column, long row) {
        if (value == null) {
            if (!column.nullable()) {
                throw AssignmentException.notNull(column.name(), "?", row);
            }
            return null;
        }
        return switch (column.type()) {
            case BOOLEAN -> toBoolean(value, column, row);
            case TINYINT -> (byte) integral(value, column, row, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case SMALLINT -> (short) integral(value, column, row, Short.MIN_VALUE, Short.MAX_VALUE);
            case INTEGER -> (int) integral(value, column, row, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case BIGINT -> integral(value, column, row, Long.MIN_VALUE, Long.MAX_VALUE);
            case REAL -> toReal(value, column, row);
            case DOUBLE -> toDouble(value, column, row);
            case DECIMAL -> toDecimal(value, column, row);
            case VARCHAR -> toVarchar(value, column, row);
            case VARBINARY -> toVarbinary(value, column, row);
            case DATE -> toDate(value, column, row);
            case TIME -> toTime(value, column, row);
            case TIMESTAMP -> toTimestamp(value, column, row);
            case TIMESTAMP_LTZ -> toInstantMs(value, column, row);
        };
    }

    /** Like {@link #coerce}, naming {@code topic} in a NOT NULL violation. */
    public Object coerce(Object value, Column column, String topic, long row) {
        if (value == null && !column.nullable()) {
            throw AssignmentException.notNull(column.name(), topic, row);
        }
        return coerce(value, column, row);
    }

    // ---- per target type ----------------------------------------------------------------------

    private static Boolean toBoolean(Object value, Column column, long row) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "t", "yes", "y", "on", "1":
                    return Boolean.TRUE;
                case "false", "f", "no", "n", "off", "0":
                    return Boolean.FALSE;
                default:
                    throw AssignmentException.invalidText(column.name(), "BOOLEAN", s, row);
            }
        }
        throw mismatch(value, column, row);
    }

    private static long integral(Object value, Column column, long row, long min, long max) {
        long v;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            v = ((Number) value).longValue();
        } else if (value instanceof BigDecimal || value instanceof BigInteger) {
            BigDecimal d = value instanceof BigInteger bi ? new BigDecimal(bi) : (BigDecimal) value;
            v = exactLong(d.setScale(0, RoundingMode.HALF_UP), value, column, row);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw AssignmentException.outOfRange(column.name(), sqlName(column), Double.toString(d), row);
            }
            v = exactLong(new BigDecimal(d).setScale(0, RoundingMode.HALF_UP), value, column, row);
        } else if (value instanceof String s) {
            BigDecimal d = parseNumber(s, column, row);
            v = exactLong(d.setScale(0, RoundingMode.HALF_UP), s.trim(), column, row);
        } else {
            throw mismatch(value, column, row);
        }
        if (v < min || v > max) {
            throw AssignmentException.outOfRange(column.name(), sqlName(column), String.valueOf(value), row);
        }
        return v;
    }

    private static long exactLong(BigDecimal d, Object original, Column column, long row) {
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            throw AssignmentException.outOfRange(column.name(), sqlName(column), text(original), row);
        }
    }

    private static Float toReal(Object value, Column column, long row) {
        double d = approximate(value, column, row);
        if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
            throw AssignmentException.outOfRange(column.name(), "REAL", text(value), row);
        }
        return (float) d;
    }

    private static Double toDouble(Object value, Column column, long row) {
        return approximate(value, column, row);
    }

    private static double approximate(Object value, Column column, long row) {
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigDecimal || value instanceof BigInteger) {
            BigDecimal d = value instanceof BigInteger bi ? new BigDecimal(bi) : (BigDecimal) value;
            if (d.abs().compareTo(DOUBLE_MAX) > 0) {
                throw AssignmentException.outOfRange(column.name(), sqlName(column), d.toPlainString(), row);
            }
            return d.doubleValue();
        }
        if (value instanceof String s) {
            String t = s.trim();
            try {
                double d = Double.parseDouble(t);
                if (Double.isInfinite(d) && !t.toLowerCase(Locale.ROOT).contains("infinity")) {
                    throw AssignmentException.outOfRange(column.name(), sqlName(column), t, row);
                }
                return d;
            } catch (NumberFormatException e) {
                throw AssignmentException.invalidText(column.name(), sqlName(column), s, row);
            }
        }
        throw mismatch(value, column, row);
    }

    private static BigDecimal toDecimal(Object value, Column column, long row) {
        BigDecimal d;
        if (value instanceof BigDecimal bd) {
            d = bd;
        } else if (value instanceof BigInteger bi) {
            d = new BigDecimal(bi);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            d = BigDecimal.valueOf(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            double x = ((Number) value).doubleValue();
            if (!Double.isFinite(x)) {
                throw AssignmentException.outOfRange(column.name(), sqlName(column), Double.toString(x), row);
            }
            d = new BigDecimal(Double.toString(x));
        } else if (value instanceof String s) {
            d = parseNumber(s, column, row);
        } else {
            throw mismatch(value, column, row);
        }
        BigDecimal scaled = d.setScale(column.scale(), RoundingMode.HALF_UP);
        if (scaled.precision() - scaled.scale() > column.precision() - column.scale() && scaled.signum() != 0) {
            throw AssignmentException.outOfRange(column.name(), sqlName(column), d.toPlainString(), row);
        }
        return scaled;
    }

    private static BigDecimal parseNumber(String s, Column column, long row) {
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            throw AssignmentException.invalidText(column.name(), sqlName(column), s, row);
        }
    }

    private String toVarchar(Object value, Column column, long row) {
        String s;
        if (value instanceof String str) {
            s = str;
        } else if (value instanceof BigDecimal bd) {
            s = bd.toPlainString();
        } else if (value instanceof Number || value instanceof Boolean) {
            s = value.toString();
        } else if (value instanceof LocalDate || value instanceof LocalTime) {
            s = value.toString();
        } else if (value instanceof LocalDateTime ldt) {
            s = timestampText(ldt);
        } else if (value instanceof Instant i) {
            s = timestampText(LocalDateTime.ofInstant(i, sessionZone));
        } else {
            throw mismatch(value, column, row);
        }
        int max = column.precision();
        if (max != Column.UNBOUNDED && s.length() > max) {
            int chars = s.codePointCount(0, s.length());
            if (chars > max) {
                throw AssignmentException.stringTooLong(column.name(), max, chars, row);
            }
        }
        return s;
    }

    private static byte[] toVarbinary(Object value, Column column, long row) {
        byte[] bytes;
        if (value instanceof byte[] b) {
            bytes = b;
        } else {
            throw mismatch(value, column, row);
        }
        int max = column.precision();
        if (max != Column.UNBOUNDED && bytes.length > max) {
            throw AssignmentException.binaryTooLong(column.name(), max, bytes.length, row);
        }
        return bytes;
    }

    private Integer toDate(Object value, Column column, long row) {
        LocalDate date;
        if (value instanceof LocalDate d) {
            date = d;
        } else if (value instanceof LocalDateTime ldt) {
            date = ldt.toLocalDate();
        } else if (value instanceof Instant i) {
            date = LocalDate.ofInstant(i, sessionZone);
        } else if (value instanceof String s) {
            date = parseTimestamp(s, column, row, "DATE").toLocalDate();
        } else {
            throw mismatch(value, column, row);
        }
        return Math.toIntExact(date.toEpochDay());
    }

    private static Integer toTime(Object value, Column column, long row) {
        LocalTime time;
        if (value instanceof LocalTime t) {
            time = t;
        } else if (value instanceof LocalDateTime ldt) {
            time = ldt.toLocalTime();
        } else if (value instanceof String s) {
            try {
                time = LocalTime.parse(s.trim(), TIME);
            } catch (DateTimeParseException e) {
                throw AssignmentException.invalidDatetime(column.name(), "TIME", s, row);
            }
        } else {
            throw mismatch(value, column, row);
        }
        return (int) (time.toNanoOfDay() / 1_000_000L);
    }

    private Long toTimestamp(Object value, Column column, long row) {
        LocalDateTime ldt;
        if (value instanceof LocalDateTime l) {
            ldt = l;
        } else if (value instanceof LocalDate d) {
            ldt = d.atStartOfDay();
        } else if (value instanceof Instant i) {
            ldt = LocalDateTime.ofInstant(i, sessionZone);
        } else if (value instanceof String s) {
            ldt = parseTimestamp(s, column, row, "TIMESTAMP");
        } else {
            throw mismatch(value, column, row);
        }
        return wallClockMs(ldt);
    }

    private Long toInstantMs(Object value, Column column, long row) {
        Instant instant;
        if (value instanceof Instant i) {
            instant = i;
        } else if (value instanceof LocalDateTime ldt) {
            instant = ldt.atZone(sessionZone).toInstant();
        } else if (value instanceof LocalDate d) {
            instant = d.atStartOfDay(sessionZone).toInstant();
        } else if (value instanceof String s) {
            instant = parseInstant(s, column, row);
        } else {
            throw mismatch(value, column, row);
        }
        return instant.truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
    }

    // ---- text forms ---------------------------------------------------------------------------

    /** Wall-clock milliseconds of {@code ldt}: its epoch millis read in UTC, sub-millisecond digits truncated. */
    public static long wallClockMs(LocalDateTime ldt) {
        return ldt.toLocalDate().toEpochDay() * MS_PER_DAY + ldt.toLocalTime().toNanoOfDay() / 1_000_000L;
    }

    /** The wall-clock time of {@code ms} (see {@link #wallClockMs}). */
    public static LocalDateTime wallClock(long ms) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000), (int) Math.floorMod(ms, 1000) * 1_000_000, ZoneOffset.UTC);
    }

    private LocalDateTime parseTimestamp(String s, Column column, long row, String typeName) {
        String t = s.trim();
        try {
            int split = indexOfTimeSeparator(t);
            if (split < 0) {
                return LocalDate.parse(t, DATE).atStartOfDay();
            }
            LocalDate date = LocalDate.parse(t.substring(0, split), DATE);
            LocalTime time = LocalTime.parse(t.substring(split + 1).trim(), TIME);
            return date.atTime(time);
        } catch (DateTimeException | IndexOutOfBoundsException e) {
            throw AssignmentException.invalidDatetime(column.name(), typeName, s, row);
        }
    }

    private Instant parseInstant(String s, Column column, long row) {
        String t = s.trim();
        try {
            return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            // no offset: below
        }
        try {
            return ZonedDateTime.parse(t.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            // no zone: below
        }
        return parseTimestamp(s, column, row, "TIMESTAMP WITH LOCAL TIME ZONE").atZone(sessionZone).toInstant();
    }

    private static int indexOfTimeSeparator(String t) {
        int dateEnd = t.indexOf('-', 1);
        dateEnd = dateEnd < 0 ? -1 : t.indexOf('-', dateEnd + 1);
        if (dateEnd < 0) {
            return -1;
        }
        for (int i = dateEnd + 1; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == ' ' || c == 'T' || c == 't') {
                return i;
            }
        }
        return -1;
    }

    /** {@code yyyy-mm-dd hh:mm:ss[.fff]}, as SQL writes a TIMESTAMP. */
    public static String timestampText(LocalDateTime ldt) {
        String date = ldt.toLocalDate().toString();
        LocalTime time = ldt.toLocalTime();
        String text = String.format(Locale.ROOT, "%s %02d:%02d:%02d", date, time.getHour(), time.getMinute(), time.getSecond());
        int ms = time.getNano() / 1_000_000;
        return ms == 0 ? text : text + String.format(Locale.ROOT, ".%03d", ms);
    }

    private static String text(Object value) {
        return value instanceof BigDecimal bd ? bd.toPlainString() : String.valueOf(value);
    }

    private static RuntimeException mismatch(Object value, Column column, long row) {
        return AssignmentException.typeMismatch(column.name(), sqlName(column), sqlTypeOf(value), row);
    }

    /** The SQL type name of a value of the input forms above, for messages. */
    public static String sqlTypeOf(Object value) {
        if (value instanceof Boolean) {
            return "BOOLEAN";
        } else if (value instanceof Byte) {
            return "TINYINT";
        } else if (value instanceof Short) {
            return "SMALLINT";
        } else if (value instanceof Integer) {
            return "INTEGER";
        } else if (value instanceof Long) {
            return "BIGINT";
        } else if (value instanceof BigDecimal || value instanceof BigInteger) {
            return "DECIMAL";
        } else if (value instanceof Float) {
            return "REAL";
        } else if (value instanceof Double) {
            return "DOUBLE";
        } else if (value instanceof String) {
            return "VARCHAR";
        } else if (value instanceof byte[]) {
            return "VARBINARY";
        } else if (value instanceof LocalDate) {
            return "DATE";
        } else if (value instanceof LocalTime) {
            return "TIME";
        } else if (value instanceof LocalDateTime) {
            return "TIMESTAMP";
        } else if (value instanceof Instant) {
            return "TIMESTAMP WITH LOCAL TIME ZONE";
        }
        return value.getClass().getSimpleName();
    }

    /** The column's type as SQL spells it in messages and DESCRIBE: {@code DECIMAL(12, 2)}, {@code VARCHAR(64)}. */
    public static String sqlName(Column column) {
        return switch (column.type()) {
            case DECIMAL -> "DECIMAL(" + column.precision() + ", " + column.scale() + ")";
            case VARCHAR, VARBINARY -> column.precision() == Column.UNBOUNDED ? column.type().name()
                    : column.type().name() + "(" + column.precision() + ")";
            case TIME -> "TIME(3)";
            case TIMESTAMP -> "TIMESTAMP(3)";
            case TIMESTAMP_LTZ -> "TIMESTAMP(3) WITH LOCAL TIME ZONE";
            default -> column.type().name();
        };
    }

    /**
     * Coerces {@code value} to {@code column} and writes it into {@code writer}'s open row: the same
     * result and the same errors as {@link #write}({@link #coerce}), without boxing for the common
     * exact cases (a string into VARCHAR).
     */
    public void assign(PartitionedBatchWriter writer, int col, Column column, Object value, String topic, long row) {
        if (value instanceof String s && column.type() == ColumnType.VARCHAR) {
            writer.setString(col, toVarchar(s, column, row));
            return;
        }
        write(writer, col, column, coerce(value, column, topic, row));
    }

    /** Like {@link #assign} for an integral value, without boxing when the column is an integer type. */
    public void assignLong(PartitionedBatchWriter writer, int col, Column column, long value, String topic, long row) {
        long min;
        long max;
        switch (column.type()) {
            case TINYINT -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
            case SMALLINT -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
            case INTEGER -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            case BIGINT -> { min = Long.MIN_VALUE; max = Long.MAX_VALUE; }
            default -> {
                write(writer, col, column, coerce(Long.valueOf(value), column, topic, row));
                return;
            }
        }
        if (value < min || value > max) {
            throw AssignmentException.outOfRange(column.name(), sqlName(column), String.valueOf(value), row);
        }
        writer.setLong(col, value);
    }

    /**
     * Writes an output value of {@link #coerce} into column {@code col} of {@code writer}'s open row:
     * the one mapping from internal values to the batch setters, for the server's INSERT path and the
     * driver's data path alike.
     */
    public static void write(PartitionedBatchWriter writer, int col, Column column, Object value) {
        if (value == null) {
            writer.setNull(col);
            return;
        }
        switch (column.type()) {
            case BOOLEAN -> writer.setBoolean(col, (Boolean) value);
            case TINYINT -> writer.setByte(col, (Byte) value);
            case SMALLINT -> writer.setShort(col, (Short) value);
            case INTEGER, DATE, TIME -> writer.setInt(col, (Integer) value);
            case BIGINT, TIMESTAMP, TIMESTAMP_LTZ -> writer.setLong(col, (Long) value);
            case REAL -> writer.setFloat(col, (Float) value);
            case DOUBLE -> writer.setDouble(col, (Double) value);
            case DECIMAL -> writer.setDecimal(col, (BigDecimal) value);
            case VARCHAR -> writer.setString(col, (String) value);
            case VARBINARY -> writer.setBytes(col, (byte[]) value);
        }
    }
}
