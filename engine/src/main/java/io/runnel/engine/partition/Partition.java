package io.runnel.engine.partition;

import io.runnel.storage.format.SchemaLookup;
import io.runnel.storage.log.LogAppendInfo;
import io.runnel.storage.log.LogConfig;
import io.runnel.storage.log.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One partition replica hosted by this broker, as its leader: its {@link PartitionLog}, the leader
 * epoch and its {@link LeaderEpochCache}, the high watermark, and the readers long-polling it.
 *
 * <h2>High watermark and log end offset</h2>
 * The log end offset (LEO) is where the next append goes; the high watermark (HW) is the offset
 * below which every row is committed, and readers never read at or past it. In a single node the HW
 * catches up with the LEO as soon as an append is {@link #publishLocked() published}; with
 * replication it becomes the smallest LEO of the in-sync replicas. Keeping them apart already pays
 * off here: a produce of several batches appends them all, and only then publishes — so if one
 * append fails, the others are cut off again before any reader could have seen them.
 *
 * <h2>Writing</h2>
 * One writer at a time: {@link #tryLockForAppend} / {@link #unlockAppend()} bracket the
 * {@code …Locked} methods. Different partitions append in parallel.
 *
 * <h2>Long-poll</h2>
 * Readers {@link #register} a {@link ReadSignal}; publishing a new HW signals every registered one,
 * so a waiting reader wakes at once — no polling loop.
 *
 * <p>Thread-safe as described: appends under the append lock, everything else from any thread.
 */
public final class Partition {
    private final String topic;
    private final int partition;
    private final PartitionLog log;
    private final LeaderEpochCache epochCache;
    private final int leaderEpoch;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final CopyOnWriteArraySet<ReadSignal> waiters = new CopyOnWriteArraySet<>();
    /** Written under the append lock by {@link #publishLocked()}; read by readers and status. */
    private volatile long highWatermark;

    private Partition(String topic, int partition, PartitionLog log, LeaderEpochCache epochCache, int leaderEpoch) {
        this.topic = topic;
        this.partition = partition;
        this.log = log;
        this.epochCache = epochCache;
        this.leaderEpoch = leaderEpoch;
        this.highWatermark = log.logEndOffset();
    }

    /**
     * Opens (recovering if needed) the log in {@code dir} and becomes its leader at {@code leaderEpoch}.
     * Epoch-cache entries past the recovered log end (a crash cut the tail) are dropped.
     */
    public static Partition open(String topic, int partition, Path dir, LogConfig config, SchemaLookup schemas, Clock clock,
            int leaderEpoch) {
        PartitionLog log = PartitionLog.open(dir, config, schemas, clock);
        try {
            LeaderEpochCache cache = LeaderEpochCache.load(dir);
            cache.truncateFromEnd(log.logEndOffset());
            cache.truncateFromStart(log.logStartOffset());
            return new Partition(topic, partition, log, cache, leaderEpoch);
        } catch (IOException | RuntimeException e) {
            log.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open the leader-epoch cache of " + dir + ": " + e, io);
            }
            throw (RuntimeException) e;
        }
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public PartitionLog log() {
        return log;
    }

    public LeaderEpochCache epochCache() {
        return epochCache;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    /** Readers read below this offset only. */
    public long highWatermark() {
        return highWatermark;
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    // ------------------------------------------------------------------ writer

    /** Takes the partition's writer role, waiting up to {@code timeoutNanos}; false on timeout. */
    public boolean tryLockForAppend(long timeoutNanos) throws InterruptedException {
        return appendLock.tryLock(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    }

    public void unlockAppend() {
        appendLock.unlock();
    }

    /**
     * Appends one client-built batch as leader (offsets, epoch and append time stamped in place). Not
     * visible to readers until {@link #publishLocked()}.
     */
    public LogAppendInfo appendLocked(ByteBuffer batch) {
        assertLocked();
        LogAppendInfo info = log.append(batch, leaderEpoch);
        if (epochCache.latestEpoch() < leaderEpoch) {
            try {
                epochCache.assign(leaderEpoch, info.firstOffset());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + epochCache.file() + ": " + e, e);
            }
        }
        return info;
    }

    /** Cuts unpublished appends off again: the log ends at {@code logEndOffset} afterwards. */
    public void rollbackLocked(long logEndOffset) {
        assertLocked();
        if (logEndOffset < highWatermark) {
            throw new IllegalStateException(this + ": cannot roll back to " + logEndOffset + ", below the high watermark "
                    + highWatermark);
        }
        log.truncateTo(logEndOffset);
        try {
            epochCache.truncateFromEnd(log.logEndOffset());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + epochCache.file() + ": " + e, e);
        }
    }

    /** Commits every append so far: the high watermark moves to the log end and waiting readers wake. */
    public void publishLocked() {
        assertLocked();
        long leo = log.logEndOffset();
        if (leo > highWatermark) {
            highWatermark = leo;
            for (ReadSignal s : waiters) {
                s.signal();
            }
        }
    }

    private void assertLocked() {
        if (!appendLock.isHeldByCurrentThread()) {
            throw new IllegalStateException(Thread.currentThread().getName() + " writes to " + this
                    + " without holding its append lock: a partition has one writer at a time");
        }
    }

    // ------------------------------------------------------------------ readers

    public void register(ReadSignal signal) {
        waiters.add(signal);
    }

    public void unregister(ReadSignal signal) {
        waiters.remove(signal);
    }

    /** Wakes every registered reader (the partition closes or its topic is dropped). */
    public void wakeAll() {
        for (ReadSignal s : waiters) {
            s.signal();
        }
    }

    // ------------------------------------------------------------------ maintenance

    /** Retention and age-based roll (see {@link PartitionLog#applyRetention()}); returns segments deleted. */
    public int applyRetention() {
        int deleted = log.applyRetention();
        if (deleted > 0) {
            try {
                epochCache.truncateFromStart(log.logStartOffset());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + epochCache.file() + ": " + e, e);
            }
        }
        return deleted;
    }

    /** Applies new settings to the open log (ALTER TOPIC ... SET). */
    public void updateConfig(LogConfig config) {
        log.updateConfig(config);
    }

    /** Flushes and closes the log cleanly, and wakes readers (they then see the log closed). */
    public void close() {
        try {
            log.close();
        } finally {
            wakeAll();
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
