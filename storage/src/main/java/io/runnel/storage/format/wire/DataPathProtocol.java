package io.runnel.storage.format.wire;

/**
 * Constants of the Runnel data path, the binary HTTP protocol beside Avatica's that carries bulk
 * INSERT batches (docs/format/data-path-protocol.md is the specification; design note 0008 the why).
 *
 * <pre>
 * every message:  magic int32 'RNDP' | version int8 | type int8 | fields of the type ...
 * </pre>
 * All integers are big-endian; strings are an int16 UTF-8 length and the bytes. Record batches inside
 * a produce request are the storage batch format (docs/format/segment.md), unchanged.
 */
public final class DataPathProtocol {
    /** "RNDP". */
    public static final int MAGIC = 0x524E4450;
    /** Version 1: insert plan and produce. A server answers another version with an error message. */
    public static final int VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_LENGTH = 4;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int VERSION_LENGTH = 1;
    public static final int TYPE_OFFSET = VERSION_OFFSET + VERSION_LENGTH;
    public static final int TYPE_LENGTH = 1;
    public static final int HEADER_SIZE = TYPE_OFFSET + TYPE_LENGTH;

    /** HTTP path of the insert-plan exchange (POST). */
    public static final String INSERT_PLAN_PATH = "/runnel/v1/insert-plan";
    /** HTTP path of the produce exchange (POST). */
    public static final String PRODUCE_PATH = "/runnel/v1/produce";
    /** HTTP path of the long-polled result fetch (POST). */
    public static final String FETCH_PATH = "/runnel/v1/fetch";
    /** Content type of every request and response body. */
    public static final String CONTENT_TYPE = "application/x-runnel-datapath";

    private DataPathProtocol() {}
}
