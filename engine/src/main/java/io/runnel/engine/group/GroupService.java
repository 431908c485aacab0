package io.runnel.engine.group;

import io.runnel.engine.BrokerStatus;
import io.runnel.engine.Engine;
import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.cluster.BrokerTransport;
import io.runnel.engine.cluster.NotEnoughReplicasException;
import io.runnel.engine.cluster.NotLeaderException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer groups on one broker of a cluster (design note 0009): the SQL layer's way to groups, and the
 * coordinators this broker hosts ({@link CoordinatorHost}).
 *
 * <p><b>One coordinator per group.</b> The coordinator of group {@code g} is the leader of partition
 * {@link #partitionFor floorMod(g.hashCode(), N)} of {@value OffsetStore#TOPIC} (N = its partition count),
 * Kafka's rule. Every group operation of a JDBC connection on any broker — join, heartbeat, release,
 * leave, commit, reset, describe — goes there: directly when this broker leads that partition, else
 * through {@link BrokerTransport#group}. A NOT_COORDINATOR answer, an unreachable broker or a partition
 * without a leader make the request find the coordinator again and retry, up to
 * {@link GroupServiceConfig#requestTimeoutMs()}.
 *
 * <p><b>The offsets topic</b> is created by the first broker that needs it, with replication factor
 * min({@code offsets_topic_replication_factor}, live brokers) and min ISR min(2, RF), through the
 * metadata's version-checked create: a broker that loses the race uses the winner's topic. Commits are
 * acks=all. A topic created below the target is logged as a warning: partition reassignment grows it.
 *
 * <p>Thread-safe. Listeners of {@link GroupSession}s run on one notifier thread, in order.
 */
public final class GroupService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupService.class);
    static final long RETRY_BACKOFF_MS = 100;
    static final long MAX_RETRY_BACKOFF_MS = 1_000;
    static final long MAINTAIN_INTERVAL_MS = 500;
    static final long DESCRIBE_TIMEOUT_MS = 10_000;

    private final Engine engine;
    private final OffsetsTopicView view;
    private final BrokerTransport transport;
    private final GroupServiceConfig config;
    private final boolean singleBroker;
    private final CoordinatorHost host;
    private final ExecutorService notifier;
    private final ScheduledExecutorService scheduler;
    private final Set<GroupSession> sessions = ConcurrentHashMap.newKeySet();
    /** The offsets topic once known; written under {@code this}, read by any request thread. */
    private volatile TopicInfo offsetsTopic;
    /** Set by close(); read by every request. */
    private volatile boolean closed;

    private GroupService(Engine engine, OffsetsTopicView view, BrokerTransport transport, GroupServiceConfig config, Clock clock,
            boolean singleBroker) {
        this.engine = engine;
        this.view = view;
        this.transport = transport;
        this.config = config;
        this.singleBroker = singleBroker;
        this.host = new CoordinatorHost(engine, view, config, clock);
        int id = view.localBrokerId();
        this.notifier = Executors.newSingleThreadExecutor(r -> daemon(r, "runnel-group-notifier-" + id));
        this.scheduler = Executors.newScheduledThreadPool(2, r -> daemon(r, "runnel-group-sessions-" + id));
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                host.maintain();
            } catch (RuntimeException e) {
                LOG.warn("Broker {}: group coordinator check failed: {}", id, e.toString());
            }
        }, MAINTAIN_INTERVAL_MS, MAINTAIN_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The groups of a broker in a cluster. */
    public static GroupService start(Engine engine, OffsetsTopicView view, BrokerTransport transport, GroupServiceConfig config,
            Clock clock) {
        return new GroupService(engine, view, transport, config, clock, false);
    }

    /** The groups of an engine alone (no cluster): this broker coordinates every group. */
    public static GroupService standalone(Engine engine, GroupServiceConfig config, Clock clock) {
        return new GroupService(engine, OffsetsTopicView.SINGLE_BROKER, BrokerTransport.NONE, config, clock, true);
    }

    /** The partition of {@value OffsetStore#TOPIC} whose leader coordinates {@code group}: Kafka's rule. */
    public static int partitionFor(String group, int partitions) {
        return Math.floorMod(group.hashCode(), partitions);
    }

    public GroupServiceConfig config() {
        return config;
    }

    /** The coordinator side, answering other brokers' requests ({@link BrokerTransport#group}). */
    public CompletableFuture<GroupResponse> handle(GroupRequest request) {
        return host.handle(request);
    }

    /** Whether this broker coordinates the groups of {@code partition} of the offsets topic now. */
    public boolean coordinates(int partition) {
        return host.coordinates(partition);
    }

    // ------------------------------------------------------------------ the offsets topic

    /**
     * The offsets topic, created when missing (see the class comment).
     *
     * @throws EngineException as {@link Engine#createInternalTopic} (a cluster without live brokers, I/O)
     */
    public TopicInfo offsetsTopic() {
        TopicInfo t = offsetsTopic;
        if (t != null) {
            return t;
        }
        synchronized (this) {
            if (offsetsTopic != null) {
                return offsetsTopic;
            }
            Optional<TopicInfo> existing = engine.topic(OffsetStore.TOPIC);
            if (existing.isPresent()) {
                offsetsTopic = existing.get();
                return offsetsTopic;
            }
            int live = singleBroker ? 1 : Math.max(1, engine.brokers().size());
            int rf = Math.min(config.offsetsTopicReplicationFactor(), live);
            int minIsr = Math.min(2, rf);
            TopicInfo created = engine.createInternalTopic(OffsetStore.topicSpec(config.store(), config.offsetsTopicPartitions(), rf,
                    minIsr), true);
            int actualRf = created.config().replicationFactor();
            if (actualRf < config.offsetsTopicReplicationFactor()) {
                // Hook: partition reassignment grows it to the target as brokers join (docs/operations.md).
                LOG.warn("{} has replication factor {}, below offsets_topic_replication_factor {} ({} live broker{} when it"
                        + " was created): committed offsets do not survive the loss of {}; grow it by reassigning its partitions"
                        + " when more brokers are live", OffsetStore.TOPIC, actualRf, config.offsetsTopicReplicationFactor(), live,
                        live == 1 ? "" : "s", actualRf == 1 ? "its broker" : actualRf + " brokers");
            }
            offsetsTopic = created;
            return created;
        }
    }

    // ------------------------------------------------------------------ routing

    /** The broker coordinating {@code group} according to the metadata, or empty while its partition has no leader. */
    public OptionalInt coordinatorOf(String group) {
        int p = partitionFor(group, offsetsTopic().partitions());
        return singleBroker ? OptionalInt.of(view.localBrokerId()) : view.leaderOf(p);
    }

    /** One attempt: {@code request} to the current coordinator of {@code group}. */
    CompletableFuture<GroupResponse> send(String group, GroupRequest request) {
        if (closed) {
            return CompletableFuture.failedFuture(new EngineException(SqlStates.QUERY_CANCELED, "the broker is stopping: consumer"
                    + " group " + group + " cannot be reached"));
        }
        OptionalInt coordinator;
        try {
            coordinator = coordinatorOf(group);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (coordinator.isEmpty()) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("consumer group " + group + " has no coordinator now: "
                    + OffsetStore.TOPIC + " partition " + partitionFor(group, offsetsTopic().partitions()) + " has no leader"));
        }
        int broker = coordinator.getAsInt();
        return broker == view.localBrokerId() ? host.handle(request) : transport.group(broker, request);
    }

    /**
     * {@code request} to the coordinator of {@code group}, retried while the coordinator moves (NOT_COORDINATOR,
     * an unreachable or leaderless coordinator, a commit that met a leadership change) up to the request timeout.
     *
     * @throws EngineException the coordinator's answer, or 40R03 when no coordinator answered in time
     */
    GroupResponse call(String group, GroupRequest request) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        long backoffMs = RETRY_BACKOFF_MS;
        Throwable last;
        while (true) {
            try {
                long leftNs = deadline - System.nanoTime();
                return send(group, request).get(Math.max(1, leftNs), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | CompletionException e) {
                last = unwrap(e);
                if (!retriable(last)) {
                    if (last instanceof EngineException ee) {
                        throw ee;
                    }
                    throw new EngineException(SqlStates.INTERNAL_ERROR, "consumer group " + group + ": " + last, last);
                }
            } catch (TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(SqlStates.QUERY_CANCELED, "interrupted while calling the coordinator of consumer group "
                        + group);
            } catch (EngineException e) {
                last = e; // the offsets topic cannot be created or read now
                if (!retriable(e)) {
                    throw e;
                }
            }
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0 || closed) {
                throw new NotCoordinatorException("no coordinator of consumer group " + group + " answered within "
                        + config.requestTimeoutMs() + " ms (group_request_timeout_ms); last: " + last.getMessage());
            }
            LOG.debug("consumer group {}: {} ({}); finding the coordinator again", group, request.getClass().getSimpleName(),
                    last.toString());
            try {
                Thread.sleep(Math.min(leftMs, backoffMs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(SqlStates.QUERY_CANCELED, "interrupted while finding the coordinator of consumer group "
                        + group);
            }
            backoffMs = Math.min(MAX_RETRY_BACKOFF_MS, backoffMs * 2);
        }
    }

    /** Errors after which the coordinator is looked up again and the request repeated (every request is idempotent). */
    static boolean retriable(Throwable e) {
        if (e instanceof NotCoordinatorException || e instanceof NotLeaderException || e instanceof NotEnoughReplicasException
                || e instanceof TimeoutException) {
            return true;
        }
        return e instanceof EngineException ee && ee.sqlState() != null && (ee.sqlState().startsWith("08")
                || ee.sqlState().equals(SqlStates.INSUFFICIENT_RESOURCES));
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    // ------------------------------------------------------------------ what the SQL layer calls

    /**
     * Joins {@code group} on {@code topic} as {@code memberId}: returns once the coordinator accepted the
     * member; partitions arrive through {@code listener} (on the notifier thread).
     */
    public GroupSession join(String group, TopicInfo topic, String memberId, Runnable listener) {
        GroupSession s = new GroupSession(this, group, topic, memberId, listener);
        sessions.add(s);
        try {
            s.start();
        } catch (RuntimeException e) {
            sessions.remove(s);
            throw e;
        }
        return s;
    }

    /**
     * Commits positions of partitions {@code memberId} owns (durable, acks=all, on return).
     *
     * @throws UnknownMemberException 40001 when the member does not own them any more (a rebalance or failover)
     */
    public void commit(String group, TopicInfo topic, String memberId, Map<Integer, Long> offsets) {
        call(group, new GroupRequest.Commit(group, topic.name(), topic.topicId(), memberId, offsets));
    }

    /**
     * {@code ALTER CONSUMER GROUP ... RESET OFFSETS}.
     *
     * @throws EngineException 42704 unknown group; 55006 the group has members
     */
    public void resetOffsets(String group, TopicInfo topic, Map<Integer, Long> offsets) {
        call(group, new GroupRequest.ResetOffsets(group, topic.name(), topic.topicId(), offsets));
    }

    /**
     * The rows of {@code sys.consumer_groups}: every live broker reports the groups it coordinates. A
     * broker that does not answer within {@value #DESCRIBE_TIMEOUT_MS} ms is left out (its groups are
     * missing from the result, and the log says so).
     */
    public List<GroupPartitionStatus> describe() {
        offsetsTopic();
        List<Integer> brokers = new ArrayList<>();
        if (singleBroker) {
            brokers.add(view.localBrokerId());
        } else {
            for (BrokerStatus b : engine.brokers()) {
                brokers.add(b.brokerId());
            }
        }
        List<CompletableFuture<GroupResponse>> answers = new ArrayList<>();
        for (int b : brokers) {
            answers.add(b == view.localBrokerId() ? host.handle(new GroupRequest.Describe())
                    : transport.group(b, new GroupRequest.Describe()));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DESCRIBE_TIMEOUT_MS);
        Map<OffsetKey, GroupPartitionStatus> rows = new LinkedHashMap<>();
        for (int i = 0; i < brokers.size(); i++) {
            try {
                GroupResponse r = answers.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                for (GroupPartitionStatus s : ((GroupResponse.Described) r).rows()) {
                    rows.putIfAbsent(new OffsetKey(s.group(), s.topic(), s.partition()), s);
                }
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("sys.consumer_groups: broker {} did not describe its groups: {}", brokers.get(i), unwrap(e).toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(SqlStates.QUERY_CANCELED, "interrupted while describing consumer groups");
            }
        }
        List<GroupPartitionStatus> out = new ArrayList<>(rows.values());
        out.sort(Comparator.comparing(GroupPartitionStatus::group).thenComparing(GroupPartitionStatus::topic)
                .thenComparingInt(GroupPartitionStatus::partition));
        return out;
    }

    // ------------------------------------------------------------------ for sessions

    ExecutorService callbacks() {
        return scheduler;
    }

    void schedule(Runnable task, long delayMs) {
        try {
            scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("group service closed; not scheduling {}", task);
        }
    }

    void notify(Runnable listener) {
        try {
            notifier.execute(() -> {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    LOG.warn("Assignment listener failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("group service closed; not notifying");
        }
    }

    void untrack(GroupSession session) {
        sessions.remove(session);
    }

    /** Stops the sessions' heartbeats (their queries are the callers' to end) and this broker's coordinators. */
    @Override
    public void close() {
        closed = true;
        for (GroupSession s : sessions) {
            s.leave();
        }
        scheduler.shutdownNow();
        host.close();
        notifier.shutdown();
        try {
            notifier.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        notifier.shutdownNow();
    }
}
