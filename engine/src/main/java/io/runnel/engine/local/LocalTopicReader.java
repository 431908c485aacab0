package io.runnel.engine.local;

import io.runnel.engine.EngineException;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.SqlStates;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicReader;
import io.runnel.engine.partition.Partition;
import io.runnel.engine.partition.ReadSignal;
import io.runnel.storage.format.BatchDecoder;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.log.LogReadResult;
import io.runnel.storage.log.OffsetOutOfRangeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TopicReader} over the partitions of a {@link LocalTopic}.
 *
 * <p><b>Positions.</b> Each partition has a position: the next offset handed to the caller. It
 * starts from the request's {@link StartPosition}: earliest = the log start offset; latest = the high
 * watermark at open; an offset is clamped into [log start, high watermark]; a timestamp is the first
 * batch whose max timestamp is at or after it ({@code offsetForTimestamp}), at most the high
 * watermark. Reads never pass the high watermark (never the log end offset); a bounded reader stops
 * at the high watermark each partition had when it opened.
 *
 * <p><b>Retention under a reader.</b> When retention deletes the segments holding a reader's position,
 * the reader moves on to the new log start offset and goes on (it does not fail): those rows are gone.
 * {@link #positions()} shows the jump.
 *
 * <p><b>Polls.</b> A poll returns the rows of one decoded batch of one partition ({@link ReadChunk}):
 * the first batch may start before the position, so {@code fromRow} skips the rows below it. Batches
 * are read from storage up to {@code maxBytesPerPoll} bytes at a time, from one partition after the
 * other (round-robin: a busy partition cannot starve the others), with the request's projection
 * applied in storage (only those columns' buffers are read and decompressed) and decoded on demand.
 * The reader holds at most one such read in memory. When nothing is readable, an unbounded reader
 * waits on one {@link ReadSignal} registered with all its partitions: an append wakes it at once.
 *
 * <p><b>Partitions added later.</b> A reader over all partitions of a topic (empty {@code starts}) that is
 * unbounded picks up partitions an ALTER TOPIC adds, from their first offset.
 *
 * <p>Thread-safety: one thread polls and seeks; {@link #wakeup()} and {@link #close()} may be called
 * from any thread. A close during a poll makes that poll throw 57014 promptly; the decoder's native
 * memory is released by whichever of the two finishes last.
 */
final class LocalTopicReader implements TopicReader {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTopicReader.class);

    /** One partition's read state. Fields are written by the polling thread. */
    private static final class Cursor {
        final int partition;
        final Partition log;
        /** Exclusive end for a bounded reader (the HW at open), else Long.MAX_VALUE. */
        long endOffset;
        /** Next offset handed to the caller; volatile for {@link #positions()} from other threads. */
        volatile long position;
        /** Next offset to read from storage (past the batches buffered for this cursor). */
        long fetchPosition;

        Cursor(int partition, Partition log, long position, long endOffset) {
            this.partition = partition;
            this.log = log;
            this.position = position;
            this.fetchPosition = position;
            this.endOffset = endOffset;
        }
    }

    private final LocalEngine engine;
    private final LocalTopic topic;
    private final String topicName;
    private final boolean bounded;
    private final boolean allPartitions;
    private final int[] projection;
    private final Schema readerSchema;
    private final int maxBytesPerPoll;
    private final ReadSignal signal = new ReadSignal();
    private final List<Cursor> cursors = new CopyOnWriteArrayList<>();
    /** Batches of one storage read, all of {@link #bufferedCursor}'s partition. Polling thread only. */
    private final ArrayDeque<RecordBatch> buffered = new ArrayDeque<>();
    private Cursor bufferedCursor;
    private int nextCursor;
    private final BatchDecoder decoder = new BatchDecoder();
    /** Held by a poll or seek; close() releases the decoder only when it can take it. */
    private final ReentrantLock pollLock = new ReentrantLock();
    /** Set by wakeup() from any thread; read and cleared by the polling thread. */
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    /** Set by close() from any thread; read by the polling thread in every loop and wait. */
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Guarded by {@link #pollLock}. */
    private boolean released;

    LocalTopicReader(LocalEngine engine, LocalTopic topic, ReadRequest request) {
        this.engine = engine;
        this.topic = topic;
        this.topicName = topic.info().name();
        this.bounded = request.bounded();
        this.readerSchema = topic.info().currentSchema();
        if (request.maxBytesPerPoll() <= 0) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "maxBytesPerPoll must be positive, got "
                    + request.maxBytesPerPoll());
        }
        this.maxBytesPerPoll = request.maxBytesPerPoll();
        if (request.projection() != null) {
            for (int col : request.projection()) {
                if (col < 0 || col >= readerSchema.columnCount()) {
                    throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "projected column " + col + " of topic "
                            + topicName + " does not exist (it has " + readerSchema.columnCount() + " columns)");
                }
            }
            this.projection = request.projection().clone();
        } else {
            this.projection = null;
        }
        this.allPartitions = request.starts().isEmpty();
        try {
            if (allPartitions) {
                StartPosition start = request.defaultStart() == null ? StartPosition.latest() : request.defaultStart();
                List<Partition> partitions = topic.partitions();
                for (Partition p : partitions) {
                    addCursor(p, start);
                }
            } else {
                for (Map.Entry<Integer, StartPosition> e : new java.util.TreeMap<>(request.starts()).entrySet()) {
                    addCursor(topic.partition(e.getKey()), e.getValue() == null ? request.defaultStart() : e.getValue());
                }
            }
        } catch (RuntimeException e) {
            releaseRegistrations();
            decoder.close();
            throw e;
        }
    }

    private void addCursor(Partition p, StartPosition start) {
        long hw = p.highWatermark();
        long position = startOffset(p, start, hw);
        cursors.add(new Cursor(p.partition(), p, position, bounded ? hw : Long.MAX_VALUE));
        p.register(signal);
    }

    private long startOffset(Partition p, StartPosition start, long hw) {
        long logStart = p.logStartOffset();
        if (start == null || start instanceof StartPosition.Latest) {
            return hw;
        }
        if (start instanceof StartPosition.Earliest) {
            return Math.min(logStart, hw);
        }
        if (start instanceof StartPosition.AtOffset at) {
            return Math.max(logStart, Math.min(at.offset(), hw));
        }
        if (start instanceof StartPosition.AtTimestamp at) {
            try {
                return Math.max(logStart, Math.min(p.log().offsetForTimestamp(at.timestampMs()), hw));
            } catch (RuntimeException e) {
                throw StorageErrors.map(e, topicName, "partition " + p.partition() + " of topic " + topicName);
            }
        }
        throw new IllegalArgumentException("unknown start position " + start);
    }

    String topicName() {
        return topicName;
    }

    LocalTopic topic() {
        return topic;
    }

    /** Wakes a waiting poll so that it looks at the topic again (partitions were added). */
    void nudge() {
        signal.signal();
    }

    @Override
    public ReadChunk poll(long maxWaitMs) throws InterruptedException {
        ensureNotClosed();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxWaitMs));
        pollLock.lockInterruptibly();
        try {
            while (true) {
                ensureNotClosed();
                if (topic.isDropped()) {
                    throw new EngineException(SqlStates.UNDEFINED_TABLE, "topic " + topicName + " was dropped while being read");
                }
                if (wakeupRequested.getAndSet(false)) {
                    return ReadChunk.EMPTY;
                }
                ReadChunk chunk = nextBuffered();
                if (chunk != null) {
                    return chunk;
                }
                long generation = signal.generation();
                maybeAddPartitions();
                if (fill()) {
                    continue;
                }
                if (bounded) {
                    return ReadChunk.END;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return ReadChunk.EMPTY;
                }
                signal.await(generation, remaining);
            }
        } finally {
            pollLock.unlock();
            if (closed.get()) {
                releaseIfIdle();
            }
        }
    }

    /** The next chunk from the buffered batches, or null when they are used up. */
    private ReadChunk nextBuffered() {
        RecordBatch batch;
        while ((batch = buffered.poll()) != null) {
            Cursor c = bufferedCursor;
            long base = batch.baseOffset();
            long position = c.position;
            int from = (int) Math.max(0, position - base);
            int to = (int) Math.min(batch.recordCount(), c.endOffset - base);
            if (to <= from) {
                continue;
            }
            DecodedBatch decoded;
            try {
                Schema batchSchema = topic.schema(batch.schemaId());
                Schema schema = batchSchema.schemaId() > readerSchema.schemaId() ? batchSchema : readerSchema;
                decoded = decoder.decode(batch, schema, projection, batchSchema);
            } catch (RuntimeException e) {
                buffered.clear();
                throw StorageErrors.map(e, topicName, "batch at offset " + base + " of partition " + c.partition
                        + " of topic " + topicName);
            }
            c.position = base + to;
            return new ReadChunk(c.partition, decoded, from, to);
        }
        return null;
    }

    /** Reads the next partition that has data (round-robin) into the buffer; false when none has. */
    private boolean fill() {
        int n = cursors.size();
        int retries = 0;
        for (int i = 0; i < n; i++) {
            int index = (nextCursor + i) % n;
            Cursor c = cursors.get(index);
            long limit = Math.min(c.endOffset, c.log.highWatermark());
            if (c.fetchPosition >= limit) {
                continue;
            }
            LogReadResult result;
            try {
                result = c.log.log().read(c.fetchPosition, limit, maxBytesPerPoll, projection);
            } catch (OffsetOutOfRangeException e) {
                long moved = c.fetchPosition < e.logStartOffset() ? e.logStartOffset()
                        : Math.min(c.log.highWatermark(), e.logEndOffset());
                LOG.info("Reader of {}-{} moves from offset {} to {}: {}", topicName, c.partition, c.fetchPosition, moved,
                        c.fetchPosition < e.logStartOffset() ? "retention deleted the rows before " + moved
                                : "the log was truncated");
                c.position = moved;
                c.fetchPosition = moved;
                if (retries++ < 3) {
                    i--;
                }
                continue;
            } catch (RuntimeException e) {
                throw StorageErrors.map(e, topicName, "partition " + c.partition + " of topic " + topicName);
            }
            if (result.isEmpty()) {
                continue;
            }
            buffered.addAll(result.batches());
            bufferedCursor = c;
            c.fetchPosition = result.nextOffset();
            nextCursor = (index + 1) % n;
            return true;
        }
        return false;
    }

    private void maybeAddPartitions() {
        if (!allPartitions || bounded) {
            return;
        }
        List<Partition> partitions = topic.partitions();
        for (int p = cursors.size(); p < partitions.size(); p++) {
            addCursor(partitions.get(p), StartPosition.earliest());
        }
    }

    @Override
    public Map<Integer, Long> positions() {
        Map<Integer, Long> out = new LinkedHashMap<>();
        for (Cursor c : cursors) {
            out.put(c.partition, c.position);
        }
        return out;
    }

    /** Moves {@code partition}'s position to {@code offset}, clamped into [log start, high watermark]. */
    @Override
    public void seek(int partition, long offset) {
        ensureNotClosed();
        pollLock.lock();
        try {
            Cursor target = null;
            for (Cursor c : cursors) {
                if (c.partition == partition) {
                    target = c;
                }
            }
            if (target == null) {
                throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "this reader of topic " + topicName
                        + " does not read partition " + partition + " (it reads " + positions().keySet() + ")");
            }
            long position = Math.max(target.log.logStartOffset(), Math.min(offset, target.log.highWatermark()));
            if (bufferedCursor == target) {
                buffered.clear();
                bufferedCursor = null;
            }
            target.position = position;
            target.fetchPosition = position;
        } finally {
            pollLock.unlock();
            if (closed.get()) {
                releaseIfIdle();
            }
        }
    }

    @Override
    public void wakeup() {
        wakeupRequested.set(true);
        signal.signal();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        signal.signal();
        releaseRegistrations();
        engine.readerClosed(this);
        releaseIfIdle();
    }

    private void releaseRegistrations() {
        for (Cursor c : cursors) {
            c.log.unregister(signal);
        }
    }

    /** Frees the decoder unless a poll holds it (that poll frees it when it ends). */
    private void releaseIfIdle() {
        if (pollLock.tryLock()) {
            try {
                if (!released) {
                    released = true;
                    buffered.clear();
                    decoder.close();
                }
            } finally {
                pollLock.unlock();
            }
        }
    }

    private void ensureNotClosed() {
        if (closed.get()) {
            throw new EngineException(SqlStates.QUERY_CANCELED, "the reader of topic " + topicName + " was closed");
        }
    }

    /** Partitions this reader reads, in order. */
    List<Integer> partitions() {
        List<Integer> out = new ArrayList<>();
        for (Cursor c : cursors) {
            out.add(c.partition);
        }
        return out;
    }
}
