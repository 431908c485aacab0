package io.runnel.storage.format;

import static io.runnel.storage.format.BatchFormat.*;

import java.nio.ByteBuffer;
import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.CompressionType;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;

/**
 * Where every column's Arrow buffers sit inside one batch, parsed from the column descriptors and
 * the Arrow messages, with every structural rule checked: message framing, message order, field
 * node and buffer counts against the column types, buffer bounds and alignment, row counts, null
 * counts, codec. Positions are absolute within the batch. Immutable once parsed.
 */
final class BatchLayout {
    /** Buffers of a dictionary's values (validity, offsets, data). */
    static final int DICTIONARY_BUFFERS = 3;

    final RecordBatch batch;
    final Compression.Codec codec;
    final int columnCount;
    final int rows;
    final int[] columnIndex;
    final int[] encoding;
    /** Per batch column: whether its value or offsets buffer is byte-stream split. */
    final boolean[] split;
    final int[] nullCount;
    /** Per batch column: index into {@link #bufferPosition} of its first buffer. */
    final int[] firstBuffer;
    final int[] bufferCount;
    final int[] bufferPosition;
    final int[] bufferLength;
    /** Per batch column, for dictionary columns: the whole encapsulated DictionaryBatch message. */
    final int[] dictionaryMessageStart;
    final int[] dictionaryMessageEnd;
    final int[] dictionarySize;
    /** Per batch column: positions/lengths of the dictionary's 3 value buffers (3 entries each). */
    final int[] dictionaryBufferPosition;
    final int[] dictionaryBufferLength;
    final int recordBatchMessageStart;

    private BatchLayout(RecordBatch batch, int columnCount) {
        this.batch = batch;
        this.codec = batch.compression();
        this.columnCount = columnCount;
        this.rows = batch.recordCount();
        this.columnIndex = new int[columnCount];
        this.encoding = new int[columnCount];
        this.split = new boolean[columnCount];
        this.nullCount = new int[columnCount];
        this.firstBuffer = new int[columnCount];
        this.bufferCount = new int[columnCount];
        this.dictionaryMessageStart = new int[columnCount];
        this.dictionaryMessageEnd = new int[columnCount];
        this.dictionarySize = new int[columnCount];
        this.dictionaryBufferPosition = new int[columnCount * DICTIONARY_BUFFERS];
        this.dictionaryBufferLength = new int[columnCount * DICTIONARY_BUFFERS];
        // At most 3 buffers per column (validity, offsets, data).
        this.bufferPosition = new int[columnCount * 3];
        this.bufferLength = new int[columnCount * 3];
        this.recordBatchMessageStart = -1;
    }

    private BatchLayout(BatchLayout parsed, int recordBatchMessageStart) {
        this.batch = parsed.batch;
        this.codec = parsed.codec;
        this.columnCount = parsed.columnCount;
        this.rows = parsed.rows;
        this.columnIndex = parsed.columnIndex;
        this.encoding = parsed.encoding;
        this.split = parsed.split;
        this.nullCount = parsed.nullCount;
        this.firstBuffer = parsed.firstBuffer;
        this.bufferCount = parsed.bufferCount;
        this.bufferPosition = parsed.bufferPosition;
        this.bufferLength = parsed.bufferLength;
        this.dictionaryMessageStart = parsed.dictionaryMessageStart;
        this.dictionaryMessageEnd = parsed.dictionaryMessageEnd;
        this.dictionarySize = parsed.dictionarySize;
        this.dictionaryBufferPosition = parsed.dictionaryBufferPosition;
        this.dictionaryBufferLength = parsed.dictionaryBufferLength;
        this.recordBatchMessageStart = recordBatchMessageStart;
    }

    /** Number of Arrow buffers a column has in the RecordBatch message. */
    static int buffersOf(Column column, int encoding) {
        if (dictionaryIndexWidth(encoding) > 0) {
            return 2;
        }
        return column.type().isVariableLength() ? 3 : 2;
    }

    boolean isDictionary(int i) {
        return dictionaryIndexWidth(encoding[i]) > 0;
    }

    /**
     * Parses and checks {@code batch} (whose header {@link RecordBatch#ensureValid()} already
     * accepted) against {@code schema}, the schema whose column indexes the descriptors use.
     *
     * @throws CorruptBatchException for anything that is not a well-formed batch
     */
    static BatchLayout parse(RecordBatch batch, Schema schema) {
        try {
            return parseUnchecked(batch, schema);
        } catch (CorruptBatchException e) {
            throw e;
        } catch (RuntimeException e) {
            // A flatbuffer whose offsets point outside its bytes: IndexOutOfBounds and friends.
            throw new CorruptBatchException("Arrow metadata is malformed: " + e, e);
        }
    }

    private static BatchLayout parseUnchecked(RecordBatch batch, Schema schema) {
        int columnCount = batch.columnCount();
        BatchLayout layout = new BatchLayout(batch, columnCount);
        int previous = -1;
        int dictionaries = 0;
        int buffers = 0;
        for (int i = 0; i < columnCount; i++) {
            int index = batch.columnIndex(i);
            if (index <= previous) {
                throw new CorruptBatchException("column descriptor " + i + ": column index " + index
                        + " does not follow " + previous);
            }
            if (index >= schema.columnCount()) {
                throw new CorruptBatchException("column descriptor " + i + ": column index " + index
                        + " but schema " + schema.schemaId() + " has " + schema.columnCount() + " columns");
            }
            previous = index;
            Column column = schema.column(index);
            int raw = batch.encodingByte(i);
            int enc = raw & ENCODING_MASK;
            checkEncoding(i, column, enc);
            if ((raw & ~(ENCODING_MASK | ENCODING_SPLIT_FLAG)) != 0) {
                throw new CorruptBatchException("column descriptor " + i + " (" + column.describe() + "): encoding byte "
                        + raw + " sets unknown bits");
            }
            boolean split = (raw & ENCODING_SPLIT_FLAG) != 0;
            if (split && !splittable(column, enc)) {
                throw new CorruptBatchException("column descriptor " + i + " (" + column.describe()
                        + "): byte-stream split does not apply to encoding " + enc);
            }
            layout.split[i] = split;
            if (dictionaryIndexWidth(enc) > 0) {
                dictionaries++;
            }
            layout.columnIndex[i] = index;
            layout.encoding[i] = enc;
            layout.nullCount[i] = batch.nullCount(i);
            if (layout.nullCount[i] < 0 || layout.nullCount[i] > layout.rows) {
                throw new CorruptBatchException("column " + column.name() + ": null count " + layout.nullCount[i]
                        + " outside 0.." + layout.rows);
            }
            layout.firstBuffer[i] = buffers;
            layout.bufferCount[i] = buffersOf(column, enc);
            buffers += layout.bufferCount[i];
        }
        ByteBuffer bytes = batch.rawBuffer();
        int position = batch.arrowBodyOffset();
        int end = batch.sizeInBytes();
        Message message = new Message();
        int dictionaryColumn = 0;
        for (int d = 0; d < dictionaries; d++) {
            while (!layout.isDictionary(dictionaryColumn)) {
                dictionaryColumn++;
            }
            int start = position;
            MessageFrame frame = MessageFrame.read(bytes, position, end);
            Message m = Message.getRootAsMessage(frame.metadata(bytes), message);
            checkVersion(m, position);
            if (m.headerType() != MessageHeader.DictionaryBatch) {
                throw new CorruptBatchException("Arrow message at position " + start + ": expected DictionaryBatch for column "
                        + schema.column(layout.columnIndex[dictionaryColumn]).name() + ", found header type " + m.headerType());
            }
            DictionaryBatch dict = (DictionaryBatch) m.header(new DictionaryBatch());
            if (dict.id() != layout.columnIndex[dictionaryColumn]) {
                throw new CorruptBatchException("DictionaryBatch at position " + start + ": expected id "
                        + layout.columnIndex[dictionaryColumn] + ", found " + dict.id());
            }
            if (dict.isDelta()) {
                throw new CorruptBatchException("DictionaryBatch at position " + start + " is a delta; batches hold whole dictionaries");
            }
            org.apache.arrow.flatbuf.RecordBatch data = dict.data();
            int bodyStart = frame.bodyPosition;
            long bodyLength = m.bodyLength();
            checkBody(start, bodyStart, bodyLength, end);
            checkCompression(data, layout.codec, start);
            if (data.nodesLength() != 1 || data.buffersLength() != DICTIONARY_BUFFERS) {
                throw new CorruptBatchException("DictionaryBatch at position " + start + ": expected 1 field node and "
                        + DICTIONARY_BUFFERS + " buffers, found " + data.nodesLength() + " and " + data.buffersLength());
            }
            FieldNode node = data.nodes(0);
            if (node.length() != data.length() || node.length() < 0 || node.length() > Integer.MAX_VALUE - 1
                    || node.nullCount() != 0) {
                throw new CorruptBatchException("DictionaryBatch at position " + start + ": field node length "
                        + node.length() + " null count " + node.nullCount() + ", batch length " + data.length());
            }
            layout.dictionarySize[dictionaryColumn] = (int) node.length();
            Buffer buffer = new Buffer();
            for (int b = 0; b < DICTIONARY_BUFFERS; b++) {
                data.buffers(buffer, b);
                checkBuffer(buffer, bodyLength, start, b);
                layout.dictionaryBufferPosition[dictionaryColumn * DICTIONARY_BUFFERS + b] = bodyStart + (int) buffer.offset();
                layout.dictionaryBufferLength[dictionaryColumn * DICTIONARY_BUFFERS + b] = (int) buffer.length();
            }
            position = bodyStart + (int) bodyLength;
            layout.dictionaryMessageStart[dictionaryColumn] = start;
            layout.dictionaryMessageEnd[dictionaryColumn] = position;
            dictionaryColumn++;
        }
        int start = position;
        MessageFrame frame = MessageFrame.read(bytes, position, end);
        Message m = Message.getRootAsMessage(frame.metadata(bytes), message);
        checkVersion(m, position);
        if (m.headerType() != MessageHeader.RecordBatch) {
            throw new CorruptBatchException("Arrow message at position " + start + ": expected RecordBatch, found header type "
                    + m.headerType());
        }
        org.apache.arrow.flatbuf.RecordBatch rb = (org.apache.arrow.flatbuf.RecordBatch) m.header(new org.apache.arrow.flatbuf.RecordBatch());
        int bodyStart = frame.bodyPosition;
        long bodyLength = m.bodyLength();
        checkBody(start, bodyStart, bodyLength, end);
        if (bodyStart + bodyLength != end) {
            throw new CorruptBatchException("RecordBatch message body ends at " + (bodyStart + bodyLength)
                    + ", batch ends at " + end);
        }
        checkCompression(rb, layout.codec, start);
        if (rb.length() != layout.rows) {
            throw new CorruptBatchException("Arrow RecordBatch length " + rb.length() + ", header record count " + layout.rows);
        }
        if (rb.nodesLength() != columnCount || rb.buffersLength() != buffers) {
            throw new CorruptBatchException("Arrow RecordBatch: expected " + columnCount + " field nodes and " + buffers
                    + " buffers for the column descriptors, found " + rb.nodesLength() + " and " + rb.buffersLength());
        }
        FieldNode node = new FieldNode();
        for (int i = 0; i < columnCount; i++) {
            rb.nodes(node, i);
            if (node.length() != layout.rows || node.nullCount() != layout.nullCount[i]) {
                throw new CorruptBatchException("column " + schema.column(layout.columnIndex[i]).name() + ": field node length "
                        + node.length() + " null count " + node.nullCount() + ", expected " + layout.rows + " and "
                        + layout.nullCount[i]);
            }
        }
        Buffer buffer = new Buffer();
        for (int b = 0; b < buffers; b++) {
            rb.buffers(buffer, b);
            checkBuffer(buffer, bodyLength, start, b);
            layout.bufferPosition[b] = bodyStart + (int) buffer.offset();
            layout.bufferLength[b] = (int) buffer.length();
        }
        return new BatchLayout(layout, start);
    }

    private static void checkEncoding(int i, Column column, int enc) {
        boolean ok = switch (enc) {
            case ENCODING_PLAIN -> true;
            case ENCODING_DICTIONARY_INT8, ENCODING_DICTIONARY_INT16, ENCODING_DICTIONARY_INT32 -> column.type().isVariableLength();
            case ENCODING_DELTA -> column.type().isIntegral() && column.fixedWidthBytes() >= 4
                    || column.type() == ColumnType.DECIMAL && column.fixedWidthBytes() == 8;
            default -> false;
        };
        if (!ok) {
            throw new CorruptBatchException("column descriptor " + i + " (" + column.describe() + "): encoding " + enc
                    + " does not apply to this type");
        }
    }

    /** Whether byte-stream split may apply to a column of this type and (base) encoding. */
    static boolean splittable(Column column, int encoding) {
        if (column.type().isVariableLength()) {
            return true;
        }
        return encoding == ENCODING_PLAIN && column.fixedWidthBytes() >= 2;
    }

    /**
     * The plain bytes of buffer {@code index}, {@code width}-byte values, {@code count} of them:
     * decompressed, and joined again when {@code split}.
     */
    BufferSlice plain(BufferDecompressor decompressor, int position, int length, boolean split, int count, int width) {
        BufferSlice slice = decompressor.decompress(batch.rawBuffer(), position, length, codec);
        if (!split) {
            return slice;
        }
        if (slice.length() < count * width) {
            throw new CorruptBatchException("byte-stream split buffer at position " + position + " has " + slice.length()
                    + " bytes, " + count + " values of " + width + " bytes need " + count * width);
        }
        return new BufferSlice(ByteStreamSplit.join(slice.array(), slice.offset(), count, width), 0, count * width);
    }

    private static void checkVersion(Message m, int position) {
        if (m.version() < MetadataVersion.V4) {
            throw new CorruptBatchException("Arrow message at position " + position + ": metadata version " + m.version()
                    + ", expected V4 or V5");
        }
    }

    private static void checkBody(int messageStart, int bodyStart, long bodyLength, int end) {
        if (bodyLength < 0 || bodyStart + bodyLength > end) {
            throw new CorruptBatchException("Arrow message at position " + messageStart + ": body of " + bodyLength
                    + " bytes from " + bodyStart + " runs past the batch end " + end);
        }
    }

    private static void checkCompression(org.apache.arrow.flatbuf.RecordBatch rb, Compression.Codec codec, int position) {
        BodyCompression compression = rb.compression();
        Compression.Codec found;
        if (compression == null) {
            found = Compression.Codec.NONE;
        } else if (compression.codec() == CompressionType.ZSTD) {
            found = Compression.Codec.ZSTD;
        } else if (compression.codec() == CompressionType.LZ4_FRAME) {
            found = Compression.Codec.LZ4_FRAME;
        } else {
            throw new CorruptBatchException("Arrow message at position " + position + ": unknown codec " + compression.codec());
        }
        if (found != codec) {
            throw new CorruptBatchException("Arrow message at position " + position + ": codec " + found
                    + ", batch attributes say " + codec);
        }
    }

    private static void checkBuffer(Buffer buffer, long bodyLength, int position, int index) {
        long offset = buffer.offset();
        long length = buffer.length();
        if (offset < 0 || length < 0 || offset + length > bodyLength || (offset & 7) != 0) {
            throw new CorruptBatchException("Arrow message at position " + position + ": buffer " + index + " [" + offset
                    + ", +" + length + ") is outside the body of " + bodyLength + " bytes or not 8-aligned");
        }
    }

    /** The framing of one encapsulated Arrow message. */
    record MessageFrame(int metadataPosition, int metadataLength, int bodyPosition) {
        static MessageFrame read(ByteBuffer bytes, int position, int end) {
            if (position + ARROW_MESSAGE_PREFIX > end) {
                throw new CorruptBatchException("Arrow message expected at position " + position + ", batch ends at " + end);
            }
            int continuation = bytes.getInt(position);
            if (continuation != ARROW_CONTINUATION) {
                throw new CorruptBatchException(String.format("Arrow message at position %d: continuation 0x%08x, expected 0xffffffff",
                        position, continuation));
            }
            int metadataLength = bytes.getInt(position + 4);
            int metadataPosition = position + ARROW_MESSAGE_PREFIX;
            if (metadataLength <= 0 || metadataPosition + (long) metadataLength > end) {
                throw new CorruptBatchException("Arrow message at position " + position + ": metadata size " + metadataLength
                        + " runs past the batch end " + end);
            }
            return new MessageFrame(metadataPosition, metadataLength, metadataPosition + metadataLength);
        }

        ByteBuffer metadata(ByteBuffer bytes) {
            return bytes.duplicate().position(metadataPosition).limit(metadataPosition + metadataLength).slice()
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        }
    }
}
