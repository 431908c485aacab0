package io.runnel.engine.group;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A request to a group's coordinator: what a broker sends on behalf of its SQL clients to the leader of
 * the group's partition of {@value OffsetStore#TOPIC} (through {@link io.runnel.engine.cluster.BrokerTransport#group},
 * or directly when it leads that partition itself). Wire layouts: {@code docs/format/replication-protocol.md}.
 *
 * <p>Every request names its group, so the receiver can check that it coordinates it
 * ({@link NotCoordinatorException} otherwise). Topics are named and identified: a topic dropped and
 * created again under the same name is another topic.
 */
public sealed interface GroupRequest {

    /** The consumer group the request is about (null for {@link Describe}). */
    String group();

    /** A member joins (or, when the coordinator knows it already, joins again and gets its state back). */
    record Join(String group, String topic, UUID topicId, String memberId) implements GroupRequest {}

    /** Liveness, and the member's state: answered when it differs from {@code knownVersion}, or after {@code maxWaitMs}. */
    record Heartbeat(String group, String topic, UUID topicId, String memberId, long knownVersion, long maxWaitMs)
            implements GroupRequest {}

    /** The member gives partitions back (revoked ones, after committing them). */
    record Release(String group, String topic, UUID topicId, String memberId, List<Integer> partitions)
            implements GroupRequest {}

    /** The member leaves; the group rebalances. */
    record Leave(String group, String topic, UUID topicId, String memberId) implements GroupRequest {}

    /** A member commits positions of partitions it owns (fenced: 40001 otherwise). */
    record Commit(String group, String topic, UUID topicId, String memberId, Map<Integer, Long> offsets)
            implements GroupRequest {}

    /** {@code ALTER CONSUMER GROUP ... RESET OFFSETS}: refused while the group has members. */
    record ResetOffsets(String group, String topic, UUID topicId, Map<Integer, Long> offsets) implements GroupRequest {}

    /** The {@code sys.consumer_groups} rows of every group the receiver coordinates. */
    record Describe() implements GroupRequest {
        @Override
        public String group() {
            return null;
        }
    }
}
