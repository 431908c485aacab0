package io.runnel.engine.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * A partition being moved to other brokers (design note 0007, "Reassignment"), as stored with the
 * topic's assignment: while it lasts, the partition's replicas are the target followed by the original
 * replicas that leave — an election prefers the target — and the controller completes the move once
 * every target replica is in the ISR (leadership moved off a leaving leader, the ISR and replicas
 * shrunk to the target, in one write).
 *
 * @param original the replicas before the move, in their order (a cancel goes back to exactly these)
 * @param target   the replicas after it, preferred leader first
 */
public record PartitionReassignment(List<Integer> original, List<Integer> target) {
    public PartitionReassignment {
        original = List.copyOf(original);
        target = List.copyOf(target);
        if (original.isEmpty() || target.isEmpty()) {
            throw new IllegalArgumentException("a move goes from some replicas to some replicas, not " + original + " -> " + target);
        }
    }

    /** The move from {@code original} to {@code target}. */
    public static PartitionReassignment start(List<Integer> original, List<Integer> target) {
        return new PartitionReassignment(original, target);
    }

    /** The same move undone: from where it was going back to where it came from. */
    public PartitionReassignment reversed() {
        return new PartitionReassignment(target, original);
    }

    /** The partition's replicas while the move lasts: the target, then the leaving replicas. */
    public List<Integer> replicas() {
        List<Integer> out = new ArrayList<>(target);
        out.addAll(removing());
        return out;
    }

    /** Target replicas that were not replicas before: they copy the log from the leader. */
    public List<Integer> adding() {
        List<Integer> out = new ArrayList<>(target);
        out.removeAll(original);
        return out;
    }

    /** Original replicas not in the target: they delete their copy once the move completes. */
    public List<Integer> removing() {
        List<Integer> out = new ArrayList<>(original);
        out.removeAll(target);
        return out;
    }

    /** Whether nothing moves (only the order, so the preferred leader, changes). */
    public boolean isReorder() {
        return adding().isEmpty() && removing().isEmpty();
    }
}
