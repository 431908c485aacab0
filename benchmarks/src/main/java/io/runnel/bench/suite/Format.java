package io.runnel.bench.suite;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/** Number formatting shared by the progress lines, the table and the chart. Stateless. */
public final class Format {
    private Format() {}

    /** 1234567 → "1.23 M", 12345 → "12.3 k". */
    public static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", perSecond / 1e6);
        }
        if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    /** A metric value in its unit's usual precision; "—" for none. */
    public static String value(Metric metric, Double v) {
        if (v == null) {
            return "—";
        }
        return switch (metric.unit()) {
            case "rows/s" -> rate(v);
            case "B/row" -> String.format(Locale.ROOT, "%.1f", v);
            case "ms" -> v < 10 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.1f", v);
            default -> String.format(Locale.ROOT, "%.3g", v);
        };
    }

    public static String ratio(Double r) {
        return r == null ? "—" : String.format(Locale.ROOT, "%.2f×", r);
    }

    public static String ratios(List<Double> rs) {
        if (rs.stream().allMatch(Objects::isNull)) {
            return "—";
        }
        return rs.stream().map(r -> r == null ? "—" : String.format(Locale.ROOT, "%.2f", r))
                .collect(Collectors.joining(" "));
    }

    /** Half the range of the runs relative to their median, "±1.2%"; "" for fewer than 2 runs. */
    public static String spread(List<Double> runs, Double median) {
        List<Double> present = runs.stream().filter(Objects::nonNull).toList();
        if (present.size() < 2 || median == null || median == 0) {
            return "";
        }
        double min = present.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = present.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return String.format(Locale.ROOT, "±%.1f%%", (max - min) / 2 / median * 100);
    }
}
