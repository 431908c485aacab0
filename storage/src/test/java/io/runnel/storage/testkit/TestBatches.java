package io.runnel.storage.testkit;

import io.runnel.storage.format.BatchBuilder;
import io.runnel.storage.format.BatchDecoder;
import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.format.SchemaLookup;
import java.nio.ByteBuffer;

/**
 * Batches whose content is a function of a tag, so a test can check that what it reads is exactly
 * what it appended: row {@code r} of batch {@code tag} holds {@code tag * 1_000_000 + r} in column
 * {@code k}, {@code "t<tag>"} in {@code label} and {@code r % 7} in {@code n}. Not thread-safe.
 */
public final class TestBatches implements AutoCloseable {
    public static final Schema SCHEMA = Schema.of(1,
            Column.of("k", ColumnType.BIGINT, false),
            Column.varchar("label", 32, true),
            Column.of("n", ColumnType.INTEGER, true));
    public static final SchemaLookup SCHEMAS = SchemaLookup.of(SCHEMA);

    private final BatchBuilder builder;
    private final BatchDecoder decoder = new BatchDecoder();

    public TestBatches(Compression compression) {
        this.builder = new BatchBuilder(SCHEMA, compression);
    }

    public TestBatches() {
        this(Compression.ZSTD);
    }

    /** A batch of {@code rows} rows for {@code tag}. */
    public ByteBuffer batch(long tag, int rows) {
        return batch(tag, rows, BatchMetadata.NONE);
    }

    /** A batch of {@code rows} rows for {@code tag} with {@code metadata} (e.g. an idempotent producer's). */
    public ByteBuffer batch(long tag, int rows, BatchMetadata metadata) {
        builder.reset();
        for (int r = 0; r < rows; r++) {
            builder.setLong(0, tag * 1_000_000 + r);
            builder.setString(1, "t" + tag);
            builder.setInt(2, r % 7);
            builder.endRow();
        }
        return builder.build(metadata);
    }

    /** The tag of {@code batch}, after checking every row holds what {@link #batch} wrote for it. */
    public long verify(RecordBatch batch) {
        DecodedBatch decoded = decoder.decode(batch, SCHEMA, null);
        long tag = decoded.getLong(0, 0) / 1_000_000;
        for (int r = 0; r < decoded.rowCount(); r++) {
            if (decoded.getLong(0, r) != tag * 1_000_000 + r || !("t" + tag).equals(decoded.getString(1, r))
                    || decoded.getInt(2, r) != r % 7) {
                throw new AssertionError("batch at offset " + batch.baseOffset() + " row " + r + " does not hold tag " + tag);
            }
        }
        return tag;
    }

    @Override
    public void close() {
        builder.close();
        decoder.close();
    }
}
