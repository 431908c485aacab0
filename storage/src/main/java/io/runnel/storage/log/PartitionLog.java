package io.runnel.storage.log;

import static io.runnel.storage.format.BatchFormat.HEADER_SIZE;
import static io.runnel.storage.format.BatchFormat.LENGTH_OFFSET;
import static io.runnel.storage.format.BatchFormat.LOG_OVERHEAD;
import static io.runnel.storage.format.BatchFormat.NO_TIMESTAMP;

import io.runnel.storage.format.BatchFormat;
import io.runnel.storage.format.BatchProjector;
import io.runnel.storage.format.BatchValidator;
import io.runnel.storage.format.CorruptBatchException;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.format.SchemaLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition replica: segments of Arrow/Zstd batches in one directory, with dense
 * offsets, sparse memory-mapped indexes, crash recovery, retention and column projection
 * (DESIGN §5; file formats in {@code docs/format/segment.md}).
 *
 * <h2>Concurrency</h2>
 * <ul>
 *   <li><b>One writer.</b> {@link #append} and {@link #appendAsFollower} must come from one thread at
 *       a time (the partition's produce or fetch path); a second concurrent appender fails fast with
 *       {@link IllegalStateException}. All mutations ({@code append…}, {@code truncate…},
 *       {@link #applyRetention()}, {@link #close()}) are serialized by one lock, so maintenance may run
 *       from a scheduler thread.
 *   <li><b>Lock-free readers.</b> {@link #read}, {@link #readSlice}, {@link #offsetForTimestamp} and the
 *       offset accessors take no lock and never block the writer. The writer writes a batch, then
 *       publishes the segment size and then {@link #logEndOffset()} (both volatile); readers read the
 *       log end offset first and never return a batch at or beyond it. A reader racing with retention
 *       or truncation retries from the segment map and then sees the new bounds.
 *   <li>{@link #flush()} forces data to disk outside the lock: it does not stall appends.
 * </ul>
 *
 * <h2>Buffer ownership</h2>
 * {@code append} stamps the base offset, leader epoch and (append time) timestamps into the caller's
 * buffer in place and writes it; the caller may reuse the buffer when the call returns. Batches in a
 * {@link LogReadResult} are views of buffers the result owns.
 *
 * <h2>Errors</h2>
 * Batch problems: {@link CorruptBatchException}, {@link io.runnel.storage.format.InvalidBatchException},
 * {@link io.runnel.storage.format.UnknownSchemaException}, {@link RecordBatchTooLargeException}; nothing is
 * written. Offsets: {@link OffsetOutOfRangeException}, {@link InvalidOffsetException}. Disk:
 * {@link LogStorageException} ({@link StorageFullException} for ENOSPC) through one funnel,
 * {@link #storageError}; a failed append leaves the log as it was, or, if even that failed, offline
 * for writes ({@link LogStorageException#isLogOffline()}) and still readable.
 */
public final class PartitionLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

    /** Present only between a clean {@link #close()} and the next open. */
    static final String CLEAN_SHUTDOWN_FILE = ".clean-shutdown";
    /** Offset below which every batch is known to be on disk; recovery starts at its segment. */
    static final String RECOVERY_POINT_FILE = "recovery-point";
    /** Present while {@link #truncateFullyAndStartAt} runs; holds its offset. */
    static final String TRUNCATE_FULLY_FILE = "truncate-fully-to";
    /** Reserved for replication's leader-epoch cache (KIP-101/279); not written yet. */
    public static final String LEADER_EPOCH_CHECKPOINT_FILE = "leader-epoch-checkpoint";

    /** Retries of a read that raced with a deletion; each sees the bounds the deletion published. */
    private static final int READ_RETRIES = 100;
    /** Largest single read into the heap (a larger batch is still read whole). */
    private static final int READ_CHUNK_BYTES = 4 << 20;

    private final Path dir;
    private final String name;
    /**
     * Written under {@link #lock} by {@link #updateConfig}; read by the writer, retention and
     * readers (the byte bound of a read).
     */
    private volatile LogConfig config;
    private final SchemaLookup schemas;
    private final Clock clock;
    private final FileChannelFactory files;
    private final Segments segments = new Segments();
    private final CheckpointFile recoveryPointFile;
    /** Serializes every mutation. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The thread inside append/appendAsFollower, to detect a second concurrent appender. */
    private final AtomicReference<Thread> appender = new AtomicReference<>();
    /** Guarded by {@link #lock}. */
    private final BatchValidator validator = new BatchValidator();
    /** Idempotent producers' sequences, derived from the log. Guarded by {@link #lock}. */
    private final ProducerStateTable producers;

    /** Written under the lock; read by readers. */
    private volatile Segment active;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long recoveryPoint;
    private volatile boolean closed;
    /** Set when a failed write could not be undone; appends then fail with it. */
    private volatile LogStorageException offline;
    /** Guarded by {@link #lock}. */
    private long maxTimestampSoFar = NO_TIMESTAMP;
    /** Guarded by {@link #lock}. */
    private long lastFlushMs;

    private PartitionLog(Path dir, LogConfig config, SchemaLookup schemas, Clock clock, FileChannelFactory files) {
        this.dir = dir;
        this.name = dir.toString();
        this.config = config;
        this.schemas = schemas;
        this.clock = clock;
        this.files = files;
        this.recoveryPointFile = new CheckpointFile(dir.resolve(RECOVERY_POINT_FILE));
        this.producers = new ProducerStateTable(name);
    }

    /**
     * Opens (or creates) the log in {@code dir}, recovering it if it was not closed cleanly (see
     * {@link LogLoader} for the rules).
     *
     * @param clock the time source for append timestamps, segment age and retention
     */
    public static PartitionLog open(Path dir, LogConfig config, SchemaLookup schemas, Clock clock) {
        return open(dir, config, schemas, clock, FileChannelFactory.DEFAULT);
    }

    static PartitionLog open(Path dir, LogConfig config, SchemaLookup schemas, Clock clock, FileChannelFactory files) {
        PartitionLog log = new PartitionLog(dir, config, schemas, clock, files);
        try {
            LogLoader.Loaded loaded = LogLoader.load(dir, config, files);
            loaded.segments().forEach(log.segments::add);
            log.active = loaded.segments().get(loaded.segments().size() - 1);
            log.logStartOffset = loaded.segments().get(0).baseOffset;
            log.logEndOffset = log.active.nextOffset();
            log.recoveryPoint = loaded.recoveryPoint();
            for (Segment s : loaded.segments()) {
                log.maxTimestampSoFar = Math.max(log.maxTimestampSoFar, s.maxTimestamp());
            }
            log.lastFlushMs = clock.millis();
            List<String> repairs = new ArrayList<>(loaded.repairs());
            log.rebuildProducerState(repairs);
            LOG.info("Opened {}: offsets [{}, {}), {} segments, {} shutdown, {} idempotent producers{}", dir, log.logStartOffset,
                    log.logEndOffset, loaded.segments().size(),
                    loaded.created() ? "new log, no" : loaded.cleanShutdown() ? "clean" : "unclean", log.producers.producerCount(),
                    repairs.isEmpty() ? "" : ", repairs: " + repairs);
            return log;
        } catch (IOException e) {
            throw log.storageError("opening", dir, e);
        }
    }

    // ------------------------------------------------------------------ accessors (lock-free)

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    /**
     * Replaces the settings of an open log ({@code ALTER TOPIC ... SET}): segment size and age,
     * retention and the flush policy take effect at the next append, roll or {@link #applyRetention()}.
     * Index sizes, the index interval and the batch size limit of existing segments stay as they
     * were opened; new segments use the new values.
     */
    public void updateConfig(LogConfig newConfig) {
        java.util.Objects.requireNonNull(newConfig, "newConfig");
        lock.lock();
        try {
            ensureOpen();
            this.config = newConfig;
        } finally {
            lock.unlock();
        }
    }

    /** First offset still in the log. */
    public long logStartOffset() {
        return logStartOffset;
    }

    /** Offset the next appended row will get. */
    public long logEndOffset() {
        return logEndOffset;
    }

    /** Offset below which every batch is known to be forced to disk. */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    /** Bytes of all segments. */
    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    public int segmentCount() {
        return segments.count();
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        List<Long> bases = new ArrayList<>();
        segments.all().forEach(s -> bases.add(s.baseOffset));
        return bases;
    }

    // ------------------------------------------------------------------ writer

    /**
     * The leader's append: validates the client-built batch (exactly one batch in {@code batch}
     * from its position to its limit), stamps the next offset, {@code leaderEpoch} and, for an
     * append-time batch, the append time ({@code max(now, previous max)}: monotonic), and writes it.
     */
    public LogAppendInfo append(ByteBuffer batch, int leaderEpoch) {
        RecordBatch rb = wrapWhole(batch);
        enterAppend();
        lock.lock();
        try {
            ensureWritable();
            Schema schema = schemas.schema(rb.schemaId());
            validator.validate(rb, schema);
            ProducerStateTable.CachedBatch original = producers.check(rb.producerId(), rb.producerEpoch(), rb.baseSequence(),
                    rb.recordCount());
            if (original != null) {
                LOG.debug("{}: producer {} resent sequences {}..{}, stored at offsets {}..{}; not stored again", name,
                        rb.producerId(), original.firstSequence(), original.lastSequence(), original.firstOffset(),
                        original.lastOffset());
                return new LogAppendInfo(original.firstOffset(), original.lastOffset(), original.firstTimestamp(),
                        original.maxTimestamp(), original.recordCount(), rb.sizeInBytes(), logStartOffset, true);
            }
            long now = clock.millis();
            if (!rb.isEventTime()) {
                long timestamp = Math.max(now, maxTimestampSoFar);
                rb.stampTimestamps(timestamp, timestamp);
            }
            rb.stampBaseOffset(logEndOffset);
            rb.stampLeaderEpoch(leaderEpoch);
            return write(rb, now);
        } finally {
            lock.unlock();
            appender.set(null);
        }
    }

    /**
     * The follower's append: the batch already carries its offset, epoch and timestamps (copied from
     * the leader); it must start at the log end offset.
     */
    public LogAppendInfo appendAsFollower(ByteBuffer batch) {
        RecordBatch rb = wrapWhole(batch);
        enterAppend();
        lock.lock();
        try {
            ensureWritable();
            validator.validate(rb, schemas.schema(rb.schemaId()));
            if (rb.baseOffset() != logEndOffset) {
                throw new InvalidOffsetException(name + ": follower batch starts at offset " + rb.baseOffset()
                        + ", the log ends at " + logEndOffset);
            }
            if (rb.maxTimestamp() < 0) {
                throw new InvalidOffsetException(name + ": follower batch at offset " + rb.baseOffset() + " has no timestamp");
            }
            return write(rb, clock.millis());
        } finally {
            lock.unlock();
            appender.set(null);
        }
    }

    private RecordBatch wrapWhole(ByteBuffer batch) {
        RecordBatch rb = RecordBatch.wrap(batch);
        if (rb.sizeInBytes() != batch.remaining()) {
            throw new CorruptBatchException(name + ": buffer holds " + batch.remaining() + " bytes, its batch length field says "
                    + rb.sizeInBytes() + "; append takes exactly one batch");
        }
        if (rb.sizeInBytes() > config.maxBatchBytes()) {
            throw new RecordBatchTooLargeException(name, rb.sizeInBytes(), config.maxBatchBytes());
        }
        return rb;
    }

    private void enterAppend() {
        Thread current = Thread.currentThread();
        if (!appender.compareAndSet(null, current)) {
            throw new IllegalStateException(name + ": " + current.getName() + " appends while " + appender.get()
                    + " is appending; a partition has one writer, so serialize appends on its produce (or fetch) path");
        }
    }

    /** Writes a stamped batch. Guarded by the lock. */
    private LogAppendInfo write(RecordBatch rb, long now) {
        maybeRoll(rb, now);
        Segment segment = active;
        try {
            segment.append(rb, now);
        } catch (Segment.SegmentIoException e) {
            offline = new LogStorageException(name + ": " + e.getMessage() + "; the log is offline for writes until reopened",
                    segment.file(), true, e);
            throw offline;
        } catch (IOException e) {
            throw storageError("appending to", segment.file(), e);
        }
        maxTimestampSoFar = Math.max(maxTimestampSoFar, rb.maxTimestamp());
        logEndOffset = rb.nextOffset();
        producers.update(rb.producerId(), rb.producerEpoch(), rb.baseSequence(), rb.baseOffset(), rb.lastOffset(),
                rb.firstTimestamp(), rb.maxTimestamp(), now);
        if (config.flushPolicy().isEveryBatch()) {
            try {
                segment.flush();
            } catch (IOException e) {
                throw storageError("flushing", segment.file(), e);
            }
            recoveryPoint = logEndOffset;
            lastFlushMs = now;
        } else if (!config.flushPolicy().isOs() && now - lastFlushMs >= config.flushPolicy().intervalMs()) {
            flushLocked(now);
        }
        return new LogAppendInfo(rb.baseOffset(), rb.lastOffset(), rb.firstTimestamp(), rb.maxTimestamp(), rb.recordCount(),
                rb.sizeInBytes(), logStartOffset);
    }

    private void maybeRoll(RecordBatch rb, long now) {
        Segment s = active;
        if (s.isEmpty()) {
            return;
        }
        boolean full = (long) s.sizeInBytes() + rb.sizeInBytes() > config.segmentBytes();
        boolean old = now - s.rollingTimestampMs() >= config.segmentMs();
        boolean indexFull = s.indexesFull();
        boolean offsetOverflow = rb.lastOffset() - s.baseOffset > Integer.MAX_VALUE;
        if (full || old || indexFull || offsetOverflow) {
            roll();
        }
    }

    /**
     * Starts a new active segment at the log end offset. The old one is forced to disk and its
     * indexes trimmed, so the recovery point moves to the new segment. Guarded by the lock.
     */
    private void roll() {
        Segment old = active;
        long base = logEndOffset;
        Segment next;
        try {
            old.flush();
            old.onRolled();
            next = Segment.create(dir, base, config, files);
        } catch (IOException e) {
            throw storageError("rolling a new segment at offset " + base + " in", dir, e);
        }
        segments.add(next);
        active = next;
        recoveryPoint = Math.max(recoveryPoint, base);
        writeRecoveryPoint();
        producers.expire(clock.millis(), config.producerIdExpirationMs());
        writeProducerSnapshot(base);
        LOG.debug("Rolled {} at offset {}", name, base);
    }

    /**
     * Removes every offset from {@code offset} on (replication: a follower cutting a divergent
     * tail). Batches are whole: the batch holding {@code offset} goes too, so the log end offset
     * becomes that batch's base offset (at most {@code offset}). An offset at or below the log
     * start truncates the whole log to start at {@code offset}.
     */
    public void truncateTo(long offset) {
        lock.lock();
        try {
            ensureOpen();
            if (offset >= logEndOffset) {
                return;
            }
            if (offset <= logStartOffset) {
                truncateFullyLocked(offset);
                return;
            }
            Segment holder = segments.floor(offset);
            List<Segment> after = new ArrayList<>(segments.from(holder.baseOffset + 1));
            try {
                logEndOffset = Math.min(logEndOffset, offset);
                for (Segment s : after) {
                    segments.remove(s);
                    s.renameForDeletion();
                }
                CheckpointFile.fsyncDirectory(dir);
                for (Segment s : after) {
                    s.deleteRenamed();
                }
                holder.truncateTo(offset);
                holder.onActive();
            } catch (IOException e) {
                throw storageError("truncating to offset " + offset + " in", dir, e);
            }
            active = holder;
            logEndOffset = holder.nextOffset();
            recoveryPoint = Math.min(recoveryPoint, logEndOffset);
            maxTimestampSoFar = NO_TIMESTAMP;
            for (Segment s : segments.all()) {
                maxTimestampSoFar = Math.max(maxTimestampSoFar, s.maxTimestamp());
            }
            writeRecoveryPoint();
            rebuildProducerState(new ArrayList<>());
            LOG.info("Truncated {} to offset {} (asked {})", name, logEndOffset, offset);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes every batch and restarts the log empty at {@code offset}: log start, log end and
     * recovery point all become {@code offset} (replication: a follower that fell behind the
     * leader's log start). Crash-safe: a marker file makes an interrupted call complete on open.
     */
    public void truncateFullyAndStartAt(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        lock.lock();
        try {
            ensureOpen();
            truncateFullyLocked(offset);
        } finally {
            lock.unlock();
        }
    }

    private void truncateFullyLocked(long offset) {
        CheckpointFile marker = new CheckpointFile(dir.resolve(TRUNCATE_FULLY_FILE));
        List<Segment> old = segments.all();
        try {
            marker.write(offset);
            logStartOffset = offset;
            logEndOffset = offset;
            segments.clear();
            for (Segment s : old) {
                s.renameForDeletion();
            }
            CheckpointFile.fsyncDirectory(dir);
            Segment fresh = Segment.create(dir, offset, config, files);
            fresh.onActive();
            segments.add(fresh);
            active = fresh;
            for (Segment s : old) {
                s.deleteRenamed();
            }
            recoveryPoint = offset;
            maxTimestampSoFar = NO_TIMESTAMP;
            recoveryPointFile.write(offset);
            Files.delete(marker.file());
            CheckpointFile.fsyncDirectory(dir);
            producers.clear();
            ProducerStateTable.deleteSnapshotsOutside(dir, offset, -1);
        } catch (IOException e) {
            throw storageError("truncating fully to offset " + offset + " in", dir, e);
        }
        LOG.info("Truncated {} fully; it now starts at offset {}", name, offset);
    }

    /**
     * Deletes whole segments past retention: those whose newest batch is older than
     * {@code retentionMs}, then the oldest while the log exceeds {@code retentionBytes}; never the
     * active segment. First rolls the active segment if it is older than {@code segmentMs}, so an
     * idle partition's data ages out too, and runs an {@link FlushPolicy#interval interval} flush
     * when one is due. Call it periodically from a scheduler (Kafka runs its equivalent every 5
     * minutes); it takes the log's lock for the deletions only.
     *
     * @return the number of segments deleted
     */
    public int applyRetention() {
        int deleted = 0;
        lock.lock();
        try {
            ensureOpen();
            long now = clock.millis();
            Segment current = active;
            if (!current.isEmpty() && now - current.rollingTimestampMs() >= config.segmentMs() && offline == null) {
                roll();
            }
            if (config.retentionMs() > 0) {
                for (Segment s : segments.all()) {
                    if (s == active || s.maxTimestamp() == NO_TIMESTAMP || now - s.maxTimestamp() <= config.retentionMs()) {
                        break;
                    }
                    deleteOldest(s, "older than " + config.retentionMs() + " ms");
                    deleted++;
                }
            }
            if (config.retentionBytes() >= 0) {
                long size = segments.sizeInBytes();
                for (Segment s : segments.all()) {
                    if (s == active || size - s.sizeInBytes() < config.retentionBytes()) {
                        break;
                    }
                    size -= s.sizeInBytes();
                    deleteOldest(s, "log exceeds " + config.retentionBytes() + " bytes");
                    deleted++;
                }
            }
            if (!config.flushPolicy().isOs() && !config.flushPolicy().isEveryBatch()
                    && now - lastFlushMs >= config.flushPolicy().intervalMs()) {
                flushLocked(now);
            }
            if (deleted > 0) {
                try {
                    ProducerStateTable.deleteSnapshotsOutside(dir, logStartOffset, Long.MAX_VALUE);
                } catch (IOException e) {
                    LOG.warn("{}: cannot delete producer snapshots below the log start {}: {}", name, logStartOffset, e.toString());
                }
            }
            producers.expire(now, config.producerIdExpirationMs());
        } finally {
            lock.unlock();
        }
        return deleted;
    }

    private void deleteOldest(Segment s, String reason) {
        // Publish the new log start before the segment leaves the map: a reader then either still
        // finds the segment, or sees the new bounds on its retry.
        logStartOffset = segments.higher(s.baseOffset).baseOffset;
        segments.remove(s);
        try {
            s.delete();
        } catch (IOException e) {
            throw storageError("deleting", s.file(), e);
        }
        LOG.info("Deleted segment {} ({}); log starts at {}", s.file(), reason, logStartOffset);
    }

    /**
     * Forces every appended batch to disk and moves the recovery point to the log end offset.
     * The fsyncs run outside the lock, so appends continue meanwhile.
     */
    public void flush() {
        ensureOpen();
        long end = logEndOffset;
        long from = recoveryPoint;
        for (Segment s : segments.all()) {
            if (s.nextOffset() < from && s != active) {
                continue;
            }
            try {
                s.flush();
            } catch (java.nio.channels.ClosedChannelException e) {
                // Deleted by retention or truncation meanwhile: nothing to flush.
            } catch (IOException e) {
                throw storageError("flushing", s.file(), e);
            }
        }
        lock.lock();
        try {
            recoveryPoint = Math.max(recoveryPoint, Math.min(end, logEndOffset));
            lastFlushMs = clock.millis();
            writeRecoveryPoint();
        } finally {
            lock.unlock();
        }
    }

    /** Runs an {@link FlushPolicy#interval interval} flush if one is due; for a scheduler. */
    public void maybeFlush() {
        if (config.flushPolicy().isOs() || config.flushPolicy().isEveryBatch()) {
            return;
        }
        if (clock.millis() - lastFlushMs >= config.flushPolicy().intervalMs()) {
            flush();
        }
    }

    /** Guarded by the lock. */
    private void flushLocked(long now) {
        try {
            for (Segment s : segments.all()) {
                if (s.nextOffset() >= recoveryPoint || s == active) {
                    s.flush();
                }
            }
        } catch (IOException e) {
            throw storageError("flushing", dir, e);
        }
        recoveryPoint = logEndOffset;
        lastFlushMs = now;
        writeRecoveryPoint();
    }

    private void writeRecoveryPoint() {
        try {
            recoveryPointFile.write(recoveryPoint);
        } catch (IOException e) {
            throw storageError("writing", recoveryPointFile.file(), e);
        }
    }

    // ------------------------------------------------------------------ readers (lock-free)

    /**
     * Whole batches from the one holding {@code startOffset}, while their base offset is below
     * {@code maxOffsetExclusive} (the engine passes the high watermark) and the log end offset, up to
     * {@code maxBytes} of stored batches — but at least one batch even if it is larger. Each batch's CRC is checked;
     * with a projection each is cut to those columns ({@link BatchProjector}) without decompression.
     *
     * @param projection schema column indexes to keep, or null for whole batches
     * @throws OffsetOutOfRangeException when {@code startOffset} is outside [log start, log end]
     * @throws CorruptBatchException     naming the segment file and position of a damaged batch
     */
    public LogReadResult read(long startOffset, long maxOffsetExclusive, int maxBytes, int[] projection) {
        for (int attempt = 0; ; attempt++) {
            ensureOpen();
            long end = logEndOffset;
            long start = logStartOffset;
            if (startOffset < start || startOffset > end) {
                throw new OffsetOutOfRangeException(name, startOffset, start, end);
            }
            long limit = Math.min(maxOffsetExclusive, end);
            if (startOffset >= limit) {
                return new LogReadResult(List.of(), startOffset, start, end, 0);
            }
            try {
                return collect(startOffset, limit, maxBytes, projection, start, end);
            } catch (Segment.SegmentDeletedException e) {
                if (attempt >= READ_RETRIES) {
                    throw storageError("reading", dir, e);
                }
                Thread.yield();
            } catch (IOException e) {
                throw storageError("reading", dir, e);
            }
        }
    }

    private LogReadResult collect(long startOffset, long limit, int maxBytes, int[] projection, long start, long end)
            throws IOException {
        List<RecordBatch> batches = new ArrayList<>();
        BatchProjector projector = projection == null ? null : new BatchProjector();
        int bytes = 0;
        // The byte budget counts stored bytes (what the read costs), also when projecting.
        int storedBytes = 0;
        long next = startOffset;
        Segment segment = segments.floor(startOffset);
        if (segment == null) {
            throw new Segment.SegmentDeletedException(dir);
        }
        int position = segment.findBatchPosition(startOffset);
        if (position < 0) {
            // startOffset lies past this segment's batches: the log end moved back (truncation) or on.
            throw new Segment.SegmentDeletedException(segment.file());
        }
        outer:
        while (segment != null) {
            int segmentEnd = segment.sizeInBytes();
            while (position < segmentEnd) {
                // Read in chunks of at most READ_CHUNK_BYTES, but always the whole next batch.
                ByteBuffer header = segment.readHeader(position, segmentEnd);
                if (header == null) {
                    break outer;
                }
                long nextSize = LOG_OVERHEAD + (long) header.getInt(LENGTH_OFFSET);
                if (nextSize < HEADER_SIZE || nextSize > config.largestStoredBatchBytes() || position + nextSize > segmentEnd) {
                    if (segment.sizeInBytes() < segmentEnd) {
                        throw new Segment.SegmentDeletedException(segment.file()); // truncated meanwhile
                    }
                    throw new CorruptBatchException(segment.file() + " at position " + position + ": batch length " + nextSize
                            + " does not fit before the segment end " + segmentEnd);
                }
                if (!batches.isEmpty() && storedBytes + nextSize > maxBytes) {
                    break outer;
                }
                long budget = batches.isEmpty() ? maxBytes : maxBytes - storedBytes;
                int want = (int) Math.max(nextSize, Math.min(Math.min(budget, READ_CHUNK_BYTES), segmentEnd - position));
                ByteBuffer chunk = segment.read(position, want);
                int consumed = 0;
                while (chunk.remaining() - consumed >= HEADER_SIZE) {
                    int size = LOG_OVERHEAD + chunk.getInt(consumed + LENGTH_OFFSET);
                    long base = chunk.getLong(consumed + BatchFormat.BASE_OFFSET_OFFSET);
                    if (base >= limit) {
                        break outer;
                    }
                    if (!batches.isEmpty() && base != next) {
                        // A truncation replaced these bytes while we read: stop at the last batch we know is
                        // continuous; the caller reads on from nextOffset and gets the new batches.
                        break outer;
                    }
                    if (size < HEADER_SIZE || size > chunk.remaining() - consumed) {
                        if (size >= HEADER_SIZE && size <= config.largestStoredBatchBytes() && position + consumed + size <= segmentEnd) {
                            break; // the batch continues past this chunk: read on from it
                        }
                        if (segment.sizeInBytes() < segmentEnd) {
                            throw new Segment.SegmentDeletedException(segment.file()); // truncated meanwhile
                        }
                        throw new CorruptBatchException(segment.file() + " at position " + (position + consumed)
                                + ": batch length " + size + " does not fit before the segment end " + segmentEnd);
                    }
                    if (!batches.isEmpty() && storedBytes + size > maxBytes) {
                        break outer;
                    }
                    RecordBatch batch = RecordBatch.wrap(chunk.duplicate().position(consumed).limit(consumed + size));
                    try {
                        batch.ensureValid();
                    } catch (CorruptBatchException e) {
                        throw e.at(segment.file() + " at position " + (position + consumed));
                    }
                    if (projector != null) {
                        batch = projector.project(batch, schemas.schema(batch.schemaId()), projection);
                    }
                    batches.add(batch);
                    storedBytes += size;
                    bytes += batch.sizeInBytes();
                    next = batch.nextOffset();
                    consumed += size;
                }
                if (consumed == 0) {
                    break outer;
                }
                position += consumed;
            }
            Segment following = segments.higher(segment.baseOffset);
            if (following != null && segment.sizeInBytes() > position) {
                // The segment grew after we read its size and was then rolled: its size is final now
                // that the next segment is visible. Read its rest first.
                continue;
            }
            segment = following;
            position = 0;
        }
        return new LogReadResult(batches, next, start, end, bytes);
    }

    /**
     * Raw whole batches for a follower, as a file region to send with zero copy: from the batch
     * holding {@code startOffset}, within its segment, below {@code maxOffsetExclusive}, up to
     * {@code maxBytes} but at least one batch. Not CRC-checked here: the follower validates on append.
     *
     * @return null when there is nothing at or after {@code startOffset} below the limit
     */
    public LogSlice readSlice(long startOffset, long maxOffsetExclusive, int maxBytes) {
        for (int attempt = 0; ; attempt++) {
            ensureOpen();
            long end = logEndOffset;
            long start = logStartOffset;
            if (startOffset < start || startOffset > end) {
                throw new OffsetOutOfRangeException(name, startOffset, start, end);
            }
            long limit = Math.min(maxOffsetExclusive, end);
            if (startOffset >= limit) {
                return null;
            }
            Segment segment = segments.floor(startOffset);
            try {
                if (segment == null) {
                    throw new Segment.SegmentDeletedException(dir);
                }
                int position = segment.findBatchPosition(startOffset);
                if (position < 0) {
                    throw new Segment.SegmentDeletedException(segment.file());
                }
                int segmentEnd = segment.sizeInBytes();
                int to = position;
                long first = -1;
                long next = startOffset;
                while (to < segmentEnd) {
                    ByteBuffer header = segment.readHeader(to, segmentEnd);
                    if (header == null) {
                        break;
                    }
                    long base = header.getLong(BatchFormat.BASE_OFFSET_OFFSET);
                    int size = LOG_OVERHEAD + header.getInt(LENGTH_OFFSET);
                    if (base >= limit || (first >= 0 && to - position + size > maxBytes)) {
                        break;
                    }
                    if (first < 0) {
                        first = base;
                    }
                    next = base + header.getInt(BatchFormat.RECORD_COUNT_OFFSET);
                    to += size;
                }
                if (first < 0) {
                    return null;
                }
                return new LogSlice(segment.file(), segment.readChannel(), position, to - position, first, next);
            } catch (Segment.SegmentDeletedException e) {
                if (attempt >= READ_RETRIES) {
                    throw storageError("reading", dir, e);
                }
                Thread.yield();
            } catch (IOException e) {
                throw storageError("reading", dir, e);
            }
        }
    }

    /**
     * The base offset of the first batch whose max timestamp is at least {@code timestampMs}, or the
     * log end offset if there is none (Kafka's {@code ListOffsets} by time). Lock-free.
     */
    public long offsetForTimestamp(long timestampMs) {
        for (int attempt = 0; ; attempt++) {
            ensureOpen();
            long end = logEndOffset;
            try {
                for (Segment s : segments.all()) {
                    if (s.maxTimestamp() == NO_TIMESTAMP || s.maxTimestamp() < timestampMs) {
                        continue;
                    }
                    long offset = s.findOffsetForTimestamp(timestampMs, end);
                    if (offset >= 0) {
                        return Math.max(offset, logStartOffset);
                    }
                }
                return end;
            } catch (Segment.SegmentDeletedException e) {
                if (attempt >= READ_RETRIES) {
                    throw storageError("reading", dir, e);
                }
                Thread.yield();
            } catch (IOException e) {
                throw storageError("reading", dir, e);
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Flushes everything, trims the indexes, writes the recovery point and the clean-shutdown
     * marker, and closes the files. The next open then trusts the files without recovery.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = null;
            for (Segment s : segments.all()) {
                try {
                    s.flush();
                    s.close();
                } catch (IOException e) {
                    failure = failure == null ? e : failure;
                }
            }
            validator.close();
            if (failure != null || offline != null) {
                LOG.warn("Closed {} without a clean-shutdown marker: {}", name, failure != null ? failure : offline.getMessage());
                if (failure != null) {
                    throw storageError("closing", dir, failure);
                }
                return;
            }
            try {
                recoveryPoint = logEndOffset;
                recoveryPointFile.write(recoveryPoint);
                writeProducerSnapshot(logEndOffset);
                Files.createFile(dir.resolve(CLEAN_SHUTDOWN_FILE));
                CheckpointFile.fsyncDirectory(dir);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // Already marked.
            } catch (IOException e) {
                throw storageError("marking a clean shutdown of", dir, e);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the files as a crash would: no flush, no index trim, no clean-shutdown marker; the next
     * open recovers. For tests and in-process crash simulation (replication), which must not leak the
     * files of every simulated crash.
     */
    public void closeAbruptly() {
        lock.lock();
        try {
            closed = true;
            for (Segment s : segments.all()) {
                try {
                    s.closeAbruptly();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ idempotent producers

    /** Producers whose sequences this log remembers (design note 0007, "Idempotent produce"). */
    public int producerCount() {
        lock.lock();
        try {
            return producers.producerCount();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Rebuilds the producer table: the newest snapshot at or below the log end (later ones are deleted:
     * their batches were truncated), then the headers of every batch after it — from the log start when
     * there is no usable snapshot (a new log, or a truncation below every kept snapshot: one 64-byte
     * header read per batch). Guarded by the lock (or before the log is shared).
     */
    private void rebuildProducerState(List<String> repairs) {
        long now = clock.millis();
        try {
            ProducerStateTable.deleteSnapshotsOutside(dir, Long.MIN_VALUE, logEndOffset);
            long from = producers.loadNewestSnapshot(dir, logEndOffset, repairs);
            // Without a snapshot, replay the whole log: a partial replay would leave producers whose older
            // batches it skipped with a wrong newest-batch window (and refuse their resends).
            from = Math.max(from, logStartOffset);
            for (Segment s : segments.all()) {
                if (s.nextOffset() <= from) {
                    continue;
                }
                int end = s.sizeInBytes();
                int position = s.baseOffset >= from ? 0 : s.findBatchPosition(from);
                while (position >= 0 && position < end) {
                    ByteBuffer header = s.readHeader(position, end);
                    if (header == null) {
                        break;
                    }
                    producers.update(header, now);
                    position += LOG_OVERHEAD + header.getInt(LENGTH_OFFSET);
                }
            }
            producers.expire(now, config.producerIdExpirationMs());
        } catch (IOException e) {
            throw storageError("rebuilding the producer state of", dir, e);
        }
    }

    /** Writes the producer table as the snapshot at {@code offset}; a failure only costs a longer replay at the next open. */
    private void writeProducerSnapshot(long offset) {
        try {
            producers.writeSnapshot(dir, offset);
        } catch (IOException e) {
            LOG.warn("{}: cannot write the producer snapshot at offset {} (the next open replays more): {}", name, offset,
                    e.toString());
        }
    }

    /** Closes the log and removes its directory (DROP TOPIC). */
    public void delete() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                for (Segment s : segments.all()) {
                    try {
                        s.delete();
                    } catch (IOException e) {
                        throw storageError("deleting", s.file(), e);
                    }
                }
                validator.close();
            }
            segments.clear();
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (java.nio.file.NoSuchFileException e) {
            // Already gone.
        } catch (IOException e) {
            throw storageError("deleting", dir, e);
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new LogClosedException(name);
        }
    }

    private void ensureWritable() {
        ensureOpen();
        LogStorageException failure = offline;
        if (failure != null) {
            throw failure;
        }
    }

    /** The one funnel for I/O errors: names the operation and file, and tells a full disk apart. */
    LogStorageException storageError(String operation, Path file, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded")
                    || message.contains("not enough space on the disk"))) {
                return new StorageFullException(name + ": disk full while " + operation + " " + file + " (" + message + ")", file, e);
            }
        }
        return new LogStorageException(name + ": I/O error while " + operation + " " + file + ": " + e, file, false, e);
    }

    @Override
    public String toString() {
        return "PartitionLog(" + name + ", [" + logStartOffset + ", " + logEndOffset + "))";
    }
}
