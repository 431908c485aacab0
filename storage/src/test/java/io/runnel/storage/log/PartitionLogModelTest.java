package io.runnel.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.format.BatchDecoder;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.testkit.MutableClock;
import io.runnel.storage.testkit.Seeds;
import io.runnel.storage.testkit.TestBatches;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sequences of append, read (whole and projected), seek by time, truncate, truncate fully,
 * roll, retention, flush, clean and crash reopen, checked after every step against a model: a
 * TreeMap of the batches that must be in the log. Seeded: {@code -Drunnel.seed=N} replays a run.
 */
class PartitionLogModelTest {
    @TempDir
    Path dir;

    /** One batch the model expects. */
    record Expected(long tag, int count, long maxTimestamp) {}

    @RepeatedTest(4)
    void randomOperationsMatchTheModel() {
        long seed = Seeds.seed("randomOperationsMatchTheModel");
        SplittableRandom random = new SplittableRandom(seed);
        MutableClock clock = new MutableClock(1_767_225_600_000L);
        LogConfig config = LogConfig.DEFAULT
                .withSegmentBytes(random.nextInt(2048, 16 * 1024))
                .withSegmentMs(random.nextLong(1_000, 100_000))
                .withIndexIntervalBytes(random.nextInt(0, 1024))
                .withMaxIndexBytes(random.nextInt(64, 512))
                .withRetentionMs(random.nextBoolean() ? -1 : random.nextLong(10_000, 1_000_000))
                .withRetentionBytes(random.nextBoolean() ? -1 : random.nextLong(8 * 1024, 64 * 1024))
                .withFlushPolicy(switch (random.nextInt(3)) {
                    case 0 -> FlushPolicy.EVERY_BATCH;
                    case 1 -> FlushPolicy.interval(random.nextLong(1, 5_000));
                    default -> FlushPolicy.OS;
                });
        System.out.println("config " + config);
        TreeMap<Long, Expected> model = new TreeMap<>();
        long logStart = 0;
        long logEnd = 0;
        long nextTag = 0;
        PartitionLog log = PartitionLog.open(dir, config, TestBatches.SCHEMAS, clock);
        try (TestBatches batches = new TestBatches(); BatchDecoder decoder = new BatchDecoder()) {
            for (int step = 0; step < 600; step++) {
                int op = random.nextInt(100);
                String what;
                if (op < 45) {
                    int rows = random.nextInt(1, 60);
                    long tag = nextTag++;
                    LogAppendInfo info = log.append(batches.batch(tag, rows), random.nextInt(3));
                    assertThat(info.firstOffset()).isEqualTo(logEnd);
                    model.put(logEnd, new Expected(tag, rows, info.maxTimestamp()));
                    logEnd += rows;
                    what = "append " + rows;
                } else if (op < 65) {
                    long start = logStart + (logEnd == logStart ? 0 : random.nextLong(0, logEnd - logStart + 1));
                    long limit = random.nextInt(4) == 0 ? start + random.nextInt(0, 200) : Long.MAX_VALUE;
                    int maxBytes = random.nextInt(1, 8192);
                    int[] projection = random.nextInt(3) == 0 ? new int[] {random.nextInt(3)} : null;
                    LogReadResult result = log.read(start, limit, maxBytes, projection);
                    checkRead(log, model, result, start, Math.min(limit, logEnd), maxBytes, projection, batches, decoder);
                    what = "read " + start;
                } else if (op < 68) {
                    long bad = random.nextBoolean() ? logEnd + random.nextInt(1, 100) : logStart - random.nextInt(1, 100);
                    PartitionLog current = log;
                    if (bad >= 0) {
                        assertThatThrownBy(() -> current.read(bad, Long.MAX_VALUE, 100, null))
                                .isInstanceOf(OffsetOutOfRangeException.class)
                                .hasMessageContaining("[" + logStart + ", " + logEnd + "]");
                    }
                    what = "read out of range";
                } else if (op < 73) {
                    long ts = clock.millis() - random.nextLong(0, 200_000);
                    long expected = logEnd;
                    for (Map.Entry<Long, Expected> e : model.entrySet()) {
                        if (e.getValue().maxTimestamp() >= ts) {
                            expected = e.getKey();
                            break;
                        }
                    }
                    assertThat(log.offsetForTimestamp(ts)).as("offsetForTimestamp(%d)", ts).isEqualTo(expected);
                    what = "offsetForTimestamp";
                } else if (op < 77) {
                    long target = Math.max(0, logStart - 5 + random.nextLong(0, logEnd - logStart + 10));
                    log.truncateTo(target);
                    if (target < logEnd) {
                        if (target <= logStart) {
                            model.clear();
                            logStart = target;
                            logEnd = target;
                        } else {
                            long holder = model.floorKey(target);
                            model.tailMap(holder, true).clear();
                            logEnd = holder;
                        }
                    }
                    what = "truncateTo " + target;
                } else if (op < 78) {
                    long target = random.nextLong(0, logEnd + 1000);
                    log.truncateFullyAndStartAt(target);
                    model.clear();
                    logStart = target;
                    logEnd = target;
                    what = "truncateFully " + target;
                } else if (op < 88) {
                    clock.advance(random.nextLong(0, 60_000));
                    long sizeBefore = log.sizeInBytes();
                    int deleted = log.applyRetention();
                    long newStart = log.logStartOffset();
                    assertThat(newStart).isGreaterThanOrEqualTo(logStart);
                    if (deleted > 0) {
                        assertThat(newStart == logEnd || model.containsKey(newStart)).as("log start %d is a batch boundary", newStart).isTrue();
                        model.headMap(newStart, false).clear();
                        logStart = newStart;
                        assertThat(log.sizeInBytes()).isLessThan(sizeBefore);
                    } else {
                        assertThat(newStart).isEqualTo(logStart);
                    }
                    if (config.retentionBytes() >= 0 && log.segmentCount() > 1) {
                        long firstSize = log.sizeInBytes() - sizeWithoutFirst(log);
                        assertThat(log.sizeInBytes() - firstSize).isLessThan(config.retentionBytes());
                    }
                    what = "retention (deleted " + deleted + ")";
                } else if (op < 91) {
                    log.flush();
                    assertThat(log.recoveryPoint()).isEqualTo(logEnd);
                    what = "flush";
                } else if (op < 96) {
                    log.close();
                    log = PartitionLog.open(dir, config, TestBatches.SCHEMAS, clock);
                    what = "clean reopen";
                } else {
                    log.closeAbruptly();
                    log = PartitionLog.open(dir, config, TestBatches.SCHEMAS, clock);
                    what = "crash reopen";
                }
                assertThat(log.logStartOffset()).as("log start after step %d (%s), seed %d", step, what, seed).isEqualTo(logStart);
                assertThat(log.logEndOffset()).as("log end after step %d (%s), seed %d", step, what, seed).isEqualTo(logEnd);
                assertThat(log.recoveryPoint()).isLessThanOrEqualTo(logEnd);
            }
            // Everything the model holds reads back, in order.
            LogReadResult all = log.read(logStart, Long.MAX_VALUE, Integer.MAX_VALUE, null);
            checkRead(log, model, all, logStart, logEnd, Integer.MAX_VALUE, null, batches, decoder);
            assertThat(all.batches()).hasSize(model.size());
        } finally {
            log.close();
        }
    }

    private static long sizeWithoutFirst(PartitionLog log) {
        List<Long> bases = log.segmentBaseOffsets();
        long size = 0;
        for (int i = 1; i < bases.size(); i++) {
            long segStart = bases.get(i);
            long segEnd = i + 1 < bases.size() ? bases.get(i + 1) : log.logEndOffset();
            if (segStart < segEnd) {
                size += log.read(segStart, segEnd, Integer.MAX_VALUE, null).sizeInBytes();
            }
        }
        return size;
    }

    private static void checkRead(PartitionLog log, TreeMap<Long, Expected> model, LogReadResult result, long start, long limit, int maxBytes,
            int[] projection, TestBatches batches, BatchDecoder decoder) {
        List<RecordBatch> got = result.batches();
        if (start >= limit) {
            assertThat(got).isEmpty();
            assertThat(result.nextOffset()).isEqualTo(start);
            return;
        }
        assertThat(got).as("read from %d below %d", start, limit).isNotEmpty();
        long expectedBase = model.floorKey(start);
        int bytes = 0;
        int storedBytes = 0;
        for (RecordBatch batch : got) {
            Expected e = model.get(expectedBase);
            assertThat(e).as("batch at %d", expectedBase).isNotNull();
            assertThat(batch.baseOffset()).isEqualTo(expectedBase);
            assertThat(batch.baseOffset()).isLessThan(limit);
            assertThat(batch.recordCount()).isEqualTo(e.count());
            assertThat(batch.maxTimestamp()).isEqualTo(e.maxTimestamp());
            if (projection == null) {
                assertThat(batches.verify(batch)).isEqualTo(e.tag());
            } else {
                assertThat(batch.isProjected()).isTrue();
                DecodedBatch decoded = decoder.decode(batch, TestBatches.SCHEMA, projection);
                int col = projection[0];
                for (int r = 0; r < decoded.rowCount(); r++) {
                    Object expected = switch (col) {
                        case 0 -> e.tag() * 1_000_000 + r;
                        case 1 -> "t" + e.tag();
                        default -> r % 7;
                    };
                    assertThat(decoded.getObject(col, r)).isEqualTo(expected);
                }
            }
            bytes += batch.sizeInBytes();
            storedBytes += projection == null ? batch.sizeInBytes() : storedSize(log, batch.baseOffset());
            expectedBase += e.count();
        }
        assertThat(result.sizeInBytes()).isEqualTo(bytes);
        if (got.size() > 1) {
            assertThat(storedBytes).isLessThanOrEqualTo(maxBytes);
        }
        assertThat(result.nextOffset()).isEqualTo(expectedBase);
        // The read stopped for a reason: the limit, the byte budget, or the end.
        if (model.containsKey(expectedBase) && expectedBase < limit) {
            assertThat(storedBytes + storedSize(log, expectedBase)).as("read stopped at %d with room left", expectedBase)
                    .isGreaterThan(maxBytes);
        }
    }

    private static int storedSize(PartitionLog log, long baseOffset) {
        return log.read(baseOffset, Long.MAX_VALUE, 1, null).batches().get(0).sizeInBytes();
    }
}
