package io.runnel.bench.suite;

import java.util.Locale;

/**
 * A target of DESIGN.md §8, expressed on the ratio Runnel ÷ Kafka of one metric: either at least
 * {@code ratio} (throughput) or at most {@code ratio} (bytes, latency).
 *
 * @param comparison which side of {@code ratio} meets the target
 * @param ratio the bound on Runnel ÷ Kafka
 * @param source the line of DESIGN.md §8 it comes from, quoted for the reader of the results
 */
public record Target(Comparison comparison, double ratio, String source) {

    /** Direction of a target bound. */
    public enum Comparison {
        AT_LEAST("≥", ">="),
        AT_MOST("≤", "<=");

        private final String symbol;
        private final String ascii;

        Comparison(String symbol, String ascii) {
            this.symbol = symbol;
            this.ascii = ascii;
        }

        public String symbol() {
            return symbol;
        }

        public String ascii() {
            return ascii;
        }
    }

    public static Target atLeast(double ratio, String source) {
        return new Target(Comparison.AT_LEAST, ratio, source);
    }

    public static Target atMost(double ratio, String source) {
        return new Target(Comparison.AT_MOST, ratio, source);
    }

    /** Judges a measured Runnel ÷ Kafka ratio; {@code null} (no ratio) is {@link Verdict#NOT_AVAILABLE}. */
    public Verdict judge(Double measuredRatio) {
        if (measuredRatio == null || measuredRatio.isNaN()) {
            return Verdict.NOT_AVAILABLE;
        }
        boolean met = comparison == Comparison.AT_LEAST ? measuredRatio >= ratio : measuredRatio <= ratio;
        return met ? Verdict.MET : Verdict.MISSED;
    }

    /** For tables: {@code ≥ 1.5×}. */
    public String describe() {
        return comparison.symbol() + " " + String.format(Locale.ROOT, "%.1f", ratio) + "×";
    }
}
