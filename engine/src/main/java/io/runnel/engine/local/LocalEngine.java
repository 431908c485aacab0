package io.runnel.engine.local;

import io.runnel.engine.Acks;
import io.runnel.engine.BrokerStatus;
import io.runnel.engine.Engine;
import io.runnel.engine.EngineException;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.engine.TopicSpec;
import io.runnel.engine.catalog.FileMetadataStore;
import io.runnel.engine.catalog.MetadataConflictException;
import io.runnel.engine.catalog.MetadataStoreException;
import io.runnel.engine.catalog.TopicDefinitions;
import io.runnel.engine.catalog.TopicNames;
import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.cluster.BrokerInfo;
import io.runnel.engine.cluster.BrokerTransport;
import io.runnel.engine.cluster.BrokerTransport.ForwardedProduce;
import io.runnel.engine.cluster.BrokerTransport.OffsetsRequest;
import io.runnel.engine.cluster.BrokerTransport.PartitionOffsets;
import io.runnel.engine.cluster.BrokerTransport.RemoteRead;
import io.runnel.engine.cluster.BrokerTransport.RemoteReadRequest;
import io.runnel.engine.cluster.ClusterMetadata;
import io.runnel.engine.cluster.ClusterServices;
import io.runnel.engine.cluster.MetadataImage;
import io.runnel.engine.cluster.NotEnoughReplicasException;
import io.runnel.engine.cluster.NotLeaderException;
import io.runnel.engine.cluster.PartitionAssignment;
import io.runnel.engine.cluster.PartitionImage;
import io.runnel.engine.cluster.PartitionReassignment;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.cluster.ReplicaAssignor;
import io.runnel.engine.cluster.ReplicaFetchers;
import io.runnel.engine.cluster.StandaloneMetadata;
import io.runnel.engine.cluster.TopicImage;
import io.runnel.engine.cluster.TopicPartition;
import io.runnel.engine.fs.AtomicFiles;
import io.runnel.engine.local.LocalTopic.Route;
import io.runnel.engine.local.LocalTopic.Slot;
import io.runnel.engine.partition.Partition;
import io.runnel.storage.format.BatchFormat;
import io.runnel.storage.format.BatchValidator;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ProducerSequences;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.log.LogAppendInfo;
import io.runnel.storage.log.LogConfig;
import io.runnel.storage.log.LogReadResult;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of one broker: hosts the partition replicas the cluster metadata assigns to it, leads or
 * follows each as the metadata says, and routes every other produce and read to the partition's
 * leader — so a client connected to any broker reads and writes every topic (design notes 0004, 0007).
 *
 * <p>Two ways to open it: {@link #open(EngineConfig)} runs a broker alone over the file catalog
 * ({@link StandaloneMetadata}: every partition local, leading at epoch 0) — embedded and test use;
 * {@link #open(EngineConfig, Clock, ClusterServices)} runs a cluster broker over the services the
 * replication module provides (ZooKeeper metadata, Netty transport, follower fetchers). The code paths
 * above the {@link ClusterMetadata} are the same.
 *
 * <pre>
 * &lt;data&gt;/.lock                          held while an engine has the directory open
 * &lt;data&gt;/meta/topics/&lt;name&gt;.json         the standalone catalog ({@link FileMetadataStore})
 * &lt;data&gt;/topics/&lt;topic&gt;/topic-id          the UUID of the topic the directory belongs to
 * &lt;data&gt;/topics/&lt;topic&gt;/&lt;partition&gt;/     one partition replica's log (docs/format/segment.md)
 * &lt;data&gt;/trash/&lt;uuid&gt;/                  dropped topics' and unassigned replicas' directories, deleted in the background
 * </pre>
 *
 * <p><b>Metadata images.</b> The engine reconciles its replicas against every new {@link MetadataImage}
 * (one at a time, in order): it opens replicas newly assigned here, makes each leader or follower per
 * its partition state (starting and stopping the fetchers), closes and trashes replicas of dropped
 * topics, and points every partition's {@link Route} at its leader. DDL writes the metadata and waits
 * until this broker applied its own change (read-your-writes).
 *
 * <p><b>Produce.</b> Every batch is validated here before any is appended (all-or-nothing validation).
 * Batches are grouped by partition leader: those this broker leads are appended with their partitions'
 * append locks held (taken in partition order, within the timeout) and cut off again if one fails
 * before publishing; the others are forwarded to their leaders. {@code acks=1} completes at publish,
 * {@code acks=all} when the high watermark passes the rows. A "not leader" answer (nothing appended) is
 * retried against the new leader within the timeout.
 *
 * <p><b>Maintenance.</b> One scheduled thread runs retention and age-based rolls every
 * {@link EngineConfig#retentionCheckIntervalMs()}, interval flushes, trash deletion, and the leaders' ISR
 * checks every half {@link EngineConfig#replicaLagTimeMaxMs()}.
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
    /**
     * The batch-size bound given to every partition log: the largest max_batch_bytes a topic can
     * have, so that lowering the option later never makes recovery cut batches written before.
     * The topic's own limit is enforced by produce.
     */
    static final int LOG_MAX_BATCH_BYTES = (1 << 30) + 4096;
    /** How long a remote reader's fetch may wait at the leader for new rows. */
    static final long REMOTE_LONG_POLL_MS = 500;
    /** Bound of a request to another broker made while opening a reader or reporting status. */
    static final long REMOTE_REQUEST_TIMEOUT_MS = 10_000;
    /**
     * How long {@code sys.partitions} waits for remote leaders' offsets: a leader that does not answer
     * (partitioned, paused) shows -1 offsets rather than hold the query for the full request timeout.
     */
    static final long STATUS_REQUEST_TIMEOUT_MS = 2_000;
    private static final long PROGRESS_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Between two attempts of a produce whose partition has no reachable leader. */
    private static final long ROUTE_RETRY_MS = 100;

    private final EngineConfig config;
    private final Clock clock;
    private final int brokerId;
    private final Path dataDir;
    private final Path topicsDir;
    private final Path trashDir;
    private final ClusterMetadata metadata;
    private final BrokerTransport transport;
    private final ReplicaFetchers fetchers;
    private final FileChannel lockChannel;
    private final FileLock dirLock;
    /** Lower-cased name to topic. Changed by image application; read lock-free. */
    private final ConcurrentHashMap<String, LocalTopic> topics = new ConcurrentHashMap<>();
    /** Serializes DDL and close. */
    private final ReentrantLock catalogLock = new ReentrantLock();
    /** Serializes image application. Never held while calling the metadata or waiting for another broker. */
    private final ReentrantLock imageLock = new ReentrantLock();
    /** Notified (under itself) when an image was applied; DDL and routing wait on it. */
    private final Object imageApplied = new Object();
    /** Written under {@link #imageLock}; read by routing, status, DDL waits. */
    private volatile MetadataImage appliedImage = MetadataImage.EMPTY;
    private final Set<LocalTopicReader> readers = ConcurrentHashMap.newKeySet();
    private final ValidatorPool validators = new ValidatorPool(Runtime.getRuntime().availableProcessors() * 2);
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor acksZeroAppender;
    /** {@link #duplicateBatches()}. */
    private final LongAdder duplicateBatches = new LongAdder();
    /** {@link #idempotentRetries()}. */
    private final LongAdder idempotentRetries = new LongAdder();
    /** Disk reads for other brokers' readers that waited (off the thread that advanced the high watermark). */
    private final ExecutorService remoteReadExecutor;
    /** Set by close(); read by every public method. */
    private volatile boolean closed;

    private LocalEngine(EngineConfig config, Clock clock, FileChannel lockChannel, FileLock dirLock, ClusterServices services) {
        this.config = config;
        this.clock = clock;
        this.brokerId = services.metadata().localBrokerId();
        if (brokerId != config.brokerId()) {
            throw new IllegalArgumentException("the cluster metadata serves broker " + brokerId + ", the engine is configured as "
                    + config.brokerId());
        }
        this.dataDir = config.dataDir();
        this.topicsDir = dataDir.resolve(TOPICS_DIR);
        this.trashDir = dataDir.resolve(TRASH_DIR);
        this.lockChannel = lockChannel;
        this.dirLock = dirLock;
        this.metadata = services.metadata();
        this.transport = services.transport();
        this.fetchers = services.fetchers();
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "runnel-engine-maintenance-" + brokerId));
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        this.acksZeroAppender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.acksZeroQueueBatches()), r -> daemon(r, "runnel-engine-acks0-appender-" + brokerId),
                LocalEngine::waitForAcksZeroQueue);
        this.remoteReadExecutor = Executors.newFixedThreadPool(2, r -> daemon(r, "runnel-engine-remote-read-" + brokerId));
    }

    /**
     * A full acks=0 queue makes the producer wait for space (back-pressure) rather than run its append
     * itself: that would overtake the queued appends, and an idempotent producer's batch stored before
     * its predecessor makes the predecessor be refused as out of order (40R04). FIFO keeps their order.
     */
    private static void waitForAcksZeroQueue(Runnable task, ThreadPoolExecutor executor) {
        if (executor.isShutdown()) {
            return; // closing: as before, an acks=0 produce not yet appended is dropped
        }
        try {
            executor.getQueue().put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.RejectedExecutionException("interrupted while waiting for space in the acks=0 queue");
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Opens a standalone engine over {@code config.dataDir()} with the system clock. */
    public static LocalEngine open(EngineConfig config) {
        return open(config, Clock.systemUTC());
    }

    /**
     * Opens a standalone engine: takes the data directory's lock, loads the file catalog, opens (and if
     * needed recovers) every partition as its leader at epoch 0, and starts maintenance.
     *
     * @param clock the time of append timestamps, segment age, retention and ISR lag
     * @throws EngineException 55006 when another engine holds the directory; 58030 on I/O errors
     */
    public static LocalEngine open(EngineConfig config, Clock clock) {
        return open(config, clock, null);
    }

    /**
     * Opens a cluster broker's engine over {@code services}: takes the data directory's lock, trashes
     * directories the metadata does not assign here, opens the assigned replicas in their roles, and
     * starts maintenance. With {@code services} null, a standalone engine over the file catalog.
     *
     * @throws EngineException 55006 when another engine holds the directory; 58030 on I/O errors
     */
    public static LocalEngine open(EngineConfig config, Clock clock, ClusterServices services) {
        Path data = config.dataDir();
        FileChannel channel = null;
        FileLock lock = null;
        ClusterMetadata standalone = null;
        try {
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
            if (services == null) {
                Files.createDirectories(data.resolve(META_DIR).resolve(CATALOG_DIR));
                FileMetadataStore store = FileMetadataStore.open(data.resolve(META_DIR).resolve(CATALOG_DIR),
                        data.resolve(META_DIR).resolve(CATALOG_TMP_DIR));
                standalone = new StandaloneMetadata(store, config.brokerId());
                services = new ClusterServices(standalone, BrokerTransport.NONE, ReplicaFetchers.NONE);
            }
            LocalEngine engine = new LocalEngine(config, clock, channel, lock, services);
            try {
                engine.load();
            } catch (RuntimeException e) {
                engine.closePartitionsQuietly();
                engine.remoteReadExecutor.shutdownNow();
                throw e;
            }
            engine.startMaintenance();
            return engine;
        } catch (IOException | MetadataStoreException | UncheckedIOException e) {
            closeQuietly(standalone);
            releaseQuietly(lock, channel);
            throw new EngineException(SqlStates.IO_ERROR, "cannot open data directory " + data + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(standalone);
            releaseQuietly(lock, channel);
            throw e;
        }
    }

    private static void closeQuietly(ClusterMetadata m) {
        if (m != null) {
            try {
                m.close();
            } catch (RuntimeException e) {
                LOG.warn("Cannot close the catalog: {}", e.toString());
            }
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

    /** This broker's id. */
    public int brokerId() {
        return brokerId;
    }

    /** The last metadata image this engine applied. */
    public MetadataImage appliedImage() {
        return appliedImage;
    }

    // ------------------------------------------------------------------ startup

    private void load() throws IOException {
        long started = System.nanoTime();
        MetadataImage image = metadata.image();
        // Directories nobody owns: a DROP or failed CREATE interrupted by a crash, an older topic of the
        // same name, or replicas no longer assigned to this broker.
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(topicsDir)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                TopicImage owner = image.topic(name);
                if (owner == null || !owner.info().name().equals(name)
                        || !owner.info().topicId().toString().equals(readTopicId(dir))) {
                    moveToTrash(dir, owner == null ? "no catalog entry" : "it belongs to an older topic " + name);
                    continue;
                }
                try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, Files::isDirectory)) {
                    for (Path part : parts) {
                        int p = parsePartition(part.getFileName().toString());
                        if (p < 0 || p >= owner.info().partitions() || !owner.partition(p).replicas().contains(brokerId)) {
                            moveToTrash(part, "partition " + part.getFileName() + " of topic " + name
                                    + " is not assigned to broker " + brokerId);
                        }
                    }
                }
            }
        }
        applyImage(image);
        metadata.addListener(this::onImage);
        int hosted = 0;
        for (LocalTopic t : topics.values()) {
            hosted += t.replicas().size();
        }
        LOG.info("Engine of broker {} on {} open: {} topics, {} local replicas in {} ms", brokerId, dataDir, topics.size(),
                hosted, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static int parsePartition(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String readTopicId(Path dir) {
        try {
            return Files.readString(dir.resolve(TOPIC_ID_FILE), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** Creates the topic's directory with its {@code topic-id}; a leftover of an older topic of the same name goes to the trash first. */
    private void ensureTopicDir(Path dir, TopicInfo info) throws IOException {
        String owner = readTopicId(dir);
        if (Files.exists(dir) && owner != null && !owner.equals(info.topicId().toString())) {
            moveToTrash(dir, "left over from an older topic " + info.name());
        }
        Files.createDirectories(dir);
        if (!info.topicId().toString().equals(readTopicId(dir))) {
            AtomicFiles.write(dir.resolve(TOPIC_ID_FILE), (info.topicId() + "\n").getBytes(StandardCharsets.US_ASCII));
            AtomicFiles.fsyncDirectory(topicsDir);
        }
    }

    LogConfig logConfig(io.runnel.engine.TopicConfig topic) {
        return new LogConfig(topic.segmentBytes(), topic.segmentMs(), topic.retentionMs(), topic.retentionBytes(),
                config.indexIntervalBytes(), config.maxIndexBytes(), LOG_MAX_BATCH_BYTES, config.flushPolicy(),
                config.producerIdExpirationMs());
    }

    private void startMaintenance() {
        if (!config.backgroundTasks()) {
            return;
        }
        long interval = config.retentionCheckIntervalMs();
        scheduler.scheduleWithFixedDelay(this::runRetentionQuietly, interval, interval, TimeUnit.MILLISECONDS);
        if (!config.flushPolicy().isOs() && !config.flushPolicy().isEveryBatch()) {
            long flushMs = config.flushPolicy().intervalMs();
            scheduler.scheduleWithFixedDelay(this::flushDueQuietly, flushMs, flushMs, TimeUnit.MILLISECONDS);
        }
        long isrCheckMs = Math.max(1, config.replicaLagTimeMaxMs() / 2);
        scheduler.scheduleWithFixedDelay(this::runIsrChecksQuietly, isrCheckMs, isrCheckMs, TimeUnit.MILLISECONDS);
        scheduler.execute(this::emptyTrash);
    }

    // ------------------------------------------------------------------ metadata images

    private void onImage(MetadataImage image) {
        if (closed) {
            return;
        }
        try {
            applyImage(image);
        } catch (RuntimeException e) {
            LOG.error("Broker {} failed to apply metadata image {}: {}", brokerId, image.sequence(), e.toString(), e);
        }
    }

    /**
     * Reconciles the local replicas with {@code image} (see the class comment). Public for the
     * replication simulation, which delivers images on its own schedule; a cluster broker's metadata
     * calls it through the listener.
     */
    public void applyImage(MetadataImage image) {
        imageLock.lock();
        try {
            if (closed || image.sequence() < appliedImage.sequence()) {
                return;
            }
            for (TopicImage ti : image.topics().values()) {
                applyTopic(ti, image);
            }
            for (LocalTopic topic : List.copyOf(topics.values())) {
                TopicImage ti = image.topic(topic.info().name());
                if (ti == null || !ti.info().topicId().equals(topic.info().topicId())) {
                    dropLocally(topic);
                }
            }
            appliedImage = image;
        } finally {
            imageLock.unlock();
        }
        synchronized (imageApplied) {
            imageApplied.notifyAll();
        }
        for (LocalTopicReader r : readers) {
            r.nudge();
        }
    }

    /** Guarded by {@link #imageLock}. */
    private void applyTopic(TopicImage ti, MetadataImage image) {
        TopicInfo info = ti.info();
        String key = key(info.name());
        LocalTopic topic = topics.get(key);
        if (topic != null && !topic.info().topicId().equals(info.topicId())) {
            dropLocally(topic); // an older topic of the same name
            topic = null;
        }
        if (topic == null) {
            topic = new LocalTopic(topicsDir.resolve(info.name()), ti.entry());
            topics.put(key, topic);
            LOG.info("Broker {} learned topic {} ({} partitions, id {})", brokerId, info.name(), info.partitions(), info.topicId());
        } else if (ti.entry().version() > topic.entry().version()) {
            TopicInfo before = topic.info();
            topic.setEntry(ti.entry());
            if (!before.config().equals(info.config())) {
                LogConfig logConfig = logConfig(info.config());
                for (Partition p : topic.replicas()) {
                    try {
                        p.updateConfig(logConfig);
                    } catch (RuntimeException e) {
                        LOG.warn("Cannot apply the new settings of topic {} to {}: {}", info.name(), p, e.toString());
                    }
                }
            }
        }
        topic.ensureSlots(info.partitions());
        for (Slot slot : topic.slots()) {
            if (slot.partition < info.partitions()) {
                applyPartition(topic, info, slot, ti.partition(slot.partition), image);
            }
        }
    }

    /** Guarded by {@link #imageLock}. */
    private void applyPartition(LocalTopic topic, TopicInfo info, Slot slot, PartitionImage pi, MetadataImage image) {
        Versioned<PartitionState> versioned = pi.state();
        PartitionState state = versioned == null || !versioned.value().topicId().equals(info.topicId()) ? null
                : versioned.value();
        slot.route = state == null ? Route.UNKNOWN
                : new Route(state.leader(), state.leaderEpoch(), pi.replicas(), state.isr(), pi.addingReplicas(),
                        pi.removingReplicas());
        Partition replica = slot.replica;
        boolean assigned = pi.replicas().contains(brokerId);
        if (!assigned) {
            if (replica != null) {
                removeReplica(topic, slot, "it is no longer assigned to broker " + brokerId);
            }
            return;
        }
        if (replica == null) {
            try {
                ensureTopicDir(topic.dir, info);
                replica = Partition.open(info.name(), info.topicId(), slot.partition,
                        topic.dir.resolve(Integer.toString(slot.partition)), logConfig(info.config()), topic.schemas, clock,
                        brokerId);
            } catch (IOException | RuntimeException e) {
                RuntimeException re = e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
                if (slot.openFailure == null) {
                    LOG.error("Broker {} cannot open its replica of partition {} of topic {}: {}", brokerId, slot.partition,
                            info.name(), e.toString());
                }
                slot.openFailure = re;
                return;
            }
            slot.openFailure = null;
            replica.setIsrWriter(this::writeIsr);
            slot.replica = replica;
        }
        replica.setMinInsyncReplicas(info.config().minInsyncReplicas());
        replica.setWritesFenced(!image.current());
        replica.setLiveBrokers(image.liveBrokers().keySet());
        if (state == null) {
            return;
        }
        if (state.leader() == brokerId) {
            if (state.leaderEpoch() >= replica.leaderEpoch() && replica.role() == Partition.Role.FOLLOWER) {
                fetchers.unfollow(replica);
            }
            replica.makeLeader(state, versioned.version(), pi.replicas());
        } else if (replica.makeFollower(state, versioned.version(), pi.replicas())) {
            if (state.hasLeader()) {
                fetchers.follow(replica, state.leader(), state.leaderEpoch());
            } else {
                fetchers.unfollow(replica);
            }
        }
    }

    private CompletableFuture<Integer> writeIsr(Partition p, PartitionState state, int expectedVersion) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker " + brokerId + " is closing"));
        }
        return metadata.updatePartitionState(new TopicPartition(p.topic(), p.partition()), state, expectedVersion);
    }

    /** Guarded by {@link #imageLock}: the topic left the metadata (dropped, or replaced by a new one of the same name). */
    private void dropLocally(LocalTopic topic) {
        topic.markDropped();
        topics.remove(key(topic.info().name()), topic);
        for (Slot slot : topic.slots()) {
            Partition p = slot.replica;
            if (p != null) {
                fetchers.unfollow(p);
                try {
                    p.close();
                } catch (RuntimeException e) {
                    LOG.warn("Closing {} of dropped topic {} failed: {}", p, topic.info().name(), e.toString());
                }
            }
        }
        if (Files.exists(topic.dir) && topic.info().topicId().toString().equals(readTopicId(topic.dir))) {
            try {
                Path trashed = moveToTrash(topic.dir, "topic " + topic.info().name() + " was dropped");
                if (config.backgroundTasks()) {
                    scheduler.execute(() -> deleteTrashed(trashed));
                }
            } catch (IOException e) {
                LOG.warn("Cannot move {} of dropped topic {} to the trash; the next start will: {}", topic.dir,
                        topic.info().name(), e.toString());
            }
        }
        for (LocalTopicReader r : readers) {
            if (r.topic() == topic) {
                r.nudge();
            }
        }
        LOG.info("Broker {} dropped its copy of topic {}", brokerId, topic.info().name());
    }

    /** Guarded by {@link #imageLock}. */
    private void removeReplica(LocalTopic topic, Slot slot, String reason) {
        Partition p = slot.replica;
        slot.replica = null;
        fetchers.unfollow(p);
        try {
            p.close();
            Path trashed = moveToTrash(topic.dir.resolve(Integer.toString(slot.partition)), reason);
            if (config.backgroundTasks()) {
                scheduler.execute(() -> deleteTrashed(trashed)); // the log goes now, not at the next start
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot remove the replica {} ({}): {}", p, reason, e.toString());
        }
        LOG.info("Broker {} removed its replica of {}: {}", brokerId, p, reason);
    }

    /**
     * Waits until the applied image satisfies {@code condition}, at most {@code timeoutMs}.
     *
     * @return whether it did
     */
    private boolean awaitApplied(Predicate<MetadataImage> condition, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (imageApplied) {
            while (!condition.test(appliedImage)) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || closed) {
                    return condition.test(appliedImage);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(imageApplied, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EngineException(SqlStates.QUERY_CANCELED, "interrupted while waiting for the cluster metadata");
                }
            }
            return true;
        }
    }

    /** Waits for an image newer than {@code sequence}, at most {@code timeoutMs}. */
    private void awaitImageAfter(long sequence, long timeoutMs) {
        awaitApplied(i -> i.sequence() > sequence, Math.max(0, timeoutMs));
    }

    // ------------------------------------------------------------------ maintenance

    /**
     * Runs retention and age-based rolls on every local replica now (what the scheduler does every
     * {@code retentionCheckIntervalMs}).
     *
     * @return segments deleted
     */
    public int runRetention() {
        int deleted = 0;
        for (LocalTopic topic : topics.values()) {
            for (Partition p : topic.replicas()) {
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

    /** Runs every local leader's ISR check now (what the scheduler does every half replicaLagTimeMaxMs). */
    public void runIsrChecks() {
        for (LocalTopic topic : topics.values()) {
            for (Partition p : topic.replicas()) {
                if (closed) {
                    return;
                }
                if (p.isLeader()) {
                    try {
                        p.maybeShrinkIsr(config.replicaLagTimeMaxMs());
                    } catch (RuntimeException e) {
                        LOG.warn("ISR check of {} failed: {}", p, e.toString());
                    }
                }
            }
        }
    }

    private void runRetentionQuietly() {
        try {
            runRetention();
        } catch (RuntimeException e) {
            LOG.warn("Retention run failed: {}", e.toString());
        }
    }

    private void runIsrChecksQuietly() {
        try {
            runIsrChecks();
        } catch (RuntimeException e) {
            LOG.warn("ISR checks failed: {}", e.toString());
        }
    }

    private void flushDueQuietly() {
        for (LocalTopic topic : topics.values()) {
            for (Partition p : topic.replicas()) {
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
        AtomicFiles.fsyncDirectory(dir.getParent());
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
        catalogLock.lock();
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
            int brokers = Math.max(1, metadata.image().liveBrokers().size());
            TopicInfo info = TopicDefinitions.create(spec, config.defaultTopicConfig(), internal, UUID.randomUUID(),
                    clock.millis(), brokers);
            Versioned<TopicInfo> stored;
            try {
                stored = metadata.createTopic(info);
            } catch (MetadataConflictException e) {
                if (ifNotExists) {
                    awaitApplied(i -> i.topic(spec.name()) != null, config.metadataWaitMs());
                    LocalTopic now = topics.get(key(spec.name()));
                    if (now != null) {
                        return now.info();
                    }
                }
                throw exists(spec.name(), spec.name());
            } catch (MetadataStoreException e) {
                throw new EngineException(SqlStates.IO_ERROR, "cannot create topic " + spec.name() + ": " + e.getMessage(), e);
            }
            int version = stored.version();
            boolean seen = awaitApplied(i -> complete(i.topic(info.name()), info, version), config.metadataWaitMs());
            if (!seen) {
                throw new EngineException(SqlStates.QUERY_CANCELED, "topic " + info.name() + " was created, but broker "
                        + brokerId + " has not seen it in the cluster metadata within " + config.metadataWaitMs() + " ms");
            }
            RuntimeException failure = localOpenFailure(info);
            if (failure != null) {
                try {
                    metadata.deleteTopic(info.name(), version);
                } catch (RuntimeException cleanup) {
                    failure.addSuppressed(cleanup);
                }
                throw StorageErrors.map(failure, info.name(), "creating topic " + info.name());
            }
            LOG.info("Created topic {} ({} partitions, replication factor {}, id {})", info.name(), info.partitions(),
                    info.config().replicationFactor(), info.topicId());
            return info;
        } finally {
            catalogLock.unlock();
        }
    }

    /** The first error opening a local replica of the topic, or null. */
    private RuntimeException localOpenFailure(TopicInfo info) {
        LocalTopic topic = topics.get(key(info.name()));
        if (topic == null) {
            return null;
        }
        for (Slot s : topic.slots()) {
            if (s.openFailure != null) {
                return s.openFailure;
            }
        }
        return null;
    }

    private static EngineException exists(String requested, String existing) {
        return new EngineException(SqlStates.DUPLICATE_TABLE, "topic " + existing + " already exists"
                + (requested.equals(existing) ? "" : " (topic names are case-insensitive: " + requested + " is the same name)"));
    }

    @Override
    public TopicInfo alterTopic(String name, Map<String, String> options) {
        catalogLock.lock();
        try {
            ensureOpen();
            LocalTopic topic = require(name);
            if (topic.info().internal() && !TopicNames.isInternal(name)) {
                throw unknown(name);
            }
            TopicInfo before = topic.info();
            int brokers = Math.max(1, metadata.image().liveBrokers().size());
            TopicInfo after = TopicDefinitions.alter(before, options, Math.max(brokers, before.config().replicationFactor()));
            if (after.config().equals(before.config())) {
                return before;
            }
            int version = writeTopic(after, topic.entry().version(), "alter topic " + before.name());
            awaitVersion(after, version);
            RuntimeException failure = localOpenFailure(after);
            if (failure != null) {
                throw StorageErrors.map(failure, name, "adding partitions to topic " + before.name());
            }
            LOG.info("Altered topic {}: {}", before.name(), options);
            return after;
        } finally {
            catalogLock.unlock();
        }
    }

    private int writeTopic(TopicInfo after, int expectedVersion, String what) {
        try {
            return metadata.updateTopic(after, expectedVersion);
        } catch (MetadataConflictException e) {
            throw new EngineException(SqlStates.SERIALIZATION_FAILURE, "cannot " + what + ": it was changed concurrently ("
                    + e.getMessage() + "); retry", e);
        } catch (MetadataStoreException e) {
            throw new EngineException(SqlStates.IO_ERROR, "cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether an image holds the topic at {@code version} or later with every partition's assignment and
     * state: the metadata store may show a DDL's nodes one by one, and a DDL returns only when this broker
     * can route every partition.
     */
    private static boolean complete(TopicImage t, TopicInfo info, int version) {
        if (t == null || !t.info().topicId().equals(info.topicId()) || t.entry().version() < version) {
            return false;
        }
        for (int p = 0; p < t.info().partitions(); p++) {
            PartitionImage pi = t.partition(p);
            if (pi.replicas().isEmpty() || pi.state() == null || !pi.state().value().topicId().equals(info.topicId())) {
                return false;
            }
            // The entry and the assignment change in one transaction, but the image may show them one at a time:
            // a new replication factor is seen when the partitions' targets have that size too.
            if (pi.targetReplicas().size() != info.config().replicationFactor()) {
                return false;
            }
        }
        return true;
    }

    private void awaitVersion(TopicInfo info, int version) {
        boolean seen = awaitApplied(i -> {
            TopicImage t = i.topic(info.name());
            return t == null || !t.info().topicId().equals(info.topicId()) || complete(t, info, version);
        }, config.metadataWaitMs());
        if (!seen) {
            throw new EngineException(SqlStates.QUERY_CANCELED, "topic " + info.name() + " was changed, but broker " + brokerId
                    + " has not seen the change in the cluster metadata within " + config.metadataWaitMs() + " ms");
        }
    }

    @Override
    public TopicInfo addColumn(String name, Column column) {
        catalogLock.lock();
        try {
            ensureOpen();
            LocalTopic topic = require(name);
            TopicInfo after = TopicDefinitions.addColumn(topic.info(), column);
            int version = writeTopic(after, topic.entry().version(), "add column " + column.name() + " to topic " + name);
            awaitVersion(after, version);
            LOG.info("Added column {} to topic {} (schema {})", column.describe(), after.name(), after.currentSchema().schemaId());
            return after;
        } finally {
            catalogLock.unlock();
        }
    }

    @Override
    public void dropTopic(String name, boolean ifExists) {
        catalogLock.lock();
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
            TopicInfo info = topic.info();
            try {
                metadata.deleteTopic(info.name(), topic.entry().version());
            } catch (MetadataConflictException e) {
                throw new EngineException(SqlStates.SERIALIZATION_FAILURE, "cannot drop topic " + name
                        + ": it was changed concurrently (" + e.getMessage() + "); retry", e);
            } catch (MetadataStoreException e) {
                throw new EngineException(SqlStates.IO_ERROR, "cannot drop topic " + name + ": " + e.getMessage(), e);
            }
            // Committed: the name is free. This broker's files follow when it applies the change.
            awaitApplied(i -> {
                TopicImage t = i.topic(info.name());
                return t == null || !t.info().topicId().equals(info.topicId());
            }, config.metadataWaitMs());
            LOG.info("Dropped topic {}", info.name());
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

    /**
     * One row per partition: leader, epoch, replicas and ISR from the metadata; offsets and size from
     * the local replica when this broker leads it, else from the leader (-1 when it cannot be reached
     * within {@value #REMOTE_REQUEST_TIMEOUT_MS} ms, or there is no leader).
     */
    @Override
    public List<BrokerStatus> brokers() {
        ensureOpen();
        MetadataImage image = metadata.image();
        List<BrokerStatus> out = new ArrayList<>();
        for (BrokerInfo b : image.liveBrokers().values()) {
            int leaders = 0;
            int replicas = 0;
            for (TopicImage t : image.topics().values()) {
                for (PartitionImage p : t.partitions()) {
                    leaders += p.leader() == b.id() ? 1 : 0;
                    replicas += p.replicas().contains(b.id()) ? 1 : 0;
                }
            }
            out.add(new BrokerStatus(b.id(), b.host(), b.sqlPort(), b.brokerPort(), b.rack(), leaders, replicas));
        }
        return out;
    }

    @Override
    public List<PartitionStatus> partitionStatus(String name) {
        ensureOpen();
        LocalTopic topic = require(name);
        TopicInfo info = topic.info();
        List<PartitionStatus> out = new ArrayList<>();
        List<CompletableFuture<PartitionOffsets>> remote = new ArrayList<>();
        int count = topic.partitionCount();
        for (int p = 0; p < count; p++) {
            Slot slot = topic.slot(p);
            Route route = slot.route;
            Partition local = slot.replica;
            if (local != null && local.isLeader()) {
                remote.add(CompletableFuture.completedFuture(new PartitionOffsets(local.logStartOffset(), local.highWatermark(),
                        local.logEndOffset(), -1, local.leaderEpoch(), local.log().sizeInBytes())));
            } else if (route.hasLeader() && route.leader() != brokerId) {
                remote.add(transport.offsets(route.leader(), new OffsetsRequest(info.name(), info.topicId(), p,
                        OffsetsRequest.NO_TIMESTAMP)));
            } else {
                remote.add(null);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STATUS_REQUEST_TIMEOUT_MS);
        for (int p = 0; p < count; p++) {
            Route route = topic.slot(p).route;
            PartitionOffsets o = null;
            CompletableFuture<PartitionOffsets> f = remote.get(p);
            if (f != null) {
                try {
                    o = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("No offsets of {}-{} from broker {}: {}", info.name(), p, route.leader(), e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EngineException(SqlStates.QUERY_CANCELED, "interrupted while reading the status of topic " + name);
                }
            }
            out.add(new PartitionStatus(info.name(), p, route.leader(), route.leaderEpoch(), route.replicas(), route.isr(),
                    o == null ? -1 : o.logStartOffset(), o == null ? -1 : o.highWatermark(), o == null ? -1 : o.logEndOffset(),
                    o == null ? -1 : o.sizeBytes(), route.adding(), route.removing()));
        }
        return out;
    }

    // ------------------------------------------------------------------ partition moves

    @Override
    public int movePartitions(String name, Map<Integer, List<Integer>> targets) {
        catalogLock.lock();
        try {
            ensureOpen();
            MetadataImage image = metadata.image();
            TopicImage ti = image.topic(name);
            if (ti == null || !ti.info().name().equalsIgnoreCase(name)) {
                throw unknown(name);
            }
            TopicInfo info = ti.info();
            if (targets.isEmpty()) {
                throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + info.name() + ": no partition to move");
            }
            List<PartitionAssignment> assignment = new ArrayList<>();
            for (PartitionImage p : ti.partitions()) {
                if (p.replicas().isEmpty()) {
                    throw new EngineException(SqlStates.SERIALIZATION_FAILURE, "topic " + info.name() + ": partition "
                            + p.partition() + " has no assignment yet (the topic is being created or altered); retry");
                }
                assignment.add(PartitionAssignment.of(p));
            }
            int moving = 0;
            for (Map.Entry<Integer, List<Integer>> e : new TreeMap<>(targets).entrySet()) {
                int p = e.getKey();
                List<Integer> target = e.getValue();
                checkMoveTarget(info, p, target, image);
                PartitionImage pi = ti.partition(p);
                if (pi.isMoving()) {
                    throw new EngineException(SqlStates.OBJECT_IN_USE, "partition " + p + " of topic " + info.name()
                            + " is already moving from " + pi.reassignment().original() + " to " + pi.targetReplicas()
                            + "; wait until it completes (sys.partitions) or ALTER TOPIC " + info.name() + " CANCEL MOVE");
                }
                if (target.equals(pi.replicas())) {
                    continue; // there already
                }
                PartitionReassignment move = PartitionReassignment.start(pi.replicas(), target);
                // Only the order changes (a new preferred leader): no copy to wait for, stored as is.
                assignment.set(p, move.isReorder() ? PartitionAssignment.of(target) : PartitionAssignment.moving(move));
                moving++;
            }
            if (moving == 0) {
                return 0;
            }
            writeAssignment(info, assignment, ti.assignmentVersion(), "move partitions " + targets.keySet());
            LOG.info("Moving partitions of topic {}: {}", info.name(), targets);
            return moving;
        } finally {
            catalogLock.unlock();
        }
    }

    private static void checkMoveTarget(TopicInfo info, int p, List<Integer> target, MetadataImage image) {
        if (p < 0 || p >= info.partitions()) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + info.name() + " has " + info.partitions()
                    + " partition" + (info.partitions() == 1 ? "" : "s") + " (0 to " + (info.partitions() - 1) + "); there is no partition "
                    + p);
        }
        Set<Integer> seen = new HashSet<>();
        for (int b : target) {
            if (!seen.add(b)) {
                throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + info.name() + ": the target of partition "
                        + p + " " + target + " names broker " + b + " twice");
            }
            if (!image.isLive(b)) {
                throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + info.name() + ": cannot move partition "
                        + p + " to broker " + b + ": it is not a live broker (live: " + image.liveBrokers().keySet() + ")");
            }
        }
        int rf = info.config().replicationFactor();
        if (target.size() != rf) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + info.name() + " has replication_factor " + rf
                    + ", so partition " + p + " needs " + rf + " broker" + (rf == 1 ? "" : "s") + ", not " + target.size() + " "
                    + target + " (a move keeps the replication factor; ALTER TOPIC " + info.name()
                    + " SET (replication_factor = n) changes it)");
        }
    }

    @Override
    public Map<Integer, List<Integer>> spreadPartitions(String name, List<Integer> brokers) {
        MetadataImage image = metadata.image();
        TopicImage ti = image.topic(name);
        if (ti == null) {
            throw unknown(name);
        }
        TopicInfo info = ti.info();
        int rf = info.config().replicationFactor();
        if (new HashSet<>(brokers).size() != brokers.size()) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + info.name() + ": the broker list " + brokers
                    + " names a broker twice");
        }
        if (brokers.size() < rf) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + info.name() + " has replication_factor " + rf
                    + ": its partitions cannot be spread over " + brokers.size() + " broker" + (brokers.size() == 1 ? "" : "s") + " "
                    + brokers);
        }
        for (int b : brokers) {
            if (!image.isLive(b)) {
                throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + info.name() + ": cannot move partitions to broker "
                        + b + ": it is not a live broker (live: " + image.liveBrokers().keySet() + ")");
            }
        }
        Map<Integer, List<Integer>> targets = ReplicaAssignor.spread(currentReplicas(ti), brokers, rf);
        Map<Integer, List<Integer>> moves = new TreeMap<>();
        targets.forEach((p, target) -> {
            if (!target.equals(ti.partition(p).replicas())) {
                moves.put(p, target);
            }
        });
        if (!moves.isEmpty()) {
            movePartitions(info.name(), moves);
        }
        return moves;
    }

    private static List<List<Integer>> currentReplicas(TopicImage ti) {
        List<List<Integer>> out = new ArrayList<>();
        for (PartitionImage p : ti.partitions()) {
            out.add(p.targetReplicas());
        }
        return out;
    }

    @Override
    public int cancelMoves(String name) {
        catalogLock.lock();
        try {
            ensureOpen();
            TopicImage ti = metadata.image().topic(name);
            if (ti == null) {
                throw unknown(name);
            }
            List<PartitionAssignment> assignment = new ArrayList<>();
            int cancelled = 0;
            for (PartitionImage p : ti.partitions()) {
                if (!p.isMoving()) {
                    assignment.add(PartitionAssignment.of(p));
                    continue;
                }
                cancelled++;
                PartitionReassignment back = p.reassignment().reversed();
                // Back to the original replicas, which never left: the arriving ones leave again. With
                // nothing arriving (the move only removed replicas), there is nothing to wait for.
                assignment.add(p.addingReplicas().isEmpty() ? PartitionAssignment.of(back.target())
                        : PartitionAssignment.moving(back));
            }
            if (cancelled > 0) {
                writeAssignment(ti.info(), assignment, ti.assignmentVersion(), "cancel the moves of topic " + ti.info().name());
                LOG.info("Cancelled the moves of {} partition(s) of topic {}", cancelled, ti.info().name());
            }
            return cancelled;
        } finally {
            catalogLock.unlock();
        }
    }

    /** Writes a topic's assignment and waits (bounded) until this broker applied it, so that sys.partitions shows it. */
    private void writeAssignment(TopicInfo info, List<PartitionAssignment> assignment, int expectedVersion, String what) {
        try {
            metadata.updateAssignment(info.name(), info.topicId(), assignment, expectedVersion);
        } catch (MetadataConflictException e) {
            throw new EngineException(SqlStates.SERIALIZATION_FAILURE, "cannot " + what + " of topic " + info.name()
                    + ": its assignment was changed concurrently (" + e.getMessage() + "); retry", e);
        } catch (MetadataStoreException e) {
            throw new EngineException(SqlStates.IO_ERROR, "cannot " + what + " of topic " + info.name() + ": " + e.getMessage(), e);
        }
        awaitApplied(i -> {
            TopicImage t = i.topic(info.name());
            return t != null && t.assignmentVersion() > expectedVersion;
        }, config.metadataWaitMs());
    }

    // ------------------------------------------------------------------ produce

    @Override
    public long duplicateBatches() {
        return duplicateBatches.sum();
    }

    @Override
    public long idempotentRetries() {
        return idempotentRetries.sum();
    }

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
                    route(topic, batches, Acks.LEADER, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.metadataWaitMs()));
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
        return route(topic, batches, acks, deadline);
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
                topic.slot(pb.partition());
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

    /**
     * Sends each validated batch to its partition's leader — this broker or another — and waits for
     * all within the deadline. A group refused by a broker that is not (or no longer) the leader, with
     * nothing appended, is sent again to the leader the next image names.
     */
    private ProduceResult route(LocalTopic topic, List<PartitionBatch> batches, Acks acks, long deadlineNanos) {
        TopicInfo info = topic.info();
        String name = info.name();
        ProduceResult.Appended[] results = new ProduceResult.Appended[batches.size()];
        Set<Integer> pending = new java.util.TreeSet<>();
        for (int i = 0; i < batches.size(); i++) {
            pending.add(i);
        }
        Set<Integer> writtenPartitions = new java.util.TreeSet<>();
        RuntimeException lastRetriable = null;
        // Set once a group is resent after an unknown outcome: a later failure no longer means "nothing appended".
        boolean resentUnknown = false;
        while (!pending.isEmpty()) {
            long imageSequence = appliedImage.sequence();
            Map<Integer, List<Integer>> byLeader = new TreeMap<>();
            int leaderless = -1;
            for (int i : pending) {
                Slot slot = topic.slot(batches.get(i).partition());
                Route r = slot.route;
                Partition local = slot.replica;
                int leader = r.leader();
                if (local != null && local.isLeader()) {
                    leader = brokerId;
                } else if (!r.hasLeader() || leader == brokerId || !appliedImage.isLive(leader)) {
                    leaderless = slot.partition;
                    continue;
                }
                byLeader.computeIfAbsent(leader, k -> new ArrayList<>()).add(i);
            }
            if (byLeader.isEmpty()) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (remainingMs <= 0) {
                    throw outcome(resentUnknown, lastRetriable != null ? lastRetriable : new NotLeaderException("partition "
                            + leaderless + " of topic " + name + " has no leader now (an election is in progress or every "
                            + "in-sync replica is down); nothing was appended" + written(writtenPartitions), false));
                }
                awaitImageAfter(imageSequence, Math.min(remainingMs, ROUTE_RETRY_MS));
                continue;
            }
            Map<Integer, CompletableFuture<ProduceResult>> sent = new TreeMap<>();
            for (Map.Entry<Integer, List<Integer>> e : byLeader.entrySet()) {
                List<PartitionBatch> group = new ArrayList<>();
                for (int i : e.getValue()) {
                    group.add(batches.get(i));
                }
                long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
                CompletableFuture<ProduceResult> f;
                if (e.getKey() == brokerId) {
                    try {
                        f = appendLocal(topic, group, acks, deadlineNanos);
                    } catch (RuntimeException ex) {
                        f = CompletableFuture.failedFuture(ex);
                    }
                } else {
                    f = transport.produce(e.getKey(), new ForwardedProduce(name, info.topicId(), group, acks, remainingMs));
                }
                sent.put(e.getKey(), f);
            }
            RuntimeException failure = null;
            boolean retry = false;
            for (Map.Entry<Integer, CompletableFuture<ProduceResult>> e : sent.entrySet()) {
                List<Integer> indexes = byLeader.get(e.getKey());
                try {
                    ProduceResult r = waitFor(e.getValue(), deadlineNanos);
                    for (int j = 0; j < indexes.size(); j++) {
                        results[indexes.get(j)] = r.batches().get(j);
                        writtenPartitions.add(batches.get(indexes.get(j)).partition());
                    }
                    pending.removeAll(indexes);
                } catch (EngineException ee) {
                    boolean nothingAppended = ee instanceof NotLeaderException nl && !nl.outcomeUnknown();
                    // Appended by a leader that lost its leadership, or a leader that became unreachable with the
                    // request in flight: an idempotent group is sent again to whoever leads next, which stores it
                    // at most once (it has the producer's sequences from the old leader's log as far as it survived).
                    boolean outcomeUnknown = ee instanceof NotLeaderException nl ? nl.outcomeUnknown()
                            : SqlStates.CONNECTION_FAILURE.equals(ee.sqlState()) && e.getKey() != brokerId;
                    if (nothingAppended || (outcomeUnknown && idempotent(batches, indexes))) {
                        if (outcomeUnknown) {
                            idempotentRetries.increment();
                            resentUnknown = true;
                        }
                        retry = true;
                        lastRetriable = ee;
                    } else {
                        failure = failure == null ? ee : failure;
                    }
                } catch (TimeoutException te) {
                    failure = failure == null ? new EngineException(SqlStates.QUERY_CANCELED, "produce to topic " + name
                            + " timed out waiting for " + (e.getKey() == brokerId ? "this broker's" : "broker " + e.getKey() + "'s")
                            + " acknowledgement (acks=" + acks.text() + "); the rows may have been appended and may still be committed")
                            : failure;
                } catch (RuntimeException ex) {
                    failure = failure == null ? ex : failure;
                }
            }
            if (failure != null) {
                throw outcome(resentUnknown, withWritten(failure, writtenPartitions, name));
            }
            if (retry && !pending.isEmpty()) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (remainingMs <= 0) {
                    throw outcome(resentUnknown, withWritten(lastRetriable, writtenPartitions, name));
                }
                awaitImageAfter(imageSequence, Math.min(remainingMs, ROUTE_RETRY_MS));
            }
        }
        return new ProduceResult(Arrays.asList(results));
    }

    /**
     * Whether the batches at {@code indexes} may be sent again after an unknown outcome: each carries an
     * idempotent producer id, and no partition gets more of them than a leader remembers per producer
     * ({@link ProducerSequences#REMEMBERED_BATCHES}); otherwise a resent batch might not be recognized.
     */
    private static boolean idempotent(List<PartitionBatch> batches, List<Integer> indexes) {
        Map<Integer, Integer> perPartition = new HashMap<>();
        for (int i : indexes) {
            PartitionBatch b = batches.get(i);
            if (RecordBatch.wrap(b.batch().duplicate()).producerId() == BatchFormat.NO_PRODUCER_ID
                    || perPartition.merge(b.partition(), 1, Integer::sum) > ProducerSequences.REMEMBERED_BATCHES) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code failure} as the produce's error; after a resend of rows whose first attempt had an unknown
     * outcome, it says so (the failure itself may claim that nothing was appended by its own attempt).
     */
    private static RuntimeException outcome(boolean resentUnknown, RuntimeException failure) {
        if (!resentUnknown || !(failure instanceof EngineException ee)) {
            return failure;
        }
        return new EngineException(ee.sqlState(), ee.getMessage() + "; an earlier attempt of this produce had an unknown outcome,"
                + " so its rows may be stored (each at most once: the batches are idempotent)", ee);
    }

    private static String written(Set<Integer> partitions) {
        return partitions.isEmpty() ? "" : " (partitions " + partitions + " of this produce were written)";
    }

    private static RuntimeException withWritten(RuntimeException failure, Set<Integer> written, String topic) {
        if (written.isEmpty() || !(failure instanceof EngineException ee)) {
            return failure;
        }
        return new EngineException(ee.sqlState(), ee.getMessage() + "; partitions " + written + " of topic " + topic
                + " in this produce were written (a produce is atomic per leader, not across leaders)", ee);
    }

    /** Waits for a produce future until the deadline; unwraps its failure. */
    private static ProduceResult waitFor(CompletableFuture<ProduceResult> f, long deadlineNanos) throws TimeoutException {
        try {
            return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(SqlStates.QUERY_CANCELED, "interrupted while waiting for a produce; the rows may have been appended");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException te) {
                throw te;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new EngineException(SqlStates.INTERNAL_ERROR, "produce failed: " + cause, cause);
        }
    }

    /**
     * Appends validated batches of partitions this broker leads, all-or-nothing (see the class
     * comment), and returns a future completing when {@code acks} is satisfied (failing with
     * {@link TimeoutException} at the deadline, waiters released).
     *
     * @throws NotLeaderException (nothing appended) when a partition is not led here
     */
    private CompletableFuture<ProduceResult> appendLocal(LocalTopic topic, List<PartitionBatch> batches, Acks acks,
            long deadlineNanos) {
        String name = topic.info().name();
        int[] order = batches.stream().mapToInt(PartitionBatch::partition).distinct().sorted().toArray();
        Partition[] locked = new Partition[order.length];
        long[] endBefore = new long[order.length];
        int[] epochs = new int[order.length];
        long[] targets = new long[order.length];
        int lockedCount = 0;
        List<ProduceResult.Appended> out = new ArrayList<>(batches.size());
        try {
            for (int i = 0; i < order.length; i++) {
                Partition p = topic.slot(order[i]).replica;
                if (p == null) {
                    throw new NotLeaderException("partition " + order[i] + " of topic " + name + " has no replica on broker "
                            + brokerId + "; nothing was appended", false);
                }
                long remaining = deadlineNanos - System.nanoTime();
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
                lockedCount++;
                p.checkWritableLocked(acks == Acks.ALL);
                endBefore[i] = p.logEndOffset();
                epochs[i] = p.leaderEpoch();
            }
            if (topic.isDropped()) {
                throw unknown(name);
            }
            int current = -1;
            try {
                for (int i = 0; i < batches.size(); i++) {
                    current = i;
                    int index = Arrays.binarySearch(order, batches.get(i).partition());
                    Partition p = locked[index];
                    LogAppendInfo appended = p.appendLocked(batches.get(i).batch());
                    // A duplicate's offsets are the original's, possibly below this produce's new rows.
                    targets[index] = Math.max(targets[index], appended.nextOffset());
                    if (appended.duplicate()) {
                        duplicateBatches.increment();
                    }
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
        } finally {
            for (int i = 0; i < lockedCount; i++) {
                locked[i].unlockAppend();
            }
        }
        ProduceResult result = new ProduceResult(out);
        if (acks != Acks.ALL) {
            return CompletableFuture.completedFuture(result);
        }
        List<CompletableFuture<Void>> waits = new ArrayList<>(order.length);
        for (int i = 0; i < order.length; i++) {
            waits.add(locked[i].awaitHighWatermark(targets[i], epochs[i]));
        }
        CompletableFuture<ProduceResult> done = CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    for (Partition p : locked) {
                        int inSync = p.isrSize();
                        if (inSync < p.minInsyncReplicas()) {
                            throw new NotEnoughReplicasException(p + ": the rows were committed by " + inSync
                                    + " in-sync replica" + (inSync == 1 ? "" : "s") + ", fewer than min_insync_replicas "
                                    + p.minInsyncReplicas() + " (the ISR shrank while they waited)", true);
                        }
                    }
                    return result;
                });
        long remainingNanos = deadlineNanos - System.nanoTime();
        if (remainingNanos < TimeUnit.DAYS.toNanos(1)) {
            done.orTimeout(Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
        }
        done.whenComplete((r, e) -> {
            if (e != null) {
                for (int i = 0; i < waits.size(); i++) {
                    locked[i].cancelWait(waits.get(i));
                }
            }
        });
        return done;
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

    // ------------------------------------------------------------------ serving other brokers

    /** The local replica of a partition, or null. For the replication module's request handlers. */
    public Partition replica(String topic, int partition) {
        LocalTopic t = topics.get(key(topic));
        if (t == null || partition < 0 || partition >= t.slots().size()) {
            return null;
        }
        return t.slots().get(partition).replica;
    }

    /** The local replica of a partition if it belongs to topic {@code topicId}, or null. */
    public Partition replica(String topic, UUID topicId, int partition) {
        Partition p = replica(topic, partition);
        return p != null && p.topicId().equals(topicId) ? p : null;
    }

    /**
     * The leader side of a produce forwarded by another broker: validates the batches again (this
     * broker's catalog is the authority), appends them on partitions this broker leads, and completes
     * per {@code acks}. Never forwards further.
     *
     * @return completes exceptionally with an {@link EngineException} ({@link NotLeaderException} when a
     *     partition is not led here, nothing appended), or {@link TimeoutException} at {@code timeoutMs}
     */
    public CompletableFuture<ProduceResult> produceAsLeader(ForwardedProduce request) {
        try {
            ensureOpen();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, request.timeoutMs()));
            LocalTopic topic = requireIncarnation(request.topic(), request.topicId());
            RecordBatch[] wrapped = validate(topic, topic.info(), request.batches());
            assert wrapped.length == request.batches().size();
            return appendLocal(topic, request.batches(), request.acks() == Acks.NONE ? Acks.LEADER : request.acks(), deadline);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The leader side of another broker's read: committed batches from {@code offset} (projected when
     * asked), waiting up to {@code maxWaitMs} when there are none yet. An offset below the log start or
     * past the log end returns no batches and the bounds, so the reader can move.
     */
    public CompletableFuture<RemoteRead> readAsLeader(RemoteReadRequest request) {
        try {
            ensureOpen();
            LocalTopic topic = requireIncarnation(request.topic(), request.topicId());
            Partition p = leaderReplica(topic, request.partition());
            long offset = request.offset();
            if (offset >= p.highWatermark() && offset <= p.logEndOffset() && request.maxWaitMs() > 0) {
                CompletableFuture<Void> wait = p.awaitHighWatermarkAbove(offset);
                return wait.completeOnTimeout(null, request.maxWaitMs(), TimeUnit.MILLISECONDS)
                        .handleAsync((v, e) -> {
                            p.cancelWait(wait);
                            if (e != null && !(e instanceof NotLeaderException) && !(e.getCause() instanceof NotLeaderException)) {
                                throw e instanceof RuntimeException re ? re : new CompletionException(e);
                            }
                            return readCommitted(topic, requireLeader(p, topic, request.partition()), request);
                        }, remoteReadExecutor);
            }
            return CompletableFuture.completedFuture(readCommitted(topic, p, request));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private RemoteRead readCommitted(LocalTopic topic, Partition p, RemoteReadRequest request) {
        long hw = p.highWatermark();
        long start = p.logStartOffset();
        long end = p.logEndOffset();
        long offset = request.offset();
        if (offset < start || offset >= hw) {
            return new RemoteRead(ByteBuffer.allocate(0), hw, start, end);
        }
        try {
            LogReadResult r = p.log().read(offset, hw, Math.max(1, request.maxBytes()), request.projection());
            return new RemoteRead(r.toByteBuffer(), hw, r.logStartOffset(), r.logEndOffset());
        } catch (io.runnel.storage.log.OffsetOutOfRangeException e) {
            return new RemoteRead(ByteBuffer.allocate(0), p.highWatermark(), e.logStartOffset(), e.logEndOffset());
        } catch (RuntimeException e) {
            throw StorageErrors.map(e, topic.info().name(), "partition " + p.partition() + " of topic " + topic.info().name());
        }
    }

    /** The leader side of another broker's offsets lookup. */
    public PartitionOffsets offsetsAsLeader(OffsetsRequest request) {
        ensureOpen();
        LocalTopic topic = requireIncarnation(request.topic(), request.topicId());
        Partition p = leaderReplica(topic, request.partition());
        long forTimestamp = -1;
        if (request.timestampMs() != OffsetsRequest.NO_TIMESTAMP) {
            try {
                forTimestamp = Math.max(p.logStartOffset(), Math.min(p.log().offsetForTimestamp(request.timestampMs()),
                        p.highWatermark()));
            } catch (RuntimeException e) {
                throw StorageErrors.map(e, topic.info().name(), "partition " + p.partition() + " of topic " + topic.info().name());
            }
        }
        return new PartitionOffsets(p.logStartOffset(), p.highWatermark(), p.logEndOffset(), forTimestamp, p.leaderEpoch(),
                p.log().sizeInBytes());
    }

    private LocalTopic requireIncarnation(String name, UUID topicId) {
        LocalTopic topic = require(name);
        if (topicId != null && !topic.info().topicId().equals(topicId)) {
            throw new EngineException(SqlStates.UNDEFINED_TABLE, "topic " + name + " (id " + topicId
                    + ") does not exist any more; it was dropped and created again (now id " + topic.info().topicId() + ")");
        }
        return topic;
    }

    private Partition leaderReplica(LocalTopic topic, int partition) {
        return requireLeader(topic.slot(partition).replica, topic, partition);
    }

    private Partition requireLeader(Partition p, LocalTopic topic, int partition) {
        if (p == null || !p.isLeader()) {
            Route r = topic.slot(partition).route;
            throw new NotLeaderException("broker " + brokerId + " is not the leader of partition " + partition + " of topic "
                    + topic.info().name() + " (" + (r.hasLeader() ? "broker " + r.leader() + " is, at epoch " + r.leaderEpoch()
                            : "it has no leader now") + ")", false);
        }
        return p;
    }

    BrokerTransport transport() {
        return transport;
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
        Slot slot = topic.slot(partition);
        Partition p = slot.replica;
        if (p != null && p.isLeader()) {
            try {
                return Math.max(p.logStartOffset(), Math.min(p.log().offsetForTimestamp(timestampMs), p.highWatermark()));
            } catch (RuntimeException e) {
                throw StorageErrors.map(e, topic.info().name(), "partition " + partition + " of topic " + topic.info().name());
            }
        }
        return remoteOffsets(topic, slot, timestampMs).offsetForTimestamp();
    }

    /** Offsets of a partition from its leader (waiting briefly for one), for readers and lookups. */
    PartitionOffsets remoteOffsets(LocalTopic topic, Slot slot, long timestampMs) {
        TopicInfo info = topic.info();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REMOTE_REQUEST_TIMEOUT_MS);
        EngineException last = null;
        while (true) {
            long sequence = appliedImage.sequence();
            Route r = slot.route;
            Partition local = slot.replica;
            if (local != null && local.isLeader()) {
                return offsetsAsLeader(new OffsetsRequest(info.name(), info.topicId(), slot.partition, timestampMs));
            }
            if (r.hasLeader() && r.leader() != brokerId) {
                try {
                    return transport.offsets(r.leader(), new OffsetsRequest(info.name(), info.topicId(), slot.partition,
                            timestampMs)).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof EngineException ee && ee.isRetriable()) {
                        last = ee;
                    } else if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    } else {
                        throw new EngineException(SqlStates.INTERNAL_ERROR, "offsets of partition " + slot.partition
                                + " of topic " + info.name() + ": " + e.getCause(), e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new EngineException(SqlStates.CONNECTION_FAILURE, "broker " + r.leader() + ", the leader of partition "
                            + slot.partition + " of topic " + info.name() + ", did not answer within "
                            + REMOTE_REQUEST_TIMEOUT_MS + " ms");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EngineException(SqlStates.QUERY_CANCELED, "interrupted while asking for offsets of topic " + info.name());
                }
            }
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMs <= 0) {
                throw last != null ? last : new NotLeaderException("partition " + slot.partition + " of topic " + info.name()
                        + " has no leader now (an election is in progress or every in-sync replica is down)", false);
            }
            awaitImageAfter(sequence, Math.min(remainingMs, ROUTE_RETRY_MS));
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Stops maintenance, finishes queued acks=0 appends, closes every reader (their polls fail with
     * 57014), stops following, flushes and closes every log (writing clean-shutdown markers), and
     * releases the data directory. Idempotent. The cluster services passed to {@link #open} are the
     * caller's to close (after this), except a standalone engine's own catalog.
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
        imageLock.lock();
        try {
            for (LocalTopic topic : topics.values()) {
                for (Partition p : topic.replicas()) {
                    fetchers.unfollow(p);
                }
            }
            closePartitionsQuietly();
        } finally {
            imageLock.unlock();
        }
        remoteReadExecutor.shutdownNow();
        if (metadata instanceof StandaloneMetadata) {
            metadata.close();
        }
        validators.close();
        releaseQuietly(dirLock, lockChannel);
        synchronized (imageApplied) {
            imageApplied.notifyAll();
        }
        LOG.info("Engine of broker {} on {} closed", brokerId, dataDir);
    }

    private void closePartitionsQuietly() {
        for (LocalTopic topic : topics.values()) {
            for (Partition p : topic.replicas()) {
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
     * closes no log (no flush, no clean-shutdown marker). For tests of recovery and failover in one JVM.
     */
    public void abandonForTesting() {
        closed = true;
        scheduler.shutdownNow();
        acksZeroAppender.shutdownNow();
        remoteReadExecutor.shutdownNow();
        for (LocalTopicReader r : List.copyOf(readers)) {
            r.close();
        }
        imageLock.lock();
        try {
            for (LocalTopic topic : topics.values()) {
                for (Partition p : topic.replicas()) {
                    fetchers.unfollow(p);
                    p.abandon();
                }
            }
        } finally {
            imageLock.unlock();
        }
        if (metadata instanceof StandaloneMetadata) {
            metadata.close();
        }
        releaseQuietly(dirLock, lockChannel);
        synchronized (imageApplied) {
            imageApplied.notifyAll();
        }
    }

    /** The local replica, for tests. */
    public Partition partitionForTesting(String topic, int partition) {
        Partition p = require(topic).slot(partition).replica;
        if (p == null) {
            throw new IllegalStateException("broker " + brokerId + " hosts no replica of " + topic + "-" + partition);
        }
        return p;
    }

    // ------------------------------------------------------------------ helpers

    boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new EngineException(SqlStates.CONNECTION_FAILURE, "the engine on " + dataDir + " is closed");
        }
    }

    LocalTopic require(String name) {
        LocalTopic topic = name == null ? null : topics.get(key(name));
        if (topic == null) {
            throw unknown(name);
        }
        return topic;
    }

    static EngineException unknown(String name) {
        return new EngineException(SqlStates.UNDEFINED_TABLE, "topic " + name + " does not exist");
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
