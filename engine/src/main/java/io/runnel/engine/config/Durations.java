package io.runnel.engine.config;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints durations in options and configuration: {@code '7 days'}, {@code '12h'},
 * {@code '30 min'}, {@code '10s'}, {@code '250 ms'}, a bare number of milliseconds, or
 * {@code 'forever'} / {@code -1} for no limit ({@link #UNLIMITED}).
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {
    /** No limit. */
    public static final long UNLIMITED = -1;

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([a-z]*)");

    private Durations() {}

    /**
     * @param key the option's name, for the error message
     * @throws EngineException 22023 naming the option and the accepted forms
     */
    public static long parseMs(String key, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("forever") || t.equals("unlimited") || t.equals("-1")) {
            return UNLIMITED;
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw invalid(key, text);
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw invalid(key, text);
        }
        long unitMs;
        switch (m.group(2)) {
            case "":
            case "ms":
            case "millis":
            case "millisecond":
            case "milliseconds":
                unitMs = 1;
                break;
            case "s":
            case "sec":
            case "secs":
            case "second":
            case "seconds":
                unitMs = 1_000;
                break;
            case "m":
            case "min":
            case "mins":
            case "minute":
            case "minutes":
                unitMs = 60_000;
                break;
            case "h":
            case "hour":
            case "hours":
                unitMs = 3_600_000;
                break;
            case "d":
            case "day":
            case "days":
                unitMs = 86_400_000;
                break;
            case "w":
            case "week":
            case "weeks":
                unitMs = 7 * 86_400_000L;
                break;
            default:
                throw invalid(key, text);
        }
        try {
            return Math.multiplyExact(n, unitMs);
        } catch (ArithmeticException e) {
            throw invalid(key, text);
        }
    }

    /** The shortest exact text for {@code ms}: {@code '7 days'}, {@code '90 min'}, {@code 'forever'}. */
    public static String format(long ms) {
        if (ms < 0) {
            return "forever";
        }
        if (ms == 0) {
            return "0 ms";
        }
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"days", "hours", "min", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                long n = ms / units[i];
                String name = names[i];
                if (n == 1 && name.equals("days")) {
                    name = "day";
                } else if (n == 1 && name.equals("hours")) {
                    name = "hour";
                }
                return n + " " + name;
            }
        }
        throw new AssertionError(ms);
    }

    private static EngineException invalid(String key, String text) {
        return new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                "invalid duration for " + key + ": '" + text
                        + "' (expected e.g. '7 days', '12h', '30 min', '10s', '250 ms', or 'forever')");
    }
}
