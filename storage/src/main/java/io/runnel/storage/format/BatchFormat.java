package io.runnel.storage.format;

/**
 * The on-disk and on-wire layout of one Runnel record batch, specified once. Every other class
 * reads and writes batches through these constants; {@code docs/format/segment.md} mirrors this
 * comment.
 *
 * <p>All integers are little-endian (Arrow buffers are little-endian; the header uses the same
 * order). A batch is a fixed 64-byte header, one 24-byte descriptor per column the batch holds, and
 * the Arrow IPC body: a sequence of encapsulated Arrow messages, first one DictionaryBatch per
 * dictionary-encoded column, then exactly one RecordBatch.
 *
 * <pre>
 * offset size  field             covered by CRC  meaning
 * ------ ----  ----------------  --------------  ----------------------------------------------------
 *  0     8     baseOffset        no (stamped)    offset of the first row; 0 until the leader stamps it
 *  8     4     length            no              bytes that follow this field (batch size - 12)
 * 12     4     leaderEpoch       no (stamped)    epoch of the leader that appended the batch; -1 before
 * 16     8     firstTimestamp    no (stamped)    ms since epoch: append time (stamped) or min event time
 * 24     8     maxTimestamp      no (stamped)    ms since epoch: append time (stamped) or max event time
 * 32     4     crc               -               CRC32C of bytes [36, 12 + length)
 * 36     1     magic             yes             format version, {@value #CURRENT_MAGIC}
 * 37     1     reserved          yes             0
 * 38     2     attributes        yes             bits 0-2 codec (0 none, 1 zstd, 2 lz4 frame),
 *                                                bit 3 event time, bit 4 transactional, bit 5 control,
 *                                                bit 6 projected (a subset of the columns; never appended)
 * 40     4     schemaId          yes             schema version the columns belong to
 * 44     4     recordCount       yes             rows, &ge; 1; lastOffset = baseOffset + recordCount - 1
 * 48     8     producerId        yes             idempotent producer id, -1 if none
 * 56     2     producerEpoch     yes             -1 if none
 * 58     2     columnCount       yes             number of column descriptors that follow
 * 60     4     baseSequence      yes             sequence of the first row, -1 if none
 * 64     24*columnCount          yes             column descriptors, in increasing column index
 * 64+24c ...   Arrow IPC body    yes             [DictionaryBatch message]* RecordBatch message
 *
 * column descriptor (24 bytes, at 64 + 24*i)
 * +0     2     columnIndex       index of the column in the schema (stable: schemas only append)
 * +2     1     encoding          bits 0-2: 0 plain, 1/2/3 dictionary with int8/int16/int32 indices,
 *                                4 delta (integers: the data buffer holds v[0], v[1]-v[0], ... wrapping);
 *                                bit 3: byte-stream split (see below)
 * +3     1     statsFlags        bit 0: min/max are int64 values; bit 1: min/max are float64 bits
 * +4     4     nullCount         rows that are NULL in this column
 * +8     8     min               smallest non-null value (see statsFlags), else 0
 * +16    8     max               largest non-null value (see statsFlags), else 0
 * </pre>
 *
 * <p>Byte-stream split (encoding bit 3, Parquet's BYTE_STREAM_SPLIT): before compression, the
 * column's fixed-width buffer holds byte 0 of every value, then byte 1 of every value, and so on.
 * It applies to the value buffer of a plain fixed-width column (width &ge; 2), and to the int32
 * offsets buffer of a variable-length column: its own (plain) or its dictionary's (dictionary). The
 * builder sets it on every such column of a compressed batch. Delta (4) and byte-stream split are
 * Runnel's only transforms an Arrow reader does not know: everything else in the body is standard
 * Arrow IPC, and {@link ArrowIpc#toArrowStream} turns both back into plain buffers.
 *
 * <p>The fields a leader stamps (base offset, leader epoch, timestamps) are contiguous at the start
 * and outside the CRC, so the broker appends a client-built batch by validating the CRC and writing
 * those 28 bytes in place; it never recomputes the CRC. The price is that event-time timestamps are
 * not covered by the CRC: {@link BatchValidator} checks {@code firstTimestamp <= maxTimestamp}, and
 * the column statistics, which are covered, hold the same range when the event-time column is known.
 *
 * <p>Each encapsulated Arrow message is {@code 0xFFFFFFFF, int32 metadataSize, Message flatbuffer,
 * padding to 8, body}; {@code metadataSize} includes the padding. Body buffers start at multiples of 8
 * from the body start. With a codec, every buffer is {@code int64 uncompressedLength} followed by the
 * compressed bytes ({@code -1} means the bytes follow uncompressed because compression did not help);
 * an absent buffer (e.g. validity when nullCount is 0) has length 0. Dictionary ids are the column
 * index, so they survive projection.
 */
public final class BatchFormat {
    private BatchFormat() {}

    /** The format version this code writes. */
    public static final byte CURRENT_MAGIC = 1;

    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BASE_OFFSET_LENGTH = 8;
    public static final int LENGTH_OFFSET = BASE_OFFSET_OFFSET + BASE_OFFSET_LENGTH;
    public static final int LENGTH_LENGTH = 4;
    /** Bytes before the part {@code length} counts; a batch occupies LOG_OVERHEAD + length bytes. */
    public static final int LOG_OVERHEAD = LENGTH_OFFSET + LENGTH_LENGTH;
    public static final int LEADER_EPOCH_OFFSET = LOG_OVERHEAD;
    public static final int LEADER_EPOCH_LENGTH = 4;
    public static final int FIRST_TIMESTAMP_OFFSET = LEADER_EPOCH_OFFSET + LEADER_EPOCH_LENGTH;
    public static final int FIRST_TIMESTAMP_LENGTH = 8;
    public static final int MAX_TIMESTAMP_OFFSET = FIRST_TIMESTAMP_OFFSET + FIRST_TIMESTAMP_LENGTH;
    public static final int MAX_TIMESTAMP_LENGTH = 8;
    public static final int CRC_OFFSET = MAX_TIMESTAMP_OFFSET + MAX_TIMESTAMP_LENGTH;
    public static final int CRC_LENGTH = 4;
    /** First byte the CRC covers; everything before it is the stamped frame. */
    public static final int CRC_COVERED_OFFSET = CRC_OFFSET + CRC_LENGTH;
    public static final int MAGIC_OFFSET = CRC_COVERED_OFFSET;
    public static final int MAGIC_LENGTH = 1;
    public static final int RESERVED_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int RESERVED_LENGTH = 1;
    public static final int ATTRIBUTES_OFFSET = RESERVED_OFFSET + RESERVED_LENGTH;
    public static final int ATTRIBUTES_LENGTH = 2;
    public static final int SCHEMA_ID_OFFSET = ATTRIBUTES_OFFSET + ATTRIBUTES_LENGTH;
    public static final int SCHEMA_ID_LENGTH = 4;
    public static final int RECORD_COUNT_OFFSET = SCHEMA_ID_OFFSET + SCHEMA_ID_LENGTH;
    public static final int RECORD_COUNT_LENGTH = 4;
    public static final int PRODUCER_ID_OFFSET = RECORD_COUNT_OFFSET + RECORD_COUNT_LENGTH;
    public static final int PRODUCER_ID_LENGTH = 8;
    public static final int PRODUCER_EPOCH_OFFSET = PRODUCER_ID_OFFSET + PRODUCER_ID_LENGTH;
    public static final int PRODUCER_EPOCH_LENGTH = 2;
    public static final int COLUMN_COUNT_OFFSET = PRODUCER_EPOCH_OFFSET + PRODUCER_EPOCH_LENGTH;
    public static final int COLUMN_COUNT_LENGTH = 2;
    public static final int BASE_SEQUENCE_OFFSET = COLUMN_COUNT_OFFSET + COLUMN_COUNT_LENGTH;
    public static final int BASE_SEQUENCE_LENGTH = 4;
    /** Size of the fixed header; column descriptors start here. */
    public static final int HEADER_SIZE = BASE_SEQUENCE_OFFSET + BASE_SEQUENCE_LENGTH;

    // Column descriptor, relative to its start.
    public static final int DESCRIPTOR_COLUMN_INDEX_OFFSET = 0;
    public static final int DESCRIPTOR_COLUMN_INDEX_LENGTH = 2;
    public static final int DESCRIPTOR_ENCODING_OFFSET = DESCRIPTOR_COLUMN_INDEX_OFFSET + DESCRIPTOR_COLUMN_INDEX_LENGTH;
    public static final int DESCRIPTOR_ENCODING_LENGTH = 1;
    public static final int DESCRIPTOR_STATS_FLAGS_OFFSET = DESCRIPTOR_ENCODING_OFFSET + DESCRIPTOR_ENCODING_LENGTH;
    public static final int DESCRIPTOR_STATS_FLAGS_LENGTH = 1;
    public static final int DESCRIPTOR_NULL_COUNT_OFFSET = DESCRIPTOR_STATS_FLAGS_OFFSET + DESCRIPTOR_STATS_FLAGS_LENGTH;
    public static final int DESCRIPTOR_NULL_COUNT_LENGTH = 4;
    public static final int DESCRIPTOR_MIN_OFFSET = DESCRIPTOR_NULL_COUNT_OFFSET + DESCRIPTOR_NULL_COUNT_LENGTH;
    public static final int DESCRIPTOR_MIN_LENGTH = 8;
    public static final int DESCRIPTOR_MAX_OFFSET = DESCRIPTOR_MIN_OFFSET + DESCRIPTOR_MIN_LENGTH;
    public static final int DESCRIPTOR_MAX_LENGTH = 8;
    public static final int DESCRIPTOR_SIZE = DESCRIPTOR_MAX_OFFSET + DESCRIPTOR_MAX_LENGTH;

    // Attribute bits.
    public static final int COMPRESSION_CODEC_MASK = 0x07;
    public static final int EVENT_TIME_FLAG = 0x08;
    public static final int TRANSACTIONAL_FLAG = 0x10;
    public static final int CONTROL_FLAG = 0x20;
    public static final int PROJECTED_FLAG = 0x40;
    /** Attribute bits this version knows; a batch with others set is rejected. */
    public static final int KNOWN_ATTRIBUTES = COMPRESSION_CODEC_MASK | EVENT_TIME_FLAG | TRANSACTIONAL_FLAG
            | CONTROL_FLAG | PROJECTED_FLAG;

    // Column encodings.
    public static final int ENCODING_PLAIN = 0;
    public static final int ENCODING_DICTIONARY_INT8 = 1;
    public static final int ENCODING_DICTIONARY_INT16 = 2;
    public static final int ENCODING_DICTIONARY_INT32 = 3;
    public static final int ENCODING_DELTA = 4;
    /** Bits of the encoding byte that hold the encoding above. */
    public static final int ENCODING_MASK = 0x07;
    /** Encoding bit: the column's fixed-width value or offsets buffer is byte-stream split. */
    public static final int ENCODING_SPLIT_FLAG = 0x08;

    // Statistics flags.
    public static final int STATS_INT64 = 0x01;
    public static final int STATS_FLOAT64 = 0x02;

    /** Value of the stamped fields before a leader stamps them. */
    public static final long NO_OFFSET = 0L;
    public static final int NO_LEADER_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1L;
    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;

    // Arrow IPC framing (Arrow columnar format, "Encapsulated message format").
    public static final int ARROW_CONTINUATION = 0xFFFFFFFF;
    /** Continuation marker plus int32 metadata size. */
    public static final int ARROW_MESSAGE_PREFIX = 8;
    /** Arrow aligns metadata and every body buffer to 8 bytes. */
    public static final int ARROW_ALIGNMENT = 8;
    /** Bytes of the uncompressed-length prefix of a compressed Arrow buffer. */
    public static final int ARROW_UNCOMPRESSED_LENGTH_PREFIX = 8;
    /** Uncompressed-length prefix meaning "the bytes that follow are not compressed". */
    public static final long ARROW_NOT_COMPRESSED = -1L;

    /** Offset of the first column descriptor. */
    public static int descriptorOffset(int columnIndexInBatch) {
        return HEADER_SIZE + columnIndexInBatch * DESCRIPTOR_SIZE;
    }

    /** Offset of the Arrow body in a batch with {@code columnCount} descriptors. */
    public static int arrowBodyOffset(int columnCount) {
        return HEADER_SIZE + columnCount * DESCRIPTOR_SIZE;
    }

    /** {@code n} rounded up to a multiple of {@link #ARROW_ALIGNMENT}. */
    public static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /** Bytes of the index of a dictionary encoding, or 0 for non-dictionary encodings. */
    public static int dictionaryIndexWidth(int encoding) {
        return switch (encoding) {
            case ENCODING_DICTIONARY_INT8 -> 1;
            case ENCODING_DICTIONARY_INT16 -> 2;
            case ENCODING_DICTIONARY_INT32 -> 4;
            default -> 0;
        };
    }
}
