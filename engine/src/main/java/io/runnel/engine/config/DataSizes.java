package io.runnel.engine.config;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints byte sizes in options and configuration: {@code '10GB'}, {@code '512 MB'},
 * {@code '64KiB'}, a bare number of bytes, or {@code 'unlimited'} / {@code -1}. KB, MB, GB and TB
 * are powers of 1024 (as in most database configuration), and so are KiB, MiB, GiB, TiB.
 *
 * <p>Stateless and thread-safe.
 */
public final class DataSizes {
    /** No limit. */
    public static final long UNLIMITED = -1;

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");

    private DataSizes() {}

    /**
     * @param key the option's name, for the error message
     * @throws EngineException 22023 naming the option and the accepted forms
     */
    public static long parseBytes(String key, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("unlimited") || t.equals("-1")) {
            return UNLIMITED;
        }
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw invalid(key, text);
        }
        int shift;
        switch (m.group(2)) {
            case "":
            case "b":
            case "bytes":
                shift = 0;
                break;
            case "k":
            case "kb":
            case "kib":
                shift = 10;
                break;
            case "m":
            case "mb":
            case "mib":
                shift = 20;
                break;
            case "g":
            case "gb":
            case "gib":
                shift = 30;
                break;
            case "t":
            case "tb":
            case "tib":
                shift = 40;
                break;
            default:
                throw invalid(key, text);
        }
        try {
            long n = Long.parseLong(m.group(1));
            return Math.multiplyExact(n, 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            throw invalid(key, text);
        }
    }

    /** The shortest exact text for {@code bytes}: {@code '10GB'}, {@code '1536KB'}, {@code 'unlimited'}. */
    public static String format(long bytes) {
        if (bytes < 0) {
            return "unlimited";
        }
        String[] names = {"TB", "GB", "MB", "KB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < names.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + names[i];
            }
        }
        return bytes + " bytes";
    }

    private static EngineException invalid(String key, String text) {
        return new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                "invalid size for " + key + ": '" + text + "' (expected e.g. '10GB', '512MB', '64KB', a number of bytes, or 'unlimited')");
    }
}
