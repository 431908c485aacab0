package io.runnel.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.format.BatchBuilder;
import io.runnel.storage.format.BatchDecoder;
import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.CorruptBatchException;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.InvalidBatchException;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.format.SchemaLookup;
import io.runnel.storage.format.UnknownSchemaException;
import io.runnel.storage.testkit.MutableClock;
import io.runnel.storage.testkit.TestBatches;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The partition log's contract, operation by operation. */
class PartitionLogTest {
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0);
    final TestBatches batches = new TestBatches();
    final LogConfig config = LogConfig.DEFAULT.withSegmentBytes(16 * 1024).withIndexIntervalBytes(512);

    @BeforeEach
    void setUp() {
    }

    @AfterEach
    void tearDown() {
        batches.close();
    }

    PartitionLog open(LogConfig c) {
        return PartitionLog.open(dir, c, TestBatches.SCHEMAS, clock);
    }

    @Test
    void appendAssignsDenseOffsetsAndStampsLeaderFields() {
        try (PartitionLog log = open(config)) {
            assertThat(log.logStartOffset()).isZero();
            assertThat(log.logEndOffset()).isZero();
            LogAppendInfo first = log.append(batches.batch(1, 10), 5);
            clock.advance(7);
            LogAppendInfo second = log.append(batches.batch(2, 3), 5);
            assertThat(first.firstOffset()).isZero();
            assertThat(first.lastOffset()).isEqualTo(9);
            assertThat(second.firstOffset()).isEqualTo(10);
            assertThat(second.nextOffset()).isEqualTo(13);
            assertThat(first.maxTimestamp()).isEqualTo(T0);
            assertThat(second.firstTimestamp()).isEqualTo(T0 + 7);
            assertThat(log.logEndOffset()).isEqualTo(13);

            LogReadResult read = log.read(0, Long.MAX_VALUE, 1 << 20, null);
            assertThat(read.batches()).hasSize(2);
            RecordBatch b = read.batches().get(1);
            assertThat(b.baseOffset()).isEqualTo(10);
            assertThat(b.leaderEpoch()).isEqualTo(5);
            assertThat(b.maxTimestamp()).isEqualTo(T0 + 7);
            assertThat(batches.verify(b)).isEqualTo(2);
            assertThat(read.nextOffset()).isEqualTo(13);
        }
    }

    @Test
    void appendTimeIsMonotonicWhenTheClockGoesBack() {
        try (PartitionLog log = open(config)) {
            log.append(batches.batch(1, 1), 0);
            clock.advance(-1000);
            LogAppendInfo info = log.append(batches.batch(2, 1), 0);
            assertThat(info.maxTimestamp()).isEqualTo(T0);
        }
    }

    @Test
    void readStartsAtTheBatchHoldingTheOffsetAndHonoursLimits() {
        try (PartitionLog log = open(config)) {
            for (int i = 0; i < 50; i++) {
                log.append(batches.batch(i, 10), 0);
            }
            assertThat(log.segmentCount()).isGreaterThan(1);
            LogReadResult mid = log.read(255, Long.MAX_VALUE, 1, null);
            assertThat(mid.batches()).hasSize(1).first().satisfies(b -> assertThat(b.baseOffset()).isEqualTo(250));
            LogReadResult bounded = log.read(100, 130, 1 << 20, null);
            assertThat(bounded.batches()).extracting(RecordBatch::baseOffset).containsExactly(100L, 110L, 120L);
            assertThat(bounded.nextOffset()).isEqualTo(130);
            LogReadResult all = log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE, null);
            assertThat(all.batches()).hasSize(50);
            for (int i = 0; i < 50; i++) {
                assertThat(batches.verify(all.batches().get(i))).isEqualTo(i);
            }
            assertThat(log.read(500, Long.MAX_VALUE, 100, null).isEmpty()).isTrue();
            int threeBatches = all.batches().get(0).sizeInBytes() + all.batches().get(1).sizeInBytes()
                    + all.batches().get(2).sizeInBytes();
            assertThat(log.read(0, Long.MAX_VALUE, threeBatches, null).batches()).hasSize(3);
            assertThat(log.read(0, Long.MAX_VALUE, threeBatches - 1, null).batches()).hasSize(2);
        }
    }

    @Test
    void readOutOfRangeNamesTheValidRange() {
        try (PartitionLog log = open(config)) {
            log.append(batches.batch(1, 10), 0);
            assertThatThrownBy(() -> log.read(11, Long.MAX_VALUE, 100, null))
                    .isInstanceOf(OffsetOutOfRangeException.class)
                    .hasMessageContaining("offset 11 is outside the valid range [0, 10]")
                    .satisfies(e -> assertThat(((OffsetOutOfRangeException) e).logEndOffset()).isEqualTo(10));
            assertThatThrownBy(() -> log.read(-1, Long.MAX_VALUE, 100, null)).isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    @Test
    void projectedReadHoldsOnlyTheChosenColumnsAndDecodes() {
        try (PartitionLog log = open(config); BatchDecoder decoder = new BatchDecoder()) {
            log.append(batches.batch(9, 100), 0);
            RecordBatch full = log.read(0, Long.MAX_VALUE, 1 << 20, null).batches().get(0);
            RecordBatch projected = log.read(0, Long.MAX_VALUE, 1 << 20, new int[] {2}).batches().get(0);
            assertThat(projected.isProjected()).isTrue();
            assertThat(projected.columnCount()).isEqualTo(1);
            assertThat(projected.sizeInBytes()).isLessThan(full.sizeInBytes());
            assertThat(projected.baseOffset()).isZero();
            DecodedBatch decoded = decoder.decode(projected, TestBatches.SCHEMA, new int[] {2});
            for (int r = 0; r < 100; r++) {
                assertThat(decoded.getInt(2, r)).isEqualTo(r % 7);
                assertThat(decoded.offset(r)).isEqualTo(r);
            }
        }
    }

    @Test
    void offsetForTimestampFindsTheFirstBatchAtOrAfter() {
        try (PartitionLog log = open(config)) {
            List<Long> bases = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                bases.add(log.append(batches.batch(i, 5), 0).firstOffset());
                clock.advance(10);
            }
            assertThat(log.offsetForTimestamp(0)).isZero();
            assertThat(log.offsetForTimestamp(T0)).isZero();
            assertThat(log.offsetForTimestamp(T0 + 1)).isEqualTo(5);
            assertThat(log.offsetForTimestamp(T0 + 255)).isEqualTo(bases.get(26));
            assertThat(log.offsetForTimestamp(T0 + 590)).isEqualTo(bases.get(59));
            assertThat(log.offsetForTimestamp(T0 + 591)).isEqualTo(log.logEndOffset());
        }
    }

    @Test
    void rollsBySizeAndByAgeAndRetentionDeletesWholeSegments() {
        LogConfig c = config.withSegmentMs(60_000).withRetentionMs(3_600_000);
        try (PartitionLog log = open(c)) {
            log.append(batches.batch(1, 10), 0);
            clock.advance(60_000);
            log.append(batches.batch(2, 10), 0);
            assertThat(log.segmentBaseOffsets()).containsExactly(0L, 10L);
            // An idle active segment rolls by age when retention runs.
            clock.advance(60_000);
            assertThat(log.applyRetention()).isZero();
            assertThat(log.segmentBaseOffsets()).containsExactly(0L, 10L, 20L);
            // Both old segments pass retention once their newest batch is an hour old.
            clock.advance(3_600_000);
            assertThat(log.applyRetention()).isEqualTo(2);
            assertThat(log.logStartOffset()).isEqualTo(20);
            assertThat(log.logEndOffset()).isEqualTo(20);
            assertThatThrownBy(() -> log.read(10, Long.MAX_VALUE, 100, null)).isInstanceOf(OffsetOutOfRangeException.class);
            log.append(batches.batch(3, 1), 0);
            assertThat(log.read(20, Long.MAX_VALUE, 100, null).batches()).hasSize(1);
        }
        try (PartitionLog reopened = open(c)) {
            assertThat(reopened.logStartOffset()).isEqualTo(20);
            assertThat(reopened.logEndOffset()).isEqualTo(21);
        }
    }

    @Test
    void retentionByBytesKeepsTheNewestSegments() {
        try (PartitionLog log = open(config.withRetentionBytes(40 * 1024))) {
            for (int i = 0; i < 400; i++) {
                log.append(batches.batch(i, 20), 0);
            }
            long before = log.sizeInBytes();
            int deleted = log.applyRetention();
            assertThat(deleted).isPositive();
            assertThat(log.sizeInBytes()).isLessThan(before).isGreaterThanOrEqualTo(40 * 1024 - 16 * 1024);
            assertThat(log.sizeInBytes() - 16 * 1024).isLessThan(40 * 1024);
            LogReadResult rest = log.read(log.logStartOffset(), Long.MAX_VALUE, Integer.MAX_VALUE, null);
            assertThat(rest.batches().get(0).baseOffset()).isEqualTo(log.logStartOffset());
            assertThat(rest.nextOffset()).isEqualTo(log.logEndOffset());
        }
    }

    @Test
    void truncateToRemovesWholeBatchesAndAppendsContinue() {
        try (PartitionLog log = open(config)) {
            for (int i = 0; i < 100; i++) {
                log.append(batches.batch(i, 10), 0);
            }
            log.truncateTo(555);
            assertThat(log.logEndOffset()).isEqualTo(550);
            assertThat(log.append(batches.batch(1000, 10), 1).firstOffset()).isEqualTo(550);
            LogReadResult read = log.read(540, Long.MAX_VALUE, 1 << 20, null);
            assertThat(read.batches()).extracting(batches::verify).containsExactly(54L, 1000L);
            log.truncateTo(10);
            assertThat(log.logEndOffset()).isEqualTo(10);
            assertThat(log.segmentCount()).isEqualTo(1);
        }
        try (PartitionLog reopened = open(config)) {
            assertThat(reopened.logEndOffset()).isEqualTo(10);
        }
    }

    @Test
    void truncateFullyRestartsAtAnyOffsetAndSurvivesReopen() {
        try (PartitionLog log = open(config)) {
            for (int i = 0; i < 30; i++) {
                log.append(batches.batch(i, 10), 0);
            }
            log.truncateFullyAndStartAt(12345);
            assertThat(log.logStartOffset()).isEqualTo(12345);
            assertThat(log.logEndOffset()).isEqualTo(12345);
            assertThat(log.recoveryPoint()).isEqualTo(12345);
            assertThat(log.append(batches.batch(7, 3), 2).firstOffset()).isEqualTo(12345);
        }
        try (PartitionLog reopened = open(config)) {
            assertThat(reopened.logStartOffset()).isEqualTo(12345);
            assertThat(reopened.logEndOffset()).isEqualTo(12348);
            assertThat(reopened.segmentBaseOffsets()).containsExactly(12345L);
        }
    }

    @Test
    void followerAppendKeepsLeaderFieldsAndMustContinueTheLog() throws Exception {
        Path leaderDir = Files.createDirectory(dir.resolve("leader"));
        Path followerDir = Files.createDirectory(dir.resolve("follower"));
        try (PartitionLog leader = PartitionLog.open(leaderDir, config, TestBatches.SCHEMAS, clock);
                PartitionLog follower = PartitionLog.open(followerDir, config, TestBatches.SCHEMAS, clock)) {
            for (int i = 0; i < 20; i++) {
                leader.append(batches.batch(i, 4), 3);
            }
            long offset = 0;
            while (offset < leader.logEndOffset()) {
                LogSlice slice = leader.readSlice(offset, Long.MAX_VALUE, 300);
                ByteArrayOutputStream sink = new ByteArrayOutputStream();
                slice.transferTo(Channels.newChannel(sink));
                for (RecordBatch b : RecordBatch.splitAll(ByteBuffer.wrap(sink.toByteArray()))) {
                    follower.appendAsFollower(b.buffer());
                }
                offset = slice.nextOffset();
            }
            assertThat(follower.logEndOffset()).isEqualTo(80);
            RecordBatch copied = follower.read(40, Long.MAX_VALUE, 1, null).batches().get(0);
            assertThat(copied.leaderEpoch()).isEqualTo(3);
            assertThat(batches.verify(copied)).isEqualTo(10);
            ByteBuffer gap = leader.read(0, Long.MAX_VALUE, 1, null).batches().get(0).buffer();
            assertThatThrownBy(() -> follower.appendAsFollower(gap))
                    .isInstanceOf(InvalidOffsetException.class).hasMessageContaining("starts at offset 0, the log ends at 80");
        }
    }

    @Test
    void badBatchesAreRejectedWithTypedErrorsAndNothingIsWritten() {
        Schema other = Schema.of(1, Column.of("x", ColumnType.INTEGER, false));
        Schema projected = TestBatches.SCHEMA;
        try (PartitionLog log = open(config.withMaxBatchBytes(4096));
                BatchBuilder wrongShape = new BatchBuilder(other, Compression.ZSTD);
                BatchBuilder unknownId = new BatchBuilder(Schema.of(9, Column.of("k", ColumnType.BIGINT, false)), Compression.NONE)) {
            wrongShape.setInt(0, 1);
            wrongShape.endRow();
            assertThatThrownBy(() -> log.append(wrongShape.build(BatchMetadata.NONE), 0))
                    .isInstanceOf(InvalidBatchException.class).hasMessageContaining("holds 1 columns, schema 1 has 3");
            unknownId.setLong(0, 1);
            unknownId.endRow();
            assertThatThrownBy(() -> log.append(unknownId.build(BatchMetadata.NONE), 0))
                    .isInstanceOf(UnknownSchemaException.class).hasMessageContaining("9");
            ByteBuffer large;
            try (TestBatches uncompressed = new TestBatches(Compression.NONE)) {
                large = uncompressed.batch(1, 2000);
            }
            assertThatThrownBy(() -> log.append(large, 0))
                    .isInstanceOf(RecordBatchTooLargeException.class).hasMessageContaining("exceeds the maximum of 4096");
            ByteBuffer corrupt = batches.batch(1, 5);
            corrupt.put(corrupt.limit() - 3, (byte) (corrupt.get(corrupt.limit() - 3) ^ 0x10));
            assertThatThrownBy(() -> log.append(corrupt, 0)).isInstanceOf(CorruptBatchException.class).hasMessageContaining("CRC");
            ByteBuffer truncated = batches.batch(1, 5);
            truncated.limit(truncated.limit() - 1);
            assertThatThrownBy(() -> log.append(truncated, 0)).isInstanceOf(CorruptBatchException.class);
            ByteBuffer two = ByteBuffer.allocate(2 * batches.batch(1, 5).remaining());
            two.put(batches.batch(1, 5)).put(batches.batch(2, 5)).flip();
            assertThatThrownBy(() -> log.append(two, 0)).isInstanceOf(CorruptBatchException.class).hasMessageContaining("exactly one batch");
            log.append(batches.batch(3, 5), 0);
            RecordBatch stored = log.read(0, Long.MAX_VALUE, 100, null).batches().get(0);
            ByteBuffer projectedBatch = new io.runnel.storage.format.BatchProjector().project(stored, projected, new int[] {0}).buffer();
            ByteBuffer copy = ByteBuffer.allocate(projectedBatch.remaining()).put(projectedBatch).flip();
            assertThatThrownBy(() -> log.append(copy, 0)).isInstanceOf(InvalidBatchException.class).hasMessageContaining("projected");
            assertThat(log.logEndOffset()).isEqualTo(5);
        }
    }

    @Test
    void aSecondConcurrentAppenderFailsFast() throws Exception {
        try (PartitionLog log = open(config)) {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // A schema lookup that blocks inside append holds the writer slot.
            PartitionLog blocking = PartitionLog.open(dir.resolve("blocking"), config, id -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return TestBatches.SCHEMA;
            }, clock);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread first = new Thread(() -> {
                try (TestBatches own = new TestBatches()) {
                    blocking.append(own.batch(1, 1), 0);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            first.start();
            inside.await();
            assertThatThrownBy(() -> blocking.append(batches.batch(2, 1), 0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("one writer");
            release.countDown();
            first.join();
            assertThat(failure.get()).isNull();
            assertThat(blocking.logEndOffset()).isEqualTo(1);
            blocking.close();
            assertThat(log.logEndOffset()).isZero();
        }
    }

    @Test
    void closedLogRefusesWorkAndDeleteRemovesTheDirectory() {
        PartitionLog log = open(config);
        log.append(batches.batch(1, 1), 0);
        log.close();
        assertThatThrownBy(() -> log.read(0, 1, 1, null)).isInstanceOf(LogClosedException.class);
        PartitionLog again = open(config);
        assertThat(again.logEndOffset()).isEqualTo(1);
        again.delete();
        assertThat(Files.exists(dir)).isFalse();
    }

    @Test
    void eventTimeBatchesKeepTheirTimestampsForTheTimeIndex() {
        Schema schema = Schema.of(1, Column.of("k", ColumnType.BIGINT, false), Column.of("at", ColumnType.TIMESTAMP, false));
        try (PartitionLog log = PartitionLog.open(dir, config, SchemaLookup.of(schema), clock);
                BatchBuilder builder = new BatchBuilder(schema, Compression.ZSTD)) {
            for (int b = 0; b < 5; b++) {
                builder.reset();
                for (int r = 0; r < 3; r++) {
                    builder.setLong(0, r);
                    builder.setLong(1, 1000L * b + r);
                    builder.endRow();
                }
                LogAppendInfo info = log.append(builder.build(BatchMetadata.NONE.withEventTimeColumn(1)), 0);
                assertThat(info.firstTimestamp()).isEqualTo(1000L * b);
                assertThat(info.maxTimestamp()).isEqualTo(1000L * b + 2);
            }
            assertThat(log.offsetForTimestamp(2001)).isEqualTo(6);
            assertThat(log.offsetForTimestamp(2003)).isEqualTo(9);
        }
    }
}
