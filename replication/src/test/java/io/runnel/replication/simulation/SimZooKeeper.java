package io.runnel.replication.simulation;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.MetadataConflictException;
import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.cluster.BrokerInfo;
import io.runnel.engine.cluster.MetadataImage;
import io.runnel.engine.cluster.PartitionAssignment;
import io.runnel.engine.cluster.PartitionImage;
import io.runnel.engine.cluster.PartitionReassignment;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.cluster.TopicImage;
import io.runnel.engine.cluster.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulation's ZooKeeper: versioned topic, assignment and partition-state nodes written by
 * compare-and-set, broker sessions (a session expires when its broker has not been heard from for the
 * session timeout; its registration, the ephemeral node, goes with it), and the controller "latch"
 * with its epoch: the lowest-id registered broker wins when the controller's session ends, and every
 * controller write is checked against the current controller epoch (a deposed controller is fenced).
 *
 * <p>Also the witness of {@code SingleLeaderPerEpoch} on the metadata side: it remembers which leader
 * every (partition, epoch) was given.
 */
final class SimZooKeeper {
    record Session(BrokerInfo broker, int incarnation, long lastHeardMs) {}

    private final Map<String, Versioned<TopicInfo>> topics = new TreeMap<>();
    private final Map<String, List<List<Integer>>> assignments = new TreeMap<>();
    /** Per topic: the moves in progress by partition. */
    private final Map<String, Map<Integer, PartitionReassignment>> moves = new TreeMap<>();
    /** Per topic: the assignment's version (compare-and-set, as the znode's). */
    private final Map<String, Integer> assignmentVersions = new TreeMap<>();
    private final Map<String, Versioned<PartitionState>> states = new TreeMap<>();
    private final Map<Integer, Session> sessions = new TreeMap<>();
    private final Map<String, Integer> epochLeaders = new HashMap<>();
    private final List<String> violations;
    private long sequence = 1;
    private int controllerId = -1;
    private int controllerEpoch;

    SimZooKeeper(List<String> violations) {
        this.violations = violations;
    }

    long sequence() {
        return sequence;
    }

    int controllerId() {
        return controllerId;
    }

    int controllerEpoch() {
        return controllerEpoch;
    }

    MetadataImage image(long imageSequence, boolean current) {
        Map<Integer, BrokerInfo> live = new TreeMap<>();
        sessions.forEach((id, s) -> live.put(id, s.broker()));
        Map<String, TopicImage> out = new HashMap<>();
        for (Map.Entry<String, Versioned<TopicInfo>> e : topics.entrySet()) {
            TopicInfo info = e.getValue().value();
            List<List<Integer>> assignment = assignments.get(e.getKey());
            List<PartitionImage> partitions = new ArrayList<>();
            Map<Integer, PartitionReassignment> m = moves.getOrDefault(e.getKey(), Map.of());
            for (int p = 0; p < info.partitions(); p++) {
                partitions.add(new PartitionImage(p, assignment.get(p), states.get(key(info.name(), p)), m.get(p)));
            }
            out.put(e.getKey(), new TopicImage(e.getValue(), partitions, assignmentVersions.get(e.getKey())));
        }
        return new MetadataImage(imageSequence, live, out, current);
    }

    private static String key(String topic, int partition) {
        return topic.toLowerCase(Locale.ROOT) + "-" + partition;
    }

    Versioned<PartitionState> state(TopicPartition tp) {
        return states.get(key(tp.topic(), tp.partition()));
    }

    List<Integer> replicas(TopicPartition tp) {
        return assignments.get(tp.topic().toLowerCase(Locale.ROOT)).get(tp.partition());
    }

    boolean isRegistered(int broker) {
        return sessions.containsKey(broker);
    }

    Session session(int broker) {
        return sessions.get(broker);
    }

    // ------------------------------------------------------------------ writes

    void createTopic(TopicInfo info, List<List<Integer>> assignment) {
        String k = info.name().toLowerCase(Locale.ROOT);
        topics.put(k, new Versioned<>(info, 1));
        assignments.put(k, List.copyOf(assignment));
        assignmentVersions.put(k, 0);
        moves.put(k, new TreeMap<>());
        for (int p = 0; p < info.partitions(); p++) {
            List<Integer> replicas = assignment.get(p);
            PartitionState s = new PartitionState(info.topicId(), replicas.get(0), 0, replicas, -1);
            states.put(key(info.name(), p), new Versioned<>(s, 1));
            witness(new TopicPartition(info.name(), p), s);
        }
        sequence++;
    }

    /** The moves of a topic in progress, by partition. */
    Map<Integer, PartitionReassignment> moves(String topic) {
        return Map.copyOf(moves.get(topic.toLowerCase(Locale.ROOT)));
    }

    int assignmentVersion(String topic) {
        return assignmentVersions.get(topic.toLowerCase(Locale.ROOT));
    }

    /** A statement's write of the assignment (start or cancel moves): compare-and-set on the assignment version. */
    void updateAssignment(String topic, List<PartitionAssignment> partitions, int expectedVersion) {
        String k = topic.toLowerCase(Locale.ROOT);
        if (assignmentVersions.get(k) != expectedVersion) {
            throw new MetadataConflictException("assignment of " + topic + " is at version " + assignmentVersions.get(k)
                    + ", expected " + expectedVersion);
        }
        List<List<Integer>> replicas = new ArrayList<>();
        Map<Integer, PartitionReassignment> m = new TreeMap<>();
        for (int p = 0; p < partitions.size(); p++) {
            replicas.add(partitions.get(p).replicas());
            if (partitions.get(p).reassignment() != null) {
                m.put(p, partitions.get(p).reassignment());
            }
        }
        assignments.put(k, List.copyOf(replicas));
        moves.put(k, m);
        assignmentVersions.put(k, expectedVersion + 1);
        sequence++;
    }

    /** A controller's completion of a move: fenced, then compare-and-set on the state and the assignment together. */
    int controllerCompleteMove(int writerEpoch, TopicPartition tp, PartitionState state, int expectedVersion,
            List<Integer> replicasAfter, int expectedAssignmentVersion, java.util.Set<Integer> liveWhenDecided) {
        if (writerEpoch != controllerEpoch) {
            throw new MetadataConflictException("controller epoch " + writerEpoch + " is fenced (current " + controllerEpoch + ")");
        }
        String k = tp.topic().toLowerCase(Locale.ROOT);
        if (assignmentVersions.get(k) != expectedAssignmentVersion) {
            throw new MetadataConflictException("assignment of " + tp.topic() + " is at version " + assignmentVersions.get(k)
                    + ", expected " + expectedAssignmentVersion);
        }
        Versioned<PartitionState> before = check(tp, expectedVersion);
        // MoveKeepsIsrLive: the controller's completion writes an ISR of replicas that were live (as the image it
        // decided from showed them: a session may end while the write travels, as for any election; the next
        // decision removes it) and in the stored ISR; no smaller than min_insync_replicas unless it was smaller
        // already (the controller never takes it below).
        TopicInfo info = topics.get(k).value();
        for (int r : state.isr()) {
            if (!liveWhenDecided.contains(r) || !before.value().isr().contains(r)) {
                violations.add("MoveKeepsIsrLive: completing the move of " + tp + " writes ISR " + state.isr() + " with broker " + r
                        + ", which was not live and in sync (live " + liveWhenDecided + ", ISR " + before.value().isr() + ")");
            }
        }

        if (state.isr().size() < Math.min(info.config().minInsyncReplicas(), before.value().isr().size())) {
            violations.add("MoveKeepsMinIsr: completing the move of " + tp + " shrinks the ISR " + before.value().isr() + " to "
                    + state.isr() + ", below min_insync_replicas " + info.config().minInsyncReplicas());
        }
        if (!state.isr().equals(replicasAfter) && !state.isr().containsAll(replicasAfter)) {
            violations.add("MoveCompletesInSync: " + tp + " moved to " + replicasAfter + " with ISR " + state.isr());
        }
        int version = controllerWrite(writerEpoch, tp, state, expectedVersion);
        List<List<Integer>> replicas = new ArrayList<>(assignments.get(k));
        replicas.set(tp.partition(), List.copyOf(replicasAfter));
        assignments.put(k, List.copyOf(replicas));
        moves.get(k).remove(tp.partition());
        assignmentVersions.put(k, expectedAssignmentVersion + 1);
        sequence++;
        return version;
    }

    /** A leader's ISR change: compare-and-set, and a leader never changes the leader or the epoch. */
    int casState(TopicPartition tp, PartitionState state, int expectedVersion) {
        Versioned<PartitionState> current = check(tp, expectedVersion);
        if (state.leaderEpoch() != current.value().leaderEpoch() || state.leader() != current.value().leader()) {
            violations.add("LeaderIsrWriteKeepsLeaderAndEpoch: " + tp + " " + current.value() + " -> " + state);
        }
        return put(tp, state, current.version() + 1);
    }

    /** A controller write: fenced by the controller epoch, then compare-and-set. */
    int controllerWrite(int writerEpoch, TopicPartition tp, PartitionState state, int expectedVersion) {
        if (writerEpoch != controllerEpoch) {
            throw new MetadataConflictException("controller epoch " + writerEpoch + " is fenced (current " + controllerEpoch + ")");
        }
        Versioned<PartitionState> current = check(tp, expectedVersion);
        if (state.leaderEpoch() < current.value().leaderEpoch()) {
            violations.add("EpochsIncrease: " + tp + " " + current.value() + " -> " + state);
        }
        return put(tp, state, current.version() + 1);
    }

    private Versioned<PartitionState> check(TopicPartition tp, int expectedVersion) {
        Versioned<PartitionState> current = states.get(key(tp.topic(), tp.partition()));
        if (current == null || current.version() != expectedVersion) {
            throw new MetadataConflictException(tp + ": state version " + (current == null ? "none" : current.version())
                    + ", expected " + expectedVersion);
        }
        return current;
    }

    private int put(TopicPartition tp, PartitionState state, int version) {
        states.put(key(tp.topic(), tp.partition()), new Versioned<>(state, version));
        witness(tp, state);
        sequence++;
        return version;
    }

    private void witness(TopicPartition tp, PartitionState s) {
        if (!s.hasLeader()) {
            return;
        }
        String k = tp + "@" + s.leaderEpoch();
        Integer before = epochLeaders.putIfAbsent(k, s.leader());
        if (before != null && before != s.leader()) {
            violations.add("SingleLeaderPerEpoch: the metadata gave " + tp + " epoch " + s.leaderEpoch() + " to broker " + before
                    + " and to broker " + s.leader());
        }
    }

    // ------------------------------------------------------------------ sessions and the controller

    /** Registers a broker incarnation (its ephemeral node) unless a session of it is still alive. */
    boolean register(BrokerInfo broker, int incarnation, long nowMs) {
        if (sessions.containsKey(broker.id())) {
            return false;
        }
        sessions.put(broker.id(), new Session(broker, incarnation, nowMs));
        sequence++;
        if (controllerId < 0) {
            electController();
        }
        return true;
    }

    /** The broker incarnation was heard from (a heartbeat). */
    void heard(int broker, int incarnation, long nowMs) {
        Session s = sessions.get(broker);
        if (s != null && s.incarnation() == incarnation) {
            sessions.put(broker, new Session(s.broker(), incarnation, nowMs));
        }
    }

    /** Expires sessions not heard from for {@code sessionTimeoutMs}; true when any did. */
    boolean expireSessions(long nowMs, long sessionTimeoutMs) {
        List<Integer> expired = new ArrayList<>();
        sessions.forEach((id, s) -> {
            if (nowMs - s.lastHeardMs() > sessionTimeoutMs) {
                expired.add(id);
            }
        });
        for (int id : expired) {
            sessions.remove(id);
            sequence++;
            if (id == controllerId) {
                controllerId = -1;
            }
        }
        if (!expired.isEmpty() && controllerId < 0) {
            electController();
        }
        return !expired.isEmpty();
    }

    private void electController() {
        if (sessions.isEmpty()) {
            return;
        }
        controllerId = sessions.keySet().iterator().next();
        controllerEpoch++;
        sequence++;
    }
}
