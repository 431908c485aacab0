package io.runnel.storage.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Which partition a row goes to: the one rule shared by the server's INSERT path and the JDBC
 * driver's data path (design note 0003 §4), so that equal keys land in the same partition whoever
 * builds the batch.
 *
 * <p>A row with a key goes to {@code (murmur2(canonicalKeyBytes) & 0x7fffffff) % partitions}, where
 * {@code murmur2} is Kafka's ({@code org.apache.kafka.common.utils.Utils.murmur2}: seed
 * {@code 0x9747b28c}, the same constants and tail handling). A one-column VARCHAR key therefore lands
 * where a Kafka producer with a {@code StringSerializer} and the default partitioner puts the same
 * string, and an INTEGER/BIGINT key where one with an {@code IntegerSerializer}/{@code LongSerializer}
 * puts it.
 *
 * <h2>Canonical key bytes</h2>
 * One key column: the value's natural bytes, like Kafka's serializers:
 * <table>
 *   <caption>canonical bytes of one value</caption>
 *   <tr><th>type</th><th>bytes</th></tr>
 *   <tr><td>BOOLEAN</td><td>1 byte: 1 or 0</td></tr>
 *   <tr><td>TINYINT</td><td>1 byte</td></tr>
 *   <tr><td>SMALLINT</td><td>2 bytes, big-endian (Kafka {@code ShortSerializer})</td></tr>
 *   <tr><td>INTEGER</td><td>4 bytes, big-endian ({@code IntegerSerializer})</td></tr>
 *   <tr><td>BIGINT</td><td>8 bytes, big-endian ({@code LongSerializer})</td></tr>
 *   <tr><td>REAL</td><td>4 bytes, big-endian IEEE 754 bits; -0.0 is written as 0.0 and every NaN as the
 *       canonical NaN, so values SQL calls equal hash alike</td></tr>
 *   <tr><td>DOUBLE</td><td>8 bytes, big-endian IEEE 754 bits, normalized like REAL</td></tr>
 *   <tr><td>DECIMAL(p,s)</td><td>the unscaled value (value &times; 10^s) as big-endian two's complement
 *       in the column's storage width: 8 bytes when p &le; 18, else 16</td></tr>
 *   <tr><td>VARCHAR</td><td>UTF-8 ({@code StringSerializer})</td></tr>
 *   <tr><td>VARBINARY</td><td>the bytes ({@code ByteArraySerializer})</td></tr>
 *   <tr><td>DATE</td><td>4 bytes, big-endian, days since 1970-01-01</td></tr>
 *   <tr><td>TIME</td><td>4 bytes, big-endian, milliseconds of the day</td></tr>
 *   <tr><td>TIMESTAMP, TIMESTAMP_LTZ</td><td>8 bytes, big-endian, milliseconds since the epoch</td></tr>
 * </table>
 * Several key columns: for each, in {@code PARTITION BY} order, a 4-byte big-endian length followed
 * by the value's bytes as above. A NULL in any key column makes the row <em>keyless</em>.
 *
 * <h2>Keyless rows</h2>
 * Rows of a topic without {@code PARTITION BY}, and rows with a NULL key column, are spread
 * round-robin <em>per batch</em>: all keyless rows of one batch go to one partition, and the next
 * batch of the same writer to the next partition (Kafka's "sticky" idea: fewer, larger batches).
 * The counter belongs to the writer ({@link PartitionedBatchWriter}); see {@link #keylessPartition}.
 *
 * <p>Immutable and thread-safe; the {@link KeyBytes} it hands out are not.
 */
public final class Partitioner {
    private final Schema schema;
    private final int[] keyColumns;
    private final int partitions;

    /**
     * @param schema     the topic's schema
     * @param keyColumns indexes of the {@code PARTITION BY} columns in {@code schema}, in key order;
     *                   empty for a topic without a key
     * @param partitions the topic's partition count, at least 1
     */
    public Partitioner(Schema schema, int[] keyColumns, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        for (int k : keyColumns) {
            if (k < 0 || k >= schema.columnCount()) {
                throw new IllegalArgumentException("key column " + k + " is outside schema " + schema.schemaId()
                        + " with " + schema.columnCount() + " columns");
            }
        }
        this.schema = schema;
        this.keyColumns = keyColumns.clone();
        this.partitions = partitions;
    }

    public Schema schema() {
        return schema;
    }

    /** The key columns' indexes (a copy). */
    public int[] keyColumns() {
        return keyColumns.clone();
    }

    public boolean hasKey() {
        return keyColumns.length > 0;
    }

    public int partitions() {
        return partitions;
    }

    /** A reusable buffer for one row's canonical key bytes, shaped for this partitioner's key. */
    public KeyBytes newKeyBytes() {
        return new KeyBytes(keyColumns.length);
    }

    /** The partition of a row whose key bytes are {@code key} (which must be complete and not NULL). */
    public int partition(KeyBytes key) {
        if (key.isNull()) {
            throw new IllegalStateException("a row with a NULL key column is keyless: use keylessPartition");
        }
        return partitionForKeyBytes(key.array(), 0, key.length(), partitions);
    }

    /**
     * The partition of a row whose key column values are {@code values} (in key order), or -1 when one
     * of them is NULL (keyless). Java types as {@link DecodedBatch#getObject} returns them; also
     * Integer/Long for any integral column, Number for REAL/DOUBLE/DECIMAL, String for VARCHAR. For
     * planners and tools (partition pruning, "which partition holds key X"); writers use {@link KeyBytes}.
     *
     * @throws IllegalArgumentException when the number of values or a value's type does not fit
     */
    public int partitionOf(Object... values) {
        if (values.length != keyColumns.length || keyColumns.length == 0) {
            throw new IllegalArgumentException("expected " + keyColumns.length + " key values, got " + values.length);
        }
        KeyBytes key = newKeyBytes();
        for (int i = 0; i < values.length; i++) {
            Column column = schema.column(keyColumns[i]);
            Object v = values[i];
            if (v == null) {
                return -1;
            }
            key.begin();
            switch (column.type()) {
                case BOOLEAN -> key.putByte(((Boolean) v) ? 1 : 0);
                case VARCHAR -> key.putBytes(((String) v).getBytes(StandardCharsets.UTF_8));
                case VARBINARY -> key.putBytes((byte[]) v);
                case REAL -> key.putFloat(((Number) v).floatValue());
                case DOUBLE -> key.putDouble(((Number) v).doubleValue());
                case DECIMAL -> key.putDecimal(column, v instanceof BigDecimal d ? d : new BigDecimal(v.toString()));
                case DATE -> key.putIntegral(column.type(), v instanceof LocalDate d ? d.toEpochDay() : ((Number) v).longValue());
                case TIME -> key.putIntegral(column.type(),
                        v instanceof LocalTime t ? t.toNanoOfDay() / 1_000_000 : ((Number) v).longValue());
                case TIMESTAMP -> key.putIntegral(column.type(), v instanceof LocalDateTime t
                        ? t.toInstant(ZoneOffset.UTC).toEpochMilli() : ((Number) v).longValue());
                case TIMESTAMP_LTZ -> key.putIntegral(column.type(),
                        v instanceof Instant t ? t.toEpochMilli() : ((Number) v).longValue());
                default -> key.putIntegral(column.type(), ((Number) v).longValue());
            }
            key.end();
        }
        return partition(key);
    }

    /**
     * The partition of the {@code batchNumber}-th batch of a writer for its keyless rows:
     * {@code floorMod(batchNumber, partitions)}.
     */
    public int keylessPartition(long batchNumber) {
        return (int) Math.floorMod(batchNumber, (long) partitions);
    }

    /** {@code (murmur2(key) & 0x7fffffff) % partitions}: Kafka's {@code BuiltInPartitioner.partitionForKey}. */
    public static int partitionForKeyBytes(byte[] key, int offset, int length, int partitions) {
        return (murmur2(key, offset, length) & 0x7fffffff) % partitions;
    }

    /** Kafka's murmur2 of {@code data} (the whole array). */
    public static int murmur2(byte[] data) {
        return murmur2(data, 0, data.length);
    }

    /**
     * Kafka's 32-bit murmur2 ({@code Utils.murmur2}) of {@code data[offset, offset+length)}: seed
     * {@code 0x9747b28c}, multiplier {@code 0x5bd1e995}, shift 24, little-endian 4-byte blocks, the
     * 1..3 tail bytes mixed in, and the final avalanche {@code h ^= h >>> 13; h *= m; h ^= h >>> 15}.
     */
    public static int murmur2(byte[] data, int offset, int length) {
        final int seed = 0x9747b28c;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = seed ^ length;
        int blocks = length >>> 2;
        for (int i = 0; i < blocks; i++) {
            int p = offset + (i << 2);
            int k = (data[p] & 0xff) | ((data[p + 1] & 0xff) << 8) | ((data[p + 2] & 0xff) << 16) | ((data[p + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = offset + (length & ~3);
        int rest = length & 3;
        if (rest == 3) {
            h ^= (data[tail + 2] & 0xff) << 16;
        }
        if (rest >= 2) {
            h ^= (data[tail + 1] & 0xff) << 8;
        }
        if (rest >= 1) {
            h ^= data[tail] & 0xff;
            h *= m;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }

    /**
     * One row's canonical key bytes, built column by column: {@link #reset()}, then per key column
     * {@link #begin()}, one {@code put…} (or {@link #putNull()}), {@link #end()}. With one key column the
     * bytes are the value's; with several each value is length-prefixed. Reusable; not thread-safe.
     */
    public static final class KeyBytes {
        private final boolean prefixed;
        private byte[] bytes = new byte[64];
        private int length;
        private int valueStart;
        private boolean isNull;

        KeyBytes(int keyColumns) {
            this.prefixed = keyColumns > 1;
        }

        public void reset() {
            length = 0;
            isNull = false;
        }

        /** Starts the next key column's value. */
        public void begin() {
            if (prefixed) {
                ensure(4);
                length += 4;
            }
            valueStart = length;
        }

        /** Ends the current key column's value (writes its length prefix when there are several). */
        public void end() {
            if (prefixed) {
                int n = length - valueStart;
                int p = valueStart - 4;
                bytes[p] = (byte) (n >>> 24);
                bytes[p + 1] = (byte) (n >>> 16);
                bytes[p + 2] = (byte) (n >>> 8);
                bytes[p + 3] = (byte) n;
            }
        }

        /** The key column is NULL: the row is keyless. */
        public void putNull() {
            isNull = true;
        }

        public boolean isNull() {
            return isNull;
        }

        public void putByte(int v) {
            ensure(1);
            bytes[length++] = (byte) v;
        }

        /** An integral value in the canonical width of {@code type} (see the class table). */
        public void putIntegral(ColumnType type, long v) {
            switch (type) {
                case BOOLEAN, TINYINT -> putByte((int) v);
                case SMALLINT -> putBigEndian(v, 2);
                case INTEGER, DATE, TIME -> putBigEndian(v, 4);
                case BIGINT, TIMESTAMP, TIMESTAMP_LTZ -> putBigEndian(v, 8);
                default -> throw new IllegalArgumentException(type + " is not integral");
            }
        }

        public void putFloat(float v) {
            float normalized = v == 0.0f ? 0.0f : v;
            putBigEndian(Float.floatToIntBits(normalized), 4);
        }

        public void putDouble(double v) {
            double normalized = v == 0.0d ? 0.0d : v;
            putBigEndian(Double.doubleToLongBits(normalized), 8);
        }

        /** A DECIMAL given as its unscaled value, in {@code column}'s storage width. */
        public void putDecimalUnscaled(Column column, long unscaled) {
            if (column.fixedWidthBytes() == 16) {
                putBigEndian(unscaled < 0 ? -1L : 0L, 8);
            }
            putBigEndian(unscaled, 8);
        }

        /**
         * A DECIMAL value rescaled to {@code column}'s scale.
         *
         * @throws ArithmeticException when it has more fractional digits than the scale or does not fit
         */
        public void putDecimal(Column column, BigDecimal value) {
            BigInteger unscaled = value.setScale(column.scale(), RoundingMode.UNNECESSARY).unscaledValue();
            if (column.fixedWidthBytes() == 8) {
                putDecimalUnscaled(column, unscaled.longValueExact());
                return;
            }
            byte[] be = unscaled.toByteArray();
            if (be.length > 16) {
                throw new ArithmeticException("unscaled value of " + value + " exceeds 128 bits");
            }
            ensure(16);
            byte sign = (byte) (unscaled.signum() < 0 ? -1 : 0);
            int pad = 16 - be.length;
            Arrays.fill(bytes, length, length + pad, sign);
            System.arraycopy(be, 0, bytes, length + pad, be.length);
            length += 16;
        }

        public void putBytes(byte[] src) {
            putBytes(src, 0, src.length);
        }

        public void putBytes(byte[] src, int offset, int count) {
            ensure(count);
            System.arraycopy(src, offset, bytes, length, count);
            length += count;
        }

        /** A VARCHAR value as UTF-8 (unpaired surrogates become '?', as {@link String#getBytes} does). */
        public void putString(String s) {
            putBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        /** The bytes so far: {@code array()[0, length())}. */
        public byte[] array() {
            return bytes;
        }

        public int length() {
            return length;
        }

        private void putBigEndian(long v, int width) {
            ensure(width);
            for (int i = width - 1; i >= 0; i--) {
                bytes[length++] = (byte) (v >>> (8 * i));
            }
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
            }
        }
    }
}
