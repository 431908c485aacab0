package io.runnel.engine.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The replication state of one partition, as stored in the cluster metadata and written by
 * compare-and-set on its version: who leads, at which leader epoch, and which replicas are in sync.
 *
 * <p>The controller writes leader changes (always with a new epoch); the leader writes ISR changes
 * (same epoch). Invariant: when there is a leader, it is in the ISR; the ISR is never empty.
 *
 * @param topicId         the topic this state belongs to (a re-created topic of the same name differs)
 * @param leader          the leading broker, or {@link #NO_LEADER}
 * @param leaderEpoch     increases by one at every leader change; stamped into every batch the leader appends
 * @param isr             the in-sync replicas, in replica-assignment order
 * @param controllerEpoch the epoch of the controller that last elected (-1 when written at topic creation)
 */
public record PartitionState(UUID topicId, int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch) {
    public static final int NO_LEADER = -1;

    public PartitionState {
        isr = List.copyOf(isr);
        if (isr.isEmpty()) {
            throw new IllegalArgumentException("the ISR of a partition is never empty");
        }
        if (leader != NO_LEADER && !isr.contains(leader)) {
            throw new IllegalArgumentException("leader " + leader + " is not in the ISR " + isr);
        }
        if (leaderEpoch < 0) {
            throw new IllegalArgumentException("leader epoch must not be negative, got " + leaderEpoch);
        }
    }

    public boolean hasLeader() {
        return leader != NO_LEADER;
    }

    /** The same leader and epoch with another ISR (a leader's ISR change, or the controller removing dead members). */
    public PartitionState withIsr(List<Integer> newIsr) {
        return new PartitionState(topicId, leader, leaderEpoch, newIsr, controllerEpoch);
    }

    /** A new leader (or none) at the next epoch, written by controller {@code byControllerEpoch}. */
    public PartitionState elect(int newLeader, List<Integer> newIsr, int byControllerEpoch) {
        return new PartitionState(topicId, newLeader, leaderEpoch + 1, newIsr, byControllerEpoch);
    }

    /** {@code isr} sorted in the order of {@code replicas} (members not in it last, ascending). */
    public static List<Integer> inReplicaOrder(java.util.Collection<Integer> isr, List<Integer> replicas) {
        List<Integer> out = new ArrayList<>();
        for (int r : replicas) {
            if (isr.contains(r)) {
                out.add(r);
            }
        }
        isr.stream().filter(i -> !replicas.contains(i)).sorted().forEach(out::add);
        return out;
    }
}
