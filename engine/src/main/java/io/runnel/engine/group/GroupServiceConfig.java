package io.runnel.engine.group;

/**
 * How a broker runs consumer groups across a cluster (server keys in parentheses).
 *
 * @param offsetsTopicPartitions partitions of {@value OffsetStore#TOPIC} when this broker creates it
 *     ({@code offsets_topic_partitions}, default 10): the groups are spread over that many coordinators
 * @param offsetsTopicReplicationFactor the replicas it is created with, at most the live brokers then
 *     ({@code offsets_topic_replication_factor}, default 3)
 * @param memberTimeoutMs a coordinator removes a member whose broker made no request about it for this
 *     long ({@code group_member_timeout_ms}, default 10 s): the member's broker died or lost its way
 * @param heartbeatWaitMs how long a member's heartbeat waits at the coordinator for an assignment change
 *     before it is answered unchanged (must be well under {@code memberTimeoutMs})
 * @param requestTimeoutMs how long a group request (join, commit, reset) keeps finding the coordinator
 *     and retrying while it moves ({@code group_request_timeout_ms}, default 30 s)
 * @param store the offsets topic's retention and snapshots
 */
public record GroupServiceConfig(int offsetsTopicPartitions, int offsetsTopicReplicationFactor, long memberTimeoutMs,
        long heartbeatWaitMs, long requestTimeoutMs, OffsetStoreConfig store) {

    public static final GroupServiceConfig DEFAULTS = new GroupServiceConfig(10, 3, 10_000, 2_000, 30_000,
            OffsetStoreConfig.DEFAULTS);

    public GroupServiceConfig {
        if (offsetsTopicPartitions < 1 || offsetsTopicPartitions > 1_000) {
            throw new IllegalArgumentException("offsets_topic_partitions must be in [1, 1000], not " + offsetsTopicPartitions);
        }
        if (offsetsTopicReplicationFactor < 1 || offsetsTopicReplicationFactor > 100) {
            throw new IllegalArgumentException("offsets_topic_replication_factor must be in [1, 100], not "
                    + offsetsTopicReplicationFactor);
        }
        if (heartbeatWaitMs < 1 || memberTimeoutMs < 3 * heartbeatWaitMs) {
            throw new IllegalArgumentException("group_member_timeout_ms (" + memberTimeoutMs + ") must be at least three"
                    + " heartbeat waits (" + heartbeatWaitMs + " ms)");
        }
        if (requestTimeoutMs < 1) {
            throw new IllegalArgumentException("group_request_timeout_ms must be positive, not " + requestTimeoutMs);
        }
    }

    public GroupServiceConfig withOffsetsTopic(int partitions, int replicationFactor) {
        return new GroupServiceConfig(partitions, replicationFactor, memberTimeoutMs, heartbeatWaitMs, requestTimeoutMs, store);
    }

    public GroupServiceConfig withMemberTimeoutMs(long timeoutMs, long waitMs) {
        return new GroupServiceConfig(offsetsTopicPartitions, offsetsTopicReplicationFactor, timeoutMs, waitMs, requestTimeoutMs,
                store);
    }

    public GroupServiceConfig withRequestTimeoutMs(long timeoutMs) {
        return new GroupServiceConfig(offsetsTopicPartitions, offsetsTopicReplicationFactor, memberTimeoutMs, heartbeatWaitMs,
                timeoutMs, store);
    }
}
