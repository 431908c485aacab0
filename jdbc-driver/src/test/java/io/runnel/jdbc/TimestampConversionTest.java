package io.runnel.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TimeZone;
import org.apache.calcite.avatica.util.DateTimeUtils;
import org.junit.jupiter.api.Test;

/**
 * {@link TimestampConversion} against Avatica's own conversion, value by value: random wall-clock
 * times from 1600 to 2200 and every minute around DST transitions (an hour gap, an hour overlap,
 * Lord Howe's half-hour shift, a zone with a 45-minute offset), for several JVM default zones and
 * calendar zones, read in random order so the per-hour memo is hit, missed and invalidated.
 */
class TimestampConversionTest {
    private static final String[] ZONES = {"UTC", "Europe/Paris", "America/Los_Angeles", "Australia/Lord_Howe",
        "Asia/Kolkata", "Pacific/Chatham"};

    @Test
    void sameTimestampsAsAvatica() {
        long seed = Long.getLong("test.seed", System.nanoTime());
        System.out.println("TimestampConversionTest seed " + seed + " (-Dtest.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        List<Long> values = new ArrayList<>();
        for (String transition : new String[] {"2026-03-29T01:00", "2026-10-25T01:00", "2026-03-08T01:00",
                "2026-11-01T00:00", "2026-04-05T01:00", "2026-10-04T01:00", "2026-09-27T01:00", "1582-10-04T22:00"}) {
            long start = LocalDateTime.parse(transition).toInstant(ZoneOffset.UTC).toEpochMilli();
            for (long m = -90; m <= 240; m++) {
                values.add(start + m * 60_000 + random.nextInt(60_000));
            }
        }
        long min = LocalDateTime.parse("1600-01-01T00:00").toInstant(ZoneOffset.UTC).toEpochMilli();
        long max = LocalDateTime.parse("2200-01-01T00:00").toInstant(ZoneOffset.UTC).toEpochMilli();
        for (int i = 0; i < 5_000; i++) {
            values.add(min + (long) (random.nextDouble() * (max - min)));
        }
        TimeZone original = TimeZone.getDefault();
        try {
            // Chatham and Lord Howe change their offset at a quarter or half past in wall-clock time,
            // inside a memo hour: the cases the per-hour check exists for.
            for (String jvmZone : new String[] {"UTC", "Europe/Paris", "America/Los_Angeles", "Pacific/Chatham",
                    "Australia/Lord_Howe"}) {
                TimeZone.setDefault(TimeZone.getTimeZone(jvmZone));
                for (String calendarZone : ZONES) {
                    Calendar calendar = Calendar.getInstance(TimeZone.getTimeZone(calendarZone), Locale.ROOT);
                    TimestampConversion conversion = new TimestampConversion();
                    List<Long> order = new ArrayList<>(values);
                    java.util.Collections.shuffle(order.subList(order.size() / 2, order.size()), random);
                    for (long v : order) {
                        Timestamp expected = DateTimeUtils.unixTimestampToSqlTimestamp(v, calendar);
                        Timestamp actual = conversion.toTimestamp(v, calendar);
                        assertThat(actual).as("%d (%s) in JVM zone %s, calendar %s", v,
                                LocalDateTime.ofEpochSecond(Math.floorDiv(v, 1000), 0, ZoneOffset.UTC), jvmZone,
                                calendarZone).isEqualTo(expected);
                        assertThat(actual.getNanos()).isEqualTo(expected.getNanos());
                    }
                    assertThat(conversion.toTimestamp(values.get(0), null))
                            .isEqualTo(DateTimeUtils.unixTimestampToSqlTimestamp(values.get(0), null));
                }
            }
        } finally {
            TimeZone.setDefault(original);
        }
    }
}
