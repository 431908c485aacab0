package io.runnel.bench.data;

import java.util.SplittableRandom;

/**
 * The seeded {@code orders} generator shared by every benchmark (DESIGN.md §8), so that Runnel and
 * Kafka are measured on exactly the same rows.
 *
 * <ul>
 *   <li>{@code id}: sequential from {@code firstId};
 *   <li>{@code placed_at}: non-decreasing, each row 0–3 ms after the previous, from
 *       2026-01-01T00:00:00Z;
 *   <li>{@code customer}: uniform out of {@value #CUSTOMERS} ({@code customer-0000} …);
 *   <li>{@code product}: uniform out of {@value #PRODUCTS} ({@code product-000} …);
 *   <li>{@code amount}: uniform 1.00 – 999.99; {@code qty}: uniform 1 – 10.
 * </ul>
 *
 * <p>Two generators with the same seed and first id produce the same sequence. Not thread-safe:
 * give each producing thread its own generator (with its own seed or id range).
 */
public final class OrdersGenerator {
    public static final int CUSTOMERS = 10_000;
    public static final int PRODUCTS = 1_000;
    /** 2026-01-01T00:00:00Z. */
    public static final long FIRST_PLACED_AT_MS = 1_767_225_600_000L;

    private static final String[] CUSTOMER_NAMES = names("customer-%04d", CUSTOMERS);
    private static final String[] PRODUCT_NAMES = names("product-%03d", PRODUCTS);

    private final SplittableRandom random;
    private long nextId;
    private long placedAtMs;

    public OrdersGenerator(long seed) {
        this(seed, 0);
    }

    public OrdersGenerator(long seed, long firstId) {
        this.random = new SplittableRandom(seed);
        this.nextId = firstId;
        this.placedAtMs = FIRST_PLACED_AT_MS;
    }

    /** The next row. */
    public Order next() {
        placedAtMs += random.nextInt(4);
        return new Order(
                nextId++,
                CUSTOMER_NAMES[random.nextInt(CUSTOMERS)],
                PRODUCT_NAMES[random.nextInt(PRODUCTS)],
                100 + random.nextInt(99_900),
                1 + random.nextInt(10),
                placedAtMs);
    }

    /** The next {@code count} rows. */
    public Order[] next(int count) {
        Order[] rows = new Order[count];
        for (int i = 0; i < count; i++) {
            rows[i] = next();
        }
        return rows;
    }

    private static String[] names(String format, int count) {
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = String.format(format, i);
        }
        return names;
    }
}
