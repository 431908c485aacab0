package io.runnel.storage.log;

/**
 * When the log forces appended batches to disk ({@code fsync}).
 *
 * <p>What each policy survives. An append returns after {@code write(2)} has put the batch in the
 * operating system's page cache, so <b>every policy</b> keeps every acknowledged batch when the
 * Runnel process dies (crash, {@code kill -9}, OOM): the kernel still writes the page cache out.
 * The policies differ only for a kernel crash or power loss:
 * <ul>
 *   <li>{@link #EVERY_BATCH}: fsync before an append returns; nothing acknowledged is ever lost;
 *       costs one fsync per append (hundreds of microseconds on SSD, milliseconds on disks).
 *   <li>{@link #interval(long)}: fsync at most every N ms (checked on append and by
 *       {@link PartitionLog#applyRetention()}/{@link PartitionLog#maybeFlush()}); loses at most the
 *       last N ms on power loss.
 *   <li>{@link #OS}: never fsync except on segment roll and close; the kernel writes back within
 *       its dirty-page timeout (~30 s on Linux). Like Kafka's default: durability against machine
 *       loss comes from replication ({@code acks=all}).
 * </ul>
 * The default is {@link #OS}: it already makes "every INSERT that returned success survives kill -9
 * of the process" true, at no cost. Topics without replicas that must survive power loss should use
 * {@link #EVERY_BATCH}.
 *
 * @param intervalMs 0 for every batch, a positive interval, or -1 for the OS
 */
public record FlushPolicy(long intervalMs) {
    public static final FlushPolicy EVERY_BATCH = new FlushPolicy(0);
    public static final FlushPolicy OS = new FlushPolicy(-1);

    public FlushPolicy {
        if (intervalMs < -1) {
            throw new IllegalArgumentException("flush interval " + intervalMs + " ms: use 0 (every batch), a positive interval or -1 (OS)");
        }
    }

    public static FlushPolicy interval(long intervalMs) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("flush interval must be positive, got " + intervalMs + " ms");
        }
        return new FlushPolicy(intervalMs);
    }

    public boolean isEveryBatch() {
        return intervalMs == 0;
    }

    public boolean isOs() {
        return intervalMs == -1;
    }

    @Override
    public String toString() {
        return isEveryBatch() ? "EVERY_BATCH" : isOs() ? "OS" : "INTERVAL(" + intervalMs + " ms)";
    }
}
