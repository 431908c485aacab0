package io.runnel.bench.jmh;

import io.runnel.bench.data.Order;
import io.runnel.storage.format.BatchBuilder;
import io.runnel.storage.format.BatchDecoder;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.SchemaLookup;
import io.runnel.storage.log.LogConfig;
import io.runnel.storage.log.LogReadResult;
import io.runnel.storage.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The partition log on the {@code orders} data (DESIGN §8), figures in rows per second (one
 * operation = one row):
 * <ul>
 *   <li>{@code append}: rows to a batch (BatchBuilder, zstd) and the batch into the log (validate,
 *       stamp, write; OS flush policy): the INSERT path;
 *   <li>{@code readAll}: every batch read from the log and every column of every row decoded;
 *   <li>{@code readProjected}: the same with a projection of 2 of 6 columns ({@link Projection}): the
 *       log cuts each batch to those columns without decompressing, the reader decodes them.
 * </ul>
 * Setup prints bytes per row on disk. {@link #ROWS} rows are read, {@link #APPEND_ROWS} appended per invocation.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class RunnelPartitionLogBenchmark {
    static final int ROWS = 500_000;
    static final int APPEND_ROWS = 100_000;

    @Param({"10000"})
    int rowsPerBatch;

    /** The 2 of 6 columns {@code readProjected} reads; a separate state so only that benchmark runs per value. */
    @State(Scope.Benchmark)
    public static class Projection {
        /**
         * {@code customer,amount} (SELECT customer, SUM(amount): the string column holds most of the
         * decode cost) and {@code id,amount} (two fixed-width columns).
         */
        @Param({"customer,amount", "id,amount"})
        String projected;

        int[] columns;

        @Setup(Level.Trial)
        public void setUp() {
            columns = java.util.Arrays.stream(projected.split(",")).mapToInt(OrdersBatches.SCHEMA::indexOf).toArray();
        }
    }

    Order[] rows;
    Path dir;
    PartitionLog appendLog;
    PartitionLog readLog;
    BatchBuilder builder;
    BatchDecoder decoder;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        rows = OrdersBatches.rows(ROWS);
        dir = Files.createTempDirectory("runnel-jmh");
        builder = new BatchBuilder(OrdersBatches.SCHEMA, Compression.ZSTD);
        decoder = new BatchDecoder();
        SchemaLookup schemas = SchemaLookup.of(OrdersBatches.SCHEMA);
        LogConfig config = LogConfig.DEFAULT.withSegmentBytes(256L << 20).withRetentionBytes(1L << 30);
        appendLog = PartitionLog.open(dir.resolve("append"), config, schemas, Clock.systemUTC());
        readLog = PartitionLog.open(dir.resolve("read"), config, schemas, Clock.systemUTC());
        for (int from = 0; from < ROWS; from += rowsPerBatch) {
            readLog.append(OrdersBatches.build(builder, rows, from, Math.min(rowsPerBatch, ROWS - from)), 0);
        }
        readLog.flush();
        double bytesPerRow = (double) readLog.sizeInBytes() / ROWS;
        double logical = (double) OrdersBatches.logicalBytes(rows) / ROWS;
        System.out.printf("%n[runnel] rowsPerBatch=%d zstd(3): %.2f bytes/row on disk (%.1f logical bytes/row, %.1fx)%n",
                rowsPerBatch, bytesPerRow, logical, logical / bytesPerRow);
    }

    @TearDown(Level.Iteration)
    public void applyRetention() {
        appendLog.applyRetention();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        appendLog.delete();
        readLog.delete();
        builder.close();
        decoder.close();
        dir.toFile().delete();
    }

    /** {@link #APPEND_ROWS} rows in batches of {@code rowsPerBatch}: built and appended. */
    @Benchmark
    @OperationsPerInvocation(APPEND_ROWS)
    public long append() {
        long last = 0;
        for (int done = 0; done < APPEND_ROWS; done += rowsPerBatch) {
            int count = Math.min(rowsPerBatch, APPEND_ROWS - done);
            if (next + count > ROWS) {
                next = 0;
            }
            ByteBuffer batch = OrdersBatches.build(builder, rows, next, count);
            next += count;
            last = appendLog.append(batch, 0).lastOffset();
        }
        return last;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void readAll(Blackhole bh) {
        long offset = readLog.logStartOffset();
        long end = readLog.logEndOffset();
        while (offset < end) {
            LogReadResult result = readLog.read(offset, end, 4 << 20, null);
            for (RecordBatch batch : result.batches()) {
                OrdersBatches.consumeAll(decoder.decode(batch, OrdersBatches.SCHEMA, null), bh);
            }
            offset = result.nextOffset();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void readProjected(Projection projection, Blackhole bh) {
        long offset = readLog.logStartOffset();
        long end = readLog.logEndOffset();
        while (offset < end) {
            LogReadResult result = readLog.read(offset, end, 4 << 20, projection.columns);
            for (RecordBatch batch : result.batches()) {
                OrdersBatches.consume(decoder.decode(batch, OrdersBatches.SCHEMA, projection.columns), projection.columns, bh);
            }
            offset = result.nextOffset();
        }
    }
}
