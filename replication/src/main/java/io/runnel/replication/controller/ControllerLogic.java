package io.runnel.replication.controller;

import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.cluster.MetadataImage;
import io.runnel.engine.cluster.PartitionImage;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.cluster.TopicImage;
import io.runnel.engine.cluster.TopicPartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the controller decides from a metadata image (design note 0007), as a pure function, so the
 * live controller and the replication simulation run the same rules:
 *
 * <ul>
 *   <li><b>The leader is gone</b> (its broker is not live) or there is none: the new leader is the first
 *       replica in assignment order that is live and in the ISR; the ISR keeps its live members; the
 *       epoch goes up by one. With no live ISR member: if the topic allows unclean election, the first
 *       live replica with an ISR of itself (acknowledged rows may be lost); otherwise no leader (-1),
 *       the ISR unchanged, so that a replica holding every committed row is elected when it returns.
 *   <li><b>The leader is live but some ISR members are not</b>: they leave the ISR (same epoch), so
 *       {@code acks=all} writers do not wait for the lag timeout after a broker died.
 *   <li><b>A partition is moving</b> ({@link PartitionImage#reassignment()}, KIP-455's phases): while
 *       some target replica is not in the ISR, nothing (the arriving replicas copy the log and the leader
 *       adds them to the ISR). Then one write completes the move: the ISR becomes ISR ∩ target, a leader
 *       that is leaving hands over to the first target replica in the ISR (epoch + 1), and the
 *       partition's replicas become the target — the leaving brokers see they are no longer assigned and
 *       delete their copy. The ISR after is the whole target, so the controller never takes it below
 *       {@code min_insync_replicas} (the statement refuses a target smaller than that).
 * </ul>
 * The rules above apply in that order, one decision per partition per image.
 *
 * Every decision carries the state version it was computed from; the controller writes it by
 * compare-and-set, so a decision made on a stale image fails and is recomputed from the next.
 *
 * <p>Stateless and thread-safe.
 */
public final class ControllerLogic {
    private ControllerLogic() {}

    /**
     * A state write the controller should make.
     *
     * @param replicasAfter             when the write completes a move: the partition's replicas after it
     *                                  (written with the state, in one transaction); otherwise null
     * @param expectedAssignmentVersion with {@code replicasAfter}: the assignment version it was decided on
     */
    public record Decision(TopicPartition partition, PartitionState state, int expectedVersion, String reason,
            List<Integer> replicasAfter, int expectedAssignmentVersion) {
        public Decision(TopicPartition partition, PartitionState state, int expectedVersion, String reason) {
            this(partition, state, expectedVersion, reason, null, -1);
        }

        /** Whether this write completes a partition's move. */
        public boolean completesMove() {
            return replicasAfter != null;
        }
    }

    public static List<Decision> decide(MetadataImage image, int controllerEpoch) {
        List<Decision> out = new ArrayList<>();
        List<TopicImage> topics = new ArrayList<>(image.topics().values());
        topics.sort(Comparator.comparing(t -> t.info().name()));
        for (TopicImage topic : topics) {
            boolean unclean = topic.info().config().uncleanLeaderElection();
            for (PartitionImage p : topic.partitions()) {
                Versioned<PartitionState> versioned = p.state();
                if (versioned == null || p.replicas().isEmpty()
                        || !versioned.value().topicId().equals(topic.info().topicId())) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.info().name(), p.partition());
                Decision d = decide(tp, p.replicas(), versioned, image, controllerEpoch, unclean);
                if (d == null && p.isMoving()) {
                    d = completeMove(tp, p, versioned, image, controllerEpoch, topic.assignmentVersion());
                }
                if (d != null) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    static Decision decide(TopicPartition tp, List<Integer> replicas, Versioned<PartitionState> versioned, MetadataImage image,
            int controllerEpoch, boolean unclean) {
        PartitionState s = versioned.value();
        List<Integer> liveIsr = new ArrayList<>();
        for (int r : s.isr()) {
            if (image.isLive(r)) {
                liveIsr.add(r);
            }
        }
        if (s.hasLeader() && image.isLive(s.leader())) {
            if (liveIsr.size() < s.isr().size()) {
                List<Integer> isr = PartitionState.inReplicaOrder(liveIsr, replicas);
                return new Decision(tp, s.withIsr(isr), versioned.version(), "ISR members " + dead(s.isr(), image)
                        + " are not live");
            }
            return null;
        }
        String why = s.hasLeader() ? "leader " + s.leader() + " is not live" : "it has no leader";
        for (int r : replicas) {
            if (liveIsr.contains(r)) {
                List<Integer> isr = PartitionState.inReplicaOrder(liveIsr, replicas);
                return new Decision(tp, s.elect(r, isr, controllerEpoch), versioned.version(), why + "; electing in-sync replica " + r);
            }
        }
        if (unclean) {
            for (int r : replicas) {
                if (image.isLive(r)) {
                    return new Decision(tp, s.elect(r, List.of(r), controllerEpoch), versioned.version(), why
                            + " and no in-sync replica " + s.isr() + " is live; UNCLEAN election of out-of-sync replica " + r
                            + " (the topic allows it): acknowledged rows it lacks are lost");
                }
            }
        }
        if (s.hasLeader()) {
            return new Decision(tp, s.elect(PartitionState.NO_LEADER, s.isr(), controllerEpoch), versioned.version(), why
                    + " and no in-sync replica " + s.isr() + " is live; the partition is offline until one returns");
        }
        return null;
    }

    /** The last phase of a move, once every target replica is in the ISR; null while some is not. */
    static Decision completeMove(TopicPartition tp, PartitionImage p, Versioned<PartitionState> versioned, MetadataImage image,
            int controllerEpoch, int assignmentVersion) {
        PartitionState s = versioned.value();
        List<Integer> target = p.targetReplicas();
        if (!s.hasLeader() || target.isEmpty() || !s.isr().containsAll(target) || assignmentVersion < 0) {
            return null;
        }
        List<Integer> isr = PartitionState.inReplicaOrder(target, target);
        String moved = "move of " + tp + " from " + p.reassignment().original() + " to " + target + " complete: "
                + "every target replica is in sync (ISR " + s.isr() + ")";
        if (target.contains(s.leader())) {
            return new Decision(tp, s.withIsr(isr), versioned.version(), moved + "; leaving replicas " + p.removingReplicas()
                    + " removed", target, assignmentVersion);
        }
        for (int r : target) {
            if (image.isLive(r)) {
                return new Decision(tp, s.elect(r, isr, controllerEpoch), versioned.version(), moved + "; leader " + s.leader()
                        + " is leaving, leadership moves to " + r + "; leaving replicas " + p.removingReplicas() + " removed",
                        target, assignmentVersion);
            }
        }
        return null;
    }

    private static List<Integer> dead(List<Integer> isr, MetadataImage image) {
        List<Integer> out = new ArrayList<>();
        for (int r : isr) {
            if (!image.isLive(r)) {
                out.add(r);
            }
        }
        return out;
    }
}
