package io.runnel.replication.simulation;

import io.runnel.engine.Acks;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.TopicConfig;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.MetadataConflictException;
import io.runnel.engine.catalog.TopicDefinitions;
import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.cluster.BrokerTransport.ForwardedProduce;
import io.runnel.engine.cluster.NotEnoughReplicasException;
import io.runnel.engine.cluster.NotLeaderException;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.cluster.ReplicaAssignor;
import io.runnel.engine.cluster.TopicPartition;
import io.runnel.engine.partition.Partition;
import io.runnel.engine.testkit.EngineFixtures;
import io.runnel.replication.controller.ControllerLogic;
import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.log.LogReadResult;
import io.runnel.storage.testkit.MutableClock;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded, single-threaded world of brokers (real engines over real logs), a simulated ZooKeeper, a
 * simulated network (delays, drops, partitions between any two nodes) and a simulated clock, driven
 * by random steps: client produces (acks=all, unique row ids), message deliveries, time passing (ISR
 * checks, session expiry, controller decisions), and faults (crash, restart, pause, resume, cut and heal
 * links). {@link Invariants} are checked after every step. Same seed, same run.
 */
final class SimWorld implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimWorld.class);

    static final long REPLICA_LAG_TIME_MAX_MS = 1_000;
    static final long SESSION_TIMEOUT_MS = 2_000;
    static final long REQUEST_TIMEOUT_MS = 1_500;
    static final long FETCH_BACKOFF_MS = 50;
    static final long CLIENT_TIMEOUT_MS = 10_000;
    static final int ZK = -1;
    static final int CLIENT = -2;
    private static final long DAY_MS = 86_400_000L;

    /** A batch a client sent and heard back about. */
    record Acked(TopicPartition tp, long baseOffset, long lastOffset, long firstId, int count) {}

    private final SplittableRandom random;
    private final MutableClock clock = new MutableClock(1_767_225_600_000L);
    private final SimScheduler scheduler = new SimScheduler(clock);
    private final List<String> violations = new ArrayList<>();
    private final SimZooKeeper zk = new SimZooKeeper(violations);
    private final Map<Integer, SimBroker> brokers = new TreeMap<>();
    private final List<TopicInfo> topics = new ArrayList<>();
    /** Cut links, as "a,b" with a < b (ZooKeeper is -1). */
    private final TreeSet<String> cuts = new TreeSet<>();
    private final double dropProbability;
    private final int maxDelayMs;
    /** A client's batch in flight, by its first id: which attempt is current, and whether any may have stored it. */
    private static final class Pending {
        int attempt;
        boolean mayBeStored;
    }

    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    final List<Acked> acked = new ArrayList<>();
    /** Ids whose produce failed saying nothing was appended: they must never appear. */
    final TreeSet<Long> rejected = new TreeSet<>();
    /** Ids whose outcome is unknown: at most once. */
    final TreeSet<Long> unknown = new TreeSet<>();
    /** (partition@epoch) to the broker that appended as leader in it. */
    private final Map<String, Integer> appendingLeaders = new HashMap<>();
    /** Where each moved partition must end up: the last move's target, or its original replicas after a cancel. */
    final Map<TopicPartition, List<Integer>> expectedReplicas = new HashMap<>();
    private long nextId;
    final Map<String, Integer> stats = new TreeMap<>();

    SimWorld(long seed, Path dir, int brokerCount, double dropProbability, int maxDelayMs) {
        this.random = new SplittableRandom(seed);
        this.dropProbability = dropProbability;
        this.maxDelayMs = maxDelayMs;
        for (int b = 0; b < brokerCount; b++) {
            brokers.put(b, new SimBroker(b, dir.resolve("broker-" + b), this));
        }
        for (SimBroker b : brokers.values()) {
            zk.register(b.info, 1, clock.millis());
        }
        createTopic("orders", 3, 3, 2, seed);
        createTopic("audit", 2, Math.min(2, brokerCount), 1, seed + 1);
        for (SimBroker b : brokers.values()) {
            b.start();
        }
        zkChanged();
    }

    private void createTopic(String name, int partitions, int replicationFactor, int minInsync, long seed) {
        Map<String, String> options = Map.of("partitions", Integer.toString(partitions), "replication_factor",
                Integer.toString(replicationFactor), "min_insync_replicas", Integer.toString(minInsync), "compression", "none");
        TopicInfo info = TopicDefinitions.create(EngineFixtures.events(name, options), TopicConfig.DEFAULTS, false,
                new UUID(seed, name.hashCode()), clock.millis(), brokers.size());
        List<Integer> ids = new ArrayList<>(brokers.keySet());
        var live = ids.stream().map(i -> brokers.get(i).info).toList();
        zk.createTopic(info, ReplicaAssignor.assign(name, 0, partitions, replicationFactor, live, random.nextInt(1000)));
        topics.add(info);
    }

    MutableClock clock() {
        return clock;
    }

    SimScheduler scheduler() {
        return scheduler;
    }

    SimZooKeeper zk() {
        return zk;
    }

    List<String> violations() {
        return violations;
    }

    Map<Integer, SimBroker> brokers() {
        return brokers;
    }

    List<TopicInfo> topics() {
        return topics;
    }

    private void count(String what) {
        stats.merge(what, 1, Integer::sum);
    }

    // ------------------------------------------------------------------ network

    private static String link(int a, int b) {
        return Math.min(a, b) + "," + Math.max(a, b);
    }

    boolean linkUp(int a, int b) {
        return !cuts.contains(link(a, b));
    }

    boolean connectedToZk(SimBroker b) {
        return b.up && !b.paused && linkUp(b.id, ZK);
    }

    private long delay() {
        return 1 + random.nextInt(maxDelayMs);
    }

    private boolean lost(int from, int to) {
        return !linkUp(from, to) || random.nextDouble() < dropProbability;
    }

    /** A message to a broker, delivered after a delay unless the link is cut or it is dropped; postponed while the target is paused. */
    void sendBetweenBrokers(SimBroker from, int to, String what, Consumer<SimBroker> atTarget) {
        SimBroker target = brokers.get(to);
        sendBetweenBrokers(from, to, target.incarnation, what, atTarget);
    }

    void sendBetweenBrokers(SimBroker from, int to, int toIncarnation, String what, Consumer<SimBroker> atTarget) {
        if (lost(from.id, to)) {
            count("messages lost");
            return;
        }
        scheduler.after(delay(), what, () -> deliverTo(brokers.get(to), toIncarnation, from.id, what,
                () -> atTarget.accept(brokers.get(to))));
    }

    private void deliverTo(SimBroker target, int incarnation, int from, String what, Runnable action) {
        if (!target.up || target.incarnation != incarnation || !linkUp(from, target.id)) {
            count("messages to dead or cut-off brokers");
            return;
        }
        if (target.paused) {
            scheduler.after(50, what + " (postponed: paused)", () -> deliverTo(target, incarnation, from, what, action));
            return;
        }
        try {
            action.run();
        } catch (RuntimeException e) {
            // A broker failing a request is a failed request, as a connection error would be.
            count("requests failing with " + e.getClass().getSimpleName());
            LOG.debug("{} at broker {} failed: {}", what, target.id, e.toString());
        }
    }

    void sendToZk(SimBroker from, String what, Runnable atZk) {
        if (!connectedToZk(from) || lost(from.id, ZK)) {
            count("ZooKeeper requests lost");
            return;
        }
        scheduler.after(delay(), what, () -> {
            if (linkUp(from.id, ZK)) {
                atZk.run();
            }
        });
    }

    void sendFromZk(SimBroker to, int incarnation, String what, Runnable atBroker) {
        if (lost(ZK, to.id)) {
            return;
        }
        scheduler.after(delay(), what, () -> deliverTo(to, incarnation, ZK, what, atBroker));
    }

    /** The ZooKeeper state changed: every connected broker gets the new image after a delay. */
    void zkChanged() {
        for (SimBroker b : brokers.values()) {
            scheduleDelivery(b);
        }
    }

    private void scheduleDelivery(SimBroker b) {
        int incarnation = b.incarnation;
        scheduler.after(delay(), "image to broker " + b.id, () -> {
            if (b.incarnation != incarnation || !b.up) {
                return;
            }
            if (b.paused) {
                scheduler.after(50, "image (postponed)", () -> scheduleDelivery(b));
                return;
            }
            if (linkUp(b.id, ZK) && zk.sequence() > b.deliveredZkSequence) {
                b.deliver(zk.image(0, true), zk.sequence(), zk.controllerId(), zk.controllerEpoch(), true);
            }
        });
    }

    /** The broker noticed it lost ZooKeeper (Curator's SUSPENDED/LOST): its image is no longer current. */
    private void noticeLostZk(SimBroker b) {
        int incarnation = b.incarnation;
        scheduler.after(1 + random.nextInt(20), "broker " + b.id + " notices ZooKeeper is gone", () -> {
            if (b.up && b.incarnation == incarnation && !b.paused && (!linkUp(b.id, ZK) || !zk.isRegistered(b.id)
                    || zk.session(b.id).incarnation() != b.incarnation) && b.image().current()) {
                b.deliver(b.image(), b.deliveredZkSequence, -1, -1, false);
            }
        });
    }

    // ------------------------------------------------------------------ time

    /** Moves time on by {@code ms}: due events run, then sessions, ISR checks and controllers act. */
    void tick(long ms) {
        scheduler.advance(ms);
        long now = clock.millis();
        boolean changed = false;
        for (SimBroker b : brokers.values()) {
            if (connectedToZk(b)) {
                zk.heard(b.id, b.incarnation, now);
                if (!zk.isRegistered(b.id)) {
                    changed |= zk.register(b.info, b.incarnation, now);
                    count("registrations");
                }
            }
        }
        if (zk.expireSessions(now, SESSION_TIMEOUT_MS)) {
            count("session expiries");
            changed = true;
            for (SimBroker b : brokers.values()) {
                if (b.up && !zk.isRegistered(b.id)) {
                    noticeLostZk(b);
                }
            }
        }
        if (changed) {
            zkChanged();
        }
        for (SimBroker b : brokers.values()) {
            if (b.up && !b.paused) {
                b.engine.runIsrChecks();
                runController(b);
            }
        }
    }

    /** A broker that believes it is the controller decides from its image and writes, fenced by its epoch. */
    private void runController(SimBroker b) {
        if (b.believedControllerEpoch < 0) {
            return;
        }
        int epoch = b.believedControllerEpoch;
        java.util.Set<Integer> liveWhenDecided = Set.copyOf(b.image().liveBrokers().keySet());
        for (ControllerLogic.Decision d : ControllerLogic.decide(b.image(), epoch)) {
            String key = d.partition().toString();
            if (!b.controllerWritesInFlight.add(key)) {
                continue;
            }
            int incarnation = b.incarnation;
            sendToZk(b, "controller write " + d.reason(), () -> {
                try {
                    if (d.completesMove()) {
                        zk.controllerCompleteMove(epoch, d.partition(), d.state(), d.expectedVersion(), d.replicasAfter(),
                                d.expectedAssignmentVersion(), liveWhenDecided);
                        count(d.reason().contains("leadership moves") ? "moves completed (leader moved off)" : "moves completed");
                        LOG.info("SIM t={} {}", clock.millis(), d.reason());
                    } else {
                        zk.controllerWrite(epoch, d.partition(), d.state(), d.expectedVersion());
                    }
                    count("controller writes");
                    zkChanged();
                } catch (MetadataConflictException e) {
                    count(e.getMessage().contains("fenced") ? "controller writes fenced" : "controller writes conflicting");
                }
            });
            scheduler.after(REQUEST_TIMEOUT_MS / 3, "controller write done", () -> {
                if (b.incarnation == incarnation) {
                    b.controllerWritesInFlight.remove(key);
                }
            });
        }
    }

    /** Every up, running broker sends its fetchers' next requests. */
    void pumpFetchers() {
        for (SimBroker b : brokers.values()) {
            if (b.up && !b.paused) {
                b.fetchers.pump();
            }
        }
    }

    // ------------------------------------------------------------------ clients

    /** A client sends a batch of new rows with acks=all to the partition's leader (now and then to another broker). */
    void produce() {
        TopicInfo topic = topics.get(random.nextInt(topics.size()));
        int partition = random.nextInt(topic.partitions());
        TopicPartition tp = new TopicPartition(topic.name(), partition);
        PartitionState state = zk.state(tp).value();
        int target = random.nextInt(10) == 0 ? random.nextInt(brokers.size()) : state.leader();
        if (target < 0) {
            return;
        }
        int rows = 1 + random.nextInt(4);
        long firstId = nextId;
        nextId += rows;
        // An idempotent client of one batch: its own producer id, sequences from 0; resends are the same bytes.
        long producerId = random.nextLong() & Long.MAX_VALUE;
        byte[] batch = bytes(EngineFixtures.eventBatch(topic, firstId, rows, Compression.NONE,
                BatchMetadata.idempotent(producerId, (short) 0, 0)));
        pending.put(firstId, new Pending());
        count("produces sent");
        send(topic, tp, target, batch, firstId, rows, 0);
    }

    /** Resends after an unknown outcome or a retriable error; beyond them the outcome is final. */
    static final int CLIENT_RESENDS = 3;

    /** Sends attempt {@code attempt} of a client's batch to broker {@code target}; times it out at {@link #CLIENT_TIMEOUT_MS}. */
    private void send(TopicInfo topic, TopicPartition tp, int target, byte[] batch, long firstId, int rows, int attempt) {
        SimBroker to = brokers.get(target);
        if (lost(CLIENT, target)) {
            clientFailed(topic, tp, batch, firstId, rows, attempt, false, "request lost");
            return;
        }
        int incarnation = to.incarnation;
        scheduler.after(delay(), "produce", () -> deliverTo(to, incarnation, CLIENT, "produce",
                () -> atLeader(to, topic, tp, batch, firstId, rows, attempt)));
        scheduler.after(CLIENT_TIMEOUT_MS, "client timeout", () -> {
            Pending p = pending.get(firstId);
            if (p != null && p.attempt == attempt) {
                count("produces timed out");
                clientFailed(topic, tp, batch, firstId, rows, attempt, true, "timed out");
            }
        });
    }

    /**
     * Attempt {@code attempt} failed: resend the same bytes to the partition's current leader while resends
     * remain, else settle the rows as rejected (no attempt may have stored them) or unknown.
     */
    private void clientFailed(TopicInfo topic, TopicPartition tp, byte[] batch, long firstId, int rows, int attempt,
            boolean mayBeStored, String why) {
        Pending p = pending.get(firstId);
        if (p == null || p.attempt != attempt) {
            return;
        }
        p.mayBeStored |= mayBeStored;
        int leader = zk.state(tp).value().leader();
        if (attempt < CLIENT_RESENDS && leader >= 0) {
            p.attempt = attempt + 1;
            count("produces resent (" + why + ")");
            send(topic, tp, leader, batch, firstId, rows, attempt + 1);
            return;
        }
        pending.remove(firstId);
        rejectedOrUnknown(firstId, rows, !p.mayBeStored);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private void atLeader(SimBroker leader, TopicInfo topic, TopicPartition tp, byte[] clientBatch, long firstId, int rows,
            int attempt) {
        ByteBuffer batch = ByteBuffer.wrap(clientBatch.clone()); // the leader stamps its copy in place
        Partition replica = leader.engine.replica(topic.name(), tp.partition());
        long endBefore = replica == null ? -1 : replica.logEndOffset();
        long duplicatesBefore = leader.engine.duplicateBatches();
        CompletableFuture<ProduceResult> f = leader.engine.produceAsLeader(new ForwardedProduce(topic.name(), topic.topicId(),
                List.of(new PartitionBatch(tp.partition(), batch)), Acks.ALL, DAY_MS));
        if (replica != null && replica.logEndOffset() > endBefore) {
            witnessLeaderAppend(leader, tp, replica, endBefore);
        }
        if (leader.engine.duplicateBatches() > duplicatesBefore) {
            count("resends recognized as stored");
        }
        int incarnation = leader.incarnation;
        f.whenComplete((result, error) -> {
            if (leader.incarnation != incarnation || !leader.up) {
                return;
            }
            if (lost(leader.id, CLIENT)) {
                return;
            }
            scheduler.after(delay(), "produce response", () -> onProduceResult(topic, tp, clientBatch, firstId, rows, attempt, result,
                    error));
        });
    }

    /** Records which broker appended as leader in which epoch (the batch's stamped epoch): {@code SingleLeaderPerEpoch}. */
    private void witnessLeaderAppend(SimBroker leader, TopicPartition tp, Partition replica, long offset) {
        LogReadResult r = replica.log().read(offset, replica.logEndOffset(), 1, null);
        int epoch = r.batches().get(0).leaderEpoch();
        Integer before = appendingLeaders.putIfAbsent(tp + "@" + epoch, leader.id);
        if (before != null && before != leader.id) {
            violations.add("SingleLeaderPerEpoch: brokers " + before + " and " + leader.id + " both appended to " + tp
                    + " as leaders of epoch " + epoch);
        }
    }

    private void onProduceResult(TopicInfo topic, TopicPartition tp, byte[] batch, long firstId, int rows, int attempt,
            ProduceResult result, Throwable error) {
        Pending p = pending.get(firstId);
        if (p == null || p.attempt != attempt) {
            return; // the client gave up on this attempt already
        }
        if (error == null) {
            pending.remove(firstId);
            ProduceResult.Appended a = result.batches().get(0);
            acked.add(new Acked(tp, a.baseOffset(), a.lastOffset(), firstId, rows));
            count("produces acknowledged");
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        boolean nothingAppended = (cause instanceof NotLeaderException nl && !nl.outcomeUnknown())
                || (cause instanceof NotEnoughReplicasException ne && !ne.afterAppend());
        count("produces failed: " + cause.getClass().getSimpleName() + (nothingAppended ? " (nothing appended)" : ""));
        if (cause instanceof io.runnel.engine.EngineException ee
                && io.runnel.engine.SqlStates.OUT_OF_ORDER_SEQUENCE.equals(ee.sqlState())) {
            violations.add("ResendRecognized: a resend of ids " + firstId + ".." + (firstId + rows - 1) + " to " + tp
                    + " was refused: " + ee.getMessage());
        }
        clientFailed(topic, tp, batch, firstId, rows, attempt, !nothingAppended, cause.getClass().getSimpleName());
    }

    private void rejectedOrUnknown(long firstId, int rows, boolean nothingAppended) {
        for (long id = firstId; id < firstId + rows; id++) {
            (nothingAppended ? rejected : unknown).add(id);
        }
    }

    // ------------------------------------------------------------------ partition moves

    /**
     * A user moves a random partition to a random set of brokers (same replication factor, the leader
     * leaving now and then), or cancels a topic's moves, through a live broker's engine — the statement's
     * validation and its compare-and-set write, as ALTER TOPIC ... MOVE PARTITION / CANCEL MOVE run them.
     * The statement reads its broker's image (possibly stale): a conflict or a refusal is a failed statement.
     */
    void moveOrCancel() {
        List<SimBroker> up = brokers.values().stream().filter(b -> b.up && !b.paused && connectedToZk(b)).toList();
        if (up.isEmpty()) {
            return;
        }
        SimBroker via = up.get(random.nextInt(up.size()));
        TopicInfo topic = topics.get(random.nextInt(topics.size()));
        try {
            if (random.nextInt(6) == 0) {
                Map<Integer, io.runnel.engine.cluster.PartitionReassignment> moving = zk.moves(topic.name());
                Map<TopicPartition, List<Integer>> originals = new HashMap<>();
                moving.forEach((p, m) -> {
                    TopicPartition tp = new TopicPartition(topic.name(), p);
                    originals.put(tp, m.original());
                });
                int n = via.engine.cancelMoves(topic.name());
                expectedReplicas.putAll(originals); // the write succeeded: it saw the moves the store held
                count(n > 0 ? "moves cancelled" : "cancels with nothing moving");
                LOG.info("SIM t={} cancel moves of {} via broker {}: {} partition(s)", clock.millis(), topic.name(), via.id, n);
            } else {
                int partition = random.nextInt(topic.partitions());
                // Mostly brokers the statement's broker sees live; now and then any (a dead one is refused, 22023).
                List<Integer> ids = new ArrayList<>(random.nextInt(10) == 0 ? brokers.keySet() : via.image().liveBrokers().keySet());
                if (ids.size() < topic.config().replicationFactor()) {
                    ids = new ArrayList<>(brokers.keySet());
                }
                java.util.Collections.shuffle(ids, new java.util.Random(random.nextLong()));
                List<Integer> target = List.copyOf(ids.subList(0, topic.config().replicationFactor()));
                via.engine.movePartitions(topic.name(), Map.of(partition, target));
                expectedReplicas.put(new TopicPartition(topic.name(), partition), target);
                count("moves started");
                LOG.info("SIM t={} move {}-{} from {} to {} via broker {}", clock.millis(), topic.name(), partition,
                        zk.replicas(new TopicPartition(topic.name(), partition)), target, via.id);
            }
        } catch (io.runnel.engine.EngineException e) {
            count("move statements refused: " + e.sqlState());
        }
        zkChanged();
    }

    // ------------------------------------------------------------------ faults

    void crash(SimBroker b) {
        LOG.info("SIM t={} crash broker {}", clock.millis(), b.id);
        b.crash();
        count("crashes");
    }

    void restart(SimBroker b) {
        LOG.info("SIM t={} restart broker {}", clock.millis(), b.id);
        b.start();
        count("restarts");
    }

    void pause(SimBroker b) {
        LOG.info("SIM t={} pause broker {}", clock.millis(), b.id);
        b.paused = true;
        count("pauses");
    }

    void resume(SimBroker b) {
        LOG.info("SIM t={} resume broker {}", clock.millis(), b.id);
        b.paused = false;
        noticeLostZk(b);
        scheduleDelivery(b);
    }

    void cut(int a, int b) {
        if (cuts.add(link(a, b))) {
            LOG.info("SIM t={} cut {} <-> {}", clock.millis(), name(a), name(b));
            count("links cut");
            for (int n : new int[] {a, b}) {
                if (n >= 0 && (a == ZK || b == ZK)) {
                    noticeLostZk(brokers.get(n));
                }
            }
        }
    }

    void heal(String link) {
        cuts.remove(link);
        LOG.info("SIM t={} heal {}", clock.millis(), link);
        zkChanged();
    }

    void healAll() {
        new ArrayList<>(cuts).forEach(this::heal);
    }

    TreeSet<String> cuts() {
        return cuts;
    }

    private static String name(int node) {
        return node == ZK ? "ZooKeeper" : "broker " + node;
    }

    SplittableRandom random() {
        return random;
    }

    @Override
    public void close() {
        for (SimBroker b : brokers.values()) {
            try {
                b.close();
            } catch (RuntimeException e) {
                LOG.warn("closing broker {}: {}", b.id, e.toString());
            }
        }
    }

    /** The current state of a partition as stored. */
    Versioned<PartitionState> state(TopicPartition tp) {
        return zk.state(tp);
    }

    /** Batches of a replica in [from, to), for the invariants. */
    static List<RecordBatch> batches(Partition replica, long from, long to) {
        List<RecordBatch> out = new ArrayList<>();
        long next = Math.max(from, replica.logStartOffset());
        while (next < to) {
            LogReadResult r = replica.log().read(next, to, 1 << 20, null);
            if (r.isEmpty()) {
                break;
            }
            out.addAll(r.batches());
            next = r.nextOffset();
        }
        return out;
    }
}
