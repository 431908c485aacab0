package io.runnel.storage.format.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.format.BatchFormat;
import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.PartitionedBatchWriter;
import io.runnel.storage.format.Schema;
import io.runnel.storage.testkit.Seeds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fetch messages of the read path: round trips carry batches byte for byte, and every
 * truncation, every corrupted field and every inconsistent value fails with a
 * {@link DataPathFormatException} that names the field — never another exception.
 */
class FetchMessagesTest {
    private static final Schema SCHEMA = Schema.of(2,
            Column.of("id", ColumnType.BIGINT, false),
            Column.varchar("customer", 64, true));

    private static List<FetchResponse.Chunk> chunks(long seed, int rows) {
        Random random = new Random(seed);
        List<FetchResponse.Chunk> out = new ArrayList<>();
        try (PartitionedBatchWriter w = new PartitionedBatchWriter(SCHEMA, Compression.ZSTD, new int[] {1}, 3, 0)) {
            for (int i = 0; i < rows; i++) {
                w.setLong(0, i);
                w.setString(1, "c" + random.nextInt(50));
                w.endRow();
            }
            for (PartitionedBatchWriter.PartitionBatch b : w.build(BatchMetadata.NONE)) {
                int records = b.batch().getInt(b.batch().position() + BatchFormat.RECORD_COUNT_OFFSET);
                out.add(new FetchResponse.Chunk(b.partition(), random.nextInt(records), records, b.batch()));
            }
        }
        return out;
    }

    private static FetchResponse response(long seed) {
        return new FetchResponse(false, SCHEMA, new int[] {1, FetchResponse.SOURCE_OFFSET, 0,
                FetchResponse.SOURCE_PARTITION, FetchResponse.SOURCE_TIMESTAMP}, "Europe/Paris", chunks(seed, 200));
    }

    @Test
    void fetchRequestRoundTrips() {
        FetchRequest request = new FetchRequest("conn-é-2", 7, 4 << 20, 500);
        assertThat(FetchRequest.decode(ByteBuffer.wrap(request.encode()))).isEqualTo(request);
        assertThatThrownBy(() -> new FetchRequest("c", 1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fetchResponseCarriesBatchesByteForByte() {
        long seed = Seeds.seed("FetchMessagesTest.fetchResponseCarriesBatchesByteForByte");
        FetchResponse response = response(seed);
        FetchResponse decoded = FetchResponse.decode(ByteBuffer.wrap(response.encode()));
        assertThat(decoded.done()).isFalse();
        assertThat(decoded.schema()).isEqualTo(SCHEMA);
        assertThat(decoded.sources()).containsExactly(response.sources());
        assertThat(decoded.sessionZone()).isEqualTo("Europe/Paris");
        assertThat(decoded.rowCount()).isEqualTo(response.rowCount());
        assertThat(decoded.chunks()).hasSameSizeAs(response.chunks());
        for (int i = 0; i < response.chunks().size(); i++) {
            FetchResponse.Chunk a = response.chunks().get(i);
            FetchResponse.Chunk b = decoded.chunks().get(i);
            assertThat(b.partition()).isEqualTo(a.partition());
            assertThat(b.fromRow()).isEqualTo(a.fromRow());
            assertThat(b.toRow()).isEqualTo(a.toRow());
            assertThat(b.batch()).isEqualTo(a.batch());
        }
        FetchResponse empty = new FetchResponse(true, SCHEMA, new int[0], "UTC", List.of());
        assertThat(FetchResponse.decode(ByteBuffer.wrap(empty.encode())).done()).isTrue();
    }

    @Test
    void runsOfOneBatchSendTheBatchOnce() {
        long seed = Seeds.seed("FetchMessagesTest.runsOfOneBatchSendTheBatchOnce");
        FetchResponse.Chunk c = chunks(seed, 100).get(0);
        ByteBuffer batch = c.batch();
        int records = batch.getInt(batch.position() + BatchFormat.RECORD_COUNT_OFFSET);
        List<FetchResponse.Chunk> runs = new ArrayList<>();
        for (int from = 0; from + 1 <= records; from += 2) {
            runs.add(new FetchResponse.Chunk(c.partition(), from, from + 1, batch));
        }
        byte[] one = new FetchResponse(false, SCHEMA, new int[] {0}, "UTC", List.of(runs.get(0))).encode();
        byte[] many = new FetchResponse(false, SCHEMA, new int[] {0}, "UTC", runs).encode();
        // every further run costs its 16-byte reference, not the batch again
        assertThat(many.length - one.length).isEqualTo(16 * (runs.size() - 1));
        FetchResponse decoded = FetchResponse.decode(ByteBuffer.wrap(many));
        assertThat(decoded.chunks()).hasSize(runs.size());
        assertThat(decoded.chunks()).allSatisfy(d -> assertThat(d.batch()).isSameAs(decoded.chunks().get(0).batch()));
        assertThat(decoded.chunks().get(0).batch()).isEqualTo(batch);
        // a chunk that names a batch the response does not hold
        ByteBuffer tampered = ByteBuffer.wrap(one.clone());
        int batchRef = one.length - 12; // partition | batch | fromRow | toRow: the last chunk's batch field
        tampered.putInt(batchRef, 1);
        assertThatThrownBy(() -> FetchResponse.decode(tampered)).isInstanceOf(DataPathFormatException.class)
                .hasMessageContaining("names batch 1 of 1");
    }

    @Test
    void everyTruncationIsAClearError() {
        long seed = Seeds.seed("FetchMessagesTest.everyTruncationIsAClearError");
        byte[] full = response(seed).encode();
        for (int length = 0; length < full.length; length += Math.max(1, length / 50)) {
            ByteBuffer cut = ByteBuffer.wrap(full, 0, length).slice();
            assertThatThrownBy(() -> FetchResponse.decode(cut)).as("truncated at %d", length)
                    .isInstanceOf(DataPathFormatException.class);
        }
        byte[] request = new FetchRequest("c", 1, 1024, 10).encode();
        for (int length = 0; length < request.length; length++) {
            ByteBuffer cut = ByteBuffer.wrap(request, 0, length).slice();
            assertThatThrownBy(() -> FetchRequest.decode(cut)).isInstanceOf(DataPathFormatException.class)
                    .hasMessageContaining("fetch request");
        }
        byte[] longer = java.util.Arrays.copyOf(request, request.length + 1);
        assertThatThrownBy(() -> FetchRequest.decode(ByteBuffer.wrap(longer)))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("trailing");
    }

    @Test
    void corruptFieldsAreRefusedWithTheirName() {
        long seed = Seeds.seed("FetchMessagesTest.corruptFieldsAreRefusedWithTheirName");
        // done flag: byte 6
        byte[] bytes = response(seed).encode();
        bytes[6] = 5;
        assertThatThrownBy(() -> FetchResponse.decode(ByteBuffer.wrap(bytes))).isInstanceOf(DataPathFormatException.class)
                .hasMessageContaining("done is 5");
        // a source beyond the schema
        FetchResponse bad = new FetchResponse(false, SCHEMA, new int[] {2}, "UTC", List.of());
        assertThatThrownBy(() -> FetchResponse.decode(ByteBuffer.wrap(bad.encode())))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("source 2");
        FetchResponse bad2 = new FetchResponse(false, SCHEMA, new int[] {-4}, "UTC", List.of());
        assertThatThrownBy(() -> FetchResponse.decode(ByteBuffer.wrap(bad2.encode())))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("source -4");
        FetchResponse zone = new FetchResponse(false, SCHEMA, new int[] {0}, "Mars/Olympus", List.of());
        assertThatThrownBy(() -> FetchResponse.decode(ByteBuffer.wrap(zone.encode())))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("Mars/Olympus");
        // a row range beyond the batch
        FetchResponse.Chunk c = chunks(seed, 10).get(0);
        FetchResponse range = new FetchResponse(false, SCHEMA, new int[] {0}, "UTC",
                List.of(new FetchResponse.Chunk(c.partition(), 0, 1000, c.batch())));
        assertThatThrownBy(() -> FetchResponse.decode(ByteBuffer.wrap(range.encode())))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("rows 0..1000");
        // the wrong message type
        assertThatThrownBy(() -> FetchResponse.decode(ByteBuffer.wrap(new FetchRequest("c", 1, 1, 0).encode())))
                .isInstanceOf(DataPathFormatException.class);
        // every single-byte flip in the header region fails clearly or decodes to a valid message
        byte[] original = response(seed).encode();
        Random random = new Random(seed);
        for (int i = 0; i < 400; i++) {
            byte[] flipped = original.clone();
            int at = random.nextInt(Math.min(flipped.length, 200));
            flipped[at] ^= (byte) (1 + random.nextInt(255));
            try {
                FetchResponse.decode(ByteBuffer.wrap(flipped));
            } catch (DataPathFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
