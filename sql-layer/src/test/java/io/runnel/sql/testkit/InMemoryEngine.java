package io.runnel.sql.testkit;

import io.runnel.engine.Acks;
import io.runnel.engine.Engine;
import io.runnel.engine.EngineException;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.SqlStates;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicConfig;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.engine.TopicSpec;
import io.runnel.storage.format.BatchDecoder;
import io.runnel.storage.format.BatchFormatException;
import io.runnel.storage.format.BatchValidator;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.InvalidValueException;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * An {@link Engine} in memory, for the SQL layer's unit tests: real batches (built, validated,
 * stamped and decoded with the storage format's own classes), no disk. Appends wake waiting readers
 * through one monitor. Thread-safe: every method synchronizes on the engine (readers wait on it).
 */
public final class InMemoryEngine implements Engine {
    private final Map<String, TopicState> topics = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final LongSupplier clockMs;
    private final AtomicInteger openReaders = new AtomicInteger();
    /** Produce calls that reached the append step, for tests of all-or-nothing. */
    public final LongAdder appendedBatches = new LongAdder();
    /** When set, produce fails with this error after validation (a simulated I/O failure). */
    public volatile EngineException failNextProduce;

    public InMemoryEngine() {
        this(System::currentTimeMillis);
    }

    public InMemoryEngine(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    private static final class TopicState {
        TopicInfo info;
        final List<List<RecordBatch>> partitions = new ArrayList<>();
        final List<Long> lastTimestamp = new ArrayList<>();
    }

    /** Readers currently open (not closed). */
    public int openReaders() {
        return openReaders.get();
    }

    // ---- catalog ----

    @Override
    public synchronized TopicInfo createTopic(TopicSpec spec, boolean ifNotExists) {
        TopicState existing = topics.get(spec.name());
        if (existing != null) {
            if (ifNotExists) {
                return existing.info;
            }
            throw new EngineException(SqlStates.DUPLICATE_TABLE, "topic " + existing.info.name() + " already exists");
        }
        Set<String> names = new HashSet<>();
        for (Column c : spec.columns()) {
            if (!names.add(c.name().toLowerCase(Locale.ROOT))) {
                throw new EngineException(SqlStates.DUPLICATE_COLUMN, "duplicate column " + c.name());
            }
        }
        Schema schema = new Schema(0, spec.columns());
        int[] key = new int[spec.partitionKey().size()];
        for (int i = 0; i < key.length; i++) {
            key[i] = indexOfIgnoreCase(schema, spec.partitionKey().get(i));
        }
        TopicConfig config = TopicConfig.DEFAULTS.with(spec.options());
        TopicState state = new TopicState();
        state.info = new TopicInfo(spec.name(), UUID.randomUUID(), List.of(schema), key, config, spec.name().startsWith("__"),
                clockMs.getAsLong());
        for (int p = 0; p < config.partitions(); p++) {
            state.partitions.add(new ArrayList<>());
            state.lastTimestamp.add(0L);
        }
        topics.put(spec.name(), state);
        return state.info;
    }

    private static int indexOfIgnoreCase(Schema schema, String name) {
        for (int i = 0; i < schema.columnCount(); i++) {
            if (schema.column(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new EngineException(SqlStates.UNDEFINED_COLUMN, "no column " + name);
    }

    @Override
    public synchronized TopicInfo alterTopic(String topic, Map<String, String> options) {
        TopicState state = state(topic);
        TopicConfig config = state.info.config().with(options);
        if (config.partitions() < state.info.partitions()) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "partitions of topic " + topic + " may only grow: "
                    + state.info.partitions() + " -> " + config.partitions());
        }
        while (state.partitions.size() < config.partitions()) {
            state.partitions.add(new ArrayList<>());
            state.lastTimestamp.add(0L);
        }
        TopicInfo i = state.info;
        state.info = new TopicInfo(i.name(), i.topicId(), i.schemas(), i.partitionKey(), config, i.internal(), i.createdAtMs());
        return state.info;
    }

    @Override
    public synchronized TopicInfo addColumn(String topic, Column column) {
        TopicState state = state(topic);
        TopicInfo i = state.info;
        for (Column c : i.currentSchema().columns()) {
            if (c.name().equalsIgnoreCase(column.name())) {
                throw new EngineException(SqlStates.DUPLICATE_COLUMN, "column " + column.name() + " exists in topic " + topic);
            }
        }
        List<Schema> schemas = new ArrayList<>(i.schemas());
        schemas.add(i.currentSchema().withColumn(column));
        state.info = new TopicInfo(i.name(), i.topicId(), schemas, i.partitionKey(), i.config(), i.internal(), i.createdAtMs());
        return state.info;
    }

    @Override
    public synchronized void dropTopic(String topic, boolean ifExists) {
        if (topics.remove(topic) == null && !ifExists) {
            throw new EngineException(SqlStates.UNDEFINED_TABLE, "topic " + topic + " does not exist");
        }
        notifyAll();
    }

    @Override
    public synchronized Optional<TopicInfo> topic(String name) {
        TopicState s = topics.get(name);
        return s == null ? Optional.empty() : Optional.of(s.info);
    }

    @Override
    public synchronized List<TopicInfo> topics() {
        List<TopicInfo> list = new ArrayList<>();
        for (TopicState s : topics.values()) {
            if (!s.info.internal()) {
                list.add(s.info);
            }
        }
        return list;
    }

    @Override
    public synchronized List<PartitionStatus> partitionStatus(String topic) {
        TopicState s = state(topic);
        List<PartitionStatus> list = new ArrayList<>();
        for (int p = 0; p < s.partitions.size(); p++) {
            long end = end(s.partitions.get(p));
            long bytes = s.partitions.get(p).stream().mapToLong(RecordBatch::sizeInBytes).sum();
            list.add(new PartitionStatus(s.info.name(), p, 0, 0, List.of(0), List.of(0), 0, end, end, bytes));
        }
        return list;
    }

    private static long end(List<RecordBatch> batches) {
        return batches.isEmpty() ? 0 : batches.get(batches.size() - 1).nextOffset();
    }

    private TopicState state(String topic) {
        TopicState s = topics.get(topic);
        if (s == null) {
            throw new EngineException(SqlStates.UNDEFINED_TABLE, "topic " + topic + " does not exist");
        }
        return s;
    }

    // ---- write ----

    @Override
    public synchronized ProduceResult produce(String topic, List<PartitionBatch> batches, Acks acks, long timeoutMs) {
        TopicState s = state(topic);
        List<RecordBatch> wrapped = new ArrayList<>();
        try (BatchValidator validator = new BatchValidator()) {
            for (PartitionBatch pb : batches) {
                if (pb.partition() < 0 || pb.partition() >= s.partitions.size()) {
                    throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "partition " + pb.partition() + " of topic "
                            + topic + " does not exist");
                }
                RecordBatch b = RecordBatch.wrap(pb.batch());
                validator.validate(b, s.info.schema(b.schemaId()));
                wrapped.add(b);
            }
        } catch (InvalidValueException e) {
            throw new EngineException(e.kind().sqlState(), "topic " + topic + ": " + e.getMessage(), e);
        } catch (BatchFormatException e) {
            throw new EngineException(SqlStates.DATA_EXCEPTION, "topic " + topic + ": " + e.getMessage(), e);
        }
        EngineException failure = failNextProduce;
        if (failure != null) {
            failNextProduce = null;
            throw failure;
        }
        List<ProduceResult.Appended> appended = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            int p = batches.get(i).partition();
            RecordBatch b = wrapped.get(i);
            List<RecordBatch> log = s.partitions.get(p);
            long base = end(log);
            long ts = Math.max(clockMs.getAsLong(), s.lastTimestamp.get(p));
            s.lastTimestamp.set(p, ts);
            b.stampBaseOffset(base);
            if (!b.isEventTime()) {
                b.stampTimestamps(ts, ts);
            }
            log.add(b);
            appendedBatches.increment();
            appended.add(new ProduceResult.Appended(p, base, b.lastOffset(), ts));
        }
        notifyAll();
        return new ProduceResult(appended);
    }

    // ---- read ----

    @Override
    public synchronized TopicReader openReader(ReadRequest request) {
        TopicState s = state(request.topic());
        Map<Integer, Long> positions = new LinkedHashMap<>();
        Map<Integer, StartPosition> starts = request.starts().isEmpty() ? null : request.starts();
        for (int p = 0; p < s.partitions.size(); p++) {
            if (starts != null && !starts.containsKey(p)) {
                continue;
            }
            StartPosition start = starts == null ? request.defaultStart() : starts.get(p);
            positions.put(p, position(s, p, start));
        }
        if (starts != null) {
            for (int p : starts.keySet()) {
                if (p < 0 || p >= s.partitions.size()) {
                    throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "partition " + p + " of topic "
                            + request.topic() + " does not exist");
                }
            }
        }
        Map<Integer, Long> ends = new HashMap<>();
        for (int p : positions.keySet()) {
            ends.put(p, end(s.partitions.get(p)));
        }
        openReaders.incrementAndGet();
        return new Reader(s, request, positions, request.bounded() ? ends : null);
    }

    private long position(TopicState s, int p, StartPosition start) {
        long end = end(s.partitions.get(p));
        if (start instanceof StartPosition.Earliest) {
            return 0;
        } else if (start instanceof StartPosition.Latest) {
            return end;
        } else if (start instanceof StartPosition.AtOffset o) {
            return Math.max(0, Math.min(o.offset(), end));
        } else {
            return offsetForTimestamp(s, p, ((StartPosition.AtTimestamp) start).timestampMs());
        }
    }

    @Override
    public synchronized long offsetForTimestamp(String topic, int partition, long timestampMs) {
        return offsetForTimestamp(state(topic), partition, timestampMs);
    }

    private static long offsetForTimestamp(TopicState s, int partition, long timestampMs) {
        for (RecordBatch b : s.partitions.get(partition)) {
            if (b.maxTimestamp() >= timestampMs) {
                return b.baseOffset();
            }
        }
        return end(s.partitions.get(partition));
    }

    @Override
    public void close() {}

    private final class Reader implements TopicReader {
        private final TopicState topic;
        private final ReadRequest request;
        private final Map<Integer, Long> positions;
        private final Map<Integer, Long> ends;
        private final List<Integer> order;
        private final BatchDecoder decoder = new BatchDecoder();
        private int next;
        private boolean woken;
        private boolean closed;

        Reader(TopicState topic, ReadRequest request, Map<Integer, Long> positions, Map<Integer, Long> ends) {
            this.topic = topic;
            this.request = request;
            this.positions = positions;
            this.ends = ends;
            this.order = new ArrayList<>(positions.keySet());
        }

        @Override
        public ReadChunk poll(long maxWaitMs) throws InterruptedException {
            synchronized (InMemoryEngine.this) {
                long deadline = System.currentTimeMillis() + maxWaitMs;
                while (true) {
                    if (closed) {
                        throw new EngineException(SqlStates.QUERY_CANCELED, "reader closed");
                    }
                    ReadChunk chunk = tryRead();
                    if (chunk != null) {
                        return chunk;
                    }
                    if (ends != null) {
                        return ReadChunk.END;
                    }
                    long left = deadline - System.currentTimeMillis();
                    if (woken || left <= 0) {
                        woken = false;
                        return ReadChunk.EMPTY;
                    }
                    InMemoryEngine.this.wait(left);
                }
            }
        }

        private ReadChunk tryRead() {
            for (int i = 0; i < order.size(); i++) {
                int p = order.get((next + i) % order.size());
                long pos = positions.get(p);
                long limit = ends != null ? ends.get(p) : Long.MAX_VALUE;
                if (pos >= limit || p >= topic.partitions.size()) {
                    continue;
                }
                for (RecordBatch b : topic.partitions.get(p)) {
                    if (b.lastOffset() >= pos && b.baseOffset() < limit) {
                        DecodedBatch decoded = decoder.decode(b, topic.info.currentSchema(), request.projection());
                        int from = (int) (pos - b.baseOffset());
                        int to = (int) (Math.min(b.lastOffset() + 1, limit) - b.baseOffset());
                        positions.put(p, b.baseOffset() + to);
                        next = (next + i + 1) % order.size();
                        RecordBatch stored = request.projection() == null ? b
                                : new io.runnel.storage.format.BatchProjector().project(b, topic.info.currentSchema(),
                                        request.projection());
                        return new ReadChunk(p, decoded, from, to, stored);
                    }
                }
            }
            return null;
        }

        @Override
        public synchronized Map<Integer, Long> positions() {
            return Map.copyOf(positions);
        }

        @Override
        public void seek(int partition, long offset) {
            synchronized (InMemoryEngine.this) {
                positions.put(partition, offset);
            }
        }

        @Override
        public void wakeup() {
            synchronized (InMemoryEngine.this) {
                woken = true;
                InMemoryEngine.this.notifyAll();
            }
        }

        @Override
        public void close() {
            synchronized (InMemoryEngine.this) {
                if (!closed) {
                    closed = true;
                    openReaders.decrementAndGet();
                    decoder.close();
                    InMemoryEngine.this.notifyAll();
                }
            }
        }
    }
}
