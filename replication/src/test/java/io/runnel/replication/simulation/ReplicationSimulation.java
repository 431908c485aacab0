package io.runnel.replication.simulation;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.cluster.TopicPartition;
import io.runnel.engine.partition.Partition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SimWorld} for a number of random steps, checking {@link Invariants} after each, then
 * heals every fault and checks that the cluster converges (every ISR full, every replica caught up)
 * and that the data is right: every acknowledged row readable exactly once at its acknowledged offset,
 * no row whose produce said "nothing appended", no row twice, and every replica's log the same.
 */
final class ReplicationSimulation {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSimulation.class);
    /** After the faults stop, the cluster must converge within this much simulated time. */
    static final long HEAL_LIMIT_MS = 120_000;

    /** What a run found. */
    record Result(long seed, int steps, List<String> violations, Map<String, Integer> stats, long simulatedMs) {}

    private final long seed;
    private final int steps;
    private final int brokers;
    private final double faultRate;
    private final double moveRate;
    private final Path dir;

    ReplicationSimulation(long seed, int steps, int brokers, double faultRate, Path dir) {
        this(seed, steps, brokers, faultRate, 0, dir);
    }

    /**
     * @param moveRate the share of steps that move a partition or cancel a topic's moves (ALTER TOPIC ... MOVE
     *                 PARTITION / CANCEL MOVE through a random broker's engine)
     */
    ReplicationSimulation(long seed, int steps, int brokers, double faultRate, double moveRate, Path dir) {
        this.seed = seed;
        this.steps = steps;
        this.brokers = brokers;
        this.faultRate = faultRate;
        this.moveRate = moveRate;
        this.dir = dir;
    }

    Result run() {
        try (SimWorld world = new SimWorld(seed, dir, brokers, 0.02, 20); Invariants invariants = new Invariants(world)) {
            SplittableRandom random = world.random();
            long started = world.clock().millis();
            int step = 0;
            for (; step < steps && world.violations().isEmpty(); step++) {
                double roll = random.nextDouble();
                if (roll < faultRate) {
                    fault(world, random);
                } else if (roll < faultRate + moveRate) {
                    world.moveOrCancel();
                } else if (roll < 0.30) {
                    world.produce();
                } else if (roll < 0.85) {
                    if (!world.scheduler().runNextWithin(50)) {
                        world.tick(10); // time passes in small steps, so that heartbeats keep up
                    }
                } else {
                    world.tick(1 + random.nextInt(150));
                }
                world.pumpFetchers();
                invariants.checkStep();
                if (step % 500 == 499) {
                    invariants.checkFull();
                }
            }
            if (world.violations().isEmpty()) {
                heal(world, invariants);
            }
            return new Result(seed, step, List.copyOf(world.violations()), new HashMap<>(world.stats),
                    world.clock().millis() - started);
        }
    }

    private static void fault(SimWorld world, SplittableRandom random) {
        List<SimBroker> all = new ArrayList<>(world.brokers().values());
        SimBroker b = all.get(random.nextInt(all.size()));
        long down = all.stream().filter(x -> !x.up || x.paused).count();
        switch (random.nextInt(8)) {
            case 0 -> {
                if (b.up && down < all.size() - 1) {
                    world.crash(b);
                }
            }
            case 1 -> {
                if (!b.up) {
                    world.restart(b);
                }
            }
            case 2 -> {
                if (b.up && !b.paused && down < all.size() - 1) {
                    world.pause(b);
                }
            }
            case 3 -> {
                if (b.paused) {
                    world.resume(b);
                }
            }
            case 4 -> world.cut(b.id, SimWorld.ZK);
            case 5 -> {
                SimBroker other = all.get(random.nextInt(all.size()));
                if (other != b) {
                    world.cut(b.id, other.id);
                }
            }
            default -> {
                if (!world.cuts().isEmpty()) {
                    List<String> cuts = new ArrayList<>(world.cuts());
                    world.heal(cuts.get(random.nextInt(cuts.size())));
                }
            }
        }
    }

    /** Faults stop: links heal, paused brokers resume, crashed ones restart; then the cluster must converge. */
    private static void heal(SimWorld world, Invariants invariants) {
        world.healAll();
        for (SimBroker b : world.brokers().values()) {
            if (b.paused) {
                world.resume(b);
            }
            if (!b.up) {
                world.restart(b);
            }
        }
        long deadline = world.clock().millis() + HEAL_LIMIT_MS;
        while (world.clock().millis() < deadline && world.violations().isEmpty()) {
            world.tick(20);
            world.pumpFetchers();
            invariants.checkStep();
            if (converged(world)) {
                break;
            }
        }
        if (!converged(world)) {
            world.violations().add("ClusterHeals: not converged " + HEAL_LIMIT_MS + " ms after the faults stopped: " + describe(world));
            return;
        }
        invariants.checkFull();
        checkMoves(world);
        checkData(world, invariants);
    }

    /**
     * MovesConverge: every moved partition ended on the brokers of its last move (or back where it was
     * after a cancel), every one of them holds it, and no other broker does.
     */
    private static void checkMoves(SimWorld world) {
        world.expectedReplicas.forEach((tp, expected) -> {
            List<Integer> actual = world.zk().replicas(tp);
            if (!actual.equals(expected)) {
                world.violations().add("MovesConverge: " + tp + " has replicas " + actual + ", its last move targeted " + expected);
            }
            for (SimBroker b : world.brokers().values()) {
                boolean holds = b.engine.replica(tp.topic(), tp.partition()) != null;
                if (holds != actual.contains(b.id)) {
                    world.violations().add("MovesConverge: broker " + b.id + (holds ? " holds " : " lacks ") + tp + ", replicas "
                            + actual);
                }
            }
        });
        LOG.info("Simulation moves: {} partitions moved, all on their target", world.expectedReplicas.size());
    }

    static boolean converged(SimWorld world) {
        for (TopicInfo t : world.topics()) {
            if (!world.zk().moves(t.name()).isEmpty()) {
                return false; // a move must complete once every broker is back
            }
            for (int p = 0; p < t.partitions(); p++) {
                TopicPartition tp = new TopicPartition(t.name(), p);
                PartitionState s = world.state(tp).value();
                List<Integer> replicas = world.zk().replicas(tp);
                if (!s.hasLeader() || s.isr().size() != replicas.size()) {
                    return false;
                }
                Partition leader = world.brokers().get(s.leader()).engine.replica(t.name(), p);
                if (leader == null || !leader.isLeader() || leader.leaderEpoch() != s.leaderEpoch()
                        || leader.highWatermark() != leader.logEndOffset()) {
                    return false;
                }
                for (int r : replicas) {
                    SimBroker b = world.brokers().get(r);
                    Partition replica = b.engine.replica(t.name(), p);
                    if (replica == null || replica.logEndOffset() != leader.logEndOffset()
                            || replica.highWatermark() != leader.highWatermark() || !b.image().current()) {
                        return false;
                    }
                }
                for (SimBroker b : world.brokers().values()) {
                    if (!replicas.contains(b.id) && b.engine.replica(t.name(), p) != null) {
                        return false; // a broker the partition left has not applied that image yet
                    }
                }
            }
        }
        return true;
    }

    private static String describe(SimWorld world) {
        StringBuilder sb = new StringBuilder();
        for (TopicInfo t : world.topics()) {
            for (int p = 0; p < t.partitions(); p++) {
                TopicPartition tp = new TopicPartition(t.name(), p);
                sb.append("\n  ").append(tp).append(' ').append(world.state(tp).value()).append(" v").append(world.state(tp).version());
                for (int r : world.zk().replicas(tp)) {
                    SimBroker b = world.brokers().get(r);
                    Partition replica = b.up ? b.engine.replica(t.name(), p) : null;
                    sb.append("\n    broker ").append(r).append(replica == null ? " -"
                            : " " + replica.role() + "@" + replica.leaderEpoch() + " leo=" + replica.logEndOffset() + " hw="
                                    + replica.highWatermark() + " isr=" + replica.isr() + " current=" + b.image().current());
                }
            }
        }
        return sb.toString();
    }

    /** After convergence: the leader's log holds every acknowledged row exactly once where it was acknowledged. */
    private static void checkData(SimWorld world, Invariants invariants) {
        Map<Long, String> seen = new HashMap<>();
        for (TopicInfo t : world.topics()) {
            for (int p = 0; p < t.partitions(); p++) {
                TopicPartition tp = new TopicPartition(t.name(), p);
                Partition leader = world.brokers().get(world.state(tp).value().leader()).engine.replica(t.name(), p);
                long start = leader.logStartOffset();
                List<Long> ids = invariants.ids(t, leader, start, leader.logEndOffset());
                for (int i = 0; i < ids.size(); i++) {
                    String where = tp + "@" + (start + i);
                    String before = seen.put(ids.get(i), where);
                    if (before != null) {
                        world.violations().add("ExactlyOnce: id " + ids.get(i) + " is stored twice, at " + before + " and " + where);
                    }
                    if (world.rejected.contains(ids.get(i))) {
                        world.violations().add("NothingAppendedMeansNothing: id " + ids.get(i) + " is stored at " + where
                                + ", but its produce failed saying nothing was appended");
                    }
                }
            }
        }
        for (SimWorld.Acked a : world.acked) {
            for (int i = 0; i < a.count(); i++) {
                String expected = a.tp() + "@" + (a.baseOffset() + i);
                String actual = seen.get(a.firstId() + i);
                if (!expected.equals(actual)) {
                    world.violations().add("NoAcknowledgedRowLost: id " + (a.firstId() + i) + " was acknowledged at " + expected
                            + " but is " + (actual == null ? "missing" : "at " + actual));
                    return;
                }
            }
        }
        LOG.info("Simulation data check: {} acknowledged batches, {} rows stored, {} rejected ids, {} unknown", world.acked.size(),
                seen.size(), world.rejected.size(), world.unknown.size());
    }
}
