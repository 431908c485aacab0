package io.runnel.storage.format;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.BodyCompressionMethod;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.CompressionType;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.RecordBatch;

/**
 * Writes and frames Arrow IPC messages (RecordBatch and DictionaryBatch) with the generated
 * flatbuffer classes of {@code arrow-format}. Holds a reusable flatbuffer builder. Not thread-safe.
 */
final class ArrowMessages {
    private final FlatBufferBuilder fbb = new FlatBufferBuilder(1024);

    /**
     * Appends an encapsulated RecordBatch message's prefix and metadata to {@code out}; the caller
     * appends the body ({@code bodyLength} bytes) right after.
     *
     * @param nodes   per field: length, nullCount (2 longs each)
     * @param buffers per buffer: offset in the body, length (2 longs each)
     */
    void writeRecordBatch(ByteSink out, long rows, long[] nodes, int nodeCount, long[] buffers, int bufferCount,
            Compression.Codec codec, long bodyLength) {
        fbb.clear();
        int batch = recordBatchTable(rows, nodes, nodeCount, buffers, bufferCount, codec);
        finishMessage(out, MessageHeader.RecordBatch, batch, bodyLength);
    }

    /** Like {@link #writeRecordBatch} for a DictionaryBatch with dictionary id {@code id}. */
    void writeDictionaryBatch(ByteSink out, long id, long rows, long[] nodes, int nodeCount, long[] buffers,
            int bufferCount, Compression.Codec codec, long bodyLength) {
        fbb.clear();
        int data = recordBatchTable(rows, nodes, nodeCount, buffers, bufferCount, codec);
        int dict = DictionaryBatch.createDictionaryBatch(fbb, id, data, false);
        finishMessage(out, MessageHeader.DictionaryBatch, dict, bodyLength);
    }

    private int recordBatchTable(long rows, long[] nodes, int nodeCount, long[] buffers, int bufferCount,
            Compression.Codec codec) {
        int compression = 0;
        if (codec != Compression.Codec.NONE) {
            byte type = codec == Compression.Codec.ZSTD ? CompressionType.ZSTD : CompressionType.LZ4_FRAME;
            compression = BodyCompression.createBodyCompression(fbb, type, BodyCompressionMethod.BUFFER);
        }
        RecordBatch.startNodesVector(fbb, nodeCount);
        for (int i = nodeCount - 1; i >= 0; i--) {
            FieldNode.createFieldNode(fbb, nodes[2 * i], nodes[2 * i + 1]);
        }
        int nodesVector = fbb.endVector();
        RecordBatch.startBuffersVector(fbb, bufferCount);
        for (int i = bufferCount - 1; i >= 0; i--) {
            Buffer.createBuffer(fbb, buffers[2 * i], buffers[2 * i + 1]);
        }
        int buffersVector = fbb.endVector();
        RecordBatch.startRecordBatch(fbb);
        RecordBatch.addLength(fbb, rows);
        RecordBatch.addNodes(fbb, nodesVector);
        RecordBatch.addBuffers(fbb, buffersVector);
        if (compression != 0) {
            RecordBatch.addCompression(fbb, compression);
        }
        return RecordBatch.endRecordBatch(fbb);
    }

    private void finishMessage(ByteSink out, byte headerType, int header, long bodyLength) {
        int message = Message.createMessage(fbb, MetadataVersion.V5, headerType, header, bodyLength, 0);
        fbb.finish(message);
        frame(out, fbb.dataBuffer());
    }

    /** Appends {@code 0xFFFFFFFF, int32 size, metadata, padding} for the flatbuffer in {@code metadata}. */
    static void frame(ByteSink out, ByteBuffer metadata) {
        int length = metadata.remaining();
        int padded = (int) (BatchFormat.align8(BatchFormat.ARROW_MESSAGE_PREFIX + length) - BatchFormat.ARROW_MESSAGE_PREFIX);
        out.putInt(BatchFormat.ARROW_CONTINUATION);
        out.putInt(padded);
        out.ensureRemaining(padded);
        metadata.duplicate().get(out.array(), out.size(), length);
        java.util.Arrays.fill(out.array(), out.size() + length, out.size() + padded, (byte) 0);
        out.advance(padded);
    }

    /** The flatbuffer {@link Message} whose metadata occupies {@code batch[position, position+length)}. */
    static Message message(ByteBuffer batch, int position, int length) {
        ByteBuffer metadata = batch.duplicate().position(position).limit(position + length).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        return Message.getRootAsMessage(metadata);
    }
}
