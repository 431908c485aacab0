package io.runnel.bench.jmh;

import io.runnel.bench.data.Order;
import io.runnel.bench.data.OrderBinaryCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The same {@code orders} rows as Kafka record batches, the way a producer with
 * {@code compression.type=zstd, batch.size=262144} builds them (kafka-clients'
 * {@link MemoryRecordsBuilder}, values from {@link OrderBinaryCodec}, no key): encode and decode
 * rows/s, and (printed by setup) bytes per row as Kafka stores them (its batches are stored as
 * produced). One operation = one row.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class KafkaRecordsBenchmark {
    static final int ROWS = RunnelPartitionLogBenchmark.ROWS;
    static final int BATCH_SIZE = 256 * 1024;

    Order[] rows;
    List<ByteBuffer> encoded;

    @Setup(Level.Trial)
    public void setUp() {
        rows = OrdersBatches.rows(ROWS);
        encoded = encodeAll(rows);
        long bytes = 0;
        for (ByteBuffer b : encoded) {
            bytes += b.remaining();
        }
        System.out.printf("%n[kafka] zstd, batch.size=%d: %.2f bytes/row on disk in %d batches (%.0f rows/batch)%n",
                BATCH_SIZE, (double) bytes / ROWS, encoded.size(), (double) ROWS / encoded.size());
    }

    static List<ByteBuffer> encodeAll(Order[] rows) {
        List<ByteBuffer> batches = new ArrayList<>();
        MemoryRecordsBuilder builder = newBuilder(0);
        for (Order o : rows) {
            byte[] value = OrderBinaryCodec.encode(o);
            if (!builder.hasRoomFor(o.placedAtMs(), null, value, Record.EMPTY_HEADERS)) {
                batches.add(builder.build().buffer());
                builder = newBuilder(o.id());
            }
            builder.append(o.placedAtMs(), null, value);
        }
        batches.add(builder.build().buffer());
        return batches;
    }

    private static MemoryRecordsBuilder newBuilder(long baseOffset) {
        return new MemoryRecordsBuilder(ByteBuffer.allocate(BATCH_SIZE), RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.zstd().build(), TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP,
                RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, false, false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH, BATCH_SIZE);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public List<ByteBuffer> encode() {
        return encodeAll(rows);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void decode(Blackhole bh) {
        for (ByteBuffer buffer : encoded) {
            MemoryRecords records = MemoryRecords.readableRecords(buffer.duplicate());
            for (RecordBatch batch : records.batches()) {
                for (Record record : batch) {
                    ByteBuffer value = record.value();
                    byte[] bytes = new byte[value.remaining()];
                    value.get(bytes);
                    bh.consume(OrderBinaryCodec.decode(bytes));
                }
            }
        }
    }
}
