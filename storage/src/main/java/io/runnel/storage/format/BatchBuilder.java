package io.runnel.storage.format;

import static io.runnel.storage.format.BatchFormat.*;

import io.runnel.storage.format.InvalidValueException.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Builds one whole batch from rows: the server's INSERT path and the JDBC driver's
 * {@code executeBatch}. Set the columns of the current row with the typed setters, close it with
 * {@link #endRow()}, and {@link #build} the batch; {@link #reset()} starts the next one with the
 * same buffers.
 *
 * <p>Every setter validates the value against its column (type, NOT NULL, VARCHAR(n) length in
 * characters, VARBINARY(n) length in bytes, DECIMAL precision and scale, numeric range) and throws
 * {@link InvalidValueException} naming the column, the row, what was expected and what was given.
 * A failed call leaves the row as it was. Columns not set when the row ends are NULL.
 *
 * <p>Encodings are chosen per batch: a VARCHAR/VARBINARY column is dictionary-encoded when it has
 * at most one distinct value per two rows (a sorted dictionary, index width int8/int16/int32,
 * the narrowest that fits), and a 32/64-bit integer column whose values never decrease (sequential ids, append
 * timestamps) is delta-encoded. In compressed batches, fixed-width value buffers and string offsets
 * are byte-stream split. All three are recorded per column in the batch.
 *
 * <p>Not thread-safe: one builder per producing thread. Holds a native compression context:
 * {@link #close()} it.
 */
public final class BatchBuilder implements AutoCloseable {
    private static final int INITIAL_ROWS = 1024;
    private static final byte UNSET = 0;
    private static final byte VALUE = 1;
    private static final byte NULL = 2;
    private static final long[] POWERS_OF_TEN = powersOfTen();

    private final Schema schema;
    private final Compression compression;
    private final ColumnAccumulator[] columns;
    private final byte[] state;
    private final BufferCompressor compressor;
    private final ArrowMessages messages = new ArrowMessages();
    private final DictionaryEncoder dictionary = new DictionaryEncoder();
    private final ByteSink body = new ByteSink(64 * 1024);
    private final ByteSink out = new ByteSink(64 * 1024);
    private byte[] scratch = new byte[8 * INITIAL_ROWS];
    private boolean useDictionaries = true;
    private boolean useDelta = true;
    private boolean useSplit = true;
    private byte[] splitScratch = new byte[8 * INITIAL_ROWS];
    private int rows;
    private boolean closed;

    public BatchBuilder(Schema schema, Compression compression) {
        this.schema = schema;
        this.compression = compression;
        this.columns = new ColumnAccumulator[schema.columnCount()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = new ColumnAccumulator(schema.column(i), INITIAL_ROWS);
        }
        this.state = new byte[columns.length];
        this.compressor = new BufferCompressor(compression);
    }

    /** Allows or forbids dictionary encoding (allowed by default). */
    public BatchBuilder useDictionaries(boolean allowed) {
        this.useDictionaries = allowed;
        return this;
    }

    /**
     * Allows or forbids delta encoding of non-decreasing integer columns (allowed by default). A
     * batch without delta-encoded columns is plain Arrow that any Arrow reader decodes to the right
     * values; see {@code docs/format/segment.md}.
     */
    public BatchBuilder useDelta(boolean allowed) {
        this.useDelta = allowed;
        return this;
    }

    /**
     * Allows or forbids byte-stream split of fixed-width value and offsets buffers in compressed
     * batches (allowed by default); see {@link BatchFormat}.
     */
    public BatchBuilder useByteStreamSplit(boolean allowed) {
        this.useSplit = allowed;
        return this;
    }

    public Schema schema() {
        return schema;
    }

    public Compression compression() {
        return compression;
    }

    /** Rows ended so far. */
    public int rowCount() {
        return rows;
    }

    /**
     * Uncompressed size of the batch so far (header, descriptors, Arrow buffers): an upper bound of
     * what {@link #build} returns, save Arrow's metadata, for cutting batches at a size.
     */
    public long estimatedSizeBytes() {
        long size = arrowBodyOffset(columns.length) + 256L + 64L * columns.length;
        for (ColumnAccumulator c : columns) {
            size += c.sizeInBytes(rows);
        }
        return size;
    }

    // ---------------------------------------------------------------- setters

    public void setNull(int col) {
        ColumnAccumulator c = column(col);
        if (!c.column.nullable()) {
            throw invalid(Kind.NOT_NULL, c, "a value (" + c.column.describe() + ")", "NULL");
        }
        c.pendingEnd = -1;
        state[col] = NULL;
    }

    public void setBoolean(int col, boolean value) {
        ColumnAccumulator c = typed(col, "setBoolean", ColumnType.BOOLEAN);
        c.ensureRow(rows);
        if (value) {
            c.values[rows >>> 3] |= (byte) (1 << (rows & 7));
        } else {
            c.values[rows >>> 3] &= (byte) ~(1 << (rows & 7));
        }
        state[col] = VALUE;
    }

    public void setByte(int col, byte value) {
        setLong(col, value);
    }

    public void setShort(int col, short value) {
        setLong(col, value);
    }

    /** For TINYINT, SMALLINT, INTEGER, BIGINT, DATE (days) and TIME (ms of day). */
    public void setInt(int col, int value) {
        setLong(col, value);
    }

    /**
     * For every integral type: TINYINT, SMALLINT, INTEGER, BIGINT, DATE (days since epoch), TIME
     * (ms of day, 0..86,399,999), TIMESTAMP and TIMESTAMP_LTZ (ms since epoch). Range-checked.
     */
    public void setLong(int col, long value) {
        ColumnAccumulator c = column(col);
        ColumnType type = c.column.type();
        long min;
        long max;
        switch (type) {
            case TINYINT -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
            case SMALLINT -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
            case INTEGER, DATE -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            case TIME -> { min = 0; max = 86_399_999; }
            case BIGINT, TIMESTAMP, TIMESTAMP_LTZ -> { min = Long.MIN_VALUE; max = Long.MAX_VALUE; }
            default -> throw typeMismatch(c, "an integer setter");
        }
        if (value < min || value > max) {
            throw invalid(Kind.OUT_OF_RANGE, c, "a value in " + min + ".." + max + " (" + type + ")", Long.toString(value));
        }
        c.ensureRow(rows);
        putFixed(c, rows, value);
        state[col] = VALUE;
    }

    /** For REAL and DOUBLE. */
    public void setFloat(int col, float value) {
        ColumnAccumulator c = column(col);
        if (c.column.type() == ColumnType.DOUBLE) {
            setDouble(col, value);
            return;
        }
        typed(col, "setFloat", ColumnType.REAL);
        c.ensureRow(rows);
        LittleEndian.putInt(c.values, rows * 4, Float.floatToRawIntBits(value));
        state[col] = VALUE;
    }

    /** For DOUBLE, and for REAL when the value is within float's range (it is rounded to float). */
    public void setDouble(int col, double value) {
        ColumnAccumulator c = column(col);
        if (c.column.type() == ColumnType.REAL) {
            if (Double.isFinite(value) && Math.abs(value) > Float.MAX_VALUE) {
                throw invalid(Kind.OUT_OF_RANGE, c, "a value within REAL's range", Double.toString(value));
            }
            setFloat(col, (float) value);
            return;
        }
        typed(col, "setDouble", ColumnType.DOUBLE);
        c.ensureRow(rows);
        LittleEndian.putLong(c.values, rows * 8, Double.doubleToRawLongBits(value));
        state[col] = VALUE;
    }

    /** For DECIMAL(p,s): {@code unscaled} is the value times 10^s; |unscaled| must be below 10^p. */
    public void setDecimal(int col, long unscaled) {
        ColumnAccumulator c = typed(col, "setDecimal", ColumnType.DECIMAL);
        int precision = c.column.precision();
        if (precision < 19 && (unscaled >= POWERS_OF_TEN[precision] || unscaled <= -POWERS_OF_TEN[precision])) {
            throw invalid(Kind.OUT_OF_RANGE, c, "at most " + precision + " digits (" + c.column.describe() + ")",
                    "unscaled " + unscaled);
        }
        c.ensureRow(rows);
        if (c.width == 8) {
            LittleEndian.putLong(c.values, rows * 8, unscaled);
        } else {
            LittleEndian.putLong(c.values, rows * 16, unscaled);
            LittleEndian.putLong(c.values, rows * 16 + 8, unscaled < 0 ? -1L : 0L);
        }
        state[col] = VALUE;
    }

    /**
     * For DECIMAL(p,s). A value with more fractional digits than s is accepted only when the extra
     * digits are zeros (no rounding); one with more than p digits in total is rejected.
     */
    public void setDecimal(int col, BigDecimal value) {
        ColumnAccumulator c = typed(col, "setDecimal", ColumnType.DECIMAL);
        if (value == null) {
            setNull(col);
            return;
        }
        BigDecimal scaled;
        try {
            scaled = value.setScale(c.column.scale(), RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw invalid(Kind.SCALE, c, "at most " + c.column.scale() + " fractional digits (" + c.column.describe() + ")",
                    value.toPlainString());
        }
        BigInteger unscaled = scaled.unscaledValue();
        if (scaled.precision() > c.column.precision() && unscaled.signum() != 0) {
            throw invalid(Kind.OUT_OF_RANGE, c, "at most " + c.column.precision() + " digits (" + c.column.describe() + ")",
                    value.toPlainString());
        }
        if (c.width == 8) {
            setDecimal(col, unscaled.longValueExact());
            return;
        }
        byte[] be = unscaled.toByteArray();
        c.ensureRow(rows);
        int base = rows * 16;
        byte sign = (byte) (unscaled.signum() < 0 ? -1 : 0);
        for (int i = 0; i < 16; i++) {
            c.values[base + i] = i < be.length ? be[be.length - 1 - i] : sign;
        }
        state[col] = VALUE;
    }

    /** For VARCHAR: its length in characters (code points) must not exceed the column's. */
    public void setString(int col, String value) {
        ColumnAccumulator c = typed(col, "setString", ColumnType.VARCHAR);
        if (value == null) {
            setNull(col);
            return;
        }
        int maxChars = c.column.precision();
        if (maxChars != Column.UNBOUNDED && value.length() > maxChars) {
            int chars = value.codePointCount(0, value.length());
            if (chars > maxChars) {
                throw invalid(Kind.TOO_LONG, c, "at most " + maxChars + " characters", chars + " characters");
            }
        }
        c.ensureRow(rows);
        int start = c.offsets[rows];
        int length = value.length();
        c.ensureData(start, length * 3);
        byte[] data = c.data;
        int p = start;
        for (int i = 0; i < length; i++) {
            char ch = value.charAt(i);
            if (ch < 0x80) {
                data[p++] = (byte) ch;
            } else if (ch < 0x800) {
                data[p++] = (byte) (0xC0 | (ch >> 6));
                data[p++] = (byte) (0x80 | (ch & 0x3F));
            } else if (Character.isSurrogate(ch)) {
                int cp = i + 1 < length && Character.isHighSurrogate(ch) && Character.isLowSurrogate(value.charAt(i + 1))
                        ? Character.toCodePoint(ch, value.charAt(++i)) : -1;
                if (cp < 0) {
                    throw invalid(Kind.TYPE, c, "well-formed UTF-16", "an unpaired surrogate at index " + i);
                }
                data[p++] = (byte) (0xF0 | (cp >> 18));
                data[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                data[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                data[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                data[p++] = (byte) (0xE0 | (ch >> 12));
                data[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
                data[p++] = (byte) (0x80 | (ch & 0x3F));
            }
        }
        c.pendingEnd = p;
        state[col] = VALUE;
    }

    /** For VARCHAR, from UTF-8 bytes (checked to be well-formed UTF-8). */
    public void setString(int col, byte[] utf8) {
        setString(col, utf8, 0, utf8 == null ? 0 : utf8.length);
    }

    /** For VARCHAR, from {@code utf8[offset, offset+length)} (checked to be well-formed UTF-8). */
    public void setString(int col, byte[] utf8, int offset, int length) {
        ColumnAccumulator c = typed(col, "setString", ColumnType.VARCHAR);
        if (utf8 == null) {
            setNull(col);
            return;
        }
        int chars = Utf8.countCodePoints(utf8, offset, length);
        if (chars < 0) {
            throw invalid(Kind.TYPE, c, "well-formed UTF-8", "malformed bytes at index " + (-chars - 1));
        }
        int maxChars = c.column.precision();
        if (maxChars != Column.UNBOUNDED && chars > maxChars) {
            throw invalid(Kind.TOO_LONG, c, "at most " + maxChars + " characters", chars + " characters");
        }
        putVariable(c, utf8, offset, length);
        state[col] = VALUE;
    }

    /** For VARBINARY: its length in bytes must not exceed the column's. */
    public void setBytes(int col, byte[] value) {
        ColumnAccumulator c = typed(col, "setBytes", ColumnType.VARBINARY);
        if (value == null) {
            setNull(col);
            return;
        }
        int max = c.column.precision();
        if (max != Column.UNBOUNDED && value.length > max) {
            throw invalid(Kind.TOO_LONG, c, "at most " + max + " bytes", value.length + " bytes");
        }
        putVariable(c, value, 0, value.length);
        state[col] = VALUE;
    }

    /**
     * Closes the current row. Columns not set are NULL.
     *
     * @throws InvalidValueException when a NOT NULL column was not set; the row stays open
     */
    public void endRow() {
        ensureOpen();
        for (int col = 0; col < columns.length; col++) {
            ColumnAccumulator c = columns[col];
            if (state[col] == UNSET && !c.column.nullable()) {
                throw invalid(Kind.NOT_NULL, c, "a value (" + c.column.describe() + ")", "no value");
            }
        }
        for (int col = 0; col < columns.length; col++) {
            ColumnAccumulator c = columns[col];
            c.ensureRow(rows);
            if (state[col] == VALUE) {
                c.endValue(rows);
            } else {
                c.endNull(rows);
            }
            state[col] = UNSET;
        }
        rows++;
    }

    /** Forgets whatever was set for the current row. */
    public void abortRow() {
        Arrays.fill(state, UNSET);
        for (ColumnAccumulator c : columns) {
            c.pendingEnd = -1;
        }
    }

    /** Drops every row, keeping the buffers for the next batch. */
    public void reset() {
        abortRow();
        rows = 0;
        for (ColumnAccumulator c : columns) {
            c.reset();
        }
    }

    // ---------------------------------------------------------------- build

    /**
     * The batch of every row ended so far: header (base offset 0, leader epoch -1, timestamps -1
     * unless event time), column descriptors, Arrow body, CRC. The builder keeps its rows: call
     * {@link #reset()} for the next batch. The returned buffer is new and belongs to the caller.
     *
     * @throws InvalidBatchException when there are no rows, or the event-time column has no value
     * @throws IllegalStateException when a row is open (set but not ended)
     */
    public ByteBuffer build(BatchMetadata metadata) {
        ensureOpen();
        for (byte s : state) {
            if (s != UNSET) {
                throw new IllegalStateException("row " + rows + " is open: call endRow() or abortRow() before build()");
            }
        }
        if (rows == 0) {
            throw new InvalidBatchException("a batch needs at least one row; none were ended");
        }
        int n = columns.length;
        int[] encoding = new int[n];
        int[] statsFlags = new int[n];
        long[] min = new long[n];
        long[] max = new long[n];
        int[] dictionarySize = new int[n];
        int[][] dictionaryRows = new int[n][];
        int[][] dictionaryIndex = new int[n][];
        boolean[] split = new boolean[n];
        for (int col = 0; col < n; col++) {
            analyze(col, encoding, statsFlags, min, max, dictionarySize, dictionaryRows, dictionaryIndex);
            split[col] = useSplit && compression.codec() != Compression.Codec.NONE
                    && BatchLayout.splittable(columns[col].column, encoding[col]);
        }

        out.reset();
        int headerBytes = arrowBodyOffset(n);
        out.ensureRemaining(headerBytes);
        Arrays.fill(out.array(), 0, headerBytes, (byte) 0);
        out.advance(headerBytes);
        Compression.Codec codec = compression.codec();
        long[] nodes = new long[2 * n];
        long[] buffers = new long[2 * 3 * n];

        for (int col = 0; col < n; col++) {
            if (dictionaryIndexWidth(encoding[col]) == 0) {
                continue;
            }
            ColumnAccumulator c = columns[col];
            int size = dictionarySize[col];
            int[] entryRows = dictionaryRows[col];
            byte[] offsets = ensureScratch(4 * (size + 1));
            int dataLength = 0;
            for (int e = 0; e < size; e++) {
                LittleEndian.putInt(offsets, 4 * e, dataLength);
                int r = entryRows[e];
                dataLength += c.offsets[r + 1] - c.offsets[r];
            }
            LittleEndian.putInt(offsets, 4 * size, dataLength);
            body.reset();
            buffers[0] = 0;
            buffers[1] = 0;
            addBuffer(buffers, 1, split[col] ? split(offsets, size + 1, 4) : offsets, 0, 4 * (size + 1));
            byte[] values = new byte[dataLength];
            int p = 0;
            for (int e = 0; e < size; e++) {
                int r = entryRows[e];
                int len = c.offsets[r + 1] - c.offsets[r];
                System.arraycopy(c.data, c.offsets[r], values, p, len);
                p += len;
            }
            addBuffer(buffers, 2, values, 0, dataLength);
            nodes[0] = size;
            nodes[1] = 0;
            messages.writeDictionaryBatch(out, col, size, nodes, 1, buffers, 3, codec, body.size());
            out.put(body.array(), 0, body.size());
        }

        body.reset();
        int buffer = 0;
        for (int col = 0; col < n; col++) {
            ColumnAccumulator c = columns[col];
            nodes[2 * col] = rows;
            nodes[2 * col + 1] = c.nullCount;
            if (c.nullCount > 0) {
                addBuffer(buffers, buffer++, c.validity, 0, ColumnAccumulator.bitmapBytes(rows));
            } else {
                addBuffer(buffers, buffer++, c.validity, 0, 0);
            }
            int width = dictionaryIndexWidth(encoding[col]);
            if (width > 0) {
                byte[] indexes = ensureScratch(rows * width);
                int[] rowIndex = dictionaryIndex[col];
                for (int r = 0; r < rows; r++) {
                    switch (width) {
                        case 1 -> indexes[r] = (byte) rowIndex[r];
                        case 2 -> LittleEndian.putShort(indexes, 2 * r, (short) rowIndex[r]);
                        default -> LittleEndian.putInt(indexes, 4 * r, rowIndex[r]);
                    }
                }
                addBuffer(buffers, buffer++, indexes, 0, rows * width);
            } else if (c.width > 0) {
                if (encoding[col] == ENCODING_DELTA) {
                    byte[] deltas = deltaEncode(c);
                    addBuffer(buffers, buffer++, deltas, 0, rows * c.width);
                } else if (split[col]) {
                    addBuffer(buffers, buffer++, split(c.values, rows, c.width), 0, rows * c.width);
                } else {
                    addBuffer(buffers, buffer++, c.values, 0, rows * c.width);
                }
            } else if (c.width < 0) {
                addBuffer(buffers, buffer++, c.values, 0, ColumnAccumulator.bitmapBytes(rows));
            } else {
                byte[] offsets = ensureScratch(4 * (rows + 1));
                for (int r = 0; r <= rows; r++) {
                    LittleEndian.putInt(offsets, 4 * r, c.offsets[r]);
                }
                addBuffer(buffers, buffer++, split[col] ? split(offsets, rows + 1, 4) : offsets, 0, 4 * (rows + 1));
                addBuffer(buffers, buffer++, c.data, 0, c.offsets[rows]);
            }
        }
        messages.writeRecordBatch(out, rows, nodes, n, buffers, buffer, codec, body.size());
        out.put(body.array(), 0, body.size());

        byte[] bytes = Arrays.copyOf(out.array(), out.size());
        ByteBuffer batch = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long firstTimestamp = NO_TIMESTAMP;
        long maxTimestamp = NO_TIMESTAMP;
        int attributes = codec.id();
        if (metadata.isEventTime()) {
            int col = metadata.eventTimeColumn();
            if (col >= n || (schema.column(col).type() != ColumnType.TIMESTAMP
                    && schema.column(col).type() != ColumnType.TIMESTAMP_LTZ)) {
                throw new IllegalArgumentException("event-time column " + col + " is not a TIMESTAMP column of schema "
                        + schema.schemaId());
            }
            if ((statsFlags[col] & STATS_INT64) == 0) {
                throw new InvalidBatchException("event-time column " + schema.column(col).name()
                        + " is NULL in every row of the batch");
            }
            firstTimestamp = min[col];
            maxTimestamp = max[col];
            attributes |= EVENT_TIME_FLAG;
        }
        if (metadata.transactional()) {
            attributes |= TRANSACTIONAL_FLAG;
        }
        batch.putLong(BASE_OFFSET_OFFSET, NO_OFFSET);
        batch.putInt(LENGTH_OFFSET, bytes.length - LOG_OVERHEAD);
        batch.putInt(LEADER_EPOCH_OFFSET, NO_LEADER_EPOCH);
        batch.putLong(FIRST_TIMESTAMP_OFFSET, firstTimestamp);
        batch.putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp);
        batch.put(MAGIC_OFFSET, CURRENT_MAGIC);
        batch.putShort(ATTRIBUTES_OFFSET, (short) attributes);
        batch.putInt(SCHEMA_ID_OFFSET, schema.schemaId());
        batch.putInt(RECORD_COUNT_OFFSET, rows);
        batch.putLong(PRODUCER_ID_OFFSET, metadata.producerId());
        batch.putShort(PRODUCER_EPOCH_OFFSET, metadata.producerEpoch());
        batch.putShort(COLUMN_COUNT_OFFSET, (short) n);
        batch.putInt(BASE_SEQUENCE_OFFSET, metadata.baseSequence());
        for (int col = 0; col < n; col++) {
            int d = descriptorOffset(col);
            batch.putShort(d + DESCRIPTOR_COLUMN_INDEX_OFFSET, (short) col);
            batch.put(d + DESCRIPTOR_ENCODING_OFFSET, (byte) (encoding[col] | (split[col] ? ENCODING_SPLIT_FLAG : 0)));
            batch.put(d + DESCRIPTOR_STATS_FLAGS_OFFSET, (byte) statsFlags[col]);
            batch.putInt(d + DESCRIPTOR_NULL_COUNT_OFFSET, columns[col].nullCount);
            batch.putLong(d + DESCRIPTOR_MIN_OFFSET, min[col]);
            batch.putLong(d + DESCRIPTOR_MAX_OFFSET, max[col]);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, CRC_COVERED_OFFSET, bytes.length - CRC_COVERED_OFFSET);
        batch.putInt(CRC_OFFSET, (int) crc.getValue());
        return batch;
    }

    /** Chooses the encoding of column {@code col} and computes its statistics. */
    private void analyze(int col, int[] encoding, int[] statsFlags, long[] min, long[] max, int[] dictionarySize,
            int[][] dictionaryRows, int[][] dictionaryIndex) {
        ColumnAccumulator c = columns[col];
        ColumnType type = c.column.type();
        encoding[col] = ENCODING_PLAIN;
        if (type.isVariableLength()) {
            if (useDictionaries && rows >= 2) {
                int distinct = dictionary.encode(c, rows, maxDistinct(rows));
                if (distinct > 0) {
                    dictionary.sort(c, rows);
                    encoding[col] = distinct <= Byte.MAX_VALUE ? ENCODING_DICTIONARY_INT8
                            : distinct <= Short.MAX_VALUE ? ENCODING_DICTIONARY_INT16 : ENCODING_DICTIONARY_INT32;
                    dictionarySize[col] = distinct;
                    dictionaryRows[col] = Arrays.copyOf(dictionary.entryRow, distinct);
                    dictionaryIndex[col] = Arrays.copyOf(dictionary.rowIndex, rows);
                }
            }
            return;
        }
        boolean integral = type.isIntegral() || (type == ColumnType.DECIMAL && c.width == 8);
        if (integral) {
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            boolean sorted = true;
            long previous = Long.MIN_VALUE;
            for (int r = 0; r < rows; r++) {
                long v = getFixed(c, r);
                if (v < previous) {
                    sorted = false;
                }
                previous = v;
                if (c.nullCount == 0 || !c.isNull(r)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            if (c.nullCount < rows) {
                statsFlags[col] = STATS_INT64;
                min[col] = lo;
                max[col] = hi;
            }
            if (useDelta && sorted && rows >= 2 && c.width >= 4) {
                encoding[col] = ENCODING_DELTA;
            }
        } else if (type == ColumnType.REAL || type == ColumnType.DOUBLE) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            boolean any = false;
            for (int r = 0; r < rows; r++) {
                if (c.nullCount > 0 && c.isNull(r)) {
                    continue;
                }
                double v = type == ColumnType.REAL ? Float.intBitsToFloat(LittleEndian.getInt(c.values, 4 * r))
                        : Double.longBitsToDouble(LittleEndian.getLong(c.values, 8 * r));
                if (!Double.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    any = true;
                }
            }
            if (any) {
                statsFlags[col] = STATS_FLOAT64;
                min[col] = Double.doubleToRawLongBits(lo);
                max[col] = Double.doubleToRawLongBits(hi);
            }
        }
    }

    /**
     * Most distinct values for which a column is dictionary-encoded: half the rows. Measured on the
     * orders data at 10,000 rows (docs/performance.md): a 6,300-value customer column costs 2.75
     * B/row plain (offsets byte-stream split) against 2.96 with a sorted dictionary, while the
     * 1,000-value product column drops from 2.19 to 1.63 with one; at 32,768 rows both columns are
     * below the threshold and gain (customer 2.62 -> 2.06).
     */
    private static int maxDistinct(int rows) {
        return rows / 2;
    }

    private byte[] deltaEncode(ColumnAccumulator c) {
        byte[] deltas = ensureScratch(rows * c.width);
        long previous = 0;
        for (int r = 0; r < rows; r++) {
            long v = getFixed(c, r);
            if (c.width == 8) {
                LittleEndian.putLong(deltas, 8 * r, v - previous);
            } else {
                LittleEndian.putInt(deltas, 4 * r, (int) (v - previous));
            }
            previous = v;
        }
        return deltas;
    }

    /** The byte-stream split form of {@code count} values of {@code width} bytes, in a reused array. */
    private byte[] split(byte[] src, int count, int width) {
        if (splitScratch.length < count * width) {
            splitScratch = new byte[Math.max(count * width, splitScratch.length * 2)];
        }
        ByteStreamSplit.split(src, 0, count, width, splitScratch);
        return splitScratch;
    }

    private void addBuffer(long[] buffers, int index, byte[] src, int offset, int length) {
        int start = body.size();
        int written = compressor.compress(src, offset, length, body);
        body.padTo8();
        buffers[2 * index] = start;
        buffers[2 * index + 1] = written;
    }

    private byte[] ensureScratch(int bytes) {
        if (scratch.length < bytes) {
            scratch = new byte[Math.max(bytes, scratch.length * 2)];
        }
        return scratch;
    }

    private static long getFixed(ColumnAccumulator c, int row) {
        return switch (c.width) {
            case 1 -> c.values[row];
            case 2 -> LittleEndian.getShort(c.values, 2 * row);
            case 4 -> LittleEndian.getInt(c.values, 4 * row);
            default -> LittleEndian.getLong(c.values, 8 * row);
        };
    }

    private static void putFixed(ColumnAccumulator c, int row, long value) {
        switch (c.width) {
            case 1 -> c.values[row] = (byte) value;
            case 2 -> LittleEndian.putShort(c.values, 2 * row, (short) value);
            case 4 -> LittleEndian.putInt(c.values, 4 * row, (int) value);
            default -> LittleEndian.putLong(c.values, 8 * row, value);
        }
    }

    private void putVariable(ColumnAccumulator c, byte[] src, int offset, int length) {
        c.ensureRow(rows);
        int start = c.offsets[rows];
        c.ensureData(start, length);
        System.arraycopy(src, offset, c.data, start, length);
        c.pendingEnd = start + length;
    }

    private ColumnAccumulator column(int col) {
        ensureOpen();
        if (col < 0 || col >= columns.length) {
            throw new IndexOutOfBoundsException("column " + col + " of schema " + schema.schemaId() + " with "
                    + columns.length + " columns");
        }
        return columns[col];
    }

    private ColumnAccumulator typed(int col, String setter, ColumnType expected) {
        ColumnAccumulator c = column(col);
        if (c.column.type() != expected) {
            throw typeMismatch(c, setter);
        }
        return c;
    }

    private InvalidValueException typeMismatch(ColumnAccumulator c, String setter) {
        return invalid(Kind.TYPE, c, "the setter for " + c.column.type(), setter);
    }

    private InvalidValueException invalid(Kind kind, ColumnAccumulator c, String expected, String actual) {
        return new InvalidValueException(kind, c.column.name(), rows, expected, actual);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("batch builder is closed");
        }
    }

    private static long[] powersOfTen() {
        long[] p = new long[19];
        p[0] = 1;
        for (int i = 1; i < p.length; i++) {
            p[i] = p[i - 1] * 10;
        }
        return p;
    }

    @Override
    public void close() {
        closed = true;
        compressor.close();
    }
}
