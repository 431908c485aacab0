package io.runnel.engine.group;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a coordinator answers to a {@link GroupRequest}. */
public sealed interface GroupResponse {

    /**
     * A member's state (answer to join, heartbeat and release).
     *
     * @param version   increases with every change; a heartbeat names the version it knows
     * @param owned     partitions the member may read
     * @param revoking  owned partitions the coordinator wants back (commit, then release them)
     * @param committed the group's committed offset of each owned partition that has one
     */
    record MemberState(long version, Set<Integer> owned, Set<Integer> revoking, Map<Integer, Long> committed)
            implements GroupResponse {
        public MemberState {
            owned = Set.copyOf(owned);
            revoking = Set.copyOf(revoking);
            committed = Map.copyOf(committed);
        }
    }

    /** Done (leave, commit, reset). */
    record Done() implements GroupResponse {
        public static final Done INSTANCE = new Done();
    }

    /** The receiver's {@code sys.consumer_groups} rows. */
    record Described(List<GroupPartitionStatus> rows) implements GroupResponse {
        public Described {
            rows = List.copyOf(rows);
        }
    }
}
