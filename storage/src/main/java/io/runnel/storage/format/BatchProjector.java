package io.runnel.storage.format;

import static io.runnel.storage.format.BatchFormat.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Cuts a batch down to some of its columns without decompressing anything: the header is copied
 * (stamped fields included), the chosen columns' descriptors, dictionary messages and still-compressed
 * buffers are copied, a new Arrow RecordBatch metadata is written for them, the {@code projected}
 * attribute is set and the CRC recomputed. The result is itself a valid batch that
 * {@link BatchDecoder} reads (Fluss's server-side projection, DESIGN §5).
 *
 * <p>The source batch's CRC is checked first, so a projection never launders corrupt bytes under a
 * fresh CRC. Not thread-safe (reuses a flatbuffer builder); cheap to create.
 */
public final class BatchProjector {
    private final ArrowMessages messages = new ArrowMessages();
    private final ByteSink out = new ByteSink(16 * 1024);

    /**
     * The batch holding only the schema columns {@code columns} (in schema order, duplicates
     * ignored). Columns the batch does not hold (added after its schema, i.e. at or past
     * {@code schema.columnCount()}, or already projected away) are skipped: a reader decodes them as
     * NULL (older schema) or as not projected.
     *
     * @param schema the schema the batch's column indexes refer to (its own or a later version)
     * @throws CorruptBatchException when {@code batch} is damaged
     */
    public RecordBatch project(RecordBatch batch, Schema schema, int[] columns) {
        return rewrite(batch, schema, columns, false);
    }

    /**
     * Like {@link #project}; with {@code plainOnly}, delta-encoded columns are decoded and
     * recompressed as plain Arrow values, so that any Arrow reader gets the right numbers.
     */
    RecordBatch rewrite(RecordBatch batch, Schema schema, int[] columns, boolean plainOnly) {
        batch.ensureValid();
        BatchLayout layout = BatchLayout.parse(batch, schema);
        boolean[] wanted = new boolean[schema.columnCount()];
        for (int col : columns) {
            if (col < 0) {
                throw new IndexOutOfBoundsException("projected column " + col + " is negative");
            }
            if (col < wanted.length) {
                wanted[col] = true;
            }
        }
        int[] kept = new int[layout.columnCount];
        int k = 0;
        for (int i = 0; i < layout.columnCount; i++) {
            if (wanted[layout.columnIndex[i]]) {
                kept[k++] = i;
            }
        }
        ByteBuffer source = batch.rawBuffer();
        out.reset();
        int headerBytes = arrowBodyOffset(k);
        out.ensureRemaining(headerBytes);
        source.get(0, out.array(), 0, HEADER_SIZE);
        for (int j = 0; j < k; j++) {
            source.get(descriptorOffset(kept[j]), out.array(), descriptorOffset(j), DESCRIPTOR_SIZE);
        }
        out.advance(headerBytes);
        for (int j = 0; j < k; j++) {
            int i = kept[j];
            if (layout.isDictionary(i)) {
                if (plainOnly && layout.split[i]) {
                    writePlainDictionary(layout, i);
                    continue;
                }
                int start = layout.dictionaryMessageStart[i];
                int length = layout.dictionaryMessageEnd[i] - start;
                out.ensureRemaining(length);
                source.get(start, out.array(), out.size(), length);
                out.advance(length);
            }
        }
        int bufferCount = 0;
        for (int j = 0; j < k; j++) {
            bufferCount += layout.bufferCount[kept[j]];
        }
        // Replacement bytes for the data buffers of delta columns when plainOnly.
        byte[][] replaced = new byte[layout.bufferPosition.length][];
        if (plainOnly) {
            for (int j = 0; j < k; j++) {
                int i = kept[j];
                Column column = schema.column(layout.columnIndex[i]);
                int index = layout.firstBuffer[i] + 1;
                if (layout.encoding[i] == ENCODING_DELTA) {
                    replaced[index] = undoDelta(layout, index, column.fixedWidthBytes());
                } else if (layout.split[i] && !layout.isDictionary(i)) {
                    int count = column.type().isVariableLength() ? layout.rows + 1 : layout.rows;
                    int width = column.type().isVariableLength() ? 4 : column.fixedWidthBytes();
                    replaced[index] = recompress(layout, layout.plain(new BufferDecompressor(), layout.bufferPosition[index],
                            layout.bufferLength[index], true, count, width));
                }
                out.array()[descriptorOffset(j) + DESCRIPTOR_ENCODING_OFFSET] = (byte) layout.encoding[i];
            }
        }
        long[] nodes = new long[2 * k];
        long[] buffers = new long[2 * bufferCount];
        long bodyLength = 0;
        int b = 0;
        for (int j = 0; j < k; j++) {
            int i = kept[j];
            nodes[2 * j] = layout.rows;
            nodes[2 * j + 1] = layout.nullCount[i];
            for (int x = 0; x < layout.bufferCount[i]; x++) {
                int index = layout.firstBuffer[i] + x;
                int length = replaced[index] != null ? replaced[index].length : layout.bufferLength[index];
                buffers[2 * b] = bodyLength;
                buffers[2 * b + 1] = length;
                bodyLength += align8(length);
                b++;
            }
        }
        messages.writeRecordBatch(out, layout.rows, nodes, k, buffers, bufferCount, layout.codec, bodyLength);
        int bodyStart = out.size();
        out.ensureRemaining((int) bodyLength);
        Arrays.fill(out.array(), bodyStart, bodyStart + (int) bodyLength, (byte) 0);
        b = 0;
        for (int j = 0; j < k; j++) {
            int i = kept[j];
            for (int x = 0; x < layout.bufferCount[i]; x++) {
                int index = layout.firstBuffer[i] + x;
                if (replaced[index] != null) {
                    System.arraycopy(replaced[index], 0, out.array(), bodyStart + (int) buffers[2 * b], replaced[index].length);
                } else {
                    source.get(layout.bufferPosition[index], out.array(), bodyStart + (int) buffers[2 * b],
                            layout.bufferLength[index]);
                }
                b++;
            }
        }
        out.advance((int) bodyLength);

        byte[] bytes = Arrays.copyOf(out.array(), out.size());
        ByteBuffer projected = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        projected.putInt(LENGTH_OFFSET, bytes.length - LOG_OVERHEAD);
        boolean whole = k == layout.columnCount && !batch.isProjected();
        projected.putShort(ATTRIBUTES_OFFSET, (short) (whole ? batch.attributes() : batch.attributes() | PROJECTED_FLAG));
        projected.putShort(COLUMN_COUNT_OFFSET, (short) k);
        CRC32C crc = new CRC32C();
        crc.update(bytes, CRC_COVERED_OFFSET, bytes.length - CRC_COVERED_OFFSET);
        projected.putInt(CRC_OFFSET, (int) crc.getValue());
        return RecordBatch.wrap(projected);
    }

    /** The data buffer {@code index} with its deltas summed, in the batch's codec's body form. */
    private static byte[] undoDelta(BatchLayout layout, int index, int width) {
        BufferSlice deltas;
        try (BufferDecompressor decompressor = new BufferDecompressor()) {
            deltas = decompressor.decompress(layout.batch.rawBuffer(), layout.bufferPosition[index],
                    layout.bufferLength[index], layout.codec);
        }
        int rows = layout.rows;
        if (deltas.length() < rows * width) {
            throw new CorruptBatchException("delta buffer has " + deltas.length() + " bytes, " + rows + " rows need "
                    + rows * width);
        }
        byte[] plain = new byte[rows * width];
        long v = 0;
        for (int r = 0; r < rows; r++) {
            if (width == 8) {
                v += LittleEndian.getLong(deltas.array(), deltas.offset() + 8 * r);
                LittleEndian.putLong(plain, 8 * r, v);
            } else {
                v = (int) (v + LittleEndian.getInt(deltas.array(), deltas.offset() + 4 * r));
                LittleEndian.putInt(plain, 4 * r, (int) v);
            }
        }
        return recompress(layout, new BufferSlice(plain, 0, plain.length));
    }

    /** {@code plain} compressed with the batch's codec, in Arrow's compressed-buffer form. */
    private static byte[] recompress(BatchLayout layout, BufferSlice plain) {
        Compression compression = switch (layout.codec) {
            case NONE -> Compression.NONE;
            case ZSTD -> Compression.ZSTD;
            case LZ4_FRAME -> Compression.LZ4_FRAME;
        };
        ByteSink sink = new ByteSink(plain.length() + 64);
        try (BufferCompressor compressor = new BufferCompressor(compression)) {
            compressor.compress(plain.array(), plain.offset(), plain.length(), sink);
        }
        return Arrays.copyOf(sink.array(), sink.size());
    }

    /** Writes column {@code i}'s DictionaryBatch message with its offsets joined back to plain Arrow. */
    private void writePlainDictionary(BatchLayout layout, int i) {
        int d = i * BatchLayout.DICTIONARY_BUFFERS;
        int size = layout.dictionarySize[i];
        byte[] offsets = recompress(layout, layout.plain(new BufferDecompressor(), layout.dictionaryBufferPosition[d + 1],
                layout.dictionaryBufferLength[d + 1], true, size + 1, 4));
        int dataLength = layout.dictionaryBufferLength[d + 2];
        long[] buffers = {0, 0, 0, offsets.length, align8(offsets.length), dataLength};
        long bodyLength = align8(offsets.length) + align8(dataLength);
        messages.writeDictionaryBatch(out, layout.columnIndex[i], size, new long[] {size, 0}, 1, buffers, 3, layout.codec,
                bodyLength);
        int bodyStart = out.size();
        out.ensureRemaining((int) bodyLength);
        Arrays.fill(out.array(), bodyStart, bodyStart + (int) bodyLength, (byte) 0);
        System.arraycopy(offsets, 0, out.array(), bodyStart, offsets.length);
        layout.batch.rawBuffer().get(layout.dictionaryBufferPosition[d + 2], out.array(), bodyStart + (int) align8(offsets.length),
                dataLength);
        out.advance((int) bodyLength);
    }
}
