package io.runnel.engine.cluster;

import java.util.List;

/**
 * One partition's stored assignment: its replicas (preferred leader first) and the move in progress.
 *
 * @param replicas     every replica the partition has (during a move: the target's, then the leaving ones)
 * @param reassignment the move in progress, or {@code null}
 */
public record PartitionAssignment(List<Integer> replicas, PartitionReassignment reassignment) {
    public PartitionAssignment {
        replicas = List.copyOf(replicas);
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("a partition has at least one replica");
        }
        if (replicas.stream().distinct().count() != replicas.size()) {
            throw new IllegalArgumentException("replicas " + replicas + " name a broker twice");
        }
        if (reassignment != null && !replicas.equals(reassignment.replicas())) {
            throw new IllegalArgumentException("replicas " + replicas + " of a moving partition must be " + reassignment.replicas()
                    + " (" + reassignment + ")");
        }
    }

    /** A partition in the middle of {@code move}. */
    public static PartitionAssignment moving(PartitionReassignment move) {
        return new PartitionAssignment(move.replicas(), move);
    }

    /** A partition that is not moving. */
    public static PartitionAssignment of(List<Integer> replicas) {
        return new PartitionAssignment(replicas, null);
    }

    /** The assignment a partition image shows. */
    public static PartitionAssignment of(PartitionImage p) {
        return new PartitionAssignment(p.replicas(), p.reassignment());
    }
}
