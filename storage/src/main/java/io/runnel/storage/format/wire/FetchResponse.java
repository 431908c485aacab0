package io.runnel.storage.format.wire;

import io.runnel.storage.format.BatchFormat;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Schema;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Stored batches of a bare topic scan, projected on the server to the columns the query reads, with
 * the row range of each the query emits and how to build a result row from them.
 *
 * <pre>
 * header (type 7) | done int8 | schemaId int32 | columnCount int16 | column ...
 *   | resultCount int16 | source int16 ...                 -- per result column: schema column, or -1 _partition, -2 _offset, -3 _timestamp
 *   | sessionZone string                                   -- the zone TIMESTAMP WITH LOCAL TIME ZONE values are shown in
 *   | batchCount int32 | (length int32 | batch bytes) ...           -- each stored batch once
 *   | chunkCount int32 | (partition int32 | batch int32 | fromRow int32 | toRow int32) ...  -- batch: index above
 * column: name string | type int8 (ColumnType ordinal) | precision int32 | scale int32 | nullable int8
 * </pre>
 *
 * <p>A batch several runs of rows come from (a condition that skips rows) travels once; the
 * decoded chunks of one batch share one buffer object.
 *
 * @param done true when the query has no more rows (bounded scan ended, LIMIT reached)
 * @param schema the topic's schema the batches are decoded with (batches of older schema versions
 *     decode their missing columns as NULL)
 * @param sessionZone the connection's session time zone ID on the server
 * @param sources per result column, {@code >= 0} a schema column, else a {@code SOURCE_*} system column
 */
public record FetchResponse(boolean done, Schema schema, int[] sources, String sessionZone, List<Chunk> chunks) {
    public static final int SOURCE_PARTITION = -1;
    public static final int SOURCE_OFFSET = -2;
    public static final int SOURCE_TIMESTAMP = -3;

    /**
     * Rows {@code [fromRow, toRow)} of one storage-format batch (little-endian) of {@code partition}.
     * Chunks whose {@code batch} is the same buffer object are encoded with the batch once.
     */
    public record Chunk(int partition, int fromRow, int toRow, ByteBuffer batch) {}

    public FetchResponse {
        sources = sources.clone();
        chunks = List.copyOf(chunks);
    }

    public long rowCount() {
        long n = 0;
        for (Chunk c : chunks) {
            n += c.toRow() - c.fromRow();
        }
        return n;
    }

    public byte[] encode() {
        java.util.IdentityHashMap<ByteBuffer, Integer> batchIndex = new java.util.IdentityHashMap<>();
        List<ByteBuffer> batches = new ArrayList<>();
        int size = 64 + 32 * schema.columnCount() + 2 * sources.length + 16 * chunks.size();
        for (Chunk c : chunks) {
            if (batchIndex.putIfAbsent(c.batch(), batches.size()) == null) {
                batches.add(c.batch());
                size += 4 + c.batch().remaining();
            }
        }
        WireWriter w = WireWriter.message(MessageType.FETCH_RESPONSE, size);
        w.putByte(done ? 1 : 0);
        w.putSchema(schema);
        w.putShort(sources.length);
        for (int s : sources) {
            w.putShort(s);
        }
        w.putString(sessionZone);
        w.putInt(batches.size());
        for (ByteBuffer b : batches) {
            w.putInt(b.remaining());
            w.putBuffer(b);
        }
        w.putInt(chunks.size());
        for (Chunk c : chunks) {
            w.putInt(c.partition());
            w.putInt(batchIndex.get(c.batch()));
            w.putInt(c.fromRow());
            w.putInt(c.toRow());
        }
        return w.toByteArray();
    }

    /**
     * Decodes a response; the batches are little-endian views of {@code body} (no copy). Their CRCs
     * and structure are the decoder's to check ({@code BatchDecoder}).
     *
     * @throws DataPathFormatException for a malformed body or values that contradict each other
     */
    public static FetchResponse decode(ByteBuffer body) {
        WireReader r = WireReader.message(body, MessageType.FETCH_RESPONSE);
        int doneByte = r.getByte("done");
        if (doneByte > 1) {
            throw new DataPathFormatException("fetch response: done is " + doneByte + ", expected 0 or 1");
        }
        Schema schema = r.getSchema();
        int columnCount = schema.columnCount();
        int[] sources = new int[r.getShort("resultCount")];
        for (int i = 0; i < sources.length; i++) {
            int s = (short) r.getShort("source");
            if (s < SOURCE_TIMESTAMP || s >= columnCount) {
                throw new DataPathFormatException("fetch response: result column " + (i + 1) + " has source " + s
                        + ", expected " + SOURCE_TIMESTAMP + ".." + (columnCount - 1));
            }
            sources[i] = s;
        }
        String zone = r.getString("sessionZone");
        try {
            java.time.ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new DataPathFormatException("fetch response: session zone '" + zone + "' is not a time zone ID");
        }
        int batchCount = r.getInt("batchCount", 0, Integer.MAX_VALUE);
        List<ByteBuffer> batches = new ArrayList<>(Math.min(batchCount, 1024));
        int[] records = new int[Math.min(batchCount, 1 << 16)];
        for (int i = 0; i < batchCount; i++) {
            int length = r.getInt("batch " + i + " length", BatchFormat.HEADER_SIZE, Integer.MAX_VALUE);
            ByteBuffer batch = r.getSlice(length, "batch " + i).order(ByteOrder.LITTLE_ENDIAN);
            int length0 = batch.getInt(batch.position() + BatchFormat.LENGTH_OFFSET);
            if (length0 + (long) BatchFormat.LOG_OVERHEAD != length) {
                throw new DataPathFormatException("fetch response: batch " + i + " is " + length
                        + " bytes, its header says " + (length0 + (long) BatchFormat.LOG_OVERHEAD));
            }
            if (i == records.length) {
                records = java.util.Arrays.copyOf(records, records.length * 2);
            }
            records[i] = batch.getInt(batch.position() + BatchFormat.RECORD_COUNT_OFFSET);
            batches.add(batch);
        }
        int count = r.getInt("chunkCount", 0, Integer.MAX_VALUE);
        List<Chunk> chunks = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            int partition = r.getInt("chunk " + i + " partition", 0, Integer.MAX_VALUE);
            int b = r.getInt("chunk " + i + " batch", 0, Integer.MAX_VALUE);
            if (b >= batchCount) {
                throw new DataPathFormatException("fetch response: chunk " + i + " names batch " + b + " of "
                        + batchCount);
            }
            int from = r.getInt("chunk " + i + " fromRow", 0, Integer.MAX_VALUE);
            int to = r.getInt("chunk " + i + " toRow", from, Integer.MAX_VALUE);
            if (to > records[b]) {
                throw new DataPathFormatException("fetch response: chunk " + i + " rows " + from + ".." + to
                        + " of a batch of " + records[b] + " records");
            }
            chunks.add(new Chunk(partition, from, to, batches.get(b)));
        }
        r.expectEnd();
        return new FetchResponse(doneByte == 1, schema, sources, zone, chunks);
    }
}
