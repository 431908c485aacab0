package io.runnel.engine.group;

import io.runnel.engine.Engine;
import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.group.GroupResponse.Described;
import io.runnel.engine.group.GroupResponse.Done;
import io.runnel.engine.group.GroupResponse.MemberState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator side of consumer groups on one broker: one {@link GroupCoordinator} per partition of
 * {@value OffsetStore#TOPIC} that this broker leads, each over an {@link OffsetStore} of that partition
 * (design note 0009, "Coordinators in a cluster").
 *
 * <p>A partition's coordinator is <em>loaded</em> for one leader epoch: when this broker becomes the
 * partition's leader (noticed by a periodic check, or by the first request), it waits until its high
 * watermark covers its log end as of the election (every commit an earlier leader acknowledged is then
 * committed here too), replays the partition and serves. Members are not replayed: they join again
 * (their brokers notice the failover by a failed heartbeat). When the leadership moves away the
 * coordinator is dropped and its waiting heartbeats end with {@link NotCoordinatorException}.
 *
 * <p>Requests run on a small pool of this host's own (never on a transport's threads: a commit waits
 * for acks=all, whose follower fetches must still be served); a heartbeat holds no thread while it waits.
 *
 * <p>Thread-safe: {@code loaded} is a concurrent map, loads of one partition are serialized by its lock
 * object, membership is guarded by each coordinator's monitor.
 */
public final class CoordinatorHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorHost.class);
    static final int THREADS = 4;
    static final int MAX_QUEUED = 1_024;
    /** How long a request waits for a topic this broker has not seen in its metadata yet. */
    static final long TOPIC_WAIT_MS = 3_000;
    static final long POLL_MS = 20;

    /** A coordinator serving one partition for one leader epoch. */
    private record Loaded(int leaderEpoch, GroupCoordinator coordinator) {}

    /** A member whose heartbeat waits. */
    private record MemberKey(int partition, String group, UUID topicId, String memberId) {}

    private final Engine engine;
    private final OffsetsTopicView view;
    private final GroupServiceConfig config;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    private final Map<Integer, Loaded> loaded = new ConcurrentHashMap<>();
    private final Map<Integer, Object> loadLocks = new ConcurrentHashMap<>();
    private final Map<MemberKey, CompletableFuture<Void>> waiters = new ConcurrentHashMap<>();
    /** Set by close(); read by request threads. */
    private volatile boolean closed;

    CoordinatorHost(Engine engine, OffsetsTopicView view, GroupServiceConfig config, Clock clock) {
        this.engine = engine;
        this.view = view;
        this.config = config;
        this.clock = clock;
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, "runnel-group-coordinator-" + view.localBrokerId());
            t.setDaemon(true);
            return t;
        });
    }

    /** Answers {@code request} as this broker's coordinators; {@link NotCoordinatorException} when it is not the group's. */
    public CompletableFuture<GroupResponse> handle(GroupRequest request) {
        try {
            CompletableFuture<CompletableFuture<GroupResponse>> f = CompletableFuture.supplyAsync(() -> start(request), pool);
            return f.thenCompose(x -> x);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new EngineException(SqlStates.INSUFFICIENT_RESOURCES, "the group coordinator of broker "
                    + view.localBrokerId() + " is " + (closed ? "stopping" : "overloaded (" + MAX_QUEUED + " requests queued)")));
        }
    }

    private CompletableFuture<GroupResponse> start(GroupRequest request) {
        if (closed) {
            throw new NotCoordinatorException("broker " + view.localBrokerId() + " is stopping");
        }
        if (request instanceof GroupRequest.Describe) {
            return CompletableFuture.completedFuture(new Described(describe()));
        }
        int partition = partitionOf(request.group());
        Loaded l = coordinator(partition, request.group());
        if (request instanceof GroupRequest.Heartbeat h) {
            return heartbeat(partition, l, h);
        }
        return CompletableFuture.completedFuture(answer(partition, l, request));
    }

    private GroupResponse answer(int partition, Loaded l, GroupRequest request) {
        GroupCoordinator c = l.coordinator();
        if (request instanceof GroupRequest.Join j) {
            TopicInfo topic = topic(j.topic(), j.topicId());
            MemberKey key = new MemberKey(partition, j.group(), j.topicId(), j.memberId());
            return state(c, c.rejoin(j.group(), topic, j.memberId(), () -> wake(key)));
        }
        if (request instanceof GroupRequest.Release r) {
            GroupMember m = member(c, r.group(), r.topic(), r.topicId(), r.memberId());
            m.release(r.partitions());
            return state(c, m);
        }
        if (request instanceof GroupRequest.Leave r) {
            GroupMember m = c.member(r.group(), r.topicId(), r.memberId());
            if (m != null) {
                m.leave();
            }
            return Done.INSTANCE;
        }
        if (request instanceof GroupRequest.Commit r) {
            TopicInfo topic = topic(r.topic(), r.topicId());
            fence(partition, l);
            c.commit(r.group(), topic, r.memberId(), r.offsets());
            return Done.INSTANCE;
        }
        if (request instanceof GroupRequest.ResetOffsets r) {
            TopicInfo topic = topic(r.topic(), r.topicId());
            fence(partition, l);
            c.resetOffsets(r.group(), topic, r.offsets());
            return Done.INSTANCE;
        }
        throw new IllegalArgumentException("unexpected group request " + request);
    }

    private CompletableFuture<GroupResponse> heartbeat(int partition, Loaded l, GroupRequest.Heartbeat h) {
        GroupCoordinator c = l.coordinator();
        GroupMember m = member(c, h.group(), h.topic(), h.topicId(), h.memberId());
        if (m.versionedAssignment().version() != h.knownVersion() || h.maxWaitMs() <= 0) {
            return CompletableFuture.completedFuture(state(c, m));
        }
        MemberKey key = new MemberKey(partition, h.group(), h.topicId(), h.memberId());
        CompletableFuture<Void> wait = new CompletableFuture<>();
        CompletableFuture<Void> previous = waiters.put(key, wait);
        if (previous != null) {
            previous.complete(null);
        }
        if (m.versionedAssignment().version() != h.knownVersion() || loaded.get(partition) != l) {
            wait.complete(null); // changed between the check and the registration
        }
        return wait.completeOnTimeout(null, Math.min(h.maxWaitMs(), config.memberTimeoutMs() / 3), TimeUnit.MILLISECONDS)
                .thenApplyAsync(v -> {
                    waiters.remove(key, wait);
                    if (loaded.get(partition) != l) {
                        throw new NotCoordinatorException("broker " + view.localBrokerId() + " stopped coordinating group "
                                + h.group() + " (leadership of " + OffsetStore.TOPIC + " partition " + partition + " moved)");
                    }
                    GroupMember now = member(c, h.group(), h.topic(), h.topicId(), h.memberId());
                    return state(c, now);
                }, pool);
    }

    private void wake(MemberKey key) {
        CompletableFuture<Void> w = waiters.remove(key);
        if (w != null) {
            w.complete(null);
        }
    }

    private GroupMember member(GroupCoordinator c, String group, String topic, UUID topicId, String memberId) {
        GroupMember m = c.member(group, topicId, memberId);
        if (m == null || !m.assignment().active()) {
            throw new UnknownMemberException(memberId + " is not a member of consumer group " + group + " on topic " + topic
                    + " at its coordinator, broker " + view.localBrokerId() + " (it expired or the coordinator moved): it joins again");
        }
        m.lastSeenMs = clock.millis();
        return m;
    }

    private MemberState state(GroupCoordinator c, GroupMember m) {
        GroupMember.VersionedAssignment a = m.versionedAssignment();
        Map<Integer, Long> committed = new HashMap<>();
        for (int p : a.owned()) {
            Optional<Long> o = c.offsets().committed(new OffsetKey(m.group(), m.topic().name(), p), m.topic().topicId());
            o.ifPresent(v -> committed.put(p, v));
        }
        return new MemberState(a.version(), a.active() ? a.owned() : java.util.Set.of(),
                a.active() ? a.revoking() : java.util.Set.of(), committed);
    }

    /** A write is about to be made for {@code l}: this broker must still lead the partition at the loaded epoch. */
    private void fence(int partition, Loaded l) {
        OffsetsTopicView.LocalLeader now = view.localLeader(partition);
        if (now == null || now.leaderEpoch() != l.leaderEpoch()) {
            unload(partition, l);
            throw notCoordinator(partition, "lost the leadership of " + OffsetStore.TOPIC + " partition " + partition);
        }
    }

    // ---------------------------------------------------------------- loading

    private TopicInfo offsetsTopic() {
        return engine.topic(OffsetStore.TOPIC).orElseThrow(() -> new NotCoordinatorException("broker " + view.localBrokerId()
                + " has no " + OffsetStore.TOPIC + " topic in its metadata yet"));
    }

    private int partitionOf(String group) {
        return GroupService.partitionFor(group, offsetsTopic().partitions());
    }

    private NotCoordinatorException notCoordinator(int partition, String why) {
        return new NotCoordinatorException("broker " + view.localBrokerId() + " is not the coordinator of the groups of "
                + OffsetStore.TOPIC + " partition " + partition + ": " + why);
    }

    /** The coordinator of {@code partition}, loading it for the current leader epoch when needed. */
    private Loaded coordinator(int partition, String group) {
        OffsetsTopicView.LocalLeader leader = view.localLeader(partition);
        Loaded l = loaded.get(partition);
        if (leader == null) {
            if (l != null) {
                unload(partition, l);
            }
            throw notCoordinator(partition, "it does not lead that partition"
                    + (group == null ? "" : " (group " + group + ")"));
        }
        if (l != null && l.leaderEpoch() == leader.leaderEpoch()) {
            return l;
        }
        synchronized (loadLocks.computeIfAbsent(partition, k -> new Object())) {
            l = loaded.get(partition);
            if (l != null && l.leaderEpoch() == leader.leaderEpoch()) {
                return l;
            }
            if (l != null) {
                unload(partition, l);
            }
            return load(partition, leader);
        }
    }

    /** Replays {@code partition} once the high watermark covers the log as of the election. @GuardedBy(loadLocks[partition]) */
    private Loaded load(int partition, OffsetsTopicView.LocalLeader leader) {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        long target = leader.logEndOffset();
        while (true) {
            OffsetsTopicView.LocalLeader now = view.localLeader(partition);
            if (now == null || now.leaderEpoch() != leader.leaderEpoch()) {
                throw notCoordinator(partition, "its leadership moved while it was loading");
            }
            if (now.highWatermark() >= target) {
                break;
            }
            if (System.nanoTime() > deadline || closed) {
                throw notCoordinator(partition, "still loading: its high watermark " + now.highWatermark()
                        + " has not reached the log end " + target + " it had when elected (followers catching up)");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw notCoordinator(partition, "interrupted while loading");
            }
        }
        OffsetStore store = OffsetStore.open(engine, offsetsTopic(), partition, config.store(), clock);
        Loaded l = new Loaded(leader.leaderEpoch(), GroupCoordinator.open(engine, store, clock));
        loaded.put(partition, l);
        LOG.info("Broker {} coordinates the consumer groups of {} partition {} (leader epoch {}), loaded in {} ms",
                view.localBrokerId(), OffsetStore.TOPIC, partition, leader.leaderEpoch(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return l;
    }

    private void unload(int partition, Loaded l) {
        if (!loaded.remove(partition, l)) {
            return;
        }
        LOG.info("Broker {} no longer coordinates the consumer groups of {} partition {} (epoch {})", view.localBrokerId(),
                OffsetStore.TOPIC, partition, l.leaderEpoch());
        l.coordinator().close();
        for (Map.Entry<MemberKey, CompletableFuture<Void>> e : waiters.entrySet()) {
            if (e.getKey().partition() == partition && waiters.remove(e.getKey(), e.getValue())) {
                e.getValue().complete(null); // the waiter finds the coordinator gone and answers NOT_COORDINATOR
            }
        }
    }

    /**
     * The periodic check: loads the partitions this broker has come to lead (so that a failover replays
     * at once, not at the first request), drops those it no longer leads, and expires silent members.
     */
    void maintain() {
        if (closed) {
            return;
        }
        Optional<TopicInfo> topic = engine.topic(OffsetStore.TOPIC);
        if (topic.isEmpty()) {
            return;
        }
        for (int p = 0; p < topic.get().partitions(); p++) {
            OffsetsTopicView.LocalLeader leader = view.localLeader(p);
            Loaded l = loaded.get(p);
            if (leader == null && l != null) {
                unload(p, l);
            } else if (leader != null && (l == null || l.leaderEpoch() != leader.leaderEpoch())) {
                int partition = p;
                try {
                    pool.execute(() -> {
                        try {
                            coordinator(partition, null);
                        } catch (RuntimeException e) {
                            LOG.debug("Broker {}: loading {} partition {} failed: {}", view.localBrokerId(), OffsetStore.TOPIC,
                                    partition, e.getMessage());
                        }
                    });
                } catch (RejectedExecutionException e) {
                    return;
                }
            }
        }
        for (Loaded l : loaded.values()) {
            l.coordinator().expireMembers(config.memberTimeoutMs());
        }
    }

    private TopicInfo topic(String name, UUID topicId) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TOPIC_WAIT_MS);
        while (true) {
            Optional<TopicInfo> t = engine.topic(name);
            if (t.isPresent() && t.get().topicId().equals(topicId)) {
                return t.get();
            }
            if (System.nanoTime() > deadline) {
                throw new EngineException(SqlStates.UNDEFINED_TABLE, "topic " + name + " (id " + topicId + ") is not known to"
                        + " broker " + view.localBrokerId() + ", the coordinator" + (t.isPresent() ? " (it has another topic of"
                        + " that name, id " + t.get().topicId() + ")" : ""));
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(SqlStates.QUERY_CANCELED, "interrupted while looking up topic " + name);
            }
        }
    }

    /** The rows of every group this broker coordinates now. */
    private List<GroupPartitionStatus> describe() {
        List<GroupPartitionStatus> rows = new ArrayList<>();
        Optional<TopicInfo> topic = engine.topic(OffsetStore.TOPIC);
        if (topic.isEmpty()) {
            return rows;
        }
        for (int p = 0; p < topic.get().partitions(); p++) {
            if (view.localLeader(p) == null) {
                continue;
            }
            Loaded l;
            try {
                l = coordinator(p, null);
            } catch (NotCoordinatorException e) {
                LOG.debug("Broker {}: {} partition {} not described: {}", view.localBrokerId(), OffsetStore.TOPIC, p, e.getMessage());
                continue;
            }
            for (GroupPartitionStatus s : l.coordinator().describe()) {
                rows.add(s.withCoordinator(view.localBrokerId()));
            }
        }
        return rows;
    }

    /** Whether this broker coordinates the groups of {@code partition} now (for tests and status). */
    public boolean coordinates(int partition) {
        return loaded.containsKey(partition);
    }

    @Override
    public void close() {
        closed = true;
        for (Map.Entry<Integer, Loaded> e : loaded.entrySet()) {
            unload(e.getKey(), e.getValue());
        }
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }
}
