package io.runnel.bench.suite;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** Order statistics for a handful of runs. Stateless. */
public final class Stats {
    private Stats() {}

    /**
     * The median of the non-null values (mean of the two middle ones for an even count), or
     * {@code null} when there is none.
     */
    public static Double median(Collection<Double> values) {
        List<Double> sorted = new ArrayList<>();
        for (Double v : values) {
            if (v != null && !v.isNaN()) {
                sorted.add(v);
            }
        }
        if (sorted.isEmpty()) {
            return null;
        }
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** {@code a ÷ b}, or {@code null} when either is missing or {@code b} is zero. */
    public static Double ratio(Double a, Double b) {
        if (a == null || b == null || b == 0.0 || a.isNaN() || b.isNaN()) {
            return null;
        }
        return a / b;
    }

    static boolean anyNonNull(Collection<Double> values) {
        return values.stream().anyMatch(Objects::nonNull);
    }
}
