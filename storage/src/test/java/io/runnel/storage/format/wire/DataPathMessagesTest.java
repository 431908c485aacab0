package io.runnel.storage.format.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.PartitionedBatchWriter;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.testkit.Seeds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The data-path messages (docs/format/data-path-protocol.md): every message survives a round trip,
 * batches travel byte for byte, and every truncation, every single-byte corruption of a header
 * field and every inconsistent value fails with a {@link DataPathFormatException} naming what is wrong —
 * never another exception, never a silently different message.
 */
class DataPathMessagesTest {
    private static final Schema SCHEMA = Schema.of(3,
            Column.of("id", ColumnType.BIGINT, false),
            Column.varchar("customer", 64, true),
            Column.decimal("amount", 12, 2, true));
    private static final UUID TOPIC_ID = new UUID(0x0123456789abcdefL, 0xfedcba9876543210L);

    private static InsertPlanResponse plan() {
        return new InsertPlanResponse("orders", TOPIC_ID, 6, Compression.zstd(3), 1 << 20, -1, new int[] {1}, SCHEMA,
                new int[] {2, 0, 1}, "Europe/Paris");
    }

    private static List<ProduceRequest.Batch> batches(long seed, int rows) {
        Random random = new Random(seed);
        List<ProduceRequest.Batch> out = new ArrayList<>();
        try (PartitionedBatchWriter w = new PartitionedBatchWriter(SCHEMA, Compression.ZSTD, new int[] {1}, 4, 0)) {
            for (int i = 0; i < rows; i++) {
                w.setLong(0, i);
                w.setString(1, "c" + random.nextInt(50));
                w.setDecimal(2, random.nextInt(100_000));
                w.endRow();
            }
            for (PartitionedBatchWriter.PartitionBatch b : w.build(BatchMetadata.NONE)) {
                out.add(new ProduceRequest.Batch(b.partition(), b.batch()));
            }
        }
        return out;
    }

    @Test
    void insertPlanRoundTrips() {
        InsertPlanRequest request = new InsertPlanRequest("conn-é-1", 42);
        assertThat(InsertPlanRequest.decode(ByteBuffer.wrap(request.encode()))).isEqualTo(request);

        InsertPlanResponse decoded = InsertPlanResponse.decode(ByteBuffer.wrap(plan().encode()));
        assertThat(decoded.topic()).isEqualTo("orders");
        assertThat(decoded.topicId()).isEqualTo(TOPIC_ID);
        assertThat(decoded.partitions()).isEqualTo(6);
        assertThat(decoded.compression()).isEqualTo(Compression.zstd(3));
        assertThat(decoded.maxBatchBytes()).isEqualTo(1 << 20);
        assertThat(decoded.eventTimeColumn()).isEqualTo(-1);
        assertThat(decoded.keyColumns()).containsExactly(1);
        assertThat(decoded.schema()).isEqualTo(SCHEMA);
        assertThat(decoded.parameterColumns()).containsExactly(2, 0, 1);
        assertThat(decoded.sessionZone()).isEqualTo("Europe/Paris");
    }

    @Test
    void produceRequestCarriesBatchesByteForByte() {
        long seed = Seeds.seed("DataPathMessagesTest.produceRequestCarriesBatchesByteForByte");
        List<ProduceRequest.Batch> batches = batches(seed, 5_000);
        assertThat(batches).hasSizeGreaterThan(1);
        ProduceRequest request = new ProduceRequest("c1", 7, TOPIC_ID, 3, 4, 5_000, batches);
        ProduceRequest decoded = ProduceRequest.decode(ByteBuffer.wrap(request.encode()));
        assertThat(decoded.connectionId()).isEqualTo("c1");
        assertThat(decoded.statementId()).isEqualTo(7);
        assertThat(decoded.topicId()).isEqualTo(TOPIC_ID);
        assertThat(decoded.schemaId()).isEqualTo(3);
        assertThat(decoded.partitions()).isEqualTo(4);
        assertThat(decoded.rowCount()).isEqualTo(5_000);
        assertThat(decoded.batches()).hasSameSizeAs(batches);
        for (int i = 0; i < batches.size(); i++) {
            assertThat(decoded.batches().get(i).partition()).isEqualTo(batches.get(i).partition());
            assertThat(decoded.batches().get(i).batch()).isEqualTo(batches.get(i).batch());
            RecordBatch.wrap(decoded.batches().get(i).batch().duplicate()).ensureValid();
        }
    }

    @Test
    void produceResponseAndErrorRoundTrip() {
        ProduceResponse response = new ProduceResponse(List.of(new ProduceResponse.Appended(0, 10, 19),
                new ProduceResponse.Appended(3, 0, 0)));
        ProduceResponse decoded = ProduceResponse.decode(ByteBuffer.wrap(response.encode()));
        assertThat(decoded).isEqualTo(response);
        assertThat(decoded.rowCount()).isEqualTo(11);

        ErrorResponse error = new ErrorResponse(ErrorResponse.Reason.STALE_PLAN, "40001", "Topic 'orders' has 8 partitions");
        ByteBuffer body = ByteBuffer.wrap(error.encode());
        assertThat(ErrorResponse.isError(body)).isTrue();
        assertThat(ErrorResponse.decode(body)).isEqualTo(error);
        assertThat(ErrorResponse.isError(ByteBuffer.wrap(response.encode()))).isFalse();
    }

    /** Every proper prefix of every message is refused as truncated (or too short for a header). */
    @Test
    void everyTruncationIsAClearError() {
        long seed = Seeds.seed("DataPathMessagesTest.everyTruncationIsAClearError");
        byte[] produce = new ProduceRequest("c1", 7, TOPIC_ID, 3, 4, 50, batches(seed, 50)).encode();
        List<byte[]> messages = List.of(new InsertPlanRequest("c", 1).encode(), plan().encode(), produce,
                new ProduceResponse(List.of(new ProduceResponse.Appended(1, 2, 3))).encode(),
                new ErrorResponse(ErrorResponse.Reason.FAILED, "22001", "too long").encode());
        for (int m = 0; m < messages.size(); m++) {
            byte[] full = messages.get(m);
            for (int length = 0; length < full.length; length++) {
                ByteBuffer prefix = ByteBuffer.wrap(full, 0, length);
                int message = m;
                assertThatThrownBy(() -> decode(message, prefix))
                        .as("message %d cut at %d of %d bytes", m, length, full.length)
                        .isInstanceOf(DataPathFormatException.class)
                        .hasMessageMatching("(?s).*(truncated|magic|shorter|needs|rows|header says).*");
            }
            byte[] longer = java.util.Arrays.copyOf(full, full.length + 1);
            int message = m;
            assertThatThrownBy(() -> decode(message, ByteBuffer.wrap(longer)))
                    .isInstanceOf(DataPathFormatException.class).hasMessageContaining("trailing");
        }
    }

    private static Object decode(int message, ByteBuffer body) {
        return switch (message) {
            case 0 -> InsertPlanRequest.decode(body);
            case 1 -> InsertPlanResponse.decode(body);
            case 2 -> ProduceRequest.decode(body);
            case 3 -> ProduceResponse.decode(body);
            default -> ErrorResponse.decode(body);
        };
    }

    @Test
    void wrongMagicVersionOrTypeIsRefused() {
        byte[] body = new InsertPlanRequest("c", 1).encode();
        byte[] magic = body.clone();
        magic[DataPathProtocol.MAGIC_OFFSET] ^= 0x40;
        assertThatThrownBy(() -> InsertPlanRequest.decode(ByteBuffer.wrap(magic)))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("not a Runnel data-path message");
        byte[] version = body.clone();
        version[DataPathProtocol.VERSION_OFFSET] = 9;
        assertThatThrownBy(() -> InsertPlanRequest.decode(ByteBuffer.wrap(version)))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("protocol version 9");
        assertThatThrownBy(() -> ProduceRequest.decode(ByteBuffer.wrap(body)))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("message type 1, expected 3");
    }

    @Test
    void inconsistentProduceRequestsAreRefused() {
        long seed = Seeds.seed("DataPathMessagesTest.inconsistentProduceRequestsAreRefused");
        List<ProduceRequest.Batch> batches = batches(seed, 100);
        assertThatThrownBy(() -> ProduceRequest.decode(ByteBuffer.wrap(
                new ProduceRequest("c", 1, TOPIC_ID, 3, 4, 99, batches).encode())))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("batches hold 100 rows, the request says 99");
        // a batch for partition 3 in a request that claims 2 partitions
        List<ProduceRequest.Batch> high = List.of(new ProduceRequest.Batch(3, batches.get(0).batch()));
        long rows = batches.get(0).batch().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getInt(io.runnel.storage.format.BatchFormat.RECORD_COUNT_OFFSET);
        assertThatThrownBy(() -> ProduceRequest.decode(ByteBuffer.wrap(
                new ProduceRequest("c", 1, TOPIC_ID, 3, 2, rows, high).encode())))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("partition").hasMessageContaining("0..1");
        // a batch whose own length field disagrees with its frame
        byte[] body = new ProduceRequest("c", 1, TOPIC_ID, 3, 4, rows, List.of(batches.get(0))).encode();
        int batchStart = body.length - batches.get(0).batch().remaining();
        body[batchStart + io.runnel.storage.format.BatchFormat.LENGTH_OFFSET] ^= 1;
        assertThatThrownBy(() -> ProduceRequest.decode(ByteBuffer.wrap(body)))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("its header says");
    }

    @Test
    void inconsistentPlansAreRefused() {
        InsertPlanResponse badParameter = new InsertPlanResponse("t", TOPIC_ID, 1, Compression.NONE, 1024, -1, new int[0],
                SCHEMA, new int[] {3}, "UTC");
        assertThatThrownBy(() -> InsertPlanResponse.decode(ByteBuffer.wrap(badParameter.encode())))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("parameter column 3 of 3 columns");
        InsertPlanResponse badZone = new InsertPlanResponse("t", TOPIC_ID, 1, Compression.NONE, 1024, -1, new int[0],
                SCHEMA, new int[] {0}, "Mars/Olympus");
        assertThatThrownBy(() -> InsertPlanResponse.decode(ByteBuffer.wrap(badZone.encode())))
                .isInstanceOf(DataPathFormatException.class).hasMessageContaining("Mars/Olympus");
    }
}
