package io.runnel.replication.protocol;

import io.runnel.engine.partition.ReplicaError;

/**
 * The broker-to-broker protocol on the broker port (default 7071), specified once here and in
 * {@code docs/format/replication-protocol.md}. All integers are big-endian (network order); record
 * batches inside are the storage format (little-endian, {@code BatchFormat}) byte for byte.
 *
 * <pre>
 * frame            int32 size (bytes that follow), then a request or a response
 * request header   int16 apiKey, int16 apiVersion, int32 correlationId, then the request body
 * response header  int32 correlationId, int16 errorCode, then the response body (errorCode 0)
 *                  or an error body: string sqlState, string message, int8 errorKind
 * string           int16 length (-1 = null), UTF-8 bytes
 * uuid             int64 most significant bits, int64 least significant bits
 * array            int32 count, then the elements
 * </pre>
 *
 * <p>Each API has a version; a broker answers a version it does not know with
 * {@link #UNSUPPORTED_VERSION} so that mixed versions fail by name during an upgrade. History: every API
 * at version 0 (phase A of the cluster issue).
 */
public final class Protocol {
    private Protocol() {}

    /** Frames larger than this are refused (the largest batch a topic may allow, 1 GiB, plus headers). */
    public static final int MAX_FRAME_BYTES = (1 << 30) + (1 << 20);
    public static final int SIZE_LENGTH = 4;
    public static final int REQUEST_HEADER_BYTES = 2 + 2 + 4;
    public static final int RESPONSE_HEADER_BYTES = 4 + 2;

    // ---- API keys and their current versions
    /** A follower's fetch (zero-copy batches in the response). */
    public static final short FETCH = 1;
    public static final short FETCH_VERSION = 0;
    /** KIP-101/279 epoch lookup. */
    public static final short OFFSETS_FOR_LEADER_EPOCH = 2;
    public static final short OFFSETS_FOR_LEADER_EPOCH_VERSION = 0;
    /** A produce forwarded to the partitions' leader. */
    public static final short PRODUCE = 3;
    public static final short PRODUCE_VERSION = 0;
    /** A reader's fetch of committed batches, forwarded to the leader (projection, long-poll). */
    public static final short READ = 4;
    public static final short READ_VERSION = 0;
    /** A partition's offsets (and the offset for a timestamp) from its leader. */
    public static final short LIST_OFFSETS = 5;
    public static final short LIST_OFFSETS_VERSION = 0;
    // Consumer-group requests to a group's coordinator (keys from 20 on, apart from the replication APIs).
    /** A member joins its group at the coordinator. */
    public static final short JOIN_GROUP = 20;
    public static final short JOIN_GROUP_VERSION = 0;
    /** A member's liveness and state (long-polled until its assignment changes). */
    public static final short HEARTBEAT = 21;
    public static final short HEARTBEAT_VERSION = 0;
    /** A member gives partitions back. */
    public static final short RELEASE_PARTITIONS = 22;
    public static final short RELEASE_PARTITIONS_VERSION = 0;
    /** A member leaves. */
    public static final short LEAVE_GROUP = 23;
    public static final short LEAVE_GROUP_VERSION = 0;
    /** A member commits offsets of partitions it owns. */
    public static final short COMMIT_OFFSETS = 24;
    public static final short COMMIT_OFFSETS_VERSION = 0;
    /** ALTER CONSUMER GROUP ... RESET OFFSETS. */
    public static final short RESET_OFFSETS = 25;
    public static final short RESET_OFFSETS_VERSION = 0;
    /** The sys.consumer_groups rows of the groups a broker coordinates. */
    public static final short DESCRIBE_GROUPS = 26;
    public static final short DESCRIBE_GROUPS_VERSION = 0;

    /** The current version of {@code apiKey}, or -1 when unknown. */
    public static short version(short apiKey) {
        return switch (apiKey) {
            case FETCH -> FETCH_VERSION;
            case OFFSETS_FOR_LEADER_EPOCH -> OFFSETS_FOR_LEADER_EPOCH_VERSION;
            case PRODUCE -> PRODUCE_VERSION;
            case READ -> READ_VERSION;
            case LIST_OFFSETS -> LIST_OFFSETS_VERSION;
            case JOIN_GROUP -> JOIN_GROUP_VERSION;
            case HEARTBEAT -> HEARTBEAT_VERSION;
            case RELEASE_PARTITIONS -> RELEASE_PARTITIONS_VERSION;
            case LEAVE_GROUP -> LEAVE_GROUP_VERSION;
            case COMMIT_OFFSETS -> COMMIT_OFFSETS_VERSION;
            case RESET_OFFSETS -> RESET_OFFSETS_VERSION;
            case DESCRIBE_GROUPS -> DESCRIBE_GROUPS_VERSION;
            default -> -1;
        };
    }

    public static String apiName(short apiKey) {
        return switch (apiKey) {
            case FETCH -> "FETCH";
            case OFFSETS_FOR_LEADER_EPOCH -> "OFFSETS_FOR_LEADER_EPOCH";
            case PRODUCE -> "PRODUCE";
            case READ -> "READ";
            case LIST_OFFSETS -> "LIST_OFFSETS";
            case JOIN_GROUP -> "JOIN_GROUP";
            case HEARTBEAT -> "HEARTBEAT";
            case RELEASE_PARTITIONS -> "RELEASE_PARTITIONS";
            case LEAVE_GROUP -> "LEAVE_GROUP";
            case COMMIT_OFFSETS -> "COMMIT_OFFSETS";
            case RESET_OFFSETS -> "RESET_OFFSETS";
            case DESCRIBE_GROUPS -> "DESCRIBE_GROUPS";
            default -> "api " + apiKey;
        };
    }

    // ---- response error codes (frame level)
    public static final short NONE = 0;
    /** The engine refused the request; the error body carries SQLSTATE, message and {@code errorKind}. */
    public static final short ENGINE_ERROR = 1;
    public static final short UNSUPPORTED_VERSION = 2;
    public static final short UNKNOWN_API = 3;
    /** The request could not be decoded. */
    public static final short INVALID_REQUEST = 4;

    // ---- errorKind of an ENGINE_ERROR: which typed exception the client raises again
    public static final byte KIND_PLAIN = 0;
    public static final byte KIND_NOT_LEADER = 1;
    public static final byte KIND_NOT_LEADER_OUTCOME_UNKNOWN = 2;
    public static final byte KIND_NOT_ENOUGH_REPLICAS = 3;
    public static final byte KIND_NOT_ENOUGH_REPLICAS_AFTER_APPEND = 4;
    /** The leader's acks wait timed out (the rows may still be committed). */
    public static final byte KIND_TIMEOUT = 5;
    /** The receiver is not (or not yet) the group's coordinator (40R03): find it again and retry. */
    public static final byte KIND_NOT_COORDINATOR = 6;
    /** The coordinator does not know the member, or it committed a partition it does not own (40001): join again. */
    public static final byte KIND_UNKNOWN_MEMBER = 7;

    /** The api key of a group request. */
    public static short apiKey(io.runnel.engine.group.GroupRequest request) {
        if (request instanceof io.runnel.engine.group.GroupRequest.Join) {
            return JOIN_GROUP;
        } else if (request instanceof io.runnel.engine.group.GroupRequest.Heartbeat) {
            return HEARTBEAT;
        } else if (request instanceof io.runnel.engine.group.GroupRequest.Release) {
            return RELEASE_PARTITIONS;
        } else if (request instanceof io.runnel.engine.group.GroupRequest.Leave) {
            return LEAVE_GROUP;
        } else if (request instanceof io.runnel.engine.group.GroupRequest.Commit) {
            return COMMIT_OFFSETS;
        } else if (request instanceof io.runnel.engine.group.GroupRequest.ResetOffsets) {
            return RESET_OFFSETS;
        }
        return DESCRIBE_GROUPS;
    }

    /** Whether {@code apiKey} is a group request. */
    public static boolean isGroupApi(short apiKey) {
        return apiKey >= JOIN_GROUP && apiKey <= DESCRIBE_GROUPS;
    }

    // ---- per-partition error codes in FETCH and OFFSETS_FOR_LEADER_EPOCH responses
    /** The wire code of a {@link ReplicaError} (its ordinal, fixed by this table). */
    public static short code(ReplicaError error) {
        return switch (error) {
            case NONE -> 0;
            case NOT_LEADER -> 1;
            case FENCED_LEADER_EPOCH -> 2;
            case UNKNOWN_LEADER_EPOCH -> 3;
            case OFFSET_OUT_OF_RANGE -> 4;
            case NOT_A_REPLICA -> 5;
            case UNKNOWN_PARTITION -> 6;
        };
    }

    public static ReplicaError replicaError(short code) {
        return switch (code) {
            case 0 -> ReplicaError.NONE;
            case 1 -> ReplicaError.NOT_LEADER;
            case 2 -> ReplicaError.FENCED_LEADER_EPOCH;
            case 3 -> ReplicaError.UNKNOWN_LEADER_EPOCH;
            case 4 -> ReplicaError.OFFSET_OUT_OF_RANGE;
            case 5 -> ReplicaError.NOT_A_REPLICA;
            case 6 -> ReplicaError.UNKNOWN_PARTITION;
            default -> throw new ProtocolException("unknown partition error code " + code);
        };
    }
}
