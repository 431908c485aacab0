package io.runnel.engine.local;

import io.runnel.engine.Acks;
import io.runnel.engine.Engine;
import io.runnel.engine.EngineException;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicConfig;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.engine.TopicSpec;
import io.runnel.engine.catalog.FileMetadataStore;
import io.runnel.engine.catalog.MetadataConflictException;
import io.runnel.engine.catalog.MetadataStore;
import io.runnel.engine.catalog.MetadataStoreException;
import io.runnel.engine.catalog.TopicDefinitions;
import io.runnel.engine.catalog.TopicNames;
import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.fs.AtomicFiles;
import io.runnel.engine.partition.Partition;
import io.runnel.storage.format.BatchFormat;
import io.runnel.storage.format.BatchValidator;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.log.LogAppendInfo;
import io.runnel.storage.log.LogConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node broker: one broker (id {@link EngineConfig#brokerId()}, 0 by default) hosting every
 * partition of every topic as leader, over a data directory:
 *
 * <pre>
 * &lt;data&gt;/.lock                          held while an engine has the directory open
 * &lt;data&gt;/meta/topics/&lt;name&gt;.json         the catalog ({@link FileMetadataStore}), one entry per topic
 * &lt;data&gt;/meta/tmp/                       catalog writes in progress (emptied on start)
 * &lt;data&gt;/topics/&lt;topic&gt;/topic-id          the UUID of the topic the directory belongs to
 * &lt;data&gt;/topics/&lt;topic&gt;/&lt;partition&gt;/     one partition log (docs/format/segment.md)
 * &lt;data&gt;/trash/&lt;uuid&gt;/                  dropped topics' directories, deleted in the background
 * </pre>
 *
 * <p><b>Catalog.</b> DDL is serialized by one lock and committed by a compare-and-set write of the
 * {@link MetadataStore}; the files follow. DROP commits by deleting the catalog entry, then renames
 * the topic's directory into the trash, so the name is reusable at once. On start, directories
 * without a catalog entry (or whose {@code topic-id} belongs to an older topic of the same name) go to
 * the trash too, and the trash is emptied in the background.
 *
 * <p><b>Produce.</b> Every batch is validated before any is appended (all-or-nothing). The batches are
 * then appended with the append locks of their partitions held (taken in partition order, within the
 * timeout); if one append fails, the ones before it are cut off again before the high watermarks
 * move, so no reader ever sees them. {@code acks=1} and {@code acks=all} return once the batches are
 * in the log under the flush policy (one replica: the high watermark is the log end); {@code acks=0}
 * returns after validation and appends on a background thread.
 *
 * <p><b>Maintenance.</b> One scheduled thread runs retention and age-based segment rolls every
 * {@link EngineConfig#retentionCheckIntervalMs()}, interval flushes when the flush policy has an
 * interval, and trash deletion. {@link #close()} stops it, closes readers, and flushes and closes every
 * log, so the next start needs no recovery.
 *
 * <p>Thread-safe: every {@link Engine} method may be called from any thread.
 */
public final class LocalEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEngine.class);

    static final String LOCK_FILE = ".lock";
    static final String META_DIR = "meta";
    static final String CATALOG_DIR = "topics";
    static final String CATALOG_TMP_DIR = "tmp";
    static final String TOPICS_DIR = "topics";
    static final String TRASH_DIR = "trash";
    static final String TOPIC_ID_FILE = "topic-id";
    /** The leader epoch of every partition on a single node. */
    static final int LEADER_EPOCH = 0;
    /**
     * The batch-size bound given to every partition log: the largest max_batch_bytes a topic can
     * have, so that lowering the option later never makes recovery cut batches written before.
     * The topic's own limit is enforced by produce.
     */
    static final int LOG_MAX_BATCH_BYTES = (1 << 30) + 4096;
    private static final long PROGRESS_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final EngineConfig config;
    private final Clock clock;
    private final Path dataDir;
    private final Path topicsDir;
    private final Path trashDir;
    private final MetadataStore store;
    private final FileChannel lockChannel;
    private final FileLock dirLock;
    /** Lower-cased name to topic. Changed under {@link #catalogLock}; read lock-free. */
    private final ConcurrentHashMap<String, LocalTopic> topics = new ConcurrentHashMap<>();
    /** Serializes DDL and close. */
    private final ReentrantLock catalogLock = new ReentrantLock();
    private final Set<LocalTopicReader> readers = ConcurrentHashMap.newKeySet();
    private final ValidatorPool validators = new ValidatorPool(Runtime.getRuntime().availableProcessors() * 2);
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor acksZeroAppender;
    /** Set by close(); read by every public method. */
    private volatile boolean closed;

    private LocalEngine(EngineConfig config, Clock clock, FileChannel lockChannel, FileLock dirLock, MetadataStore store) {
        this.config = config;
        this.clock = clock;
        this.dataDir = config.dataDir();
        this.topicsDir = dataDir.resolve(TOPICS_DIR);
        this.trashDir = dataDir.resolve(TRASH_DIR);
        this.lockChannel = lockChannel;
        this.dirLock = dirLock;
        this.store = store;
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "runnel-engine-maintenance"));
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        this.acksZeroAppender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.acksZeroQueueBatches()), r -> daemon(r, "runnel-engine-acks0-appender"),
                new ThreadPoolExecutor.CallerRunsPolicy());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Opens the engine over {@code config.dataDir()} with the system clock. */
    public static LocalEngine open(EngineConfig config) {
        return open(config, Clock.systemUTC());
    }

    /**
     * Opens the engine: takes the data directory's lock, loads the catalog, opens (and if needed
     * recovers) every partition, and starts maintenance.
     *
     * @param clock the time of append timestamps, segment age and retention
     * @throws EngineException 55006 when another engine holds the directory; 58030 on I/O errors
     */
    public static LocalEngine open(EngineConfig config, Clock clock) {
        Path data = config.dataDir();
        FileChannel channel = null;
        FileLock lock = null;
        try {
            Files.createDirectories(data.resolve(META_DIR).resolve(CATALOG_DIR));
            Files.createDirectories(data.resolve(TOPICS_DIR));
            Files.createDirectories(data.resolve(TRASH_DIR));
            channel = FileChannel.open(data.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new EngineException(SqlStates.OBJECT_IN_USE, "data directory " + data
                        + " is in use by another Runnel broker (its " + LOCK_FILE + " is locked)");
            }
            MetadataStore store = FileMetadataStore.open(data.resolve(META_DIR).resolve(CATALOG_DIR),
                    data.resolve(META_DIR).resolve(CATALOG_TMP_DIR));
            LocalEngine engine = new LocalEngine(config, clock, channel, lock, store);
            try {
                engine.load();
            } catch (RuntimeException e) {
                engine.closePartitionsQuietly();
                throw e;
            }
            engine.startMaintenance();
            return engine;
        } catch (IOException | MetadataStoreException | UncheckedIOException e) {
            releaseQuietly(lock, channel);
            throw new EngineException(SqlStates.IO_ERROR, "cannot open data directory " + data + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            releaseQuietly(lock, channel);
            throw e;
        }
    }

    private static void releaseQuietly(FileLock lock, FileChannel channel) {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.warn("Cannot release the data directory lock: {}", e.toString());
        }
    }

    public EngineConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ startup

    private void load() throws IOException {
        long started = System.nanoTime();
        List<Versioned<TopicInfo>> entries = new ArrayList<>(store.loadAll());
        entries.sort(Comparator.comparing(v -> v.value().name()));
        Map<String, Versioned<TopicInfo>> byDir = new TreeMap<>();
        for (Versioned<TopicInfo> e : entries) {
            byDir.put(e.value().name(), e);
        }
        // Directories nobody owns: a DROP or failed CREATE interrupted by a crash, or an older topic of the same name.
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(topicsDir)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                Versioned<TopicInfo> owner = byDir.get(name);
                if (owner == null || !owner.value().topicId().toString().equals(readTopicId(dir))) {
                    moveToTrash(dir, owner == null ? "no catalog entry" : "it belongs to an older topic " + name);
                }
            }
        }
        int total = 0;
        for (Versioned<TopicInfo> e : entries) {
            total += e.value().partitions();
        }
        int opened = 0;
        long lastLog = System.nanoTime();
        for (Versioned<TopicInfo> e : entries) {
            TopicInfo info = e.value();
            Path dir = topicsDir.resolve(info.name());
            ensureTopicDir(dir, info);
            LocalTopic topic = new LocalTopic(dir, e, List.of());
            List<Partition> partitions = new ArrayList<>();
            for (int p = 0; p < info.partitions(); p++) {
                partitions.add(openPartition(topic, info, p));
                opened++;
                if (System.nanoTime() - lastLog > PROGRESS_LOG_INTERVAL_NANOS) {
                    LOG.info("Opened {}/{} partitions", opened, total);
                    lastLog = System.nanoTime();
                }
            }
            topic.setPartitions(partitions);
            topics.put(key(info.name()), topic);
        }
        LOG.info("Engine on {} open: {} topics, {} partitions in {} ms", dataDir, entries.size(), total,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static String readTopicId(Path dir) {
        try {
            return Files.readString(dir.resolve(TOPIC_ID_FILE), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private void ensureTopicDir(Path dir, TopicInfo info) throws IOException {
        Files.createDirectories(dir);
        if (!info.topicId().toString().equals(readTopicId(dir))) {
            AtomicFiles.write(dir.resolve(TOPIC_ID_FILE), (info.topicId() + "\n").getBytes(StandardCharsets.US_ASCII));
            AtomicFiles.fsyncDirectory(topicsDir);
        }
    }

    private Partition openPartition(LocalTopic topic, TopicInfo info, int p) {
        return Partition.open(info.name(), p, topic.dir.resolve(Integer.toString(p)), logConfig(info.config()), topic.schemas,
                clock, LEADER_EPOCH);
    }

    LogConfig logConfig(TopicConfig topic) {
        return new LogConfig(topic.segmentBytes(), topic.segmentMs(), topic.retentionMs(), topic.retentionBytes(),
                config.indexIntervalBytes(), config.maxIndexBytes(), LOG_MAX_BATCH_BYTES, config.flushPolicy());
    }

    private void startMaintenance() {
        long interval = config.retentionCheckIntervalMs();
        scheduler.scheduleWithFixedDelay(this::runRetentionQuietly, interval, interval, TimeUnit.MILLISECONDS);
        if (!config.flushPolicy().isOs() && !config.flushPolicy().isEveryBatch()) {
            long flushMs = config.flushPolicy().intervalMs();
            scheduler.scheduleWithFixedDelay(this::flushDueQuietly, flushMs, flushMs, TimeUnit.MILLISECONDS);
        }
        scheduler.execute(this::emptyTrash);
    }

    // ------------------------------------------------------------------ maintenance

    /**
     * Runs retention and age-based rolls on every partition now (what the scheduler does every
     * {@code retentionCheckIntervalMs}).
     *
     * @return segments deleted
     */
    public int runRetention() {
        int deleted = 0;
        for (LocalTopic topic : topics.values()) {
            for (Partition p : topic.partitions()) {
                if (closed || topic.isDropped()) {
                    return deleted;
                }
                try {
                    deleted += p.applyRetention();
                } catch (RuntimeException e) {
                    if (!topic.isDropped() && !closed) {
                        LOG.warn("Retention of {} failed: {}", p, e.toString());
                    }
                }
            }
        }
        return deleted;
    }

    private void runRetentionQuietly() {
        try {
            runRetention();
        } catch (RuntimeException e) {
            LOG.warn("Retention run failed: {}", e.toString());
        }
    }

    private void flushDueQuietly() {
        for (LocalTopic topic : topics.values()) {
            for (Partition p : topic.partitions()) {
                try {
                    p.log().maybeFlush();
                } catch (RuntimeException e) {
                    if (!topic.isDropped() && !closed) {
                        LOG.warn("Flush of {} failed: {}", p, e.toString());
                    }
                }
            }
        }
    }

    private void emptyTrash() {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(trashDir)) {
            for (Path dir : dirs) {
                deleteTrashed(dir);
            }
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", trashDir, e.toString());
        }
    }

    private void deleteTrashed(Path dir) {
        try {
            AtomicFiles.deleteRecursively(dir);
            LOG.info("Deleted {}", dir);
        } catch (IOException e) {
            LOG.warn("Cannot delete {} (will retry at the next start): {}", dir, e.toString());
        }
    }

    private Path moveToTrash(Path dir, String reason) throws IOException {
        // A UUID, not the topic name: name + suffix could exceed the 255 bytes of a file name.
        Path target = trashDir.resolve(UUID.randomUUID().toString());
        AtomicFiles.move(dir, target);
        AtomicFiles.fsyncDirectory(topicsDir);
        LOG.info("Moved {} to the trash ({})", dir, reason);
        return target;
    }

    // ------------------------------------------------------------------ catalog

    @Override
    public TopicInfo createTopic(TopicSpec spec, boolean ifNotExists) {
        return create(spec, ifNotExists, false);
    }

    /**
     * Creates a broker-internal topic (name starting {@code __}): hidden from {@link #topics()}, found
     * by {@link #topic(String)}, otherwise an ordinary topic (committed group offsets live in one).
     */
    @Override
    public TopicInfo createInternalTopic(TopicSpec spec, boolean ifNotExists) {
        return create(spec, ifNotExists, true);
    }

    private TopicInfo create(TopicSpec spec, boolean ifNotExists, boolean internal) {
        lockCatalog();
        try {
            ensureOpen();
            TopicNames.validate(spec.name(), internal);
            LocalTopic existing = topics.get(key(spec.name()));
            if (existing != null) {
                if (ifNotExists) {
                    return existing.info();
                }
                throw exists(spec.name(), existing.info().name());
            }
            TopicInfo info = TopicDefinitions.create(spec, config.defaultTopicConfig(), internal, UUID.randomUUID(),
                    clock.millis(), TopicDefinitions.SINGLE_NODE_BROKERS);
            int version;
            try {
                version = store.create(info);
            } catch (MetadataConflictException e) {
                throw exists(spec.name(), spec.name());
            } catch (MetadataStoreException e) {
                throw new EngineException(SqlStates.IO_ERROR, "cannot create topic " + spec.name() + ": " + e.getMessage(), e);
            }
            Path dir = topicsDir.resolve(info.name());
            LocalTopic topic = new LocalTopic(dir, new Versioned<>(info, version), List.of());
            List<Partition> partitions = new ArrayList<>();
            try {
                if (Files.exists(dir)) {
                    moveToTrash(dir, "left over from an older topic " + info.name());
                }
                ensureTopicDir(dir, info);
                for (int p = 0; p < info.partitions(); p++) {
                    partitions.add(openPartition(topic, info, p));
                }
            } catch (IOException | RuntimeException e) {
                partitions.forEach(Partition::close);
                try {
                    store.delete(info.name(), version);
                    if (Files.exists(dir)) {
                        deleteTrashed(moveToTrash(dir, "CREATE TOPIC failed"));
                    }
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                RuntimeException re = e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
                throw StorageErrors.map(re, info.name(), "creating topic " + info.name());
            }
            topic.setPartitions(partitions);
            topics.put(key(info.name()), topic);
            LOG.info("Created topic {} ({} partitions, id {})", info.name(), info.partitions(), info.topicId());
            return info;
        } finally {
            catalogLock.unlock();
        }
    }

    private static EngineException exists(String requested, String existing) {
        return new EngineException(SqlStates.DUPLICATE_TABLE, "topic " + existing + " already exists"
                + (requested.equals(existing) ? "" : " (topic names are case-insensitive: " + requested + " is the same name)"));
    }

    @Override
    public TopicInfo alterTopic(String name, Map<String, String> options) {
        lockCatalog();
        try {
            ensureOpen();
            LocalTopic topic = require(name);
            if (topic.info().internal() && !TopicNames.isInternal(name)) {
                throw unknown(name);
            }
            TopicInfo before = topic.info();
            TopicInfo after = TopicDefinitions.alter(before, options, TopicDefinitions.SINGLE_NODE_BROKERS);
            if (after.config().equals(before.config())) {
                return before;
            }
            List<Partition> added = new ArrayList<>();
            try {
                for (int p = before.partitions(); p < after.partitions(); p++) {
                    added.add(openPartition(topic, after, p));
                }
            } catch (RuntimeException e) {
                added.forEach(Partition::close);
                deleteNewPartitionDirs(topic, before.partitions(), after.partitions());
                throw StorageErrors.map(e, name, "adding partitions to topic " + before.name());
            }
            int version;
            try {
                version = store.update(after, topic.entry().version());
            } catch (MetadataConflictException | MetadataStoreException e) {
                added.forEach(Partition::close);
                deleteNewPartitionDirs(topic, before.partitions(), after.partitions());
                throw new EngineException(e instanceof MetadataConflictException ? SqlStates.SERIALIZATION_FAILURE
                        : SqlStates.IO_ERROR, "cannot alter topic " + before.name() + ": " + e.getMessage(), e);
            }
            LogConfig logConfig = logConfig(after.config());
            List<Partition> partitions = new ArrayList<>(topic.partitions());
            for (Partition p : partitions) {
                p.updateConfig(logConfig);
            }
            partitions.addAll(added);
            topic.setEntry(new Versioned<>(after, version));
            topic.setPartitions(partitions);
            if (!added.isEmpty()) {
                for (LocalTopicReader r : readers) {
                    if (r.topic() == topic) {
                        r.nudge();
                    }
                }
            }
            LOG.info("Altered topic {}: {}", before.name(), options);
            return after;
        } finally {
            catalogLock.unlock();
        }
    }

    private void deleteNewPartitionDirs(LocalTopic topic, int from, int to) {
        for (int p = from; p < to; p++) {
            try {
                AtomicFiles.deleteRecursively(topic.dir.resolve(Integer.toString(p)));
            } catch (IOException e) {
                LOG.warn("Cannot delete {}: {}", topic.dir.resolve(Integer.toString(p)), e.toString());
            }
        }
    }

    @Override
    public TopicInfo addColumn(String name, Column column) {
        lockCatalog();
        try {
            ensureOpen();
            LocalTopic topic = require(name);
            TopicInfo after = TopicDefinitions.addColumn(topic.info(), column);
            int version;
            try {
                version = store.update(after, topic.entry().version());
            } catch (MetadataConflictException | MetadataStoreException e) {
                throw new EngineException(e instanceof MetadataConflictException ? SqlStates.SERIALIZATION_FAILURE
                        : SqlStates.IO_ERROR, "cannot add column " + column.name() + " to topic " + name + ": " + e.getMessage(), e);
            }
            topic.setEntry(new Versioned<>(after, version));
            LOG.info("Added column {} to topic {} (schema {})", column.describe(), after.name(), after.currentSchema().schemaId());
            return after;
        } finally {
            catalogLock.unlock();
        }
    }

    @Override
    public void dropTopic(String name, boolean ifExists) {
        lockCatalog();
        try {
            ensureOpen();
            LocalTopic topic = topics.get(key(name));
            if (topic == null) {
                if (ifExists) {
                    return;
                }
                throw unknown(name);
            }
            if (topic.info().internal() && !TopicNames.isInternal(name)) {
                throw unknown(name);
            }
            try {
                store.delete(topic.info().name(), topic.entry().version());
            } catch (MetadataConflictException | MetadataStoreException e) {
                throw new EngineException(e instanceof MetadataConflictException ? SqlStates.SERIALIZATION_FAILURE
                        : SqlStates.IO_ERROR, "cannot drop topic " + name + ": " + e.getMessage(), e);
            }
            // Committed: the name is free. The files follow.
            topic.markDropped();
            topics.remove(key(name));
            for (Partition p : topic.partitions()) {
                try {
                    p.close();
                } catch (RuntimeException e) {
                    LOG.warn("Closing {} of dropped topic {} failed: {}", p, name, e.toString());
                }
            }
            try {
                Path trashed = moveToTrash(topic.dir, "DROP TOPIC " + topic.info().name());
                scheduler.execute(() -> deleteTrashed(trashed));
            } catch (IOException e) {
                LOG.warn("Cannot move {} of dropped topic {} to the trash; the next start will: {}", topic.dir, name,
                        e.toString());
            }
            LOG.info("Dropped topic {}", topic.info().name());
        } finally {
            catalogLock.unlock();
        }
    }

    @Override
    public Optional<TopicInfo> topic(String name) {
        ensureOpen();
        LocalTopic topic = topics.get(key(name));
        return topic == null ? Optional.empty() : Optional.of(topic.info());
    }

    @Override
    public List<TopicInfo> topics() {
        ensureOpen();
        List<TopicInfo> out = new ArrayList<>();
        for (LocalTopic t : topics.values()) {
            if (!t.info().internal()) {
                out.add(t.info());
            }
        }
        out.sort(Comparator.comparing((TopicInfo t) -> t.name().toLowerCase(Locale.ROOT)).thenComparing(TopicInfo::name));
        return out;
    }

    @Override
    public List<PartitionStatus> partitionStatus(String name) {
        ensureOpen();
        LocalTopic topic = require(name);
        List<PartitionStatus> out = new ArrayList<>();
        List<Integer> replicas = List.of(config.brokerId());
        for (Partition p : topic.partitions()) {
            out.add(new PartitionStatus(topic.info().name(), p.partition(), config.brokerId(), p.leaderEpoch(), replicas,
                    replicas, p.logStartOffset(), p.highWatermark(), p.logEndOffset(), p.log().sizeInBytes()));
        }
        return out;
    }

    // ------------------------------------------------------------------ produce

    @Override
    public ProduceResult produce(String topicName, List<PartitionBatch> batches, Acks acks, long timeoutMs) {
        ensureOpen();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMs));
        LocalTopic topic = require(topicName);
        TopicInfo info = topic.info();
        if (batches.isEmpty()) {
            return new ProduceResult(List.of());
        }
        RecordBatch[] wrapped = validate(topic, info, batches);
        if (acks == Acks.NONE) {
            acksZeroAppender.execute(() -> {
                try {
                    append(topic, batches, wrapped, Long.MAX_VALUE);
                } catch (RuntimeException e) {
                    LOG.warn("acks=0 produce to topic {} failed after it was acknowledged: {}", topic.info().name(),
                            e.getMessage());
                }
            });
            List<ProduceResult.Appended> out = new ArrayList<>();
            for (int i = 0; i < batches.size(); i++) {
                // Offsets are unknown with acks=0: -1, with lastOffset such that rowCount() is the batch's rows.
                out.add(new ProduceResult.Appended(batches.get(i).partition(), -1, wrapped[i].recordCount() - 2,
                        BatchFormat.NO_TIMESTAMP));
            }
            return new ProduceResult(out);
        }
        return append(topic, batches, wrapped, deadline);
    }

    /** Checks every batch; appends nothing, throws the first problem. */
    private RecordBatch[] validate(LocalTopic topic, TopicInfo info, List<PartitionBatch> batches) {
        String name = info.name();
        RecordBatch[] wrapped = new RecordBatch[batches.size()];
        int eventTimeColumn = info.config().timestampColumn() == null ? -1
                : TopicDefinitions.resolve(info.currentSchema(), info.config().timestampColumn());
        BatchValidator validator = validators.borrow();
        try {
            for (int i = 0; i < batches.size(); i++) {
                PartitionBatch pb = batches.get(i);
                topic.partition(pb.partition());
                String where = where(batches, i, pb.partition(), name);
                ByteBuffer buffer = pb.batch();
                if (buffer == null || !buffer.hasRemaining()) {
                    throw new EngineException(SqlStates.DATA_EXCEPTION, where + " is empty");
                }
                if (buffer.remaining() > info.config().maxBatchBytes()) {
                    throw new EngineException(SqlStates.PROGRAM_LIMIT_EXCEEDED, where + " has " + buffer.remaining()
                            + " bytes, more than the topic's max_batch_bytes of " + info.config().maxBatchBytes()
                            + "; split it into smaller batches");
                }
                try {
                    RecordBatch rb = RecordBatch.wrap(buffer);
                    if (rb.sizeInBytes() != buffer.remaining()) {
                        throw new EngineException(SqlStates.DATA_CORRUPTED, where + " is corrupt: its length field says "
                                + rb.sizeInBytes() + " bytes, the buffer holds " + buffer.remaining());
                    }
                    Schema schema = topic.schema(rb.schemaId());
                    validator.validate(rb, schema);
                    checkTimestamps(info, rb, schema, eventTimeColumn, where);
                    wrapped[i] = rb;
                } catch (RuntimeException e) {
                    throw StorageErrors.map(e, name, where);
                }
            }
        } finally {
            validators.release(validator);
        }
        return wrapped;
    }

    private static String where(List<PartitionBatch> batches, int i, int partition, String topic) {
        return (batches.size() == 1 ? "batch" : "batch " + (i + 1) + " of " + batches.size()) + " for partition "
                + partition + " of topic " + topic;
    }

    /**
     * An event-time topic takes event-time batches only, whose event-time column has no NULL and whose
     * header timestamps (not CRC-covered) match that column's statistics (CRC-covered); an append-time
     * topic takes append-time batches only.
     */
    private static void checkTimestamps(TopicInfo info, RecordBatch rb, Schema schema, int eventTimeColumn, String where) {
        if (eventTimeColumn < 0) {
            if (rb.isEventTime()) {
                throw new EngineException(SqlStates.DATA_EXCEPTION, where + ": the batch carries event-time timestamps, but topic "
                        + info.name() + " uses append time (no timestamp option); build it without an event-time column");
            }
            return;
        }
        String column = info.currentSchema().column(eventTimeColumn).name();
        if (!rb.isEventTime()) {
            throw new EngineException(SqlStates.DATA_EXCEPTION, where + ": topic " + info.name() + " uses event time from column "
                    + column + ", but the batch is append-time; build it with that column as its event-time column");
        }
        int d = rb.findColumn(eventTimeColumn);
        if (d < 0 || eventTimeColumn >= schema.columnCount()) {
            throw new EngineException(SqlStates.DATA_EXCEPTION, where + ": the batch lacks event-time column " + column);
        }
        if (rb.nullCount(d) > 0) {
            throw new EngineException(SqlStates.NOT_NULL_VIOLATION, where + ": column " + column + " is the event-time column of topic "
                    + info.name() + " and must not be NULL (" + rb.nullCount(d) + " NULLs)");
        }
        if ((rb.statsFlags(d) & BatchFormat.STATS_INT64) == 0 || rb.minRaw(d) != rb.firstTimestamp()
                || rb.maxRaw(d) != rb.maxTimestamp()) {
            throw new EngineException(SqlStates.DATA_CORRUPTED, where + " is corrupt: header timestamps "
                    + rb.firstTimestamp() + ".." + rb.maxTimestamp() + " differ from the range of column " + column + " "
                    + rb.minRaw(d) + ".." + rb.maxRaw(d));
        }
    }

    /** Appends validated batches all-or-nothing (see the class comment). */
    private ProduceResult append(LocalTopic topic, List<PartitionBatch> batches, RecordBatch[] wrapped, long deadlineNanos) {
        String name = topic.info().name();
        int[] order = batches.stream().mapToInt(PartitionBatch::partition).distinct().sorted().toArray();
        Partition[] locked = new Partition[order.length];
        long[] endBefore = new long[order.length];
        int lockedCount = 0;
        try {
            for (int i = 0; i < order.length; i++) {
                Partition p = topic.partition(order[i]);
                long remaining = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
                boolean ok;
                try {
                    ok = p.tryLockForAppend(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EngineException(SqlStates.QUERY_CANCELED, "produce to topic " + name
                            + " was interrupted before appending anything");
                }
                if (!ok) {
                    throw new EngineException(SqlStates.QUERY_CANCELED, "produce to topic " + name + " timed out waiting for partition "
                            + order[i] + " (other producers hold it); nothing was appended");
                }
                locked[i] = p;
                endBefore[i] = p.logEndOffset();
                lockedCount++;
            }
            if (topic.isDropped()) {
                throw unknown(name);
            }
            List<ProduceResult.Appended> out = new ArrayList<>(batches.size());
            int current = -1;
            try {
                for (int i = 0; i < batches.size(); i++) {
                    current = i;
                    Partition p = locked[Arrays.binarySearch(order, batches.get(i).partition())];
                    LogAppendInfo appended = p.appendLocked(batches.get(i).batch());
                    out.add(new ProduceResult.Appended(p.partition(), appended.firstOffset(), appended.lastOffset(),
                            appended.maxTimestamp()));
                }
            } catch (RuntimeException e) {
                rollback(locked, endBefore, lockedCount, name);
                int partition = batches.get(current).partition();
                throw StorageErrors.map(e, name, where(batches, current, partition, name));
            }
            for (int i = 0; i < lockedCount; i++) {
                locked[i].publishLocked();
            }
            return new ProduceResult(out);
        } finally {
            for (int i = 0; i < lockedCount; i++) {
                locked[i].unlockAppend();
            }
        }
    }

    private static void rollback(Partition[] locked, long[] endBefore, int count, String topic) {
        for (int i = 0; i < count; i++) {
            Partition p = locked[i];
            if (p.logEndOffset() == endBefore[i]) {
                continue;
            }
            try {
                p.rollbackLocked(endBefore[i]);
            } catch (RuntimeException e) {
                LOG.error("Cannot roll back {} of topic {} to offset {} after a failed produce: {}", p, topic, endBefore[i],
                        e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ read

    @Override
    public TopicReader openReader(ReadRequest request) {
        ensureOpen();
        LocalTopic topic = require(request.topic());
        LocalTopicReader reader = new LocalTopicReader(this, topic, request);
        readers.add(reader);
        if (closed) {
            reader.close();
            ensureOpen();
        }
        return reader;
    }

    void readerClosed(LocalTopicReader reader) {
        readers.remove(reader);
    }

    @Override
    public long offsetForTimestamp(String topicName, int partition, long timestampMs) {
        ensureOpen();
        LocalTopic topic = require(topicName);
        Partition p = topic.partition(partition);
        try {
            return Math.max(p.logStartOffset(), Math.min(p.log().offsetForTimestamp(timestampMs), p.highWatermark()));
        } catch (RuntimeException e) {
            throw StorageErrors.map(e, topic.info().name(), "partition " + partition + " of topic " + topic.info().name());
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Stops maintenance, finishes queued acks=0 appends, closes every reader (their polls fail with
     * 57014), flushes and closes every log (writing clean-shutdown markers), and releases the data
     * directory. Idempotent.
     */
    @Override
    public void close() {
        catalogLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            catalogLock.unlock();
        }
        scheduler.shutdownNow();
        acksZeroAppender.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Maintenance did not stop within 30 s; closing anyway");
            }
            if (!acksZeroAppender.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("acks=0 appends did not finish within 30 s; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (LocalTopicReader r : List.copyOf(readers)) {
            r.close();
        }
        closePartitionsQuietly();
        store.close();
        validators.close();
        releaseQuietly(dirLock, lockChannel);
        LOG.info("Engine on {} closed", dataDir);
    }

    private void closePartitionsQuietly() {
        for (LocalTopic topic : topics.values()) {
            for (Partition p : topic.partitions()) {
                try {
                    p.close();
                } catch (RuntimeException e) {
                    LOG.warn("Closing {} failed (the next start recovers it): {}", p, e.toString());
                }
            }
        }
    }

    /**
     * Abandons the engine as a crash would: stops its threads and releases the directory lock, but
     * closes no log (no flush, no clean-shutdown marker). For tests of recovery in one JVM.
     */
    void abandonForTesting() {
        closed = true;
        scheduler.shutdownNow();
        acksZeroAppender.shutdownNow();
        releaseQuietly(dirLock, lockChannel);
    }

    /** The partition object, for tests in this package. */
    Partition partitionForTesting(String topic, int partition) {
        return require(topic).partition(partition);
    }

    // ------------------------------------------------------------------ helpers

    private void lockCatalog() {
        catalogLock.lock();
    }

    private void ensureOpen() {
        if (closed) {
            throw new EngineException(SqlStates.CONNECTION_FAILURE, "the engine on " + dataDir + " is closed");
        }
    }

    private LocalTopic require(String name) {
        LocalTopic topic = name == null ? null : topics.get(key(name));
        if (topic == null) {
            throw unknown(name);
        }
        return topic;
    }

    private static EngineException unknown(String name) {
        return new EngineException(SqlStates.UNDEFINED_TABLE, "topic " + name + " does not exist");
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
