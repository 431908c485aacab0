package io.runnel.bench.suite;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of measured runs: pair 1 (Kafka, Runnel), pair 2 (Kafka, Runnel), … — A B A B, so
 * that both sides see the same drift of a shared machine, and every pair can be turned into a
 * ratio. Warm-up runs come before and are never part of a pair.
 */
public final class Alternation {
    private Alternation() {}

    /** One measured run: which side, in which pair (1-based). */
    public record Slot(int pair, Side side) {}

    /** The slots of {@code pairs} pairs over the sides that are available, in {@link Side} order. */
    public static List<Slot> schedule(int pairs, List<Side> sides) {
        if (pairs < 1) {
            throw new IllegalArgumentException("pairs must be at least 1, got " + pairs);
        }
        List<Side> ordered = new ArrayList<>(sides);
        ordered.sort(null);
        List<Slot> slots = new ArrayList<>(pairs * ordered.size());
        for (int pair = 1; pair <= pairs; pair++) {
            for (Side side : ordered) {
                slots.add(new Slot(pair, side));
            }
        }
        return slots;
    }
}
