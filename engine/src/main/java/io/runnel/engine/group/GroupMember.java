package io.runnel.engine.group;

import io.runnel.engine.TopicInfo;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * One member of a consumer group on one topic: a streaming query reading with a group. Created by
 * {@link GroupCoordinator#join}; ends with {@link #leave()}.
 *
 * <p>The coordinator <em>grants</em> partitions (they appear in {@link Assignment#owned()}) and asks
 * for them back (they appear in {@link Assignment#revoking()} too, still owned). The member stops
 * delivering a revoked partition, commits what it must, and then {@link #release releases} it;
 * only then is it granted to its new member. So no partition is ever owned by two members, and the
 * new owner starts from what the old one committed. The coordinator calls {@code listener} (on its
 * notifier thread, never under its lock) whenever the assignment changed.
 *
 * <p>Thread-safe: state is guarded by the coordinator's monitor.
 */
public final class GroupMember {
    /** What the member may read now. */
    public record Assignment(Set<Integer> owned, Set<Integer> revoking, boolean active) {}

    /** {@link Assignment} with the version a heartbeat compares. */
    public record VersionedAssignment(long version, Set<Integer> owned, Set<Integer> revoking, boolean active) {}

    private final GroupCoordinator coordinator;
    private final String group;
    private final TopicInfo topic;
    private final String memberId;
    final Runnable listener;
    /** @GuardedBy("coordinator") */
    final TreeSet<Integer> owned = new TreeSet<>();
    /** Owned partitions the coordinator wants back. @GuardedBy("coordinator") */
    final TreeSet<Integer> revoking = new TreeSet<>();
    /** @GuardedBy("coordinator") */
    boolean active = true;
    /** Increases with every change of {@code owned}, {@code revoking} or {@code active}. @GuardedBy("coordinator") */
    long version;
    /**
     * When the member's broker last asked about it (join, heartbeat, release, commit), in the
     * coordinator's clock; written by request threads, read by the coordinator's expiry sweep.
     */
    volatile long lastSeenMs;

    GroupMember(GroupCoordinator coordinator, String group, TopicInfo topic, String memberId, Runnable listener) {
        this.coordinator = coordinator;
        this.group = group;
        this.topic = topic;
        this.memberId = memberId;
        this.listener = listener;
    }

    public String group() {
        return group;
    }

    public TopicInfo topic() {
        return topic;
    }

    public String memberId() {
        return memberId;
    }

    /** A consistent copy of the member's state. */
    public Assignment assignment() {
        synchronized (coordinator) {
            return new Assignment(Set.copyOf(owned), Set.copyOf(revoking), active);
        }
    }

    /** A consistent copy of the member's state with its version. */
    public VersionedAssignment versionedAssignment() {
        synchronized (coordinator) {
            return new VersionedAssignment(version, Set.copyOf(owned), Set.copyOf(revoking), active);
        }
    }

    /** Gives partitions back (revoked ones, or any owned one); the coordinator grants them to their new members. */
    public void release(Collection<Integer> partitions) {
        coordinator.release(this, partitions);
    }

    /** Leaves the group: every owned partition is released and the group rebalances. Idempotent. */
    public void leave() {
        coordinator.leave(this);
    }

    @Override
    public String toString() {
        return "member " + memberId + " of group " + group + " on topic " + topic.name();
    }
}
