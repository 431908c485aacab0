package io.runnel.jdbc;

import java.sql.Timestamp;
import java.util.Calendar;
import java.util.TimeZone;
import org.apache.calcite.avatica.util.DateTimeUtils;

/**
 * Avatica's conversion of a TIMESTAMP value (wall-clock milliseconds) to a {@link Timestamp}
 * ({@link DateTimeUtils#unixTimestampToSqlTimestamp}), with the same result, computed once per hour
 * of values: within an hour the result is the value plus a constant shift, unless a zone involved
 * (the JVM's current default zone, Avatica's {@code DateTimeUtils.DEFAULT_ZONE}, the calendar's zone)
 * changes its offset inside that hour. Each hour is checked at both ends; an hour whose ends
 * disagree (a transition inside it) is converted value by value by Avatica's own code. A zone
 * whose offset changed twice within one hour would defeat the check; no zone in the tz database
 * does.
 *
 * <p>Avatica's conversion builds a {@code LocalDateTime} and normalizes a {@code java.util.Date}
 * per value, which was a third of the client's time reading a TIMESTAMP column.
 *
 * <p>Not thread-safe: one per result-set column.
 */
final class TimestampConversion {
    static final long HOUR_MS = 3_600_000L;

    private long hour = Long.MIN_VALUE;
    /** The shift of {@link #hour}; not used when {@link #mixed} (a transition inside the hour). */
    private long shiftMs;
    private boolean mixed;
    private String defaultZoneId;
    private TimeZone calendarZone;

    /** As {@code DateTimeUtils.unixTimestampToSqlTimestamp(wallClockMs, calendar)}. */
    Timestamp toTimestamp(long wallClockMs, Calendar calendar) {
        TimeZone zone = calendar == null ? null : calendar.getTimeZone();
        String defaultId = TimeZone.getDefault().getID();
        long h = Math.floorDiv(wallClockMs, HOUR_MS);
        if (h != hour || zone != calendarZone || !defaultId.equals(defaultZoneId)) {
            long start = h * HOUR_MS;
            long end = start + HOUR_MS - 1;
            long startShift = DateTimeUtils.unixTimestampToSqlTimestamp(start, calendar).getTime() - start;
            long endShift = DateTimeUtils.unixTimestampToSqlTimestamp(end, calendar).getTime() - end;
            hour = h;
            calendarZone = zone;
            defaultZoneId = defaultId;
            mixed = startShift != endShift;
            shiftMs = startShift;
        }
        if (mixed) {
            return DateTimeUtils.unixTimestampToSqlTimestamp(wallClockMs, calendar);
        }
        return new Timestamp(wallClockMs + shiftMs);
    }
}
