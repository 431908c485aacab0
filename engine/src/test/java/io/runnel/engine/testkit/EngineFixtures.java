package io.runnel.engine.testkit;

import io.runnel.engine.Engine;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.engine.TopicSpec;
import io.runnel.storage.format.BatchBuilder;
import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.DecodedBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shared fixtures for engine tests (and, through the test-jar, for the SQL layer's): a small
 * {@code events} topic whose rows are a function of an id, batch building, and draining readers.
 *
 * <p>Row of id {@code k}: {@code k BIGINT NOT NULL = k}, {@code label VARCHAR(32) = "r" + k % 13},
 * {@code n INTEGER = k % 1000} (NULL when {@code k % 17 == 0}).
 */
public final class EngineFixtures {
    private EngineFixtures() {}

    public static final List<Column> EVENT_COLUMNS = List.of(
            Column.of("k", ColumnType.BIGINT, false),
            Column.varchar("label", 32, true),
            Column.of("n", ColumnType.INTEGER, true));

    public static TopicSpec events(String name, int partitions) {
        return new TopicSpec(name, EVENT_COLUMNS, List.of(), Map.of("partitions", Integer.toString(partitions)));
    }

    public static TopicSpec events(String name, Map<String, String> options) {
        return new TopicSpec(name, EVENT_COLUMNS, List.of(), options);
    }

    /** A batch of the rows with ids {@code [from, from + count)} for {@code topic}'s current schema. */
    public static ByteBuffer eventBatch(TopicInfo topic, long from, int count) {
        try (BatchBuilder b = new BatchBuilder(topic.currentSchema(), topic.config().compression())) {
            for (long k = from; k < from + count; k++) {
                b.setLong(0, k);
                b.setString(1, "r" + (k % 13));
                if (k % 17 != 0) {
                    b.setInt(2, (int) (k % 1000));
                }
                b.endRow();
            }
            return b.build(BatchMetadata.NONE);
        }
    }

    public static ByteBuffer eventBatch(TopicInfo topic, long from, int count, Compression compression) {
        return eventBatch(topic, from, count, compression, BatchMetadata.NONE);
    }

    /** Like {@link #eventBatch(TopicInfo, long, int, Compression)}, with {@code metadata} (an idempotent producer's, say). */
    public static ByteBuffer eventBatch(TopicInfo topic, long from, int count, Compression compression, BatchMetadata metadata) {
        try (BatchBuilder b = new BatchBuilder(topic.currentSchema(), compression)) {
            for (long k = from; k < from + count; k++) {
                b.setLong(0, k);
                b.setString(1, "r" + (k % 13));
                b.setInt(2, (int) (k % 1000));
                b.endRow();
            }
            return b.build(metadata);
        }
    }

    public static PartitionBatch to(int partition, ByteBuffer batch) {
        return new PartitionBatch(partition, batch);
    }

    /** One row as read: partition, offset, timestamp and the {@code k} column. */
    public record ReadRow(int partition, long offset, long timestampMs, long k) {}

    /** Every row a bounded reader returns until END (fails the test after {@code maxPolls}). */
    public static List<ReadRow> drain(TopicReader reader) throws InterruptedException {
        List<ReadRow> rows = new ArrayList<>();
        for (int polls = 0; polls < 1_000_000; polls++) {
            ReadChunk chunk = reader.poll(0);
            if (chunk.isEnd()) {
                return rows;
            }
            addRows(chunk, rows);
        }
        throw new AssertionError("reader did not end");
    }

    /** Appends the rows of {@code chunk} (its {@code k} column must be projected). */
    public static void addRows(ReadChunk chunk, List<ReadRow> rows) {
        if (chunk.isEmpty() || chunk.isEnd()) {
            return;
        }
        DecodedBatch b = chunk.batch();
        for (int r = chunk.fromRow(); r < chunk.toRow(); r++) {
            rows.add(new ReadRow(chunk.partition(), b.offset(r), b.timestamp(r), b.getLong(0, r)));
        }
    }

    /** Creates {@code spec} on {@code engine} and returns it. */
    public static TopicInfo create(Engine engine, TopicSpec spec) {
        return engine.createTopic(spec, false);
    }
}
