package io.runnel.engine.partition;

/**
 * Why a leader refused a follower's (or a remote reader's) request. The replication protocol carries
 * these as error codes ({@code io.runnel.replication.protocol.Protocol}); what the follower does about
 * each is in design note 0007.
 */
public enum ReplicaError {
    NONE,
    /** This broker does not lead the partition: wait for the metadata to name the leader. */
    NOT_LEADER,
    /** The requester's leader epoch is older than the leader's: it must learn the new state first. */
    FENCED_LEADER_EPOCH,
    /** The requester's leader epoch is newer than the leader's: the leader has not learned it yet; retry. */
    UNKNOWN_LEADER_EPOCH,
    /** The fetch offset is below the log start or above the published end. */
    OFFSET_OUT_OF_RANGE,
    /** The requester is not an assigned replica of the partition. */
    NOT_A_REPLICA,
    /** This broker does not host the partition (or the topic id differs: it was re-created). */
    UNKNOWN_PARTITION
}
