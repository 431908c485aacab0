package io.runnel.bench.data;

/**
 * One row of the {@code orders} dataset of DESIGN.md §8.
 *
 * <p>{@code amountCents} is the unscaled value of {@code amount DECIMAL(12,2)};
 * {@code placedAtMs} is {@code placed_at TIMESTAMP(3)} as milliseconds since the epoch (UTC).
 */
public record Order(long id, String customer, String product, long amountCents, int qty, long placedAtMs) {

    /** The SQL of the topic both sides of every benchmark use. */
    public static final String CREATE_TOPIC_COLUMNS =
            "(id BIGINT NOT NULL, customer VARCHAR(64), product VARCHAR(64), "
                    + "amount DECIMAL(12,2), qty INTEGER, placed_at TIMESTAMP(3))";

    /** Number of user columns, in the order of {@link #CREATE_TOPIC_COLUMNS}. */
    public static final int COLUMN_COUNT = 6;
}
