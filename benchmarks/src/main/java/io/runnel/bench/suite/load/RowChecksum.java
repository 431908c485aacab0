package io.runnel.bench.suite.load;

/**
 * An order-independent checksum of rows as a reader saw them. Both sides feed it every field they
 * read, so that (1) a run proves it read the right rows, field by field, whatever the partition
 * interleaving, and (2) the JIT cannot drop a read whose value is never used.
 *
 * <p>Not thread-safe: one per reading thread.
 */
public final class RowChecksum {
    private long sum;
    private long rows;

    /** Adds a row read with all six columns. */
    public void add(long id, String customer, String product, long amountCents, int qty, long placedAtMs) {
        long h = id;
        h = h * 31 + customer.hashCode();
        h = h * 31 + product.hashCode();
        h = h * 31 + amountCents;
        h = h * 31 + qty;
        h = h * 31 + placedAtMs;
        sum += mix(h);
        rows++;
    }

    /** Adds a row read with {@code id} and {@code amount} only. */
    public void addProjected(long id, long amountCents) {
        sum += mix(id * 31 + amountCents);
        rows++;
    }

    public long value() {
        return sum;
    }

    public long rows() {
        return rows;
    }

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
