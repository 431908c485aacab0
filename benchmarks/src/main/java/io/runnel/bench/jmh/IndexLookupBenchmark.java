package io.runnel.bench.jmh;

import io.runnel.storage.format.BatchBuilder;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.SchemaLookup;
import io.runnel.storage.index.OffsetIndex;
import io.runnel.storage.index.TimeIndex;
import io.runnel.storage.log.LogConfig;
import io.runnel.storage.log.LogReadResult;
import io.runnel.storage.log.PartitionLog;
import io.runnel.bench.data.Order;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Seeks, in nanoseconds per lookup at random (seeded) targets:
 * <ul>
 *   <li>{@code offsetIndexLookup} / {@code timeIndexLookup}: one memory-mapped index of
 *       {@link #INDEX_ENTRIES} entries (a full default-sized segment's worth), binary search;
 *   <li>{@code logOffsetForTimestamp}: the log's time seek ({@code _timestamp >= …} start positions)
 *       over {@link #SEGMENTS} segments: segment choice, time index, then the batch headers;
 *   <li>{@code logReadAtOffset}: the first batch at a random offset ({@code _offset >= …}): segment
 *       choice, offset index, batch header scan, one batch read with its CRC check (a 1-byte limit still returns one whole batch of 500 rows).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g"})
@State(Scope.Benchmark)
public class IndexLookupBenchmark {
    static final int INDEX_ENTRIES = 100_000;
    static final int SEGMENTS = 20;
    static final int ROWS = 200_000;
    static final int ROWS_PER_BATCH = 500;
    static final long SEED = 42;

    Path dir;
    OffsetIndex offsetIndex;
    TimeIndex timeIndex;
    PartitionLog log;
    long firstTimestampMs;
    long lastTimestampMs;
    SplittableRandom random;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        System.out.println("\n[index] seed " + SEED);
        random = new SplittableRandom(SEED);
        dir = Files.createTempDirectory("runnel-jmh-index");
        offsetIndex = new OffsetIndex(dir.resolve("idx.index"), 0, INDEX_ENTRIES * OffsetIndex.ENTRY_SIZE);
        timeIndex = new TimeIndex(dir.resolve("idx.timeindex"), 0, INDEX_ENTRIES * TimeIndex.ENTRY_SIZE);
        for (int i = 1; i <= INDEX_ENTRIES; i++) {
            offsetIndex.append(i * 100L, i * 4096);
            timeIndex.maybeAppend(1_700_000_000_000L + i * 10L, i * 100L, i * 4096);
        }
        Order[] rows = OrdersBatches.rows(ROWS);
        firstTimestampMs = rows[0].placedAtMs();
        lastTimestampMs = rows[ROWS - 1].placedAtMs();
        SchemaLookup schemas = SchemaLookup.of(OrdersBatches.SCHEMA);
        try (BatchBuilder builder = new BatchBuilder(OrdersBatches.SCHEMA, Compression.ZSTD)) {
            // Size segments so that the rows fill about SEGMENTS of them.
            long probe = OrdersBatches.build(builder, rows, 0, ROWS_PER_BATCH).remaining();
            long segmentBytes = Math.max(64 * 1024, probe * (ROWS / ROWS_PER_BATCH) / SEGMENTS);
            LogConfig config = LogConfig.DEFAULT.withSegmentBytes(segmentBytes).withRetentionBytes(1L << 30);
            log = PartitionLog.open(dir.resolve("log"), config, schemas, Clock.systemUTC());
            for (int from = 0; from < ROWS; from += ROWS_PER_BATCH) {
                log.append(OrdersBatches.build(builder, rows, from, ROWS_PER_BATCH), 0);
            }
        }
        log.flush();
        System.out.printf("[index] log of %,d rows in %d segments%n", ROWS, log.segmentCount());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        offsetIndex.close();
        timeIndex.close();
        log.delete();
        Files.deleteIfExists(dir.resolve("idx.index"));
        Files.deleteIfExists(dir.resolve("idx.timeindex"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public OffsetIndex.Entry offsetIndexLookup() {
        return offsetIndex.lookup(random.nextLong(100L * INDEX_ENTRIES + 100));
    }

    @Benchmark
    public TimeIndex.Entry timeIndexLookup() {
        return timeIndex.lookup(1_700_000_000_000L + random.nextLong(10L * INDEX_ENTRIES + 10));
    }

    @Benchmark
    public long logOffsetForTimestamp() {
        return log.offsetForTimestamp(firstTimestampMs + random.nextLong(lastTimestampMs - firstTimestampMs + 1));
    }

    @Benchmark
    public LogReadResult logReadAtOffset() {
        return log.read(random.nextLong(ROWS), ROWS, 1, null);
    }
}
