package io.runnel.storage.log;

import static io.runnel.storage.format.BatchFormat.ARROW_MESSAGE_PREFIX;
import static io.runnel.storage.format.BatchFormat.BASE_OFFSET_OFFSET;
import static io.runnel.storage.format.BatchFormat.HEADER_SIZE;
import static io.runnel.storage.format.BatchFormat.LENGTH_OFFSET;
import static io.runnel.storage.format.BatchFormat.MAGIC_OFFSET;
import static io.runnel.storage.format.BatchFormat.RECORD_COUNT_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.format.BatchFormat;
import io.runnel.storage.format.CorruptBatchException;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.testkit.MutableClock;
import io.runnel.storage.testkit.TestBatches;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damages real segment and index files at the positions the format constants name, then checks
 * that the damage is detected (CRC, lengths, offsets), reported with file and position, and that
 * recovery keeps exactly the batches before it.
 */
class LogCorruptionTest {
    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(1_767_225_600_000L);
    final TestBatches batches = new TestBatches();
    final LogConfig config = LogConfig.DEFAULT.withSegmentBytes(8 * 1024).withIndexIntervalBytes(256);

    @AfterEach
    void tearDown() {
        batches.close();
    }

    PartitionLog open() {
        return PartitionLog.open(dir, config, TestBatches.SCHEMAS, clock);
    }

    /** Appends 40 batches of 10 rows (several segments) and returns the log, still open. */
    PartitionLog filled() {
        PartitionLog log = open();
        for (int i = 0; i < 40; i++) {
            log.append(batches.batch(i, 10), 0);
        }
        return log;
    }

    /** File and position of the batch with base offset {@code offset}. */
    static LogSlice locate(PartitionLog log, long offset) {
        return log.readSlice(offset, Long.MAX_VALUE, 1);
    }

    static void flip(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x5A);
        }
    }

    static Stream<Arguments> damages() {
        return Stream.of(
                Arguments.of("magic", MAGIC_OFFSET),
                Arguments.of("record count", RECORD_COUNT_OFFSET),
                Arguments.of("first column descriptor", HEADER_SIZE + 2),
                Arguments.of("Arrow metadata", BatchFormat.arrowBodyOffset(3) + ARROW_MESSAGE_PREFIX + 5),
                Arguments.of("base offset (stamped, outside the CRC)", BASE_OFFSET_OFFSET + 1),
                Arguments.of("length", LENGTH_OFFSET + 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void aDamagedBatchAfterTheRecoveryPointIsCutWithEverythingAfterIt(String field, int fieldOffset) throws Exception {
        PartitionLog log = filled();
        long damaged = 350;
        LogSlice at = locate(log, damaged);
        log.closeAbruptly();
        // A crash: the recovery point is where the last roll left it, before the damaged batch.
        flip(at.file(), at.position() + fieldOffset);

        try (PartitionLog recovered = open()) {
            assertThat(recovered.logEndOffset()).as("damage in %s", field).isEqualTo(damaged);
            LogReadResult all = recovered.read(0, Long.MAX_VALUE, Integer.MAX_VALUE, null);
            assertThat(all.batches()).hasSize(35);
            for (int i = 0; i < 35; i++) {
                assertThat(batches.verify(all.batches().get(i))).isEqualTo(i);
            }
            assertThat(recovered.append(batches.batch(99, 1), 0).firstOffset()).isEqualTo(damaged);
        }
    }

    @Test
    void aTornTailIsCut() throws Exception {
        PartitionLog log = filled();
        LogSlice last = locate(log, 390);
        log.closeAbruptly();
        try (RandomAccessFile raf = new RandomAccessFile(last.file().toFile(), "rw")) {
            raf.setLength(last.position() + last.sizeInBytes() / 2);
        }
        try (PartitionLog recovered = open()) {
            assertThat(recovered.logEndOffset()).isEqualTo(390);
            assertThat(Files.size(last.file())).isEqualTo(last.position());
        }
    }

    @Test
    void garbageAppendedToASegmentIsCut() throws Exception {
        PartitionLog log = filled();
        LogSlice last = locate(log, 390);
        log.closeAbruptly();
        byte[] garbage = new byte[1000];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(last.file(), garbage, java.nio.file.StandardOpenOption.APPEND);
        try (PartitionLog recovered = open()) {
            assertThat(recovered.logEndOffset()).isEqualTo(400);
            assertThat(Files.size(last.file())).isEqualTo(last.position() + last.sizeInBytes());
            assertThat(recovered.append(batches.batch(7, 1), 0).firstOffset()).isEqualTo(400);
        }
    }

    @Test
    void zeroedTailLikeAPreallocatedFileIsCut() throws Exception {
        PartitionLog log = filled();
        LogSlice last = locate(log, 390);
        log.closeAbruptly();
        Files.write(last.file(), new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        try (PartitionLog recovered = open()) {
            assertThat(recovered.logEndOffset()).isEqualTo(400);
        }
    }

    @Test
    void damageBelowTheRecoveryPointIsReportedOnReadWithFileAndPosition() throws Exception {
        PartitionLog log = filled();
        LogSlice at = locate(log, 50);
        log.close();
        flip(at.file(), at.position() + HEADER_SIZE + 30);
        try (PartitionLog reopened = open()) {
            assertThat(reopened.logEndOffset()).isEqualTo(400);
            assertThatThrownBy(() -> reopened.read(50, Long.MAX_VALUE, 1, null))
                    .isInstanceOf(CorruptBatchException.class)
                    .hasMessageContaining(at.file().toString() + " at position " + at.position())
                    .hasMessageContaining("CRC stored");
            assertThatThrownBy(() -> reopened.read(40, Long.MAX_VALUE, Integer.MAX_VALUE, new int[] {0}))
                    .as("projection must not launder a bad batch under a fresh CRC")
                    .isInstanceOf(CorruptBatchException.class);
            assertThat(batches.verify(reopened.read(60, Long.MAX_VALUE, 1, null).batches().get(0))).isEqualTo(6);
        }
    }

    @Test
    void aCorruptSegmentInTheMiddleCutsTheLogThere() throws Exception {
        PartitionLog log = filled();
        List<Long> bases = log.segmentBaseOffsets();
        assertThat(bases.size()).isGreaterThan(3);
        long middle = bases.get(1);
        LogSlice at = locate(log, middle + 10);
        log.closeAbruptly();
        Files.delete(dir.resolve(PartitionLog.RECOVERY_POINT_FILE));
        flip(at.file(), at.position() + HEADER_SIZE + 40);
        try (PartitionLog recovered = open()) {
            assertThat(recovered.logEndOffset()).isEqualTo(middle + 10);
            assertThat(recovered.segmentBaseOffsets()).containsExactly(bases.get(0), middle);
        }
    }

    @Test
    void staleOrMissingIndexesAreRebuilt() throws Exception {
        PartitionLog log = filled();
        List<Long> bases = log.segmentBaseOffsets();
        log.close();
        Path firstIndex = dir.resolve(Segment.fileName(bases.get(0), Segment.OFFSET_INDEX_SUFFIX));
        Path secondIndex = dir.resolve(Segment.fileName(bases.get(1), Segment.TIME_INDEX_SUFFIX));
        byte[] garbage = new byte[64];
        java.util.Arrays.fill(garbage, (byte) 0x7f);
        Files.write(firstIndex, garbage);
        Files.delete(secondIndex);
        try (PartitionLog reopened = open()) {
            assertThat(reopened.logEndOffset()).isEqualTo(400);
            for (long offset = 0; offset < 400; offset += 10) {
                RecordBatch b = reopened.read(offset + 3, Long.MAX_VALUE, 1, null).batches().get(0);
                assertThat(b.baseOffset()).isEqualTo(offset);
                assertThat(batches.verify(b)).isEqualTo(offset / 10);
            }
            assertThat(reopened.offsetForTimestamp(clock.millis())).isZero();
        }
        assertThat(Files.size(firstIndex) % 8).isZero();
        assertThat(Files.exists(secondIndex)).isTrue();
    }

    @Test
    void leftoversOfInterruptedOperationsAreCleanedUp() throws Exception {
        PartitionLog log = filled();
        log.close();
        Files.write(dir.resolve(Segment.fileName(999_999, Segment.OFFSET_INDEX_SUFFIX)), new byte[16]);
        Files.write(dir.resolve(Segment.fileName(5, Segment.SEGMENT_SUFFIX) + Segment.DELETED_SUFFIX), new byte[16]);
        Files.write(dir.resolve("recovery-point.tmp"), new byte[3]);
        // A truncateFullyAndStartAt that crashed after writing its marker completes on open.
        new CheckpointFile(dir.resolve(PartitionLog.TRUNCATE_FULLY_FILE)).write(777);
        try (PartitionLog reopened = open()) {
            assertThat(reopened.logStartOffset()).isEqualTo(777);
            assertThat(reopened.logEndOffset()).isEqualTo(777);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("00000000000000000777.seg", "00000000000000000777.index",
                            "00000000000000000777.timeindex", PartitionLog.RECOVERY_POINT_FILE, PartitionLog.CLEAN_SHUTDOWN_FILE,
                            // the producer snapshot of the clean close; the old log's snapshots went with its segments
                            "00000000000000000777" + ProducerStateTable.SNAPSHOT_SUFFIX);
        }
    }
}
