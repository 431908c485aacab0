package io.runnel.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.ProducerSequences;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.testkit.MutableClock;
import io.runnel.storage.testkit.TestBatches;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotent producers on the partition log: a resent batch is answered with the original's offsets
 * and not stored again, across rolls, clean and crashed reopens, truncations, follower appends and a
 * damaged snapshot; and a seeded random run against a simple model.
 */
class IdempotentAppendTest {
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0);
    final TestBatches batches = new TestBatches();
    final LogConfig config = LogConfig.DEFAULT.withSegmentBytes(4 * 1024).withIndexIntervalBytes(512);

    @AfterEach
    void tearDown() {
        batches.close();
    }

    PartitionLog open() {
        return PartitionLog.open(dir, config, TestBatches.SCHEMAS, clock);
    }

    ByteBuffer batch(long producer, int firstSequence, int rows) {
        return batches.batch(producer * 1000 + firstSequence, rows, BatchMetadata.idempotent(producer, (short) 0, firstSequence));
    }

    @Test
    void aResentBatchIsAnsweredWithTheOriginalsOffsetsAndNotStoredAgain() {
        try (PartitionLog log = open()) {
            LogAppendInfo first = log.append(batch(7, 0, 3), 1);
            log.append(batches.batch(99, 2), 1); // another client, no producer id
            LogAppendInfo again = log.append(batch(7, 0, 3), 1);
            assertThat(again.duplicate()).isTrue();
            assertThat(again.firstOffset()).isEqualTo(first.firstOffset());
            assertThat(again.lastOffset()).isEqualTo(first.lastOffset());
            assertThat(again.maxTimestamp()).isEqualTo(first.maxTimestamp());
            assertThat(log.logEndOffset()).isEqualTo(5);
            LogAppendInfo next = log.append(batch(7, 3, 2), 1);
            assertThat(next.duplicate()).isFalse();
            assertThat(next.firstOffset()).isEqualTo(5);
        }
    }

    @Test
    void overlappingOrOldSequencesAreRefusedAndGapsAccepted() {
        try (PartitionLog log = open()) {
            log.append(batch(7, 0, 3), 1);
            log.append(batch(7, 3, 3), 1);
            assertThatThrownBy(() -> log.append(batch(7, 1, 3), 1)).isInstanceOf(OutOfOrderSequenceException.class)
                    .hasMessageContaining("producer 7").hasMessageContaining("sequences 1..3");
            assertThat(log.logEndOffset()).isEqualTo(6);
            // A gap (rows lost in an acks=1 failover, say) is accepted.
            assertThat(log.append(batch(7, 10, 1), 1).firstOffset()).isEqualTo(6);
            assertThatThrownBy(() -> log.append(batches.batch(1, 2,
                    BatchMetadata.idempotent(8, (short) 0, Integer.MAX_VALUE)), 1))
                    .isInstanceOf(OutOfOrderSequenceException.class).hasMessageContaining("outside 0..");
        }
    }

    @Test
    void onlyTheNewestBatchesAreRememberedPerProducer() {
        try (PartitionLog log = open()) {
            for (int i = 0; i < ProducerSequences.REMEMBERED_BATCHES + 1; i++) {
                log.append(batch(7, i, 1), 1);
            }
            assertThat(log.append(batch(7, 1, 1), 1).duplicate()).isTrue();
            assertThatThrownBy(() -> log.append(batch(7, 0, 1), 1)).isInstanceOf(OutOfOrderSequenceException.class)
                    .hasMessageContaining("no remembered batch");
        }
    }

    @Test
    void theStateSurvivesACleanReopenACrashAndRolls() {
        try (PartitionLog log = open()) {
            for (int i = 0; i < 40; i++) {
                log.append(batch(i % 4, i / 4 * 5, 5), 1);
            }
            assertThat(log.segmentCount()).isGreaterThan(3);
        }
        try (PartitionLog log = open()) {
            assertThat(log.producerCount()).isEqualTo(4);
            assertThat(log.append(batch(3, 45, 5), 1).duplicate()).isTrue();
            log.append(batch(3, 50, 5), 1);
            log.closeAbruptly();
        }
        try (PartitionLog log = open()) {
            LogAppendInfo again = log.append(batch(3, 50, 5), 1);
            assertThat(again.duplicate()).isTrue();
            assertThat(again.firstOffset()).isEqualTo(200);
            assertThat(log.logEndOffset()).isEqualTo(205);
        }
    }

    @Test
    void aDamagedSnapshotIsDeletedAndTheStateReplayedFromAnOlderOne() throws IOException {
        try (PartitionLog log = open()) {
            for (int i = 0; i < 40; i++) {
                log.append(batch(1, i * 5, 5), 1);
            }
        }
        TreeMap<Long, Path> snapshots = ProducerStateTable.listSnapshots(dir);
        assertThat(snapshots.lastKey()).isEqualTo(200L);
        Path newest = snapshots.lastEntry().getValue();
        byte[] bytes = Files.readAllBytes(newest);
        bytes[ProducerStateTable.SNAPSHOT_HEADER_BYTES + 9] ^= 0x40; // inside producer 1's epoch/sequence
        Files.write(newest, bytes);
        try (PartitionLog log = open()) {
            assertThat(Files.exists(newest)).isFalse();
            LogAppendInfo again = log.append(batch(1, 195, 5), 1);
            assertThat(again.duplicate()).isTrue();
            assertThat(again.firstOffset()).isEqualTo(195);
        }
    }

    @Test
    void aTruncationForgetsTheCutBatches() {
        try (PartitionLog log = open()) {
            for (int i = 0; i < 30; i++) {
                log.append(batch(1, i * 5, 5), 1);
            }
            log.truncateTo(100);
            assertThat(log.logEndOffset()).isEqualTo(100);
            LogAppendInfo stored = log.append(batch(1, 100, 5), 1);
            assertThat(stored.duplicate()).as("the batch at 100 was cut off, so its resend is new").isFalse();
            assertThat(stored.firstOffset()).isEqualTo(100);
            assertThat(log.append(batch(1, 95, 5), 1).duplicate()).isTrue();
        }
    }

    @Test
    void aFollowerLearnsTheProducersFromTheLeadersBatches(@TempDir Path followerDir) {
        try (PartitionLog leader = open();
                PartitionLog follower = PartitionLog.open(followerDir, config, TestBatches.SCHEMAS, clock)) {
            for (int i = 0; i < 6; i++) {
                leader.append(batch(5, i * 2, 2), 3);
            }
            for (RecordBatch b : leader.read(0, Long.MAX_VALUE, 1 << 20, null).batches()) {
                follower.appendAsFollower(b.buffer().duplicate());
            }
            // The follower becomes leader: the producer's retry of its newest batch is recognized.
            LogAppendInfo again = follower.append(batch(5, 10, 2), 4);
            assertThat(again.duplicate()).isTrue();
            assertThat(again.firstOffset()).isEqualTo(10);
            assertThat(follower.logEndOffset()).isEqualTo(12);
        }
    }

    /**
     * Random producers append, resend one of their last {@value io.runnel.storage.format.ProducerSequences#REMEMBERED_BATCHES} batches,
     * and the log rolls, reopens cleanly or after a crash, and truncates; the model knows each stored
     * batch's offsets. Every resend must be recognized with the original offsets, and every stored
     * (producer, sequence) must be in the log exactly once.
     */
    @Test
    void randomAppendsResendsReopensAndTruncationsAgainstAModel() {
        long seed = Long.getLong("test.seed", System.nanoTime());
        System.out.println("IdempotentAppendTest seed " + seed);
        Random random = new Random(seed);
        record Sent(long producer, int firstSequence, int rows, long firstOffset) {}
        Map<Long, List<Sent>> byProducer = new HashMap<>();
        Map<Long, Integer> nextSequence = new HashMap<>();
        PartitionLog log = open();
        try {
            for (int step = 0; step < 600; step++) {
                int op = random.nextInt(100);
                long producer = random.nextInt(6);
                List<Sent> sent = byProducer.computeIfAbsent(producer, k -> new ArrayList<>());
                if (op < 60 || sent.isEmpty()) {
                    int first = nextSequence.getOrDefault(producer, 0);
                    int rows = 1 + random.nextInt(4);
                    LogAppendInfo info = log.append(batch(producer, first, rows), 1);
                    assertThat(info.duplicate()).as("seed %d step %d", seed, step).isFalse();
                    sent.add(new Sent(producer, first, rows, info.firstOffset()));
                    nextSequence.put(producer, first + rows);
                } else if (op < 85) {
                    int back = random.nextInt(Math.min(ProducerSequences.REMEMBERED_BATCHES, sent.size()));
                    Sent original = sent.get(sent.size() - 1 - back);
                    LogAppendInfo info = log.append(batch(producer, original.firstSequence, original.rows), 1);
                    assertThat(info.duplicate()).as("seed %d step %d: resend of %s", seed, step, original).isTrue();
                    assertThat(info.firstOffset()).as("seed %d step %d", seed, step).isEqualTo(original.firstOffset);
                } else if (op < 92) {
                    if (random.nextBoolean()) {
                        log.close();
                    } else {
                        log.closeAbruptly();
                    }
                    log = open();
                } else {
                    long to = Math.max(0, log.logEndOffset() - random.nextInt(12));
                    log.truncateTo(to);
                    long end = log.logEndOffset();
                    for (Map.Entry<Long, List<Sent>> e : byProducer.entrySet()) {
                        e.getValue().removeIf(s -> s.firstOffset >= end);
                        List<Sent> left = e.getValue();
                        // The producer continues after its newest surviving batch (the client re-sends the rest as new).
                        nextSequence.put(e.getKey(), left.isEmpty() ? nextSequence.getOrDefault(e.getKey(), 0)
                                : left.get(left.size() - 1).firstSequence + left.get(left.size() - 1).rows);
                    }
                }
            }
            Set<String> seen = new HashSet<>();
            int stored = 0;
            for (RecordBatch b : log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE, null).batches()) {
                if (b.producerId() < 0) {
                    continue;
                }
                for (int r = 0; r < b.recordCount(); r++) {
                    assertThat(seen.add(b.producerId() + ":" + (b.baseSequence() + r)))
                            .as("seed %d: producer %d sequence %d stored twice", seed, b.producerId(), b.baseSequence() + r)
                            .isTrue();
                }
                stored++;
            }
            int expected = byProducer.values().stream().mapToInt(List::size).sum();
            assertThat(stored).as("seed %d: stored batches", seed).isEqualTo(expected);
        } finally {
            log.close();
        }
    }
}
