package io.runnel.bench.suite.load;

import io.runnel.bench.data.Order;
import io.runnel.bench.data.OrdersGenerator;
import java.util.HashMap;
import java.util.Map;

/**
 * The rows of one suite run, generated once from a seed before any clock starts (so generation
 * costs neither side anything), and the answers a correct reader must find in them.
 *
 * <p>Run {@code i} of any scenario writes rows {@code 0 … n-1}; ids equal indexes. Immutable after
 * construction and safe to read from any thread.
 */
public final class Dataset {
    private final long seed;
    private final Order[] rows;

    private Dataset(long seed, Order[] rows) {
        this.seed = seed;
        this.rows = rows;
    }

    public static Dataset generate(long seed, int rowCount) {
        return new Dataset(seed, new OrdersGenerator(seed, 0).next(rowCount));
    }

    public long seed() {
        return seed;
    }

    public int size() {
        return rows.length;
    }

    public Order row(int index) {
        return rows[index];
    }

    /** What a {@link RowChecksum} holds after reading rows {@code 0 … count-1} with {@code projection}. */
    public long expectedChecksum(int count, Projection projection) {
        requireRows(count);
        RowChecksum checksum = new RowChecksum();
        for (int i = 0; i < count; i++) {
            Order o = rows[i];
            if (projection == Projection.ALL_COLUMNS) {
                checksum.add(o.id(), o.customer(), o.product(), o.amountCents(), o.qty(), o.placedAtMs());
            } else {
                checksum.addProjected(o.id(), o.amountCents());
            }
        }
        return checksum.value();
    }

    /** {@code SUM(amount)} in cents per customer over rows {@code 0 … count-1}. */
    public Map<String, Long> expectedSumsByCustomer(int count) {
        requireRows(count);
        Map<String, Long> sums = new HashMap<>();
        for (int i = 0; i < count; i++) {
            sums.merge(rows[i].customer(), rows[i].amountCents(), Long::sum);
        }
        return sums;
    }

    private void requireRows(int count) {
        if (count > rows.length) {
            throw new IllegalArgumentException("dataset has " + rows.length + " rows, asked for " + count);
        }
    }
}
