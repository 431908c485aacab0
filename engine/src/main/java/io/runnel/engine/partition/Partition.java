package io.runnel.engine.partition;

import io.runnel.engine.cluster.NotEnoughReplicasException;
import io.runnel.engine.cluster.NotLeaderException;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.fs.AtomicFiles;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.SchemaLookup;
import io.runnel.storage.log.LogAppendInfo;
import io.runnel.storage.log.LogConfig;
import io.runnel.storage.log.LogSlice;
import io.runnel.storage.log.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition replica hosted by this broker: its {@link PartitionLog}, its role (leader, follower
 * or none), the leader epoch and the {@link LeaderEpochCache}, the high watermark, and — as leader —
 * what it knows of its followers and its in-sync replica set (design note 0007).
 *
 * <h2>Offsets</h2>
 * <ul>
 *   <li><b>Log end offset (LEO)</b>: where the next append goes.
 *   <li><b>Published end offset</b>: the end of what a leader has published. A produce appends all its
 *       batches, then publishes (note 0004 §3); an unpublished append may still be rolled back, so
 *       followers fetch, and the high watermark counts, only below the published end.
 *   <li><b>High watermark (HW)</b>: the offset below which every row is committed — held by every
 *       replica in the in-sync set the cluster metadata stores. Readers never read at or past it. A
 *       leader's HW is the smallest LEO over its <i>maximal</i> ISR (the committed ISR plus a pending
 *       change: a follower being added counts at once, one being removed until the removal commits),
 *       capped by the published end; a follower's is min(leader's HW, its LEO). It never decreases
 *       (except when an unclean election forces a follower below it).
 * </ul>
 *
 * <h2>Locks</h2>
 * The <b>append lock</b> makes one writer at a time: produce ({@link #tryLockForAppend} /
 * {@link #unlockAppend()} around the {@code …Locked} methods), the follower's fetch path and role
 * changes (which take it themselves). The <b>state lock</b> guards ISR, follower positions and the
 * HW computation; it is taken after the append lock, never before, and never held across I/O or a
 * callback. Fetches from followers take only the state lock, so they do not wait for producers.
 *
 * <h2>Long-poll</h2>
 * Readers {@link #register} a {@link ReadSignal}; a new HW signals every registered one. {@code acks=all}
 * produces and remote reads wait with {@link #awaitHighWatermark}; followers' long-polls with
 * {@link #awaitPublishedEnd}.
 *
 * <p>Thread-safe as described.
 */
public final class Partition {
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

    /** File of the high watermark written at a clean close, read at open (a hint; never above the log end). */
    public static final String HIGH_WATERMARK_FILE = "high-watermark";
    /** After an ISR write failed other than by conflict, the next is tried no sooner than this. */
    static final long ISR_WRITE_RETRY_BACKOFF_MS = 1_000;

    /** What this broker is for the partition. */
    public enum Role {
        /** Neither: no state yet, the topic is going away, or the broker is closing. */
        NONE,
        LEADER,
        FOLLOWER
    }

    /** Writes a leader's ISR change to the cluster metadata (compare-and-set on the state version). */
    @FunctionalInterface
    public interface IsrWriter {
        CompletableFuture<Integer> write(Partition partition, PartitionState state, int expectedVersion);
    }

    /** What the leader knows of one follower since it became leader. Guarded by {@link #stateLock}. */
    private static final class FollowerState {
        /** Its LEO as its last fetch proved; -1 until it fetched from this leader. */
        long logEndOffset = -1;
        long lastFetchTimeMs;
        /** The published end when it last fetched: reaching it proves it was caught up then. */
        long lastFetchLeaderEndOffset = Long.MAX_VALUE;
        long lastCaughtUpTimeMs;
    }

    /** An ISR change written but not yet committed. */
    private record PendingIsr(List<Integer> isr) {}

    private final String topic;
    private final UUID topicId;
    private final int partition;
    private final int localBrokerId;
    private final PartitionLog log;
    private final LeaderEpochCache epochCache;
    private final Clock clock;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Object stateLock = new Object();
    private final CopyOnWriteArraySet<ReadSignal> readers = new CopyOnWriteArraySet<>();
    private final OffsetWaiters hwWaiters = new OffsetWaiters();
    private final OffsetWaiters publishWaiters = new OffsetWaiters();

    /** Written under both locks by role changes; read by produce, fetch handlers, readers, status. */
    private volatile Role role = Role.NONE;
    /** Written under both locks by role changes; read as {@link #role}. -1 before any state. */
    private volatile int leaderEpoch = -1;
    /** Written under both locks by role changes; read by status and the fetcher. */
    private volatile int leaderId = PartitionState.NO_LEADER;
    /** Written under the state lock (leader) or the append lock (follower); read lock-free by readers. */
    private volatile long highWatermark;
    /** Written under the append lock by publish/append/truncate; read by fetch handlers. */
    private volatile long publishedEndOffset;
    /** Set by the engine when its metadata session is in doubt; read by produce. */
    private volatile boolean writesFenced;
    /** Set by the engine from the topic config; read by produce. */
    private volatile int minInsyncReplicas = 1;
    /** Set once by the engine; read by ISR changes. */
    private volatile IsrWriter isrWriter;
    /**
     * The brokers registered as live in the last metadata image, set by the engine; read by ISR growth:
     * a follower that fetches but is not live (its session expired, e.g. cut off from the metadata store
     * only) is not added back, or the leader and the controller would undo each other forever (KIP-841).
     */
    private volatile Set<Integer> liveBrokers;

    /** Guarded by {@link #stateLock}. */
    private List<Integer> replicas = List.of();
    /** Guarded by {@link #stateLock}: the last state applied (from the metadata or our own write). */
    private PartitionState state;
    /** Guarded by {@link #stateLock}: the version of {@link #state}. */
    private int stateVersion = -1;
    /** Guarded by {@link #stateLock}: the committed ISR. */
    private Set<Integer> isr = Set.of();
    /** Guarded by {@link #stateLock}. */
    private PendingIsr pendingIsr;
    /** Guarded by {@link #stateLock}: no ISR write before this time (after a failure). */
    private long isrRetryAfterMs;
    /** Guarded by {@link #stateLock}: after a conflict, wait for a state newer than this before writing again. */
    private int isrConflictAtVersion = -1;
    /** Guarded by {@link #stateLock}. */
    private final Map<Integer, FollowerState> followers = new HashMap<>();
    /** Guarded by {@link #stateLock}: where the current leader epoch began in the log. */
    private long leaderEpochStartOffset;

    private Partition(String topic, UUID topicId, int partition, int localBrokerId, PartitionLog log,
            LeaderEpochCache epochCache, Clock clock, long highWatermark) {
        this.topic = topic;
        this.topicId = topicId;
        this.partition = partition;
        this.localBrokerId = localBrokerId;
        this.log = log;
        this.epochCache = epochCache;
        this.clock = clock;
        this.highWatermark = highWatermark;
        this.publishedEndOffset = log.logEndOffset();
    }

    /**
     * Opens (recovering if needed) the log in {@code dir}, without a role: the metadata decides it
     * ({@link #makeLeader}, {@link #makeFollower}). Epoch-cache entries past the recovered log end (a
     * crash cut the tail) are dropped. The HW starts at the one checkpointed by the last clean close,
     * else at the log start.
     */
    public static Partition open(String topic, UUID topicId, int partition, Path dir, LogConfig config,
            SchemaLookup schemas, Clock clock, int localBrokerId) {
        PartitionLog log = PartitionLog.open(dir, config, schemas, clock);
        try {
            LeaderEpochCache cache = LeaderEpochCache.load(dir);
            cache.truncateFromEnd(log.logEndOffset());
            cache.truncateFromStart(log.logStartOffset());
            long hw = Math.max(log.logStartOffset(), Math.min(readHighWatermark(dir), log.logEndOffset()));
            return new Partition(topic, topicId, partition, localBrokerId, log, cache, clock, hw);
        } catch (IOException | RuntimeException e) {
            log.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open the leader-epoch cache of " + dir + ": " + e, io);
            }
            throw (RuntimeException) e;
        }
    }

    private static long readHighWatermark(Path dir) {
        Path file = dir.resolve(HIGH_WATERMARK_FILE);
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            // Only a clean close vouches for it: a crash after this open must not reuse it. (No directory fsync:
            // should the delete be lost, the stale value is still a committed offset, and open clamps it to the log end.)
            Files.delete(file);
            return Long.parseLong(text);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Ignoring unreadable {}: {}", file, e.toString());
            return -1;
        }
    }

    // ------------------------------------------------------------------ accessors

    public String topic() {
        return topic;
    }

    public UUID topicId() {
        return topicId;
    }

    public int partition() {
        return partition;
    }

    public int localBrokerId() {
        return localBrokerId;
    }

    public PartitionLog log() {
        return log;
    }

    public LeaderEpochCache epochCache() {
        return epochCache;
    }

    public Role role() {
        return role;
    }

    public boolean isLeader() {
        return role == Role.LEADER;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    /** The leader this replica knows of ({@link PartitionState#NO_LEADER} when none). */
    public int leaderId() {
        return leaderId;
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

    /** The end of what a leader published (followers fetch below it); a follower's log end. */
    public long publishedEndOffset() {
        return publishedEndOffset;
    }

    /** The committed ISR as this replica knows it (a leader's, or the last state a follower applied). */
    public List<Integer> isr() {
        synchronized (stateLock) {
            return state == null ? List.of() : PartitionState.inReplicaOrder(isr, replicas);
        }
    }

    public List<Integer> replicas() {
        synchronized (stateLock) {
            return replicas;
        }
    }

    /** The version of the last partition state applied, -1 before any. */
    public int stateVersion() {
        synchronized (stateLock) {
            return stateVersion;
        }
    }

    public void setIsrWriter(IsrWriter writer) {
        this.isrWriter = writer;
    }

    /** The live brokers of the current metadata image (null: all are taken as live). */
    public void setLiveBrokers(Set<Integer> live) {
        this.liveBrokers = live;
    }

    public void setMinInsyncReplicas(int n) {
        this.minInsyncReplicas = n;
    }

    /**
     * While true, produce fails with 40R02: the broker lost (or is unsure of) its metadata session, so
     * the controller may have moved leadership already.
     */
    public void setWritesFenced(boolean fenced) {
        this.writesFenced = fenced;
    }

    // ------------------------------------------------------------------ role changes

    /**
     * Applies a state in which this broker leads. A newer epoch (or a first state) makes it leader: the
     * epoch starts at the log end, follower positions are forgotten (ISR members count as caught up
     * now). The same epoch with a newer version only takes the new ISR (the controller removed a dead
     * member, or our own write came back). An older epoch is ignored.
     *
     * @return true if this made the replica leader of a new epoch
     */
    public boolean makeLeader(PartitionState newState, int version, List<Integer> assignedReplicas) {
        if (newState.leader() != localBrokerId) {
            throw new IllegalArgumentException(this + ": state " + newState + " does not name broker " + localBrokerId);
        }
        boolean becameLeader;
        appendLock.lock();
        try {
            synchronized (stateLock) {
                int epoch = newState.leaderEpoch();
                if (epoch < leaderEpoch) {
                    return false;
                }
                if (role == Role.LEADER && epoch == leaderEpoch) {
                    // A partition move changes the replicas without a new state: arriving replicas may fetch.
                    updateReplicasLocked(assignedReplicas);
                    if (version <= stateVersion) {
                        return false;
                    }
                    applyStateLocked(newState, version);
                    becameLeader = false;
                } else {
                    replicas = List.copyOf(assignedReplicas);
                    long leo = log.logEndOffset();
                    try {
                        epochCache.assign(epoch, leo);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write " + epochCache.file() + ": " + e, e);
                    }
                    long now = clock.millis();
                    followers.clear();
                    for (int r : assignedReplicas) {
                        if (r != localBrokerId) {
                            FollowerState f = new FollowerState();
                            f.lastCaughtUpTimeMs = newState.isr().contains(r) ? now : 0;
                            followers.put(r, f);
                        }
                    }
                    pendingIsr = null;
                    isrConflictAtVersion = -1;
                    isrRetryAfterMs = 0;
                    leaderEpochStartOffset = leo;
                    publishedEndOffset = leo;
                    leaderEpoch = epoch;
                    leaderId = localBrokerId;
                    applyStateLocked(newState, version);
                    role = Role.LEADER;
                    becameLeader = true;
                }
            }
        } finally {
            appendLock.unlock();
        }
        if (becameLeader) {
            LOG.info("{}: broker {} is leader at epoch {} from offset {} (ISR {}, HW {})", this, localBrokerId,
                    newState.leaderEpoch(), publishedEndOffset, newState.isr(), highWatermark);
        }
        maybeAdvanceHighWatermark();
        return becameLeader;
    }

    /**
     * A leader's replica set changed within its epoch (a partition move added or removed replicas): new
     * followers are tracked from now on (not caught up until they fetch to the end), removed ones forgotten.
     * Guarded by the state lock.
     */
    private void updateReplicasLocked(List<Integer> assignedReplicas) {
        if (assignedReplicas.equals(replicas)) {
            return;
        }
        replicas = List.copyOf(assignedReplicas);
        for (int r : assignedReplicas) {
            if (r != localBrokerId && !followers.containsKey(r)) {
                followers.put(r, new FollowerState());
                LOG.info("{}: broker {} is a new replica (replicas {}); it joins the ISR once it has caught up", this, r, replicas);
            }
        }
        followers.keySet().retainAll(assignedReplicas);
    }

    /**
     * Applies a state in which another broker (or none) leads. A newer epoch makes this replica a
     * follower of it: waiting {@code acks=all} produces fail (outcome unknown), and the caller starts
     * the fetcher (truncation first). The same epoch only updates the known ISR.
     *
     * @return true if the fetcher must (re)start: the replica follows a new epoch
     */
    public boolean makeFollower(PartitionState newState, int version, List<Integer> assignedReplicas) {
        if (newState.leader() == localBrokerId) {
            throw new IllegalArgumentException(this + ": state " + newState + " names this broker as leader");
        }
        boolean wasLeader;
        appendLock.lock();
        try {
            synchronized (stateLock) {
                int epoch = newState.leaderEpoch();
                if (epoch < leaderEpoch) {
                    return false;
                }
                replicas = List.copyOf(assignedReplicas);
                if (role == Role.FOLLOWER && epoch == leaderEpoch) {
                    if (version > stateVersion) {
                        applyStateLocked(newState, version);
                    }
                    return false;
                }
                wasLeader = role == Role.LEADER;
                followers.clear();
                pendingIsr = null;
                publishedEndOffset = log.logEndOffset();
                leaderEpoch = epoch;
                leaderId = newState.leader();
                applyStateLocked(newState, version);
                role = Role.FOLLOWER;
            }
        } finally {
            appendLock.unlock();
        }
        if (wasLeader) {
            hwWaiters.failAll(new NotLeaderException(this + ": broker " + localBrokerId + " lost the leadership (epoch "
                    + newState.leaderEpoch() + ", leader " + describeLeader(newState.leader())
                    + ") before the rows were committed; they may or may not survive", true));
            publishWaiters.failAll(new NotLeaderException(this + ": broker " + localBrokerId + " is no longer the leader", false));
            wakeAll();
        }
        LOG.info("{}: broker {} follows {} at epoch {} (log end {}, HW {})", this, localBrokerId,
                describeLeader(newState.leader()), newState.leaderEpoch(), log.logEndOffset(), highWatermark);
        return true;
    }

    /** Drops any role (the replica is going away or the broker closes); waiters fail. */
    public void makeOffline(String reason) {
        boolean wasLeader;
        appendLock.lock();
        try {
            synchronized (stateLock) {
                wasLeader = role == Role.LEADER;
                role = Role.NONE;
                followers.clear();
                pendingIsr = null;
            }
        } finally {
            appendLock.unlock();
        }
        hwWaiters.failAll(new NotLeaderException(this + ": " + reason + (wasLeader
                ? "; the rows were appended but not yet committed, they may or may not survive" : ""), wasLeader));
        publishWaiters.failAll(new NotLeaderException(this + ": " + reason, false));
        wakeAll();
    }

    /** Guarded by {@link #stateLock}. */
    private void applyStateLocked(PartitionState newState, int version) {
        if (state != null && version <= stateVersion && newState.leaderEpoch() == state.leaderEpoch()) {
            return;
        }
        Set<Integer> before = isr;
        state = newState;
        stateVersion = version;
        isr = Set.copyOf(newState.isr());
        if (role == Role.LEADER && !before.equals(isr) && !before.isEmpty()) {
            LOG.info("{}: ISR is now {} (state version {})", this, PartitionState.inReplicaOrder(isr, replicas), version);
        }
    }

    private static String describeLeader(int leader) {
        return leader == PartitionState.NO_LEADER ? "no leader" : "broker " + leader;
    }

    // ------------------------------------------------------------------ leader: produce

    /** Takes the partition's writer role, waiting up to {@code timeoutNanos}; false on timeout. */
    public boolean tryLockForAppend(long timeoutNanos) throws InterruptedException {
        return appendLock.tryLock(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    }

    public void unlockAppend() {
        appendLock.unlock();
    }

    /**
     * Under the append lock, before a produce appends: is this replica the leader, not fenced, and —
     * for {@code acks=all} — are at least {@code min_insync_replicas} replicas in sync?
     *
     * @throws NotLeaderException (nothing appended) or {@link NotEnoughReplicasException}
     */
    public void checkWritableLocked(boolean acksAll) {
        assertLocked();
        if (role != Role.LEADER) {
            throw new NotLeaderException(this + ": broker " + localBrokerId + " is not the leader ("
                    + describeLeader(leaderId) + ", epoch " + leaderEpoch + "); nothing was appended", false);
        }
        if (writesFenced) {
            throw new NotLeaderException(this + ": broker " + localBrokerId
                    + " lost contact with the cluster metadata, so its leadership is in doubt; nothing was appended", false);
        }
        if (acksAll) {
            int inSync;
            List<Integer> members;
            synchronized (stateLock) {
                inSync = isr.size();
                members = PartitionState.inReplicaOrder(isr, replicas);
            }
            int min = minInsyncReplicas;
            if (inSync < min) {
                throw new NotEnoughReplicasException(this + ": only " + inSync + " replica" + (inSync == 1 ? " is" : "s are")
                        + " in sync " + members + ", min_insync_replicas is " + min + "; nothing was appended", false);
            }
        }
    }

    /**
     * Appends one client-built batch as leader (offsets, epoch and append time stamped in place). Not
     * visible to followers or readers until {@link #publishLocked()}. An idempotent producer's batch that
     * is already stored is not appended: the answer is the original's, marked {@link LogAppendInfo#duplicate()}.
     */
    public LogAppendInfo appendLocked(ByteBuffer batch) {
        assertLocked();
        int epoch = leaderEpoch;
        LogAppendInfo info = log.append(batch, epoch);
        if (!info.duplicate() && epochCache.latestEpoch() < epoch) {
            try {
                epochCache.assign(epoch, info.firstOffset());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + epochCache.file() + ": " + e, e);
            }
        }
        return info;
    }

    /** Cuts unpublished appends off again: the log ends at {@code logEndOffset} afterwards. */
    public void rollbackLocked(long logEndOffset) {
        assertLocked();
        if (logEndOffset < publishedEndOffset) {
            throw new IllegalStateException(this + ": cannot roll back to " + logEndOffset + ", below the published end "
                    + publishedEndOffset);
        }
        log.truncateTo(logEndOffset);
        try {
            epochCache.truncateFromEnd(log.logEndOffset());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + epochCache.file() + ": " + e, e);
        }
    }

    /**
     * Publishes every append so far: followers may fetch it, and the HW moves as far as the ISR allows
     * (to the log end at once when this replica is the only one in sync).
     */
    public void publishLocked() {
        assertLocked();
        long leo = log.logEndOffset();
        if (leo > publishedEndOffset) {
            publishedEndOffset = leo;
            publishWaiters.advanceTo(leo);
        }
        maybeAdvanceHighWatermark();
    }

    /**
     * A future completing when the HW reaches {@code target} while this replica still leads at
     * {@code epoch}; failing with {@link NotLeaderException} (outcome unknown) when it loses the
     * leadership first. A caller that gives up must {@link #cancelWait} it.
     */
    public CompletableFuture<Void> awaitHighWatermark(long target, int epoch) {
        CompletableFuture<Void> f = hwWaiters.await(target, highWatermark);
        if (!f.isDone() && (role != Role.LEADER || leaderEpoch != epoch)) {
            hwWaiters.remove(f);
            f.completeExceptionally(new NotLeaderException(this + ": broker " + localBrokerId
                    + " lost the leadership before offset " + (target - 1) + " was committed; it may or may not survive", true));
        }
        return f;
    }

    /** A future completing when the published end passes {@code offset} (a follower's long-poll). */
    public CompletableFuture<Void> awaitPublishedEnd(long offset) {
        return publishWaiters.await(offset + 1, publishedEndOffset);
    }

    /** A future completing when the HW passes {@code offset} (a remote reader's long-poll). */
    public CompletableFuture<Void> awaitHighWatermarkAbove(long offset) {
        return hwWaiters.await(offset + 1, highWatermark);
    }

    /** Forgets a wait its caller gave up on. */
    public void cancelWait(CompletableFuture<Void> wait) {
        hwWaiters.remove(wait);
        publishWaiters.remove(wait);
    }

    /** Replicas in sync now, for the min_insync check when an acks=all produce completes. */
    public int isrSize() {
        synchronized (stateLock) {
            return isr.size();
        }
    }

    public int minInsyncReplicas() {
        return minInsyncReplicas;
    }

    private void assertLocked() {
        if (!appendLock.isHeldByCurrentThread()) {
            throw new IllegalStateException(Thread.currentThread().getName() + " writes to " + this
                    + " without holding its append lock: a partition has one writer at a time");
        }
    }

    // ------------------------------------------------------------------ leader: followers, ISR, HW

    /** The answer to a follower's fetch: an error, or the leader's offsets and the batches from the fetch offset. */
    public record FollowerFetch(ReplicaError error, long highWatermark, long logStartOffset, long logEndOffset,
            LogSlice records) {
        static FollowerFetch error(ReplicaError error, long logStart, long logEnd) {
            return new FollowerFetch(error, -1, logStart, logEnd, null);
        }
    }

    /**
     * A follower's fetch: its fetch offset is its LEO. Records its position (caught up or not), adds it
     * to the ISR when it caught up, advances the HW, and returns the batches from {@code fetchOffset}
     * below the published end, as a slice of a segment file for zero-copy sending (none when
     * {@code maxBytes} is 0: the response is full, but the position still counts).
     */
    public FollowerFetch handleFollowerFetch(int followerId, int followerEpoch, long fetchOffset, int maxBytes) {
        ReplicaError epochError = checkLeaderEpoch(followerEpoch);
        if (epochError != ReplicaError.NONE) {
            return FollowerFetch.error(epochError, log.logStartOffset(), publishedEndOffset);
        }
        long now = clock.millis();
        PendingIsr toWrite = null;
        PartitionState writeState = null;
        int expectedVersion = 0;
        long published;
        long logStart;
        synchronized (stateLock) {
            if (role != Role.LEADER || leaderEpoch != followerEpoch) {
                return FollowerFetch.error(role != Role.LEADER ? ReplicaError.NOT_LEADER : ReplicaError.FENCED_LEADER_EPOCH,
                        log.logStartOffset(), publishedEndOffset);
            }
            FollowerState f = followers.get(followerId);
            published = publishedEndOffset;
            logStart = log.logStartOffset();
            if (f == null) {
                return FollowerFetch.error(ReplicaError.NOT_A_REPLICA, logStart, published);
            }
            if (fetchOffset > published || fetchOffset < logStart) {
                return FollowerFetch.error(ReplicaError.OFFSET_OUT_OF_RANGE, logStart, published);
            }
            if (fetchOffset >= published) {
                f.lastCaughtUpTimeMs = now;
            } else if (fetchOffset >= f.lastFetchLeaderEndOffset) {
                f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, f.lastFetchTimeMs);
            }
            f.lastFetchLeaderEndOffset = published;
            f.lastFetchTimeMs = now;
            f.logEndOffset = fetchOffset;
            Set<Integer> live = liveBrokers;
            if (!isr.contains(followerId) && fetchOffset >= highWatermark && fetchOffset >= leaderEpochStartOffset
                    && (live == null || live.contains(followerId)) && mayWriteIsrLocked(now)) {
                Set<Integer> grown = new LinkedHashSet<>(isr);
                grown.add(followerId);
                toWrite = new PendingIsr(PartitionState.inReplicaOrder(grown, replicas));
                pendingIsr = toWrite;
                writeState = state.withIsr(toWrite.isr());
                expectedVersion = stateVersion;
                LOG.info("{}: broker {} caught up (offset {}, HW {}); adding it to the ISR {}", this, followerId, fetchOffset,
                        highWatermark, toWrite.isr());
            }
        }
        if (toWrite != null) {
            submitIsrWrite(toWrite, writeState, expectedVersion);
        }
        maybeAdvanceHighWatermark();
        LogSlice slice = fetchOffset < published && maxBytes > 0 ? log.readSlice(fetchOffset, published, maxBytes) : null;
        if (role != Role.LEADER || leaderEpoch != followerEpoch) {
            // Leadership moved while we read: the log may be truncated under the slice. Let the follower re-resolve.
            return FollowerFetch.error(ReplicaError.NOT_LEADER, logStart, published);
        }
        return new FollowerFetch(ReplicaError.NONE, highWatermark, logStart, published, slice);
    }

    /**
     * A follower's OffsetsForLeaderEpoch (KIP-101/279): the largest epoch at or below
     * {@code requestedEpoch} in this leader's log and the offset where it ended.
     */
    public EpochAnswer endOffsetForEpoch(int followerEpoch, int requestedEpoch) {
        ReplicaError error = checkLeaderEpoch(followerEpoch);
        if (error != ReplicaError.NONE) {
            return new EpochAnswer(error, LeaderEpochCache.UNDEFINED_EPOCH, LeaderEpochCache.UNDEFINED_OFFSET);
        }
        LeaderEpochCache.EpochEndOffset end = epochCache.endOffsetFor(requestedEpoch, publishedEndOffset);
        if (end.epoch() == LeaderEpochCache.UNDEFINED_EPOCH) {
            // Older than every epoch here: the requester's log diverges where this log's first epoch starts.
            List<LeaderEpochCache.EpochEntry> entries = epochCache.entries();
            long firstStart = entries.isEmpty() ? log.logStartOffset() : entries.get(0).startOffset();
            return new EpochAnswer(ReplicaError.NONE, LeaderEpochCache.UNDEFINED_EPOCH, firstStart);
        }
        return new EpochAnswer(ReplicaError.NONE, end.epoch(), end.endOffset());
    }

    /**
     * An OffsetsForLeaderEpoch answer: an error, or the epoch and its end offset; an epoch of -1 with
     * the start offset of this log's first epoch when the requested one is older than all of them.
     */
    public record EpochAnswer(ReplicaError error, int epoch, long endOffset) {}

    private ReplicaError checkLeaderEpoch(int requestEpoch) {
        if (role != Role.LEADER) {
            return ReplicaError.NOT_LEADER;
        }
        int epoch = leaderEpoch;
        if (requestEpoch < epoch) {
            return ReplicaError.FENCED_LEADER_EPOCH;
        }
        if (requestEpoch > epoch) {
            return ReplicaError.UNKNOWN_LEADER_EPOCH;
        }
        return ReplicaError.NONE;
    }

    /**
     * Removes from the ISR every follower not caught up for more than {@code lagTimeMaxMs}: the change
     * is written first and applies when committed (until then the removed followers still count for the
     * HW). Called periodically on leaders.
     */
    public void maybeShrinkIsr(long lagTimeMaxMs) {
        long now = clock.millis();
        PendingIsr toWrite;
        PartitionState writeState;
        int expectedVersion;
        synchronized (stateLock) {
            if (role != Role.LEADER || !mayWriteIsrLocked(now)) {
                return;
            }
            List<Integer> lagging = new ArrayList<>();
            for (int r : isr) {
                if (r == localBrokerId) {
                    continue;
                }
                FollowerState f = followers.get(r);
                if (f == null || now - f.lastCaughtUpTimeMs > lagTimeMaxMs) {
                    lagging.add(r);
                }
            }
            if (lagging.isEmpty()) {
                return;
            }
            Set<Integer> shrunk = new LinkedHashSet<>(isr);
            shrunk.removeAll(lagging);
            toWrite = new PendingIsr(PartitionState.inReplicaOrder(shrunk, replicas));
            pendingIsr = toWrite;
            writeState = state.withIsr(toWrite.isr());
            expectedVersion = stateVersion;
            StringBuilder why = new StringBuilder();
            for (int r : lagging) {
                FollowerState f = followers.get(r);
                why.append(why.length() == 0 ? "" : ", ").append("broker ").append(r).append(f == null ? " (not a replica)"
                        : f.logEndOffset < 0 ? " (has not fetched)" : " (at offset " + f.logEndOffset + ", caught up "
                                + (now - f.lastCaughtUpTimeMs) + " ms ago)");
            }
            LOG.info("{}: shrinking the ISR from {} to {}: not caught up for more than {} ms: {} (HW {}, log end {})", this,
                    PartitionState.inReplicaOrder(isr, replicas), toWrite.isr(), lagTimeMaxMs, why, highWatermark,
                    publishedEndOffset);
        }
        submitIsrWrite(toWrite, writeState, expectedVersion);
    }

    /** Guarded by {@link #stateLock}. */
    private boolean mayWriteIsrLocked(long now) {
        return pendingIsr == null && !writesFenced && state != null && isrWriter != null && now >= isrRetryAfterMs
                && stateVersion > isrConflictAtVersion;
    }

    private void submitIsrWrite(PendingIsr pending, PartitionState newState, int expectedVersion) {
        CompletableFuture<Integer> write;
        try {
            write = isrWriter.write(this, newState, expectedVersion);
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        write.whenComplete((version, error) -> onIsrWriteDone(pending, newState, expectedVersion, version, error));
    }

    private void onIsrWriteDone(PendingIsr pending, PartitionState written, int expectedVersion, Integer version,
            Throwable error) {
        synchronized (stateLock) {
            if (pendingIsr != pending) {
                return; // superseded by a role change
            }
            pendingIsr = null;
            if (error == null) {
                if (role == Role.LEADER && written.leaderEpoch() == leaderEpoch && version > stateVersion) {
                    applyStateLocked(written, version);
                }
            } else {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof io.runnel.engine.catalog.MetadataConflictException) {
                    // The controller wrote meanwhile: wait for its state to arrive before trying again.
                    isrConflictAtVersion = Math.max(isrConflictAtVersion, expectedVersion);
                    LOG.info("{}: ISR change to {} lost a race (state version {} moved on); waiting for the new state", this,
                            written.isr(), expectedVersion);
                } else {
                    isrRetryAfterMs = clock.millis() + ISR_WRITE_RETRY_BACKOFF_MS;
                    LOG.warn("{}: cannot write the ISR change to {}: {}", this, written.isr(), cause.toString());
                }
            }
        }
        maybeAdvanceHighWatermark();
    }

    /** Recomputes a leader's HW; moves it forward (never back) and wakes whoever waits on it. */
    private void maybeAdvanceHighWatermark() {
        long advanced;
        synchronized (stateLock) {
            if (role != Role.LEADER) {
                return;
            }
            long min = publishedEndOffset;
            Set<Integer> maximal = new LinkedHashSet<>(isr);
            if (pendingIsr != null) {
                maximal.addAll(pendingIsr.isr());
            }
            for (int r : maximal) {
                if (r == localBrokerId) {
                    continue;
                }
                FollowerState f = followers.get(r);
                if (f == null || f.logEndOffset < 0) {
                    return; // an in-sync follower has not fetched from this leader yet
                }
                min = Math.min(min, f.logEndOffset);
            }
            if (min <= highWatermark) {
                return;
            }
            highWatermark = min;
            advanced = min;
        }
        hwWaiters.advanceTo(advanced);
        wakeAll();
    }

    // ------------------------------------------------------------------ follower

    /** The follower's state moved on (new epoch, new role) while a fetch was in flight: drop its result. */
    public static final class StaleFetchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StaleFetchException(String message) {
            super(message);
        }
    }

    /**
     * Appends batches fetched from the leader at {@code epoch} (offsets, epochs and timestamps as the
     * leader stamped them), records new epochs in the cache, and moves the HW to min(leader's HW, LEO).
     *
     * @param records whole batches back to back, starting at this replica's log end (may be empty)
     * @return the log end offset afterwards
     * @throws StaleFetchException when this replica no longer follows at {@code epoch}
     */
    public long appendAsFollower(int epoch, ByteBuffer records, long leaderHighWatermark) {
        appendLock.lock();
        try {
            ensureFollowing(epoch);
            ByteBuffer cursor = records.duplicate();
            while (cursor.hasRemaining()) {
                RecordBatch batch = RecordBatch.wrap(cursor);
                int size = batch.sizeInBytes();
                if (batch.leaderEpoch() > epoch) {
                    throw new IllegalStateException(this + ": fetched batch at offset " + batch.baseOffset()
                            + " carries epoch " + batch.leaderEpoch() + ", newer than the leader's " + epoch);
                }
                ByteBuffer one = cursor.slice(cursor.position(), size);
                LogAppendInfo info = log.appendAsFollower(one);
                if (batch.leaderEpoch() > epochCache.latestEpoch()) {
                    try {
                        epochCache.assign(batch.leaderEpoch(), info.firstOffset());
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write " + epochCache.file() + ": " + e, e);
                    }
                }
                cursor.position(cursor.position() + size);
            }
            long leo = log.logEndOffset();
            publishedEndOffset = leo;
            advanceFollowerHighWatermark(Math.min(leaderHighWatermark, leo));
            return leo;
        } finally {
            appendLock.unlock();
        }
    }

    /** Moves a follower's HW to min(leader's HW, LEO) without new batches (a fetch that returned none). */
    public void updateFollowerHighWatermark(int epoch, long leaderHighWatermark) {
        appendLock.lock();
        try {
            ensureFollowing(epoch);
            advanceFollowerHighWatermark(Math.min(leaderHighWatermark, log.logEndOffset()));
        } finally {
            appendLock.unlock();
        }
    }

    /** Guarded by the append lock. */
    private void advanceFollowerHighWatermark(long candidate) {
        if (candidate > highWatermark) {
            highWatermark = candidate;
            wakeAll();
        }
    }

    /**
     * Cuts a follower's divergent tail: the log ends at or below {@code offset} afterwards (whole
     * batches), epochs that began there are forgotten. Below the HW only after an unclean election.
     */
    public void truncateAsFollower(int epoch, long offset) {
        appendLock.lock();
        try {
            ensureFollowing(epoch);
            long before = log.logEndOffset();
            if (offset >= before) {
                return;
            }
            log.truncateTo(offset);
            try {
                epochCache.truncateFromEnd(log.logEndOffset());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + epochCache.file() + ": " + e, e);
            }
            long leo = log.logEndOffset();
            publishedEndOffset = leo;
            if (highWatermark > leo) {
                LOG.warn("{}: truncated to {} below the high watermark {} (an unclean leader election lost rows)", this, leo,
                        highWatermark);
                highWatermark = leo;
                hwWaiters.resetTo(leo);
            }
            LOG.info("{}: follower truncated from {} to {} (epoch {})", this, before, leo, epoch);
        } finally {
            appendLock.unlock();
        }
    }

    /** Empties a follower's log and restarts it at {@code offset} (it fell behind the leader's log start). */
    public void resetAsFollower(int epoch, long offset) {
        appendLock.lock();
        try {
            ensureFollowing(epoch);
            log.truncateFullyAndStartAt(offset);
            try {
                epochCache.clear();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + epochCache.file() + ": " + e, e);
            }
            publishedEndOffset = offset;
            highWatermark = offset;
            hwWaiters.resetTo(offset);
            wakeAll();
            LOG.info("{}: follower log emptied to restart at the leader's log start {}", this, offset);
        } finally {
            appendLock.unlock();
        }
    }

    private void ensureFollowing(int epoch) {
        if (role != Role.FOLLOWER || leaderEpoch != epoch) {
            throw new StaleFetchException(this + ": no longer a follower at epoch " + epoch + " (now " + role + " at epoch "
                    + leaderEpoch + ")");
        }
    }

    // ------------------------------------------------------------------ readers

    public void register(ReadSignal signal) {
        readers.add(signal);
    }

    public void unregister(ReadSignal signal) {
        readers.remove(signal);
    }

    /** Wakes every registered reader (new HW, a role change, the partition closes or its topic is dropped). */
    public void wakeAll() {
        for (ReadSignal s : readers) {
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

    /**
     * Drops the role (waiters fail), flushes and closes the log cleanly with its HW checkpoint, and
     * wakes readers (they then see the log closed).
     */
    public void close() {
        makeOffline("the replica on broker " + localBrokerId + " is closing");
        try {
            log.close();
            try {
                AtomicFiles.write(log.dir().resolve(HIGH_WATERMARK_FILE),
                        (highWatermark + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                LOG.warn("{}: cannot checkpoint the high watermark: {}", this, e.toString());
            }
        } finally {
            wakeAll();
        }
    }

    /** Stops as a crash would: no flush, no clean-shutdown marker, no HW checkpoint (the next open recovers). */
    public void abandon() {
        makeOffline("the broker stopped");
        log.closeAbruptly();
        wakeAll();
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
