package io.runnel.storage.format;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rows in, one batch per partition out: the server's INSERT path and the JDBC driver's
 * {@code executeBatch} both build batches through this class, so they partition alike (see
 * {@link Partitioner} for the rule and the canonical key bytes).
 *
 * <p>Set the current row's columns with the same typed setters as {@link BatchBuilder}, then
 * {@link #endRow()}. The values are buffered until {@code endRow} (primitives in primitive arrays: no
 * boxing), the row's partition is computed from its key, and the values are replayed into that
 * partition's {@link BatchBuilder}, created on first use. {@link #build} returns one batch per
 * partition that received rows; {@link #reset()} starts the next round with the same builders.
 *
 * <p>Values are validated by the builder during {@code endRow}: an {@link InvalidValueException}
 * names the column and this writer's row number (rows ended so far), and leaves no trace of the row
 * (it may be fixed and ended again, or {@link #abortRow()}ed).
 *
 * <p>Keyless rows (no {@code PARTITION BY}, or a NULL key column) of one round all go to one
 * partition; each {@link #reset()} moves that partition on by one. The first round's partition is
 * random unless given, so that many short-lived writers (one INSERT each) spread their rows.
 *
 * <p>Not thread-safe: one writer per producing thread. Holds native compression contexts:
 * {@link #close()} it.
 */
public final class PartitionedBatchWriter implements AutoCloseable {
    private static final byte UNSET = 0;
    private static final byte NULL = 1;
    private static final byte LONG = 2;
    private static final byte BOOLEAN = 3;
    private static final byte FLOAT = 4;
    private static final byte DOUBLE = 5;
    private static final byte DECIMAL_UNSCALED = 6;
    private static final byte DECIMAL = 7;
    private static final byte STRING = 8;
    private static final byte UTF8 = 9;
    private static final byte BYTES = 10;

    /** One partition's batch. */
    public record PartitionBatch(int partition, ByteBuffer batch) {}

    private final Schema schema;
    private final Compression compression;
    private final Partitioner partitioner;
    private final int[] keyColumns;
    private final BatchBuilder[] builders;
    private final Partitioner.KeyBytes key;

    // The open row, one slot per column.
    private final byte[] kind;
    private final long[] longs;
    private final double[] doubles;
    private final Object[] refs;
    private final int[] refOffsets;
    private final int[] refLengths;

    private long keylessBatch;
    private int rows;
    private boolean closed;

    /**
     * A writer whose keyless rows start at a random partition.
     *
     * @param keyColumns indexes of the {@code PARTITION BY} columns, in key order; empty for none
     */
    public PartitionedBatchWriter(Schema schema, Compression compression, int[] keyColumns, int partitions) {
        this(schema, compression, keyColumns, partitions, ThreadLocalRandom.current().nextInt(partitions));
    }

    /** A writer whose first round's keyless rows go to partition {@code firstKeylessPartition % partitions}. */
    public PartitionedBatchWriter(Schema schema, Compression compression, int[] keyColumns, int partitions,
            int firstKeylessPartition) {
        this.schema = schema;
        this.compression = compression;
        this.partitioner = new Partitioner(schema, keyColumns, partitions);
        this.keyColumns = keyColumns.clone();
        this.builders = new BatchBuilder[partitions];
        this.key = partitioner.newKeyBytes();
        int n = schema.columnCount();
        this.kind = new byte[n];
        this.longs = new long[n];
        this.doubles = new double[n];
        this.refs = new Object[n];
        this.refOffsets = new int[n];
        this.refLengths = new int[n];
        this.keylessBatch = Math.floorMod(firstKeylessPartition, partitions);
    }

    public Schema schema() {
        return schema;
    }

    public Partitioner partitioner() {
        return partitioner;
    }

    /** Rows ended since the last {@link #reset()}. */
    public int rowCount() {
        return rows;
    }

    /** The partition this round's keyless rows go to. */
    public int keylessPartition() {
        return partitioner.keylessPartition(keylessBatch);
    }

    /** Uncompressed size of every partition's batch so far: an upper bound for cutting rounds at a size. */
    public long estimatedSizeBytes() {
        long size = 0;
        for (BatchBuilder b : builders) {
            if (b != null && b.rowCount() > 0) {
                size += b.estimatedSizeBytes();
            }
        }
        return size;
    }

    // ---------------------------------------------------------------- setters (buffered)

    public void setNull(int col) {
        slot(col);
        kind[col] = NULL;
        refs[col] = null;
    }

    public void setBoolean(int col, boolean value) {
        slot(col);
        kind[col] = BOOLEAN;
        longs[col] = value ? 1 : 0;
    }

    public void setByte(int col, byte value) {
        setLong(col, value);
    }

    public void setShort(int col, short value) {
        setLong(col, value);
    }

    public void setInt(int col, int value) {
        setLong(col, value);
    }

    /** For every integral type, as {@link BatchBuilder#setLong}. */
    public void setLong(int col, long value) {
        slot(col);
        kind[col] = LONG;
        longs[col] = value;
    }

    public void setFloat(int col, float value) {
        slot(col);
        kind[col] = FLOAT;
        doubles[col] = value;
    }

    public void setDouble(int col, double value) {
        slot(col);
        kind[col] = DOUBLE;
        doubles[col] = value;
    }

    /** For DECIMAL(p,s): {@code unscaled} is the value times 10^s. */
    public void setDecimal(int col, long unscaled) {
        slot(col);
        kind[col] = DECIMAL_UNSCALED;
        longs[col] = unscaled;
    }

    public void setDecimal(int col, BigDecimal value) {
        if (value == null) {
            setNull(col);
            return;
        }
        slot(col);
        kind[col] = DECIMAL;
        refs[col] = value;
    }

    public void setString(int col, String value) {
        if (value == null) {
            setNull(col);
            return;
        }
        slot(col);
        kind[col] = STRING;
        refs[col] = value;
    }

    /** For VARCHAR, from UTF-8 bytes; the array must stay unchanged until {@link #endRow()}. */
    public void setString(int col, byte[] utf8) {
        setString(col, utf8, 0, utf8 == null ? 0 : utf8.length);
    }

    /** For VARCHAR, from {@code utf8[offset, offset+length)}; the array must stay unchanged until {@link #endRow()}. */
    public void setString(int col, byte[] utf8, int offset, int length) {
        if (utf8 == null) {
            setNull(col);
            return;
        }
        slot(col);
        kind[col] = UTF8;
        refs[col] = utf8;
        refOffsets[col] = offset;
        refLengths[col] = length;
    }

    /** For VARBINARY; the array must stay unchanged until {@link #endRow()}. */
    public void setBytes(int col, byte[] value) {
        if (value == null) {
            setNull(col);
            return;
        }
        slot(col);
        kind[col] = BYTES;
        refs[col] = value;
        refOffsets[col] = 0;
        refLengths[col] = value.length;
    }

    /**
     * Closes the current row: computes its partition and appends it to that partition's batch.
     *
     * @return the partition the row went to
     * @throws InvalidValueException when a value does not fit its column (or a NOT NULL column was not
     *     set); the row stays open and unchanged
     */
    public int endRow() {
        ensureOpen();
        int partition = partitionOfOpenRow();
        BatchBuilder builder = builders[partition];
        if (builder == null) {
            builder = new BatchBuilder(schema, compression);
            builders[partition] = builder;
        }
        try {
            for (int col = 0; col < kind.length; col++) {
                replay(builder, col);
            }
            builder.endRow();
        } catch (InvalidValueException e) {
            builder.abortRow();
            throw e.atRow(rows);
        } catch (RuntimeException e) {
            builder.abortRow();
            throw e;
        }
        clearRow();
        rows++;
        return partition;
    }

    /** Forgets whatever was set for the current row. */
    public void abortRow() {
        clearRow();
    }

    /**
     * One batch per partition that received rows since the last {@link #reset()}, in partition order.
     * The buffers are new and belong to the caller. The rows stay: call {@link #reset()} for the next round.
     *
     * @throws IllegalStateException when a row is open
     */
    public List<PartitionBatch> build(BatchMetadata metadata) {
        return build(metadata, null, null);
    }

    /**
     * Like {@link #build(BatchMetadata)}, with each partition's batch stamped with {@code producer}'s id
     * and the next sequences of {@code topic}'s partition (an idempotent producer); no producer when
     * {@code producer} is null.
     */
    public List<PartitionBatch> build(BatchMetadata metadata, ProducerSequences producer, Object topic) {
        ensureOpen();
        for (byte k : kind) {
            if (k != UNSET) {
                throw new IllegalStateException("row " + rows + " is open: call endRow() or abortRow() before build()");
            }
        }
        List<PartitionBatch> out = new ArrayList<>();
        for (int p = 0; p < builders.length; p++) {
            BatchBuilder b = builders[p];
            if (b != null && b.rowCount() > 0) {
                BatchMetadata m = producer == null ? metadata : producer.take(metadata, topic, p, b.rowCount());
                out.add(new PartitionBatch(p, b.build(m)));
            }
        }
        return out;
    }

    /** Drops every row (keeping the builders' buffers) and moves keyless rows on to the next partition. */
    public void reset() {
        ensureOpen();
        clearRow();
        for (BatchBuilder b : builders) {
            if (b != null) {
                b.reset();
            }
        }
        rows = 0;
        keylessBatch++;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (BatchBuilder b : builders) {
            if (b != null) {
                b.close();
            }
        }
    }

    // ---------------------------------------------------------------- internals

    private int partitionOfOpenRow() {
        if (keyColumns.length == 0) {
            return keylessPartition();
        }
        key.reset();
        try {
            for (int col : keyColumns) {
                if (kind[col] == UNSET || kind[col] == NULL) {
                    return keylessPartition();
                }
                key.begin();
                putKey(col, schema.column(col));
                key.end();
            }
        } catch (RuntimeException e) {
            // A value the builder will reject (wrong type, out of range): any partition will do, the
            // replay reports the error with its column and row.
            return 0;
        }
        return partitioner.partition(key);
    }

    private void putKey(int col, Column column) {
        ColumnType type = column.type();
        switch (kind[col]) {
            case LONG -> key.putIntegral(type, longs[col]);
            case BOOLEAN -> key.putByte((int) longs[col]);
            case FLOAT, DOUBLE -> {
                if (type == ColumnType.REAL) {
                    key.putFloat((float) doubles[col]);
                } else if (type == ColumnType.DOUBLE) {
                    key.putDouble(doubles[col]);
                } else {
                    throw new IllegalArgumentException("floating-point value for " + type);
                }
            }
            case DECIMAL_UNSCALED -> key.putDecimalUnscaled(column, longs[col]);
            case DECIMAL -> key.putDecimal(column, (BigDecimal) refs[col]);
            case STRING -> key.putString((String) refs[col]);
            case UTF8, BYTES -> key.putBytes((byte[]) refs[col], refOffsets[col], refLengths[col]);
            default -> throw new IllegalStateException("kind " + kind[col]);
        }
        if (type == ColumnType.DECIMAL && kind[col] != DECIMAL_UNSCALED && kind[col] != DECIMAL) {
            throw new IllegalArgumentException("DECIMAL needs setDecimal");
        }
    }

    private void replay(BatchBuilder builder, int col) {
        switch (kind[col]) {
            case UNSET -> { }
            case NULL -> builder.setNull(col);
            case LONG -> builder.setLong(col, longs[col]);
            case BOOLEAN -> builder.setBoolean(col, longs[col] != 0);
            case FLOAT -> builder.setFloat(col, (float) doubles[col]);
            case DOUBLE -> builder.setDouble(col, doubles[col]);
            case DECIMAL_UNSCALED -> builder.setDecimal(col, longs[col]);
            case DECIMAL -> builder.setDecimal(col, (BigDecimal) refs[col]);
            case STRING -> builder.setString(col, (String) refs[col]);
            case UTF8 -> builder.setString(col, (byte[]) refs[col], refOffsets[col], refLengths[col]);
            case BYTES -> builder.setBytes(col, (byte[]) refs[col]);
            default -> throw new IllegalStateException("kind " + kind[col]);
        }
    }

    private void slot(int col) {
        ensureOpen();
        if (col < 0 || col >= kind.length) {
            throw new IndexOutOfBoundsException("column " + col + " of schema " + schema.schemaId() + " with "
                    + kind.length + " columns");
        }
    }

    private void clearRow() {
        Arrays.fill(kind, UNSET);
        Arrays.fill(refs, null);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("partitioned batch writer is closed");
        }
    }
}
