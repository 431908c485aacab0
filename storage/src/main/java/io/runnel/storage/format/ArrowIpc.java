package io.runnel.storage.format;

import static io.runnel.storage.format.BatchFormat.*;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.apache.arrow.flatbuf.Binary;
import org.apache.arrow.flatbuf.Bool;
import org.apache.arrow.flatbuf.DateUnit;
import org.apache.arrow.flatbuf.Decimal;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.DictionaryEncoding;
import org.apache.arrow.flatbuf.Endianness;
import org.apache.arrow.flatbuf.Field;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.FloatingPoint;
import org.apache.arrow.flatbuf.Int;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.Precision;
import org.apache.arrow.flatbuf.TimeUnit;
import org.apache.arrow.flatbuf.Type;
import org.apache.arrow.flatbuf.Utf8;

/**
 * Conversions between Runnel batches and standard Arrow IPC streams, for Arrow tools and for the
 * compatibility tests: a batch's body already is Arrow IPC messages; a stream adds the Schema
 * message (derived from the topic schema and the batch's per-column encodings) and the
 * end-of-stream marker.
 *
 * <p>Stateless and thread-safe.
 */
public final class ArrowIpc {
    private ArrowIpc() {}

    /** Arrow's end-of-stream marker: continuation then a zero metadata size. */
    private static final int EOS_BYTES = 8;

    /**
     * A complete Arrow IPC stream (Schema, DictionaryBatch*, RecordBatch, end-of-stream) holding the
     * batch's rows. Delta-encoded columns are turned back into plain values so that every Arrow
     * reader decodes the right numbers; every other buffer is copied as it is, still compressed.
     */
    public static ByteBuffer toArrowStream(RecordBatch batch, Schema schema) {
        int[] all = new int[schema.columnCount()];
        Arrays.setAll(all, i -> i);
        RecordBatch plain = new BatchProjector().rewrite(batch, schema, all, true);
        ByteSink out = new ByteSink(plain.sizeInBytes() + 1024);
        writeSchemaMessage(out, schema, plain);
        ByteBuffer source = plain.rawBuffer();
        int body = plain.arrowBodyOffset();
        int length = plain.sizeInBytes() - body;
        out.ensureRemaining(length + EOS_BYTES);
        source.get(body, out.array(), out.size(), length);
        out.advance(length);
        out.putInt(ARROW_CONTINUATION);
        out.putInt(0);
        return ByteBuffer.wrap(Arrays.copyOf(out.array(), out.size())).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The encapsulated Arrow Schema message describing the columns {@code batch} holds. */
    public static ByteBuffer schemaMessage(Schema schema, RecordBatch batch) {
        ByteSink out = new ByteSink(1024);
        writeSchemaMessage(out, schema, batch);
        return ByteBuffer.wrap(Arrays.copyOf(out.array(), out.size())).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void writeSchemaMessage(ByteSink out, Schema schema, RecordBatch batch) {
        FlatBufferBuilder fbb = new FlatBufferBuilder(1024);
        int n = batch.columnCount();
        int[] fields = new int[n];
        for (int i = 0; i < n; i++) {
            int index = batch.columnIndex(i);
            Column column = schema.column(index);
            int name = fbb.createString(column.name());
            byte typeType = arrowTypeId(column);
            int type = arrowType(fbb, column);
            int dictionary = 0;
            int width = dictionaryIndexWidth(batch.encoding(i));
            if (width > 0) {
                int indexType = Int.createInt(fbb, width * 8, true);
                dictionary = DictionaryEncoding.createDictionaryEncoding(fbb, index, indexType, false, (short) 0);
            }
            int children = Field.createChildrenVector(fbb, new int[0]);
            fields[i] = Field.createField(fbb, name, column.nullable(), typeType, type, dictionary, children, 0);
        }
        int fieldsVector = org.apache.arrow.flatbuf.Schema.createFieldsVector(fbb, fields);
        int schemaTable = org.apache.arrow.flatbuf.Schema.createSchema(fbb, Endianness.Little, fieldsVector, 0, 0);
        int message = Message.createMessage(fbb, MetadataVersion.V5, MessageHeader.Schema, schemaTable, 0, 0);
        fbb.finish(message);
        ArrowMessages.frame(out, fbb.dataBuffer());
    }

    static byte arrowTypeId(Column column) {
        return switch (column.type()) {
            case BOOLEAN -> Type.Bool;
            case TINYINT, SMALLINT, INTEGER, BIGINT -> Type.Int;
            case REAL, DOUBLE -> Type.FloatingPoint;
            case DECIMAL -> Type.Decimal;
            case VARCHAR -> Type.Utf8;
            case VARBINARY -> Type.Binary;
            case DATE -> Type.Date;
            case TIME -> Type.Time;
            case TIMESTAMP, TIMESTAMP_LTZ -> Type.Timestamp;
        };
    }

    private static int arrowType(FlatBufferBuilder fbb, Column column) {
        return switch (column.type()) {
            case BOOLEAN -> {
                Bool.startBool(fbb);
                yield Bool.endBool(fbb);
            }
            case TINYINT -> Int.createInt(fbb, 8, true);
            case SMALLINT -> Int.createInt(fbb, 16, true);
            case INTEGER -> Int.createInt(fbb, 32, true);
            case BIGINT -> Int.createInt(fbb, 64, true);
            case REAL -> FloatingPoint.createFloatingPoint(fbb, Precision.SINGLE);
            case DOUBLE -> FloatingPoint.createFloatingPoint(fbb, Precision.DOUBLE);
            case DECIMAL -> Decimal.createDecimal(fbb, column.precision(), column.scale(), column.fixedWidthBytes() * 8);
            case VARCHAR -> {
                Utf8.startUtf8(fbb);
                yield Utf8.endUtf8(fbb);
            }
            case VARBINARY -> {
                Binary.startBinary(fbb);
                yield Binary.endBinary(fbb);
            }
            case DATE -> org.apache.arrow.flatbuf.Date.createDate(fbb, DateUnit.DAY);
            case TIME -> org.apache.arrow.flatbuf.Time.createTime(fbb, TimeUnit.MILLISECOND, 32);
            case TIMESTAMP -> org.apache.arrow.flatbuf.Timestamp.createTimestamp(fbb, TimeUnit.MILLISECOND, 0);
            case TIMESTAMP_LTZ -> org.apache.arrow.flatbuf.Timestamp.createTimestamp(fbb, TimeUnit.MILLISECOND,
                    fbb.createString("UTC"));
        };
    }

    /**
     * A Runnel batch holding the rows of an Arrow IPC stream written by any Arrow implementation
     * (Schema, DictionaryBatch*, one RecordBatch, optional end-of-stream). The stream's fields must
     * be the schema's columns, in order, with matching names and Arrow types; its dictionary and
     * record batch messages are copied unchanged (reordered so dictionaries come in column order).
     *
     * @throws InvalidBatchException when the stream does not match {@code schema}
     * @throws CorruptBatchException when the stream is malformed
     */
    public static RecordBatch fromArrowStream(ByteBuffer stream, Schema schema, BatchMetadata metadata) {
        ByteBuffer in = stream.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int position = in.position();
        int end = in.limit();
        int n = schema.columnCount();
        int[] indexWidth = new int[n];
        // Schema message.
        BatchLayout.MessageFrame frame = BatchLayout.MessageFrame.read(in, position, end);
        Message m = Message.getRootAsMessage(frame.metadata(in));
        if (m.headerType() != MessageHeader.Schema) {
            throw new InvalidBatchException("Arrow stream does not start with a Schema message (header type " + m.headerType() + ")");
        }
        org.apache.arrow.flatbuf.Schema arrowSchema = (org.apache.arrow.flatbuf.Schema) m.header(new org.apache.arrow.flatbuf.Schema());
        if (arrowSchema.fieldsLength() != n) {
            throw new InvalidBatchException("Arrow schema has " + arrowSchema.fieldsLength() + " fields, schema "
                    + schema.schemaId() + " has " + n + " columns");
        }
        long[] dictionaryIds = new long[n];
        for (int i = 0; i < n; i++) {
            Field field = arrowSchema.fields(i);
            Column column = schema.column(i);
            if (!column.name().equals(field.name()) || field.typeType() != arrowTypeId(column)) {
                throw new InvalidBatchException("Arrow field " + i + " is " + field.name() + " of Arrow type " + field.typeType()
                        + ", expected " + column.describe() + " (Arrow type " + arrowTypeId(column) + ")");
            }
            DictionaryEncoding dictionary = field.dictionary();
            dictionaryIds[i] = -1;
            if (dictionary != null) {
                int bits = dictionary.indexType().bitWidth();
                if (!column.type().isVariableLength() || !dictionary.indexType().isSigned() || (bits != 8 && bits != 16 && bits != 32)) {
                    throw new InvalidBatchException("Arrow field " + field.name() + ": dictionary encoding with index Int(" + bits
                            + ") is not supported for " + column.describe());
                }
                indexWidth[i] = bits / 8;
                dictionaryIds[i] = dictionary.id();
            }
        }
        position = frame.bodyPosition() + (int) m.bodyLength();
        // Dictionary batches, then the record batch.
        int[] dictionaryStart = new int[n];
        int[] dictionaryEnd = new int[n];
        int recordBatchStart = -1;
        int recordBatchEnd = -1;
        int rows = -1;
        Compression.Codec codec = Compression.Codec.NONE;
        long[] nullCounts = new long[n];
        while (position + ARROW_MESSAGE_PREFIX <= end) {
            if (in.getInt(position) == ARROW_CONTINUATION && in.getInt(position + 4) == 0) {
                break;
            }
            int start = position;
            frame = BatchLayout.MessageFrame.read(in, position, end);
            m = Message.getRootAsMessage(frame.metadata(in));
            int messageEnd = frame.bodyPosition() + (int) m.bodyLength();
            if (m.headerType() == MessageHeader.DictionaryBatch) {
                DictionaryBatch dict = (DictionaryBatch) m.header(new DictionaryBatch());
                int column = -1;
                for (int i = 0; i < n; i++) {
                    if (dictionaryIds[i] == dict.id()) {
                        column = i;
                    }
                }
                if (column < 0 || dict.isDelta()) {
                    throw new InvalidBatchException("Arrow DictionaryBatch with id " + dict.id() + (dict.isDelta() ? " is a delta" : " matches no field"));
                }
                dictionaryStart[column] = start;
                dictionaryEnd[column] = messageEnd;
            } else if (m.headerType() == MessageHeader.RecordBatch) {
                if (recordBatchStart >= 0) {
                    throw new InvalidBatchException("Arrow stream holds more than one RecordBatch; a Runnel batch holds one");
                }
                org.apache.arrow.flatbuf.RecordBatch rb = (org.apache.arrow.flatbuf.RecordBatch) m.header(new org.apache.arrow.flatbuf.RecordBatch());
                recordBatchStart = start;
                recordBatchEnd = messageEnd;
                rows = (int) rb.length();
                if (rb.compression() != null) {
                    codec = rb.compression().codec() == org.apache.arrow.flatbuf.CompressionType.ZSTD
                            ? Compression.Codec.ZSTD : Compression.Codec.LZ4_FRAME;
                }
                FieldNode node = new FieldNode();
                for (int i = 0; i < Math.min(n, rb.nodesLength()); i++) {
                    nullCounts[i] = rb.nodes(node, i).nullCount();
                }
            } else {
                throw new InvalidBatchException("unexpected Arrow message header type " + m.headerType());
            }
            position = messageEnd;
        }
        if (recordBatchStart < 0 || rows < 1) {
            throw new InvalidBatchException("Arrow stream holds no RecordBatch with rows");
        }
        // Our layout wants the record batch body to end the batch: an 8-aligned body keeps Arrow's rules.
        ByteSink out = new ByteSink(recordBatchEnd - recordBatchStart + 4096);
        int header = arrowBodyOffset(n);
        out.ensureRemaining(header);
        Arrays.fill(out.array(), 0, header, (byte) 0);
        out.advance(header);
        for (int i = 0; i < n; i++) {
            if (indexWidth[i] > 0) {
                if (dictionaryEnd[i] == 0) {
                    throw new InvalidBatchException("Arrow stream has no DictionaryBatch for field " + schema.column(i).name());
                }
                rewriteDictionaryId(in, dictionaryStart[i], end, i, out);
            }
        }
        copy(in, recordBatchStart, recordBatchEnd, out);
        byte[] bytes = Arrays.copyOf(out.array(), out.size());
        ByteBuffer batch = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        batch.putInt(LENGTH_OFFSET, bytes.length - LOG_OVERHEAD);
        batch.putInt(LEADER_EPOCH_OFFSET, NO_LEADER_EPOCH);
        batch.putLong(FIRST_TIMESTAMP_OFFSET, NO_TIMESTAMP);
        batch.putLong(MAX_TIMESTAMP_OFFSET, NO_TIMESTAMP);
        batch.put(MAGIC_OFFSET, CURRENT_MAGIC);
        batch.putShort(ATTRIBUTES_OFFSET, (short) (codec.id() | (metadata.transactional() ? TRANSACTIONAL_FLAG : 0)));
        batch.putInt(SCHEMA_ID_OFFSET, schema.schemaId());
        batch.putInt(RECORD_COUNT_OFFSET, rows);
        batch.putLong(PRODUCER_ID_OFFSET, metadata.producerId());
        batch.putShort(PRODUCER_EPOCH_OFFSET, metadata.producerEpoch());
        batch.putShort(COLUMN_COUNT_OFFSET, (short) n);
        batch.putInt(BASE_SEQUENCE_OFFSET, metadata.baseSequence());
        for (int i = 0; i < n; i++) {
            int d = descriptorOffset(i);
            batch.putShort(d + DESCRIPTOR_COLUMN_INDEX_OFFSET, (short) i);
            int encoding = switch (indexWidth[i]) {
                case 1 -> ENCODING_DICTIONARY_INT8;
                case 2 -> ENCODING_DICTIONARY_INT16;
                case 4 -> ENCODING_DICTIONARY_INT32;
                default -> ENCODING_PLAIN;
            };
            batch.put(d + DESCRIPTOR_ENCODING_OFFSET, (byte) encoding);
            batch.putInt(d + DESCRIPTOR_NULL_COUNT_OFFSET, (int) nullCounts[i]);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, CRC_COVERED_OFFSET, bytes.length - CRC_COVERED_OFFSET);
        batch.putInt(CRC_OFFSET, (int) crc.getValue());
        RecordBatch result = RecordBatch.wrap(batch);
        result.ensureValid();
        BatchLayout.parse(result, schema);
        return result;
    }

    /**
     * Copies the DictionaryBatch message at {@code start} with its id replaced by the column index
     * (Runnel's dictionary ids are column indexes, so that they survive projection).
     */
    private static void rewriteDictionaryId(ByteBuffer in, int start, int end, int column, ByteSink out) {
        BatchLayout.MessageFrame frame = BatchLayout.MessageFrame.read(in, start, end);
        Message m = Message.getRootAsMessage(frame.metadata(in));
        DictionaryBatch dict = (DictionaryBatch) m.header(new DictionaryBatch());
        org.apache.arrow.flatbuf.RecordBatch data = dict.data();
        long[] nodes = new long[2 * data.nodesLength()];
        FieldNode node = new FieldNode();
        for (int i = 0; i < data.nodesLength(); i++) {
            data.nodes(node, i);
            nodes[2 * i] = node.length();
            nodes[2 * i + 1] = node.nullCount();
        }
        long[] buffers = new long[2 * data.buffersLength()];
        org.apache.arrow.flatbuf.Buffer buffer = new org.apache.arrow.flatbuf.Buffer();
        for (int i = 0; i < data.buffersLength(); i++) {
            data.buffers(buffer, i);
            buffers[2 * i] = buffer.offset();
            buffers[2 * i + 1] = buffer.length();
        }
        Compression.Codec codec = data.compression() == null ? Compression.Codec.NONE
                : data.compression().codec() == org.apache.arrow.flatbuf.CompressionType.ZSTD
                        ? Compression.Codec.ZSTD : Compression.Codec.LZ4_FRAME;
        new ArrowMessages().writeDictionaryBatch(out, column, data.length(), nodes, data.nodesLength(), buffers,
                data.buffersLength(), codec, m.bodyLength());
        copy(in, frame.bodyPosition(), frame.bodyPosition() + (int) m.bodyLength(), out);
    }

    private static void copy(ByteBuffer in, int start, int end, ByteSink out) {
        out.ensureRemaining(end - start);
        in.get(start, out.array(), out.size(), end - start);
        out.advance(end - start);
    }
}
