package io.runnel.storage.format;

import static io.runnel.storage.format.BatchFormat.*;

import java.nio.ByteBuffer;

/**
 * The broker's check of a client-built batch before it is appended: what a batch must be to enter
 * the log. In order:
 * <ol>
 *   <li>the header: size, magic, known attributes, record count &ge; 1, CRC ({@link CorruptBatchException});
 *   <li>the batch is whole: not projected, one descriptor per column of its schema;
 *   <li>event-time timestamps: {@code 0 <= firstTimestamp <= maxTimestamp};
 *   <li>the Arrow structure against the schema: message order and framing, field nodes, buffer
 *       counts, bounds and alignment, row and null counts, codec;
 *   <li>values, where cheap: NOT NULL through the null counts; VARCHAR(n)/VARBINARY(n) through the
 *       offsets (the UTF-8 bytes are decompressed only for values whose byte length could exceed n
 *       characters); dictionary indices inside their dictionary; DECIMAL(p ≤ 18) unscaled values
 *       below 10^p; TIME within a day.
 * </ol>
 * Not checked (not cheap, and harmless to the log): that VARCHAR bytes are well-formed UTF-8
 * (readers decode malformed sequences to U+FFFD) and DECIMAL(p &gt; 18) precision.
 *
 * <p>Holds a native decompression context: one validator per writer thread. Not thread-safe.
 */
public final class BatchValidator implements AutoCloseable {
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final BufferDecompressor decompressor = new BufferDecompressor();

    /**
     * Checks {@code batch} against {@code schema}, the schema its schema id names.
     *
     * @throws CorruptBatchException  when the bytes are damaged or inconsistent
     * @throws InvalidBatchException when the batch is well-formed but may not be appended
     */
    public void validate(RecordBatch batch, Schema schema) {
        batch.ensureValid();
        if (batch.schemaId() != schema.schemaId()) {
            throw new IllegalArgumentException("batch names schema " + batch.schemaId() + ", validated against "
                    + schema.schemaId());
        }
        if (batch.isProjected()) {
            throw new InvalidBatchException("a projected batch holds only some columns and cannot be appended");
        }
        if (batch.columnCount() != schema.columnCount()) {
            throw new InvalidBatchException("batch holds " + batch.columnCount() + " columns, schema " + schema.schemaId()
                    + " has " + schema.columnCount());
        }
        if (batch.isEventTime() && (batch.firstTimestamp() < 0 || batch.firstTimestamp() > batch.maxTimestamp())) {
            throw new InvalidBatchException("event-time batch timestamps: expected 0 <= first <= max, found first "
                    + batch.firstTimestamp() + " max " + batch.maxTimestamp());
        }
        BatchLayout layout = BatchLayout.parse(batch, schema);
        ByteBuffer bytes = batch.rawBuffer();
        for (int i = 0; i < layout.columnCount; i++) {
            Column column = schema.column(layout.columnIndex[i]);
            if (!column.nullable() && layout.nullCount[i] > 0) {
                throw new InvalidBatchException(InvalidValueException.Kind.NOT_NULL,
                        "column " + column.describe() + " has " + layout.nullCount[i] + " NULLs");
            }
            if (column.type().isVariableLength()) {
                checkLengths(layout, i, column, bytes);
            } else if (column.type() == ColumnType.DECIMAL && column.fixedWidthBytes() == 8) {
                checkDecimal(layout, i, column, bytes);
            } else if (column.type() == ColumnType.TIME) {
                checkTime(layout, i, column, bytes);
            }
        }
    }

    private void checkLengths(BatchLayout layout, int i, Column column, ByteBuffer bytes) {
        int max = column.precision();
        int width = dictionaryIndexWidth(layout.encoding[i]);
        int count;
        BufferSlice offsets;
        BufferSlice data;
        int dataBuffer;
        int dataLength;
        if (width > 0) {
            count = layout.dictionarySize[i];
            int d = i * BatchLayout.DICTIONARY_BUFFERS;
            offsets = layout.plain(decompressor, layout.dictionaryBufferPosition[d + 1],
                    layout.dictionaryBufferLength[d + 1], layout.split[i], count + 1, 4);
            dataBuffer = layout.dictionaryBufferPosition[d + 2];
            dataLength = layout.dictionaryBufferLength[d + 2];
            checkIndexes(layout, i, column, width, count, bytes);
        } else {
            count = layout.rows;
            int b = layout.firstBuffer[i];
            offsets = layout.plain(decompressor, layout.bufferPosition[b + 1], layout.bufferLength[b + 1], layout.split[i],
                    count + 1, 4);
            dataBuffer = layout.bufferPosition[b + 2];
            dataLength = layout.bufferLength[b + 2];
        }
        if (offsets.length() < 4 * (count + 1)) {
            throw new CorruptBatchException("column " + column.name() + ": offsets buffer has " + offsets.length()
                    + " bytes, " + count + " values need " + 4 * (count + 1));
        }
        data = null;
        byte[] a = offsets.array();
        int o = offsets.offset();
        int previous = LittleEndian.getInt(a, o);
        if (previous != 0) {
            throw new CorruptBatchException("column " + column.name() + ": first offset is " + previous + ", expected 0");
        }
        for (int r = 1; r <= count; r++) {
            int next = LittleEndian.getInt(a, o + 4 * r);
            int length = next - previous;
            if (length < 0) {
                throw new CorruptBatchException("column " + column.name() + ": offset " + r + " is " + next
                        + ", below the previous " + previous);
            }
            if (max != Column.UNBOUNDED && length > max) {
                if (column.type() == ColumnType.VARBINARY) {
                    throw new InvalidBatchException(InvalidValueException.Kind.TOO_LONG,
                            "column " + column.describe() + ": value " + (r - 1) + " has " + length + " bytes");
                }
                if (data == null) {
                    data = decompressor.decompress(bytes, dataBuffer, dataLength, layout.codec);
                }
                if (next > data.length()) {
                    throw new CorruptBatchException("column " + column.name() + ": offset " + next + " past the "
                            + data.length() + " bytes of data");
                }
                int chars = Utf8.countCodePoints(data.array(), data.offset() + previous, length);
                if (chars > max || chars < 0) {
                    throw new InvalidBatchException(chars < 0 ? InvalidValueException.Kind.TYPE : InvalidValueException.Kind.TOO_LONG,
                            "column " + column.describe() + ": value " + (r - 1) + " has "
                            + (chars < 0 ? "malformed UTF-8" : chars + " characters"));
                }
            }
            previous = next;
        }
    }

    private void checkIndexes(BatchLayout layout, int i, Column column, int width, int size, ByteBuffer bytes) {
        int b = layout.firstBuffer[i] + 1;
        BufferSlice indexes = decompressor.decompress(bytes, layout.bufferPosition[b], layout.bufferLength[b], layout.codec);
        if (indexes.length() < layout.rows * width) {
            throw new CorruptBatchException("column " + column.name() + ": index buffer has " + indexes.length()
                    + " bytes, " + layout.rows + " rows need " + layout.rows * width);
        }
        byte[] a = indexes.array();
        int o = indexes.offset();
        for (int r = 0; r < layout.rows; r++) {
            int index = switch (width) {
                case 1 -> a[o + r];
                case 2 -> LittleEndian.getShort(a, o + 2 * r);
                default -> LittleEndian.getInt(a, o + 4 * r);
            };
            if (index < 0 || (index >= size && size > 0)) {
                throw new CorruptBatchException("column " + column.name() + ": dictionary index " + index + " at row " + r
                        + " is outside the dictionary of " + size + " values");
            }
        }
    }

    private void checkDecimal(BatchLayout layout, int i, Column column, ByteBuffer bytes) {
        long[] range = fixedRange(layout, i, column, bytes, 8);
        long limit = column.precision() < 19 ? POWERS_OF_TEN[column.precision()] : Long.MAX_VALUE;
        if (range != null && (range[0] <= -limit || range[1] >= limit)) {
             throw new InvalidBatchException(InvalidValueException.Kind.OUT_OF_RANGE,
                    "column " + column.describe() + ": unscaled values range " + range[0] + ".."
                    + range[1] + ", beyond " + column.precision() + " digits");
        }
    }

    private void checkTime(BatchLayout layout, int i, Column column, ByteBuffer bytes) {
        long[] range = fixedRange(layout, i, column, bytes, 4);
        if (range != null && (range[0] < 0 || range[1] > 86_399_999)) {
             throw new InvalidBatchException(InvalidValueException.Kind.OUT_OF_RANGE,
                    "column " + column.describe() + ": values range " + range[0] + ".." + range[1]
                    + ", outside 0..86399999 ms of a day");
        }
    }

    /** Min and max of the non-null values of a 4- or 8-byte column (delta decoded), or null if all NULL. */
    private long[] fixedRange(BatchLayout layout, int i, Column column, ByteBuffer bytes, int width) {
        int b = layout.firstBuffer[i];
        BufferSlice validity = layout.nullCount[i] > 0
                ? decompressor.decompress(bytes, layout.bufferPosition[b], layout.bufferLength[b], layout.codec) : null;
        BufferSlice values = layout.plain(decompressor, layout.bufferPosition[b + 1], layout.bufferLength[b + 1],
                layout.split[i], layout.rows, width);
        if (values.length() < layout.rows * width
                || (validity != null && validity.length() < ColumnAccumulator.bitmapBytes(layout.rows))) {
            throw new CorruptBatchException("column " + column.name() + ": buffers too short for " + layout.rows + " rows");
        }
        boolean delta = layout.encoding[i] == ENCODING_DELTA;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long v = 0;
        boolean any = false;
        byte[] a = values.array();
        int o = values.offset();
        for (int r = 0; r < layout.rows; r++) {
            long x = width == 8 ? LittleEndian.getLong(a, o + 8 * r) : LittleEndian.getInt(a, o + 4 * r);
            v = delta ? (width == 8 ? v + x : (int) (v + x)) : x;
            if (validity != null && (validity.array()[validity.offset() + (r >>> 3)] & (1 << (r & 7))) == 0) {
                continue;
            }
            any = true;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return any ? new long[] {min, max} : null;
    }

    @Override
    public void close() {
        decompressor.close();
    }
}
