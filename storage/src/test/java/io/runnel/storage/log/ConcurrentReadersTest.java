package io.runnel.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.testkit.MutableClock;
import io.runnel.storage.testkit.Seeds;
import io.runnel.storage.testkit.TestBatches;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers run against a writer that appends, rolls, applies retention and truncates, and are
 * interrupted now and then: they only ever see whole, valid batches with dense offsets, or an
 * out-of-range error naming the current bounds; the writer is never disturbed.
 */
class ConcurrentReadersTest {
    @TempDir
    Path dir;

    @Test
    void readersSeeOnlyWholeBatchesWhileTheWriterMutates() throws Exception {
        long seed = Seeds.seed("readersSeeOnlyWholeBatchesWhileTheWriterMutates");
        MutableClock clock = new MutableClock(1_767_225_600_000L);
        LogConfig config = LogConfig.DEFAULT.withSegmentBytes(8 * 1024).withIndexIntervalBytes(512).withRetentionBytes(64 * 1024);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong batchesRead = new AtomicLong();
        try (PartitionLog log = PartitionLog.open(dir, config, TestBatches.SCHEMAS, clock)) {
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                Thread reader = new Thread(() -> {
                    try (TestBatches batches = new TestBatches()) {
                        while (!done.get()) {
                            long start = log.logStartOffset();
                            long end = log.logEndOffset();
                            long from = end <= start ? start : start + random.nextLong(0, end - start + 1);
                            try {
                                LogReadResult r = log.read(from, Long.MAX_VALUE, random.nextInt(1, 16 * 1024),
                                        random.nextBoolean() ? null : new int[] {0});
                                long expected = -1;
                                for (RecordBatch b : r.batches()) {
                                    if (expected >= 0) {
                                        assertThat(b.baseOffset()).isEqualTo(expected);
                                    }
                                    if (!b.isProjected()) {
                                        batches.verify(b);
                                    }
                                    expected = b.nextOffset();
                                    batchesRead.incrementAndGet();
                                }
                            } catch (OffsetOutOfRangeException e) {
                                // Retention or truncation moved the bounds: a valid answer.
                            } catch (LogStorageException e) {
                                if (!(e.getCause() instanceof java.nio.channels.ClosedByInterruptException)) {
                                    throw e;
                                }
                                Thread.interrupted();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            SplittableRandom random = new SplittableRandom(seed);
            try (TestBatches batches = new TestBatches()) {
                for (int i = 0; i < 2000; i++) {
                    log.append(batches.batch(i, random.nextInt(1, 40)), 0);
                    if (i % 50 == 0) {
                        log.applyRetention();
                    }
                    if (i % 300 == 299) {
                        long end = log.logEndOffset();
                        log.truncateTo(end - random.nextInt(0, 50));
                    }
                    if (i % 400 == 0) {
                        readers.get(random.nextInt(readers.size())).interrupt();
                    }
                }
            }
            done.set(true);
            for (Thread reader : readers) {
                reader.join(30_000);
            }
            assertThat(failures).isEmpty();
            assertThat(batchesRead.get()).isPositive();
            // After interrupts closed the read channels, reads still work.
            assertThat(log.read(log.logStartOffset(), Long.MAX_VALUE, Integer.MAX_VALUE, null).nextOffset())
                    .isEqualTo(log.logEndOffset());
        }
    }
}
