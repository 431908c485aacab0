package io.runnel.engine.cluster;

import io.runnel.engine.catalog.Versioned;
import java.util.List;

/**
 * One partition in a {@link MetadataImage}: its assigned replicas (preferred leader first) and its
 * replication state with the version a compare-and-set write must present.
 *
 * @param replicas     the assigned replicas; empty when the assignment is not known yet. While the
 *                     partition moves, every replica it has: the target's and the leaving ones
 * @param state        the state, or {@code null} when it is not known yet (a topic being created)
 * @param reassignment the move in progress, or {@code null}
 */
public record PartitionImage(int partition, List<Integer> replicas, Versioned<PartitionState> state,
        PartitionReassignment reassignment) {
    public PartitionImage {
        replicas = List.copyOf(replicas);
    }

    /** A partition that is not moving. */
    public PartitionImage(int partition, List<Integer> replicas, Versioned<PartitionState> state) {
        this(partition, replicas, state, null);
    }

    public boolean isMoving() {
        return reassignment != null;
    }

    /** Where the partition goes (its replicas when it is not moving). */
    public List<Integer> targetReplicas() {
        return reassignment == null ? replicas : reassignment.target();
    }

    public List<Integer> addingReplicas() {
        return reassignment == null ? List.of() : reassignment.adding();
    }

    public List<Integer> removingReplicas() {
        return reassignment == null ? List.of() : reassignment.removing();
    }

    /** The leader, or {@link PartitionState#NO_LEADER} when there is none or the state is unknown. */
    public int leader() {
        return state == null ? PartitionState.NO_LEADER : state.value().leader();
    }

    public int leaderEpoch() {
        return state == null ? -1 : state.value().leaderEpoch();
    }

    public List<Integer> isr() {
        return state == null ? List.of() : state.value().isr();
    }
}
