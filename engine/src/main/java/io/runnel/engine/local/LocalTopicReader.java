package io.runnel.engine.local;

import io.runnel.engine.EngineException;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.SqlStates;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicReader;
import io.runnel.engine.cluster.BrokerTransport.OffsetsRequest;
import io.runnel.engine.cluster.BrokerTransport.PartitionOffsets;
import io.runnel.engine.cluster.BrokerTransport.RemoteRead;
import io.runnel.engine.cluster.BrokerTransport.RemoteReadRequest;
import io.runnel.engine.cluster.NotLeaderException;
import io.runnel.engine.local.LocalTopic.Route;
import io.runnel.engine.local.LocalTopic.Slot;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TopicReader} over the partitions of a {@link LocalTopic}, reading each partition from its
 * leader: the local replica when this broker leads it, else the leader broker through the
 * {@link io.runnel.engine.cluster.BrokerTransport} (long-polled remote reads). The route is looked up
 * at every read, so a reader follows leadership as it moves, keeping its position.
 *
 * <p><b>Positions.</b> Each partition has a position: the next offset handed to the caller. It
 * starts from the request's {@link StartPosition}: earliest = the log start offset; latest = the high
 * watermark at open; an offset is clamped into [log start, high watermark]; a timestamp is the first
 * batch whose max timestamp is at or after it, at most the high watermark (all as the leader reports
 * them). Reads never pass the high watermark; a bounded reader stops at the high watermark each
 * partition had when it opened.
 *
 * <p><b>Retention and truncation under a reader.</b> When retention deletes the rows at a reader's
 * position, the reader moves on to the new log start; when an unclean election cut the log below it, to
 * the new log end. {@link #positions()} shows the jump.
 *
 * <p><b>Polls.</b> A poll returns the rows of one decoded batch of one partition ({@link ReadChunk}):
 * the first batch may start before the position, so {@code fromRow} skips the rows below it. Batches
 * are read up to {@code maxBytesPerPoll} bytes at a time, one partition after the other (round-robin),
 * with the request's projection applied where the batches are stored (only those columns' buffers are
 * read and moved). The reader holds at most one read in memory, plus one outstanding and one
 * received remote read per remote partition, each bounded by {@code maxBytesPerPoll} divided among the
 * remote partitions (at least {@value #MIN_REMOTE_READ_BYTES} bytes). When nothing is readable, the
 * reader waits on one {@link ReadSignal}, signalled by local appends, by remote answers and by metadata
 * changes. A bounded reader waiting for a remote answer blocks as it would on disk I/O, up to
 * {@value #BOUNDED_STALL_MS} ms without progress.
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

    static final int MIN_REMOTE_READ_BYTES = 64 << 10;
    /** A bounded reader fails when a remote partition it still needs gives no rows for this long. */
    static final long BOUNDED_STALL_MS = 30_000;
    /** Before reading again from a broker that failed to answer. */
    private static final long REMOTE_RETRY_MS = 200;

    /** One partition's read state. Fields without a note are the polling thread's. */
    private static final class Cursor {
        final int partition;
        final Slot slot;
        /** Exclusive end for a bounded reader (the HW at open), else Long.MAX_VALUE. */
        long endOffset;
        /** Next offset handed to the caller; volatile for {@link #positions()} from other threads. */
        volatile long position;
        /** Next offset to read (past the batches buffered for this cursor). */
        long fetchPosition;
        /** The local replica this reader's signal is registered with, or null. */
        Partition registered;
        /** The last log start and high watermark seen for the partition (for seek). */
        long knownLogStart;
        long knownHighWatermark;
        // Remote reads: guarded by the cursor itself (completed on transport threads).
        CompletableFuture<RemoteRead> inFlight;
        RemoteRead ready;
        long readyFrom;
        long retryAtNanos;
        RuntimeException failure;

        Cursor(int partition, Slot slot, long position, long endOffset) {
            this.partition = partition;
            this.slot = slot;
            this.position = position;
            this.fetchPosition = position;
            this.endOffset = endOffset;
        }

        synchronized void dropRemote() {
            inFlight = null;
            ready = null;
        }
    }

    private final LocalEngine engine;
    private final LocalTopic topic;
    private final String topicName;
    private final boolean bounded;
    private final boolean allPartitions;
    private final int[] projection;
    /** The columns decoded for the receiver: {@code projection} or fewer (ReadRequest#decodeProjection). */
    private final int[] decodeProjection;
    private final Schema readerSchema;
    private final int maxBytesPerPoll;
    private final int remoteReadBytes;
    private final ReadSignal signal = new ReadSignal();
    private final List<Cursor> cursors = new CopyOnWriteArrayList<>();
    /** Batches of one read, all of {@link #bufferedCursor}'s partition. Polling thread only. */
    private final ArrayDeque<RecordBatch> buffered = new ArrayDeque<>();
    private Cursor bufferedCursor;
    private int nextCursor;
    private final BatchDecoder decoder = new BatchDecoder();
    /** Held by a poll or seek; close() releases the decoder only when it can take it. */
    private final ReentrantLock pollLock = new ReentrantLock();
    /** Set by wakeup() from any thread; read and cleared by the polling thread. */
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    /** Set by close() from any thread; read by the polling thread in every loop and wait, and by remote callbacks. */
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
        if (request.decodeProjection() != null) {
            for (int col : request.decodeProjection()) {
                if (projection != null && java.util.Arrays.stream(projection).noneMatch(p -> p == col)) {
                    throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "decoded column " + col + " of topic "
                            + topicName + " is not among the read columns " + java.util.Arrays.toString(projection));
                }
                if (col < 0 || col >= readerSchema.columnCount()) {
                    throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "decoded column " + col + " of topic "
                            + topicName + " does not exist (it has " + readerSchema.columnCount() + " columns)");
                }
            }
            this.decodeProjection = request.decodeProjection().clone();
        } else {
            this.decodeProjection = projection;
        }
        this.allPartitions = request.starts().isEmpty();
        int partitionsRead = allPartitions ? topic.partitionCount() : request.starts().size();
        this.remoteReadBytes = Math.max(MIN_REMOTE_READ_BYTES, maxBytesPerPoll / Math.max(1, partitionsRead));
        try {
            if (allPartitions) {
                StartPosition start = request.defaultStart() == null ? StartPosition.latest() : request.defaultStart();
                for (int p = 0; p < topic.partitionCount(); p++) {
                    addCursor(topic.slot(p), start);
                }
            } else {
                for (Map.Entry<Integer, StartPosition> e : new java.util.TreeMap<>(request.starts()).entrySet()) {
                    addCursor(topic.slot(e.getKey()), e.getValue() == null ? request.defaultStart() : e.getValue());
                }
            }
        } catch (RuntimeException e) {
            releaseRegistrations();
            decoder.close();
            throw e;
        }
    }

    private void addCursor(Slot slot, StartPosition start) {
        Partition local = slot.replica;
        long hw;
        long logStart;
        long position;
        if (local != null && local.isLeader()) {
            hw = local.highWatermark();
            logStart = local.logStartOffset();
            position = startOffset(local, start, hw, logStart);
        } else {
            long timestamp = start instanceof StartPosition.AtTimestamp at ? at.timestampMs() : OffsetsRequest.NO_TIMESTAMP;
            PartitionOffsets o = engine.remoteOffsets(topic, slot, timestamp);
            hw = o.highWatermark();
            logStart = o.logStartOffset();
            position = startOffset(start, hw, logStart, o.offsetForTimestamp());
        }
        Cursor c = new Cursor(slot.partition, slot, position, bounded ? hw : Long.MAX_VALUE);
        c.knownLogStart = logStart;
        c.knownHighWatermark = hw;
        cursors.add(c);
        ensureRegistered(c);
    }

    private long startOffset(Partition p, StartPosition start, long hw, long logStart) {
        if (start instanceof StartPosition.AtTimestamp at) {
            try {
                return Math.max(logStart, Math.min(p.log().offsetForTimestamp(at.timestampMs()), hw));
            } catch (RuntimeException e) {
                throw StorageErrors.map(e, topicName, "partition " + p.partition() + " of topic " + topicName);
            }
        }
        return startOffset(start, hw, logStart, -1);
    }

    private static long startOffset(StartPosition start, long hw, long logStart, long offsetForTimestamp) {
        if (start == null || start instanceof StartPosition.Latest) {
            return hw;
        }
        if (start instanceof StartPosition.Earliest) {
            return Math.min(logStart, hw);
        }
        if (start instanceof StartPosition.AtOffset at) {
            return Math.max(logStart, Math.min(at.offset(), hw));
        }
        if (start instanceof StartPosition.AtTimestamp) {
            return Math.max(logStart, Math.min(offsetForTimestamp, hw));
        }
        throw new IllegalArgumentException("unknown start position " + start);
    }

    /** Registers the signal with the partition's local replica, if there is one (it may appear later). */
    private void ensureRegistered(Cursor c) {
        Partition local = c.slot.replica;
        if (local != c.registered) {
            if (c.registered != null) {
                c.registered.unregister(signal);
            }
            if (local != null) {
                local.register(signal);
            }
            c.registered = local;
        }
    }

    String topicName() {
        return topicName;
    }

    LocalTopic topic() {
        return topic;
    }

    /** Wakes a waiting poll so that it looks at the topic again (partitions added, leadership moved). */
    void nudge() {
        signal.signal();
    }

    @Override
    public ReadChunk poll(long maxWaitMs) throws InterruptedException {
        ensureNotClosed();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxWaitMs));
        long stallDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUNDED_STALL_MS);
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
                long now = System.nanoTime();
                long waitUntil;
                if (bounded) {
                    Cursor waiting = firstUnfinished();
                    if (waiting == null) {
                        return ReadChunk.END;
                    }
                    if (now >= stallDeadline) {
                        throw new EngineException(SqlStates.CONNECTION_FAILURE, "reading topic " + topicName + ": partition "
                                + waiting.partition + " gave no rows for " + BOUNDED_STALL_MS + " ms (its leader "
                                + describe(waiting.slot.route) + " is unreachable or has no committed rows up to offset "
                                + waiting.endOffset + " yet)");
                    }
                    waitUntil = stallDeadline;
                } else {
                    if (now >= deadline) {
                        return ReadChunk.EMPTY;
                    }
                    waitUntil = deadline;
                }
                long retryAt = earliestRetry();
                if (retryAt != Long.MAX_VALUE) {
                    waitUntil = Math.min(waitUntil, retryAt);
                }
                signal.await(generation, Math.max(0, waitUntil - now));
            }
        } finally {
            pollLock.unlock();
            if (closed.get()) {
                releaseIfIdle();
            }
        }
    }

    private static String describe(Route r) {
        return r.hasLeader() ? "broker " + r.leader() : "(none now)";
    }

    /** A bounded reader's first partition not read to its end, or null when all are. */
    private Cursor firstUnfinished() {
        for (Cursor c : cursors) {
            if (c.fetchPosition < c.endOffset) {
                return c; // remote rows not here yet, or a new local leader whose HW has not caught up
            }
        }
        return null;
    }

    private long earliestRetry() {
        long earliest = Long.MAX_VALUE;
        for (Cursor c : cursors) {
            synchronized (c) {
                if (c.inFlight == null && c.ready == null && c.retryAtNanos != 0) {
                    earliest = Math.min(earliest, c.retryAtNanos);
                }
            }
        }
        return earliest;
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
                decoded = decoder.decode(batch, schema, decodeProjection, batchSchema);
            } catch (RuntimeException e) {
                buffered.clear();
                throw StorageErrors.map(e, topicName, "batch at offset " + base + " of partition " + c.partition
                        + " of topic " + topicName);
            }
            c.position = base + to;
            return new ReadChunk(c.partition, decoded, from, to, batch);
        }
        return null;
    }

    /** Reads the next partition that has data (round-robin) into the buffer; false when none has now. */
    private boolean fill() {
        int n = cursors.size();
        int retries = 0;
        for (int i = 0; i < n; i++) {
            int index = (nextCursor + i) % n;
            Cursor c = cursors.get(index);
            ensureRegistered(c);
            if (c.fetchPosition >= c.endOffset) {
                continue;
            }
            Partition local = c.slot.replica;
            Route route = c.slot.route;
            boolean filled;
            try {
                if (local != null && local.isLeader()) {
                    c.dropRemote();
                    filled = fillLocal(c, local);
                } else if (route.hasLeader() && route.leader() != engine.brokerId()) {
                    filled = fillRemote(c, route.leader());
                } else {
                    continue; // no leader now: the next image nudges us
                }
            } catch (PositionMoved moved) {
                if (retries++ < 3) {
                    i--;
                }
                continue;
            }
            if (filled) {
                nextCursor = (index + 1) % n;
                return true;
            }
        }
        return false;
    }

    /** A cursor's position jumped (retention or truncation): look at it again. */
    private static final class PositionMoved extends Exception {
        private static final long serialVersionUID = 1L;

        PositionMoved() {
            super(null, null, false, false);
        }
    }

    private boolean fillLocal(Cursor c, Partition p) throws PositionMoved {
        long hw = p.highWatermark();
        c.knownHighWatermark = hw;
        c.knownLogStart = p.logStartOffset();
        long limit = Math.min(c.endOffset, hw);
        if (c.fetchPosition >= limit) {
            return false;
        }
        LogReadResult result;
        try {
            result = p.log().read(c.fetchPosition, limit, maxBytesPerPoll, projection);
        } catch (OffsetOutOfRangeException e) {
            move(c, c.fetchPosition < e.logStartOffset() ? e.logStartOffset() : Math.min(p.highWatermark(), e.logEndOffset()),
                    c.fetchPosition < e.logStartOffset());
            throw new PositionMoved();
        } catch (RuntimeException e) {
            throw StorageErrors.map(e, topicName, "partition " + c.partition + " of topic " + topicName);
        }
        if (result.isEmpty()) {
            return false;
        }
        buffered.addAll(result.batches());
        bufferedCursor = c;
        c.fetchPosition = result.nextOffset();
        return true;
    }

    private void move(Cursor c, long to, boolean retention) {
        LOG.info("Reader of {}-{} moves from offset {} to {}: {}", topicName, c.partition, c.fetchPosition, to,
                retention ? "retention deleted the rows before " + to : "the log was truncated");
        c.position = to;
        c.fetchPosition = to;
    }

    private boolean fillRemote(Cursor c, int leader) throws PositionMoved {
        RemoteRead ready;
        synchronized (c) {
            if (c.failure != null) {
                RuntimeException f = c.failure;
                c.failure = null;
                throw f;
            }
            ready = c.ready != null && c.readyFrom == c.fetchPosition ? c.ready : null;
            if (c.ready != null && ready == null) {
                c.ready = null; // an answer for a position we since left
            }
            if (ready != null) {
                c.ready = null;
            }
        }
        if (ready != null) {
            c.knownLogStart = ready.logStartOffset();
            c.knownHighWatermark = Math.max(c.knownHighWatermark, ready.highWatermark());
            if (ready.records().hasRemaining()) {
                List<RecordBatch> batches;
                try {
                    batches = RecordBatch.splitAll(ready.records());
                } catch (RuntimeException e) {
                    throw StorageErrors.map(e, topicName, "batches of partition " + c.partition + " of topic " + topicName
                            + " from broker " + leader);
                }
                buffered.addAll(batches);
                bufferedCursor = c;
                c.fetchPosition = batches.get(batches.size() - 1).nextOffset();
                maybeRead(c, leader); // read ahead while the caller decodes
                return true;
            }
            if (c.fetchPosition < ready.logStartOffset()) {
                move(c, ready.logStartOffset(), true);
                throw new PositionMoved();
            }
            if (c.fetchPosition > ready.logEndOffset()) {
                move(c, Math.min(ready.highWatermark(), ready.logEndOffset()), false);
                throw new PositionMoved();
            }
        }
        maybeRead(c, leader);
        return false;
    }

    /** Starts a remote read at the cursor's position unless one is outstanding, answered, or backing off. */
    private void maybeRead(Cursor c, int leader) {
        if (closed.get() || c.fetchPosition >= c.endOffset) {
            return;
        }
        long from;
        synchronized (c) {
            if (c.inFlight != null || c.ready != null || (c.retryAtNanos != 0 && System.nanoTime() < c.retryAtNanos)) {
                return;
            }
            c.retryAtNanos = 0;
            from = c.fetchPosition;
        }
        CompletableFuture<RemoteRead> f = engine.transport().read(leader, new RemoteReadRequest(topicName, topic.info().topicId(),
                c.partition, from, remoteReadBytes, projection, bounded ? 0 : LocalEngine.REMOTE_LONG_POLL_MS));
        synchronized (c) {
            c.inFlight = f;
        }
        f.whenComplete((answer, error) -> {
            synchronized (c) {
                if (c.inFlight != f) {
                    return; // the cursor moved on (seek, local leadership, close)
                }
                c.inFlight = null;
                if (error == null) {
                    c.ready = answer;
                    c.readyFrom = from;
                } else {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof NotLeaderException || (cause instanceof EngineException ee && ee.isRetriable())) {
                        c.retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REMOTE_RETRY_MS);
                        LOG.debug("Reader of {}-{}: broker {} did not serve offset {}: {}", topicName, c.partition, leader, from,
                                cause.toString());
                    } else if (cause instanceof RuntimeException re) {
                        c.failure = re;
                    } else {
                        c.failure = new EngineException(SqlStates.INTERNAL_ERROR, "reading partition " + c.partition
                                + " of topic " + topicName + " from broker " + leader + ": " + cause, cause);
                    }
                }
            }
            signal.signal();
        });
    }

    private void maybeAddPartitions() {
        if (!allPartitions || bounded) {
            return;
        }
        int count = topic.partitionCount();
        for (int p = cursors.size(); p < count; p++) {
            Slot slot = topic.slot(p);
            Cursor c = new Cursor(p, slot, 0, Long.MAX_VALUE);
            Partition local = slot.replica;
            if (local != null) {
                c.position = local.logStartOffset();
                c.fetchPosition = c.position;
            }
            cursors.add(c);
            ensureRegistered(c);
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
            Partition local = target.slot.replica;
            long logStart = local != null && local.isLeader() ? local.logStartOffset() : target.knownLogStart;
            long hw = local != null && local.isLeader() ? local.highWatermark() : target.knownHighWatermark;
            long position = Math.max(logStart, Math.min(offset, hw));
            if (bufferedCursor == target) {
                buffered.clear();
                bufferedCursor = null;
            }
            target.dropRemote();
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
        for (Cursor c : cursors) {
            c.dropRemote();
        }
        engine.readerClosed(this);
        releaseIfIdle();
    }

    private void releaseRegistrations() {
        for (Cursor c : cursors) {
            if (c.registered != null) {
                c.registered.unregister(signal);
            }
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
