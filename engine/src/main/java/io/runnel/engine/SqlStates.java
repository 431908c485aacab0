package io.runnel.engine;

/**
 * The SQLSTATE codes Runnel uses (DESIGN.md §3), in one place. User-facing errors carry one of
 * these; the SQL layer passes them to the client unchanged.
 */
public final class SqlStates {
    private SqlStates() {}

    public static final String SYNTAX_ERROR = "42601";
    public static final String UNDEFINED_TABLE = "42P01";
    public static final String UNDEFINED_COLUMN = "42703";
    public static final String DUPLICATE_TABLE = "42P07";
    public static final String DUPLICATE_COLUMN = "42701";
    public static final String DATATYPE_MISMATCH = "42804";
    public static final String UNDEFINED_OBJECT = "42704";
    public static final String INSUFFICIENT_PRIVILEGE = "42501";

    public static final String DATA_EXCEPTION = "22000";
    public static final String STRING_TOO_LONG = "22001";
    public static final String NUMERIC_OUT_OF_RANGE = "22003";
    public static final String INVALID_DATETIME_FORMAT = "22007";
    public static final String INVALID_CHARACTER_VALUE_FOR_CAST = "22018";
    public static final String INVALID_PARAMETER_VALUE = "22023";
    public static final String NOT_NULL_VIOLATION = "23502";

    public static final String CONNECTION_EXCEPTION = "08000";
    public static final String CONNECTION_FAILURE = "08006";
    public static final String FEATURE_NOT_SUPPORTED = "0A000";
    public static final String SERIALIZATION_FAILURE = "40001";
    /**
     * Fewer replicas are in sync than the topic's {@code min_insync_replicas} (Kafka's
     * NOT_ENOUGH_REPLICAS): retriable, the ISR grows back when followers catch up.
     */
    public static final String NOT_ENOUGH_REPLICAS = "40R01";
    /**
     * A partition has no leader now, or leadership moved during the call (Kafka's
     * NOT_LEADER_OR_FOLLOWER / LEADER_NOT_AVAILABLE): retriable once the controller elected a leader.
     */
    public static final String NOT_LEADER = "40R02";
    /**
     * The broker asked is not (or not yet) the coordinator of a consumer group (Kafka's
     * NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS): retriable once the caller found the leader of the
     * group's partition of {@code __consumer_offsets}.
     */
    public static final String NOT_COORDINATOR = "40R03";
    /**
     * An idempotent producer's batch repeats sequences already stored without being a remembered batch,
     * or carries an older producer epoch (Kafka's OUT_OF_ORDER_SEQUENCE_NUMBER): nothing was appended;
     * the client starts a new producer id and sends the rows again.
     */
    public static final String OUT_OF_ORDER_SEQUENCE = "40R04";
    public static final String QUERY_CANCELED = "57014";
    public static final String OBJECT_IN_USE = "55006";
    public static final String INSUFFICIENT_RESOURCES = "53000";
    /** A size limit (e.g. a batch larger than max_batch_bytes, too many columns). */
    public static final String PROGRAM_LIMIT_EXCEEDED = "54000";
    /** An I/O error on the broker's files other than a full disk. */
    public static final String IO_ERROR = "58030";
    public static final String DISK_FULL = "53100";
    public static final String OUT_OF_MEMORY = "53200";
    public static final String TOO_MANY_CONNECTIONS = "53300";
    public static final String INVALID_AUTHORIZATION = "28000";
    public static final String INTERNAL_ERROR = "XX000";
    public static final String DATA_CORRUPTED = "XX001";
}
