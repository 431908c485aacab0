package io.runnel.engine.local;

import static io.runnel.engine.testkit.EngineFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.engine.Acks;
import io.runnel.engine.EngineException;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.engine.TopicSpec;
import io.runnel.engine.partition.Partition;
import io.runnel.storage.format.BatchBuilder;
import io.runnel.storage.format.BatchFormat;
import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.Schema;
import io.runnel.storage.testkit.MutableClock;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Produce: validation with SQLSTATEs, all-or-nothing, acks, timeouts, append and event time. */
class ProduceTest {
    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(1_767_225_600_000L);
    LocalEngine engine;
    TopicInfo topic;

    @BeforeEach
    void open() {
        engine = LocalEngine.open(EngineConfig.defaults(dir), clock);
        topic = engine.createTopic(events("t", Map.of("partitions", "3", "max_batch_bytes", "64KB")), false);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private List<Long> ends() {
        return engine.partitionStatus("t").stream().map(PartitionStatus::logEndOffset).toList();
    }

    private void rejected(List<PartitionBatch> batches, String sqlState, String... parts) {
        List<Long> before = ends();
        assertThatThrownBy(() -> engine.produce("t", batches, Acks.ALL, 300)).isInstanceOfSatisfying(EngineException.class,
                e -> {
                    assertThat(e.sqlState()).as(e.getMessage()).isEqualTo(sqlState);
                    for (String p : parts) {
                        assertThat(e.getMessage()).contains(p);
                    }
                });
        assertThat(ends()).as("nothing appended").isEqualTo(before);
    }

    /** A batch for the topic's columns under a different column definition but the same schema id. */
    private static ByteBuffer batchAs(Schema schema, int rows, java.util.function.Consumer<BatchBuilder> row) {
        try (BatchBuilder b = new BatchBuilder(schema, Compression.ZSTD)) {
            for (int r = 0; r < rows; r++) {
                row.accept(b);
                b.endRow();
            }
            return b.build(BatchMetadata.NONE);
        }
    }

    @Test
    void oneBadBatchAppendsNothing() {
        ByteBuffer good0 = eventBatch(topic, 0, 5);
        ByteBuffer good1 = eventBatch(topic, 5, 5);
        Schema nullableK = new Schema(0, List.of(Column.of("k", ColumnType.BIGINT, true), Column.varchar("label", 32, true),
                Column.of("n", ColumnType.INTEGER, true)));
        rejected(List.of(to(0, good0), to(1, good1), to(2, batchAs(nullableK, 3, b -> b.setNull(0)))), "23502",
                "batch 3 of 3", "partition 2", "topic t", "k BIGINT NOT NULL");
        Schema longLabel = new Schema(0, List.of(Column.of("k", ColumnType.BIGINT, false), Column.varchar("label", 100, true),
                Column.of("n", ColumnType.INTEGER, true)));
        rejected(List.of(to(0, eventBatch(topic, 0, 5)), to(1, batchAs(longLabel, 2, b -> {
            b.setLong(0, 1);
            b.setString(1, "x".repeat(40));
        }))), "22001", "partition 1", "label VARCHAR(32)", "40 characters");
        Schema otherId = new Schema(7, topic.currentSchema().columns());
        rejected(List.of(to(0, batchAs(otherId, 1, b -> b.setLong(0, 1)))), "22000", "schema id 7");
        ByteBuffer corrupt = eventBatch(topic, 0, 5);
        corrupt.put(BatchFormat.HEADER_SIZE + 3, (byte) (corrupt.get(BatchFormat.HEADER_SIZE + 3) ^ 0x10));
        rejected(List.of(to(1, eventBatch(topic, 0, 5)), to(1, corrupt)), "XX001", "batch 2 of 2", "CRC");
        rejected(List.of(to(0, eventBatch(topic, 0, 1)), to(3, eventBatch(topic, 0, 1))), "22023", "partition 3",
                "3 partitions");
        rejected(List.of(to(0, ByteBuffer.allocate(0))), "22000", "empty");
        rejected(List.of(to(0, eventBatch(topic, 0, 20_000, Compression.NONE))), "54000", "max_batch_bytes");
        ByteBuffer twoBatches = ByteBuffer.allocate(good0.remaining() * 2);
        twoBatches.put(eventBatch(topic, 0, 5)).put(eventBatch(topic, 0, 5)).flip();
        rejected(List.of(to(0, twoBatches)), "XX001", "length field");
        assertThat(ends()).containsExactly(0L, 0L, 0L);
        // The good batches still go in afterwards.
        ProduceResult r = engine.produce("t", List.of(to(0, eventBatch(topic, 0, 5)), to(2, eventBatch(topic, 5, 5)),
                to(0, eventBatch(topic, 10, 2))), Acks.ALL, 5_000);
        assertThat(r.batches()).extracting(ProduceResult.Appended::baseOffset).containsExactly(0L, 0L, 5L);
        assertThat(r.rowCount()).isEqualTo(12);
        assertThat(ends()).containsExactly(7L, 0L, 5L);
    }

    @Test
    void unknownTopicAndEmptyList() {
        assertThatThrownBy(() -> engine.produce("nope", List.of(to(0, eventBatch(topic, 0, 1))), Acks.ALL, 1_000))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.sqlState()).isEqualTo("42P01"));
        assertThat(engine.produce("t", List.of(), Acks.ALL, 1_000).rowCount()).isZero();
    }

    @Test
    void acksZeroReturnsAfterValidationAndAppendsSoon() {
        ProduceResult r = engine.produce("t", List.of(to(1, eventBatch(topic, 0, 7))), Acks.NONE, 1_000);
        assertThat(r.batches().get(0).baseOffset()).isEqualTo(-1);
        assertThat(r.rowCount()).isEqualTo(7);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ends().get(1) == 7L);
        // Validation still runs before acks=0 returns.
        rejected(List.of(to(5, eventBatch(topic, 0, 1))), "22023", "partition 5");
        ProduceResult one = engine.produce("t", List.of(to(1, eventBatch(topic, 7, 3))), Acks.LEADER, 1_000);
        assertThat(one.batches().get(0).baseOffset()).isEqualTo(7);
        assertThat(one.batches().get(0).lastOffset()).isEqualTo(9);
    }

    @Test
    void timesOutWhenThePartitionStaysBusy() throws Exception {
        Partition p = engine.partitionForTesting("t", 0);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try {
                p.tryLockForAppend(Long.MAX_VALUE);
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                p.unlockAppend();
            }
        });
        holder.start();
        held.await();
        try {
            rejected(List.of(to(1, eventBatch(topic, 0, 1)), to(0, eventBatch(topic, 0, 1))), "57014", "timed out",
                    "partition 0", "nothing was appended");
        } finally {
            release.countDown();
            holder.join();
        }
        assertThat(engine.produce("t", List.of(to(0, eventBatch(topic, 0, 1))), Acks.ALL, 100).rowCount()).isEqualTo(1);
    }

    @Test
    void appendTimeIsMonotonicPerPartitionEvenWhenTheClockGoesBack() throws Exception {
        List<Long> stamps = new ArrayList<>();
        long[] moves = {0, 5, -1_000, 3, -50_000, 100_000, 0};
        for (long move : moves) {
            clock.advance(move);
            stamps.add(engine.produce("t", List.of(to(0, eventBatch(topic, 0, 2))), Acks.ALL, 1_000).batches().get(0)
                    .timestampMs());
        }
        assertThat(stamps).isSorted();
        assertThat(stamps.get(0)).isEqualTo(1_767_225_600_000L);
        assertThat(stamps.get(stamps.size() - 1)).isEqualTo(1_767_225_600_000L + 5 - 1_000 + 3 - 50_000 + 100_000);
        try (TopicReader r = engine.openReader(new ReadRequest("t", Map.of(0, StartPosition.earliest()), null, true, null,
                1 << 20))) {
            List<ReadRow> rows = drain(r);
            assertThat(rows).extracting(ReadRow::timestampMs).isSorted().hasSize(14);
        }
        // A timestamp start finds the first batch at or after it.
        assertThat(engine.offsetForTimestamp("t", 0, stamps.get(5))).isEqualTo(10);
        assertThat(engine.offsetForTimestamp("t", 0, Long.MAX_VALUE)).isEqualTo(14);
    }

    @Test
    void eventTimeTopicsTakeTimestampsFromTheColumn() throws Exception {
        TopicInfo ev = engine.createTopic(new TopicSpec("ev", List.of(Column.of("id", ColumnType.BIGINT, false),
                Column.of("at", ColumnType.TIMESTAMP, true)), List.of(), Map.of("timestamp", "AT")), false);
        int at = 1;
        ByteBuffer batch = eventTimeBatch(ev, new long[] {5_000, 1_000, 9_000}, BatchMetadata.NONE.withEventTimeColumn(at));
        ProduceResult r = engine.produce("ev", List.of(to(0, batch)), Acks.ALL, 1_000);
        assertThat(r.batches().get(0).timestampMs()).isEqualTo(9_000);
        try (TopicReader reader = engine.openReader(ReadRequest.snapshot("ev", null))) {
            ReadChunk chunk = reader.poll(0);
            assertThat(chunk.batch().isEventTime()).isTrue();
            assertThat(chunk.batch().firstTimestamp()).isEqualTo(1_000);
            assertThat(chunk.batch().maxTimestamp()).isEqualTo(9_000);
        }
        assertThat(engine.offsetForTimestamp("ev", 0, 8_000)).isZero();
        assertThat(engine.offsetForTimestamp("ev", 0, 9_001)).isEqualTo(3);
        assertThatThrownBy(() -> engine.produce("ev", List.of(to(0, eventTimeBatch(ev, new long[] {1}, BatchMetadata.NONE))),
                Acks.ALL, 1_000)).isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("22000");
                    assertThat(e.getMessage()).contains("uses event time from column at");
                });
        assertThatThrownBy(() -> engine.produce("ev", List.of(to(0, eventTimeBatch(ev, new long[] {1, -1},
                BatchMetadata.NONE.withEventTimeColumn(at)))), Acks.ALL, 1_000))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("23502");
                    assertThat(e.getMessage()).contains("event-time column");
                });
        ByteBuffer forged = eventTimeBatch(ev, new long[] {1_000, 2_000}, BatchMetadata.NONE.withEventTimeColumn(at));
        forged.putLong(BatchFormat.MAX_TIMESTAMP_OFFSET, 99_999);
        assertThatThrownBy(() -> engine.produce("ev", List.of(to(0, forged)), Acks.ALL, 1_000))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.sqlState()).isEqualTo("XX001"));
        // An append-time topic refuses event-time batches.
        TopicInfo plain = engine.createTopic(new TopicSpec("plain", ev.currentSchema().columns(), List.of(), Map.of()), false);
        assertThatThrownBy(() -> engine.produce("plain", List.of(to(0, eventTimeBatch(plain, new long[] {1},
                BatchMetadata.NONE.withEventTimeColumn(at)))), Acks.ALL, 1_000))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.sqlState()).isEqualTo("22000"));
    }

    /** Rows (id = index, at = times[i], -1 for NULL). */
    private static ByteBuffer eventTimeBatch(TopicInfo t, long[] times, BatchMetadata metadata) {
        try (BatchBuilder b = new BatchBuilder(t.currentSchema(), Compression.ZSTD)) {
            for (int i = 0; i < times.length; i++) {
                b.setLong(0, i);
                if (times[i] >= 0) {
                    b.setLong(1, times[i]);
                }
                b.endRow();
            }
            return b.build(metadata);
        }
    }
}
