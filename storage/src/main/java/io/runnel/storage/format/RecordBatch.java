package io.runnel.storage.format;

import static io.runnel.storage.format.BatchFormat.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A zero-copy view of one whole batch (layout in {@link BatchFormat}) held in a {@link ByteBuffer}:
 * header accessors, validation, and in-place stamping of the fields a leader owns.
 *
 * <p>The view shares its bytes with the buffer it wraps: stamping writes through to that buffer,
 * and whoever owns the buffer must not change it while the view is in use. Reading accessors are
 * safe from many threads; {@code stamp…} methods are for the single writer that owns the batch.
 */
public final class RecordBatch {
    private final ByteBuffer buffer;

    private RecordBatch(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /**
     * A view of the batch that starts at {@code source.position()} and occupies exactly the size its
     * length field announces. Does not move {@code source}'s position.
     *
     * @throws CorruptBatchException when fewer bytes remain than the header or the length needs
     */
    public static RecordBatch wrap(ByteBuffer source) {
        int start = source.position();
        int remaining = source.remaining();
        if (remaining < HEADER_SIZE) {
            throw new CorruptBatchException("batch needs at least " + HEADER_SIZE + " bytes of header, "
                    + remaining + " remain");
        }
        int length = source.order() == ByteOrder.LITTLE_ENDIAN
                ? source.getInt(start + LENGTH_OFFSET)
                : Integer.reverseBytes(source.getInt(start + LENGTH_OFFSET));
        long size = (long) LOG_OVERHEAD + length;
        if (length < HEADER_SIZE - LOG_OVERHEAD || size > remaining) {
            throw new CorruptBatchException("batch length field " + length + " gives size " + size + ", but "
                    + remaining + " bytes remain and the header alone needs " + HEADER_SIZE);
        }
        return new RecordBatch(source.slice(start, (int) size).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Every batch in {@code records}, a buffer of whole batches back to back from its position to its
     * limit. Each batch is checked with {@link #ensureValid()}.
     */
    public static List<RecordBatch> splitAll(ByteBuffer records) {
        List<RecordBatch> batches = new ArrayList<>();
        ByteBuffer cursor = records.duplicate();
        while (cursor.hasRemaining()) {
            RecordBatch batch = wrap(cursor);
            batch.ensureValid();
            batches.add(batch);
            cursor.position(cursor.position() + batch.sizeInBytes());
        }
        return batches;
    }

    /** A read-only little-endian view of the whole batch, position 0, limit {@link #sizeInBytes()}. */
    public ByteBuffer buffer() {
        return buffer.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The writable view this batch stamps into; for this package. */
    ByteBuffer rawBuffer() {
        return buffer;
    }

    public int sizeInBytes() {
        return buffer.limit();
    }

    public long baseOffset() {
        return buffer.getLong(BASE_OFFSET_OFFSET);
    }

    public long lastOffset() {
        return baseOffset() + recordCount() - 1;
    }

    /** The offset after this batch's last row. */
    public long nextOffset() {
        return baseOffset() + recordCount();
    }

    public int leaderEpoch() {
        return buffer.getInt(LEADER_EPOCH_OFFSET);
    }

    public long firstTimestamp() {
        return buffer.getLong(FIRST_TIMESTAMP_OFFSET);
    }

    public long maxTimestamp() {
        return buffer.getLong(MAX_TIMESTAMP_OFFSET);
    }

    /** The stored CRC32C, as an unsigned value. */
    public long checksum() {
        return Integer.toUnsignedLong(buffer.getInt(CRC_OFFSET));
    }

    public byte magic() {
        return buffer.get(MAGIC_OFFSET);
    }

    public int attributes() {
        return Short.toUnsignedInt(buffer.getShort(ATTRIBUTES_OFFSET));
    }

    public Compression.Codec compression() {
        return Compression.Codec.ofId(attributes() & COMPRESSION_CODEC_MASK);
    }

    /** Whether the timestamps come from an event-time column rather than the leader's clock. */
    public boolean isEventTime() {
        return (attributes() & EVENT_TIME_FLAG) != 0;
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_FLAG) != 0;
    }

    public boolean isControl() {
        return (attributes() & CONTROL_FLAG) != 0;
    }

    /** Whether this batch holds only some of its schema's columns (a {@link BatchProjector} result). */
    public boolean isProjected() {
        return (attributes() & PROJECTED_FLAG) != 0;
    }

    public int schemaId() {
        return buffer.getInt(SCHEMA_ID_OFFSET);
    }

    public int recordCount() {
        return buffer.getInt(RECORD_COUNT_OFFSET);
    }

    public long producerId() {
        return buffer.getLong(PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return buffer.getShort(PRODUCER_EPOCH_OFFSET);
    }

    public int baseSequence() {
        return buffer.getInt(BASE_SEQUENCE_OFFSET);
    }

    /** Number of columns this batch holds (all of its schema's, or fewer when projected). */
    public int columnCount() {
        return Short.toUnsignedInt(buffer.getShort(COLUMN_COUNT_OFFSET));
    }

    /** Schema index of the {@code i}-th column this batch holds. */
    public int columnIndex(int i) {
        return Short.toUnsignedInt(buffer.getShort(descriptorOffset(i) + DESCRIPTOR_COLUMN_INDEX_OFFSET));
    }

    /** Encoding of the {@code i}-th column ({@link BatchFormat#ENCODING_PLAIN} …), without the split flag. */
    public int encoding(int i) {
        return encodingByte(i) & ENCODING_MASK;
    }

    /** Whether the {@code i}-th column's value or offsets buffer is byte-stream split. */
    public boolean isByteStreamSplit(int i) {
        return (encodingByte(i) & ENCODING_SPLIT_FLAG) != 0;
    }

    int encodingByte(int i) {
        return Byte.toUnsignedInt(buffer.get(descriptorOffset(i) + DESCRIPTOR_ENCODING_OFFSET));
    }

    public int statsFlags(int i) {
        return Byte.toUnsignedInt(buffer.get(descriptorOffset(i) + DESCRIPTOR_STATS_FLAGS_OFFSET));
    }

    public int nullCount(int i) {
        return buffer.getInt(descriptorOffset(i) + DESCRIPTOR_NULL_COUNT_OFFSET);
    }

    /** Smallest non-null value of column {@code i} as stored (int64, or float64 bits: see statsFlags). */
    public long minRaw(int i) {
        return buffer.getLong(descriptorOffset(i) + DESCRIPTOR_MIN_OFFSET);
    }

    public long maxRaw(int i) {
        return buffer.getLong(descriptorOffset(i) + DESCRIPTOR_MAX_OFFSET);
    }

    /** Position of the first Arrow message within this batch. */
    public int arrowBodyOffset() {
        return BatchFormat.arrowBodyOffset(columnCount());
    }

    /** Position in this batch of the descriptor for schema column {@code columnIndex}, or -1. */
    public int findColumn(int schemaColumnIndex) {
        int n = columnCount();
        for (int i = 0; i < n; i++) {
            if (columnIndex(i) == schemaColumnIndex) {
                return i;
            }
        }
        return -1;
    }

    /** CRC32C of the bytes the stored CRC covers. */
    public long computeChecksum() {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(CRC_COVERED_OFFSET).limit(buffer.limit()));
        return crc.getValue();
    }

    /**
     * Checks what can be checked without the schema: size, magic, attribute bits, record count,
     * column count against the size, and the CRC.
     *
     * @throws CorruptBatchException naming the field, what was expected and what was found
     */
    public void ensureValid() {
        int size = sizeInBytes();
        if (size < HEADER_SIZE) {
            throw new CorruptBatchException("batch of " + size + " bytes is shorter than the header (" + HEADER_SIZE + ")");
        }
        if (magic() != CURRENT_MAGIC) {
            throw new CorruptBatchException("magic: expected " + CURRENT_MAGIC + ", found " + magic());
        }
        long stored = checksum();
        long computed = computeChecksum();
        if (stored != computed) {
            throw new CorruptBatchException(String.format("CRC stored 0x%08x computed 0x%08x (batch of %d bytes, base offset %d)",
                    stored, computed, size, baseOffset()));
        }
        int unknown = attributes() & ~KNOWN_ATTRIBUTES;
        if (unknown != 0) {
            throw new CorruptBatchException(String.format("attributes 0x%04x set unknown bits 0x%04x", attributes(), unknown));
        }
        Compression.Codec.ofId(attributes() & COMPRESSION_CODEC_MASK);
        if (recordCount() < 1) {
            throw new CorruptBatchException("record count: expected at least 1, found " + recordCount());
        }
        if (arrowBodyOffset() > size) {
            throw new CorruptBatchException("column count " + columnCount() + " needs " + arrowBodyOffset()
                    + " bytes of header, batch has " + size);
        }
    }

    /** Sets the base offset. Outside the CRC: the CRC stays valid. */
    public void stampBaseOffset(long baseOffset) {
        buffer.putLong(BASE_OFFSET_OFFSET, baseOffset);
    }

    /** Sets the leader epoch. Outside the CRC. */
    public void stampLeaderEpoch(int leaderEpoch) {
        buffer.putInt(LEADER_EPOCH_OFFSET, leaderEpoch);
    }

    /** Sets both timestamps (append time: the same value). Outside the CRC. */
    public void stampTimestamps(long firstTimestamp, long maxTimestamp) {
        buffer.putLong(FIRST_TIMESTAMP_OFFSET, firstTimestamp);
        buffer.putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp);
    }

    @Override
    public String toString() {
        return "RecordBatch(baseOffset=" + baseOffset() + ", records=" + recordCount() + ", bytes=" + sizeInBytes()
                + ", schemaId=" + schemaId() + ", epoch=" + leaderEpoch() + ", maxTimestamp=" + maxTimestamp() + ")";
    }
}
