package io.runnel.storage.format;

import static io.runnel.storage.format.BatchFormat.*;

import io.runnel.storage.format.DecodedBatch.ColumnData;

/**
 * Decodes a batch into {@link DecodedBatch} columns: checks the CRC and the Arrow structure,
 * decompresses only the buffers of the projected columns, undoes delta encoding, and checks the
 * offsets and dictionary indices it will later read so that no getter can run outside its buffer.
 *
 * <p>Holds a native zstd context: one decoder per reading thread, {@link #close()} when done. Not
 * thread-safe; the {@link DecodedBatch} it returns is.
 */
public final class BatchDecoder implements AutoCloseable {
    private final BufferDecompressor decompressor = new BufferDecompressor();

    /**
     * Decodes {@code batch} for a reader whose schema is {@code schema}.
     *
     * @param schema     the reader's schema: the batch's own schema or a later version of it (a
     *                   topic's columns only grow), so older batches read NULL for newer columns
     * @param projection indexes of the schema columns to decode, or null for all
     * @throws CorruptBatchException when the batch's bytes are damaged or inconsistent
     */
    public DecodedBatch decode(RecordBatch batch, Schema schema, int[] projection) {
        return decode(batch, schema, projection, null);
    }

    /**
     * Like {@link #decode(RecordBatch, Schema, int[])}, knowing the schema the batch was written
     * with: a <em>projected</em> batch then reads the projected columns its own schema lacked (added
     * later) as NULL, instead of as not projected.
     *
     * @param batchSchema the schema named by {@code batch.schemaId()}, or null if unknown
     */
    public DecodedBatch decode(RecordBatch batch, Schema schema, int[] projection, Schema batchSchema) {
        batch.ensureValid();
        if (batch.schemaId() > schema.schemaId()) {
            throw new IllegalArgumentException("batch was written with schema " + batch.schemaId()
                    + ", newer than the reader's schema " + schema.schemaId());
        }
        BatchLayout layout = BatchLayout.parse(batch, schema);
        int n = schema.columnCount();
        ColumnData[] columns = new ColumnData[n];
        for (int col = 0; col < n; col++) {
            ColumnData c = new ColumnData();
            c.type = schema.column(col).type();
            c.scale = schema.column(col).scale();
            c.width = schema.column(col).fixedWidthBytes();
            columns[col] = c;
        }
        if (projection == null) {
            for (ColumnData c : columns) {
                c.projected = true;
            }
        } else {
            for (int col : projection) {
                if (col < 0 || col >= n) {
                    throw new IndexOutOfBoundsException("projected column " + col + " of schema " + schema.schemaId()
                            + " with " + n + " columns");
                }
                columns[col].projected = true;
            }
        }
        for (int i = 0; i < layout.columnCount; i++) {
            int col = layout.columnIndex[i];
            if (columns[col].projected) {
                decodeColumn(layout, i, schema.column(col), columns[col]);
            }
        }
        if (batch.isProjected()) {
            // A projected batch cannot tell a column the server left out from one its schema lacked:
            // only the columns it holds are readable.
            int added = batchSchema != null ? batchSchema.columnCount() : n;
            for (int col = 0; col < n; col++) {
                columns[col].projected &= columns[col].present || col >= added;
            }
        }
        return new DecodedBatch(schema, batch, columns);
    }

    private void decodeColumn(BatchLayout layout, int i, Column column, ColumnData c) {
        c.present = true;
        RecordBatch batch = layout.batch;
        java.nio.ByteBuffer bytes = batch.rawBuffer();
        int rows = layout.rows;
        int b = layout.firstBuffer[i];
        if (layout.nullCount[i] > 0) {
            BufferSlice validity = buffer(layout, bytes, b, ColumnAccumulator.bitmapBytes(rows), column, "validity");
            c.validity = validity.array();
            c.validityOffset = validity.offset();
        }
        int encoding = layout.encoding[i];
        int indexWidth = dictionaryIndexWidth(encoding);
        if (indexWidth > 0) {
            BufferSlice indexes = buffer(layout, bytes, b + 1, rows * indexWidth, column, "dictionary index");
            c.values = indexes.array();
            c.valuesOffset = indexes.offset();
            c.indexWidth = indexWidth;
            int size = layout.dictionarySize[i];
            int d = i * BatchLayout.DICTIONARY_BUFFERS;
            int[] offsets = offsets(layout, layout.dictionaryBufferPosition[d + 1], layout.dictionaryBufferLength[d + 1],
                    layout.split[i], size + 1, column, "dictionary");
            BufferSlice data = decompressor.decompress(bytes, layout.dictionaryBufferPosition[d + 2],
                    layout.dictionaryBufferLength[d + 2], layout.codec);
            checkOffsets(offsets, size, data.length(), column, "dictionary");
            c.dictOffsets = offsets;
            c.dictData = data.array();
            c.dictDataOffset = data.offset();
            c.dictSize = size;
            c.dictStrings = new String[size];
            checkIndexes(c, rows, size, column);
            return;
        }
        if (column.type().isVariableLength()) {
            int[] offsets = offsets(layout, layout.bufferPosition[b + 1], layout.bufferLength[b + 1], layout.split[i], rows + 1,
                    column, "values");
            BufferSlice data = decompressor.decompress(bytes, layout.bufferPosition[b + 2], layout.bufferLength[b + 2], layout.codec);
            checkOffsets(offsets, rows, data.length(), column, "values");
            c.offsets = offsets;
            c.data = data.array();
            c.dataOffset = data.offset();
            return;
        }
        int width = c.width;
        int bytesNeeded = width < 0 ? ColumnAccumulator.bitmapBytes(rows) : rows * width;
        if (layout.split[i] && (width == 8 || width == 4)) {
            BufferSlice planes = buffer(layout, bytes, b + 1, bytesNeeded, column, "values");
            if (width == 8) {
                c.longs = ByteStreamSplit.joinLongs(planes.array(), planes.offset(), rows);
            } else {
                c.ints = ByteStreamSplit.joinInts(planes.array(), planes.offset(), rows);
            }
            return;
        }
        BufferSlice values = layout.split[i]
                ? layout.plain(decompressor, layout.bufferPosition[b + 1], layout.bufferLength[b + 1], true, rows, width)
                : buffer(layout, bytes, b + 1, bytesNeeded, column, "values");
        if (encoding == ENCODING_DELTA) {
            if (width == 8) {
                long[] longs = new long[rows];
                long v = 0;
                byte[] a = values.array();
                int o = values.offset();
                for (int r = 0; r < rows; r++) {
                    v += LittleEndian.getLong(a, o + 8 * r);
                    longs[r] = v;
                }
                c.longs = longs;
            } else {
                int[] ints = new int[rows];
                int v = 0;
                byte[] a = values.array();
                int o = values.offset();
                for (int r = 0; r < rows; r++) {
                    v += LittleEndian.getInt(a, o + 4 * r);
                    ints[r] = v;
                }
                c.ints = ints;
            }
            return;
        }
        c.values = values.array();
        c.valuesOffset = values.offset();
    }

    private BufferSlice buffer(BatchLayout layout, java.nio.ByteBuffer bytes, int index, int minimumBytes, Column column,
            String what) {
        BufferSlice slice = decompressor.decompress(bytes, layout.bufferPosition[index], layout.bufferLength[index], layout.codec);
        if (slice.length() < minimumBytes) {
            throw new CorruptBatchException("column " + column.name() + ": " + what + " buffer has " + slice.length()
                    + " bytes, " + layout.rows + " rows need " + minimumBytes);
        }
        return slice;
    }

    /** The int32 offsets of a buffer, joined if byte-stream split; at least {@code count} of them. */
    private int[] offsets(BatchLayout layout, int position, int length, boolean split, int count, Column column, String what) {
        BufferSlice slice = decompressor.decompress(layout.batch.rawBuffer(), position, length, layout.codec);
        if (slice.length() < 4 * count) {
            throw new CorruptBatchException("column " + column.name() + ": " + what + " offsets buffer has " + slice.length()
                    + " bytes, " + (count - 1) + " values need " + 4 * count);
        }
        return split ? ByteStreamSplit.joinInts(slice.array(), slice.offset(), count)
                : ByteStreamSplit.ints(slice.array(), slice.offset(), count);
    }

    private static void checkOffsets(int[] offsets, int count, int dataLength, Column column, String what) {
        int previous = offsets[0];
        if (previous < 0) {
            throw new CorruptBatchException("column " + column.name() + ": first " + what + " offset " + previous);
        }
        for (int r = 1; r <= count; r++) {
            int next = offsets[r];
            if (next < previous) {
                throw new CorruptBatchException("column " + column.name() + ": " + what + " offset " + r + " is " + next
                        + ", below the previous " + previous);
            }
            previous = next;
        }
        if (previous > dataLength) {
            throw new CorruptBatchException("column " + column.name() + ": " + what + " offsets end at " + previous
                    + ", data buffer has " + dataLength + " bytes");
        }
    }

    private static void checkIndexes(ColumnData c, int rows, int size, Column column) {
        byte[] a = c.values;
        int o = c.valuesOffset;
        int bad = -1;
        for (int r = 0; r < rows; r++) {
            int index = switch (c.indexWidth) {
                case 1 -> a[o + r];
                case 2 -> LittleEndian.getShort(a, o + 2 * r);
                default -> LittleEndian.getInt(a, o + 4 * r);
            };
            if (index < 0 || (index >= size && (size > 0 || !isNullRow(c, r)))) {
                bad = r;
                break;
            }
        }
        if (bad >= 0) {
            throw new CorruptBatchException("column " + column.name() + ": dictionary index at row " + bad
                    + " is outside the dictionary of " + size + " values");
        }
    }

    private static boolean isNullRow(ColumnData c, int row) {
        return c.validity != null && (c.validity[c.validityOffset + (row >>> 3)] & (1 << (row & 7))) == 0;
    }

    @Override
    public void close() {
        decompressor.close();
    }
}
