package io.runnel.storage.format;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The client side of an idempotent producer: a producer id and, per topic partition, the sequence of
 * the next row. Each batch built with {@link #take} carries the id, epoch 0 and the sequence of its
 * first row (docs/format/segment.md), so a leader stores a resent batch at most once.
 *
 * <p>Producer ids are random 63-bit numbers drawn from {@link SecureRandom}, not allocated by the
 * cluster: two producers share one with probability about n²/2<sup>64</sup> for n producers alive
 * at once (below 10<sup>-7</sup> for a million), and a shared id costs at most a refused batch
 * (40R04), never a lost or duplicated one unless both also used the same sequences. {@link #reset}
 * draws a new id; a client resets after any failed produce whose batches it will not resend, so its
 * sequences never have holes the leader would have to guess about, and before a sequence would pass
 * {@link Integer#MAX_VALUE}.
 *
 * <p>Not thread-safe: one producing thread (a statement, or a session that serializes its INSERTs).
 */
public final class ProducerSequences {
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Batches per partition a leader remembers for each producer: a produce that may be resent must carry
     * at most this many per partition, or a resent one may not be recognized (and is refused, 40R04).
     */
    public static final int REMEMBERED_BATCHES = 5;
    /** Epoch of every batch: fencing by epoch is for transactional producers, which Runnel does not have. */
    public static final short EPOCH = 0;

    /** One topic partition's sequences; {@code topic} is any stable key (the topic id). */
    private record Key(Object topic, int partition) {}

    private final Map<Key, Integer> next = new HashMap<>();
    private long producerId = newProducerId();

    /** A random id, never {@link BatchFormat#NO_PRODUCER_ID}. */
    public static long newProducerId() {
        return RANDOM.nextLong() & Long.MAX_VALUE;
    }

    public long producerId() {
        return producerId;
    }

    /** Draws a new producer id; every sequence starts again at 0. */
    public void reset() {
        producerId = newProducerId();
        next.clear();
    }

    /**
     * Reserves {@code rows} sequences of {@code topic}'s {@code partition} and answers {@code base}
     * with this producer's identity and the first of them. Draws a new id first when the sequences would
     * pass {@link Integer#MAX_VALUE}.
     */
    public BatchMetadata take(BatchMetadata base, Object topic, int partition, int rows) {
        Objects.requireNonNull(topic, "topic");
        if (rows <= 0) {
            throw new IllegalArgumentException("a batch has at least one row, got " + rows);
        }
        Key key = new Key(topic, partition);
        int first = next.getOrDefault(key, 0);
        if ((long) first + rows - 1 > Integer.MAX_VALUE) {
            reset();
            first = 0;
        }
        next.put(key, first + rows);
        return new BatchMetadata(producerId, EPOCH, first, base.eventTimeColumn(), base.transactional());
    }
}
