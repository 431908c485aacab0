package io.runnel.storage.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * The rows of one batch, decoded column by column for the SQL layer's scan and the driver's
 * {@code ResultSet}. Columns are addressed by their index in the reader's schema (the one given to
 * {@link BatchDecoder#decode}); a column the batch's older schema did not have reads NULL; a column
 * left out of the projection cannot be read.
 *
 * <p>Typed getters read primitives straight from the decompressed buffers (no boxing); dictionary
 * strings are decoded once per batch. A getter on a NULL value returns 0 / false / null: check
 * {@link #isNull} first. System columns: {@link #offset(int)} is {@code _offset}, {@link #timestamp(int)}
 * is {@code _timestamp} for append-time batches.
 *
 * <p>Immutable after decoding; safe to read from several threads. May share bytes with the batch it
 * was decoded from when that batch is uncompressed: keep the batch's buffer unchanged while in use.
 */
public final class DecodedBatch {
    /** One column's decoded buffers. Exactly one representation is set. */
    static final class ColumnData {
        ColumnType type;
        int scale;
        boolean present;
        boolean projected;
        byte[] validity;
        int validityOffset;
        /** Plain fixed-width values, bit-packed booleans, or dictionary indices. */
        byte[] values;
        int valuesOffset;
        int width;
        /** Values decoded into primitives (delta-encoded or byte-stream split 8- and 4-byte columns). */
        long[] longs;
        int[] ints;
        /** Plain variable-length values. */
        int[] offsets;
        byte[] data;
        int dataOffset;
        /** Dictionary values, decoded lazily per entry. */
        int indexWidth;
        int[] dictOffsets;
        byte[] dictData;
        int dictDataOffset;
        int dictSize;
        String[] dictStrings;
    }

    private final Schema schema;
    private final int schemaIdOfBatch;
    private final long baseOffset;
    private final int rowCount;
    private final long firstTimestamp;
    private final long maxTimestamp;
    private final boolean eventTime;
    private final ColumnData[] columns;

    DecodedBatch(Schema schema, RecordBatch batch, ColumnData[] columns) {
        this.schema = schema;
        this.schemaIdOfBatch = batch.schemaId();
        this.baseOffset = batch.baseOffset();
        this.rowCount = batch.recordCount();
        this.firstTimestamp = batch.firstTimestamp();
        this.maxTimestamp = batch.maxTimestamp();
        this.eventTime = batch.isEventTime();
        this.columns = columns;
    }

    public Schema schema() {
        return schema;
    }

    /** The schema id the batch was written with (at most {@code schema().schemaId()}). */
    public int batchSchemaId() {
        return schemaIdOfBatch;
    }

    public int rowCount() {
        return rowCount;
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** {@code _offset} of row {@code row}. */
    public long offset(int row) {
        return baseOffset + row;
    }

    /**
     * {@code _timestamp} of row {@code row} in an append-time batch: the leader's append time, the
     * same for every row of the batch. In an event-time batch this is the batch's largest event
     * time; a row's own {@code _timestamp} is then its event-time column.
     */
    public long timestamp(int row) {
        return maxTimestamp;
    }

    public long firstTimestamp() {
        return firstTimestamp;
    }

    public long maxTimestamp() {
        return maxTimestamp;
    }

    public boolean isEventTime() {
        return eventTime;
    }

    /** Whether column {@code col} can be read (it was projected; it may still be absent and NULL). */
    public boolean isProjected(int col) {
        return columns[col].projected;
    }

    public boolean isNull(int col, int row) {
        ColumnData c = column(col);
        if (!c.present) {
            return true;
        }
        byte[] v = c.validity;
        return v != null && (v[c.validityOffset + (row >>> 3)] & (1 << (row & 7))) == 0;
    }

    public boolean getBoolean(int col, int row) {
        ColumnData c = column(col);
        if (!c.present) {
            return false;
        }
        checkRow(row);
        return (c.values[c.valuesOffset + (row >>> 3)] & (1 << (row & 7))) != 0;
    }

    /** For TINYINT, SMALLINT, INTEGER, DATE, TIME. */
    public int getInt(int col, int row) {
        ColumnData c = column(col);
        if (!c.present) {
            return 0;
        }
        checkRow(row);
        if (c.type == ColumnType.REAL || c.type == ColumnType.DOUBLE) {
            throw wrongType(c, col, "getInt");
        }
        if (c.ints != null) {
            return c.ints[row];
        }
        return switch (c.width) {
            case 1 -> c.values[c.valuesOffset + row];
            case 2 -> LittleEndian.getShort(c.values, c.valuesOffset + 2 * row);
            case 4 -> LittleEndian.getInt(c.values, c.valuesOffset + 4 * row);
            default -> throw wrongType(c, col, "getInt");
        };
    }

    /** For every integral type, and the unscaled value of a DECIMAL with precision up to 18. */
    public long getLong(int col, int row) {
        ColumnData c = column(col);
        if (!c.present) {
            return 0;
        }
        checkRow(row);
        if (c.type == ColumnType.REAL || c.type == ColumnType.DOUBLE) {
            throw wrongType(c, col, "getLong");
        }
        if (c.longs != null) {
            return c.longs[row];
        }
        if (c.ints != null) {
            return c.ints[row];
        }
        return switch (c.width) {
            case 8 -> LittleEndian.getLong(c.values, c.valuesOffset + 8 * row);
            case 4 -> LittleEndian.getInt(c.values, c.valuesOffset + 4 * row);
            case 2 -> LittleEndian.getShort(c.values, c.valuesOffset + 2 * row);
            case 1 -> c.values[c.valuesOffset + row];
            default -> throw wrongType(c, col, "getLong");
        };
    }

    public float getFloat(int col, int row) {
        ColumnData c = column(col);
        if (!c.present) {
            return 0;
        }
        checkRow(row);
        if (c.type == ColumnType.DOUBLE) {
            return (float) getDouble(col, row);
        }
        if (c.type != ColumnType.REAL) {
            throw wrongType(c, col, "getFloat");
        }
        if (c.ints != null) {
            return Float.intBitsToFloat(c.ints[row]);
        }
        return Float.intBitsToFloat(LittleEndian.getInt(c.values, c.valuesOffset + 4 * row));
    }

    public double getDouble(int col, int row) {
        ColumnData c = column(col);
        if (!c.present) {
            return 0;
        }
        checkRow(row);
        return switch (c.type) {
            case DOUBLE -> Double.longBitsToDouble(c.longs != null ? c.longs[row]
                    : LittleEndian.getLong(c.values, c.valuesOffset + 8 * row));
            case REAL -> Float.intBitsToFloat(c.ints != null ? c.ints[row]
                    : LittleEndian.getInt(c.values, c.valuesOffset + 4 * row));
            default -> throw wrongType(c, col, "getDouble");
        };
    }

    /** The value of a DECIMAL column, or null. */
    public BigDecimal getDecimal(int col, int row) {
        ColumnData c = column(col);
        if (isNull(col, row)) {
            return null;
        }
        if (c.type != ColumnType.DECIMAL) {
            throw wrongType(c, col, "getDecimal");
        }
        if (c.width == 8 || c.longs != null) {
            return BigDecimal.valueOf(getLong(col, row), c.scale);
        }
        int base = c.valuesOffset + 16 * row;
        long low = LittleEndian.getLong(c.values, base);
        long high = LittleEndian.getLong(c.values, base + 8);
        if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
            return BigDecimal.valueOf(low, c.scale);
        }
        byte[] be = new byte[16];
        for (int i = 0; i < 16; i++) {
            be[15 - i] = c.values[base + i];
        }
        return new BigDecimal(new BigInteger(be), c.scale);
    }

    /** The value of a VARCHAR column, or null. Dictionary values are decoded once per batch. */
    public String getString(int col, int row) {
        ColumnData c = column(col);
        if (isNull(col, row)) {
            return null;
        }
        if (c.type != ColumnType.VARCHAR) {
            throw wrongType(c, col, "getString");
        }
        if (c.indexWidth > 0) {
            int entry = dictionaryIndex(c, row);
            String s = c.dictStrings[entry];
            if (s == null) {
                int start = c.dictOffsets[entry];
                int end = c.dictOffsets[entry + 1];
                s = new String(c.dictData, c.dictDataOffset + start, end - start, StandardCharsets.UTF_8);
                c.dictStrings[entry] = s;
            }
            return s;
        }
        int start = c.offsets[row];
        int end = c.offsets[row + 1];
        return new String(c.data, c.dataOffset + start, end - start, StandardCharsets.UTF_8);
    }

    /** The bytes of a VARBINARY value (or the UTF-8 of a VARCHAR value), or null. A new array. */
    public byte[] getBytes(int col, int row) {
        ColumnData c = column(col);
        if (isNull(col, row)) {
            return null;
        }
        if (!c.type.isVariableLength()) {
            throw wrongType(c, col, "getBytes");
        }
        if (c.indexWidth > 0) {
            int entry = dictionaryIndex(c, row);
            int start = c.dictOffsets[entry];
            int end = c.dictOffsets[entry + 1];
            return java.util.Arrays.copyOfRange(c.dictData, c.dictDataOffset + start, c.dictDataOffset + end);
        }
        int start = c.offsets[row];
        int end = c.offsets[row + 1];
        return java.util.Arrays.copyOfRange(c.data, c.dataOffset + start, c.dataOffset + end);
    }

    /**
     * The value as an object, or null: Boolean, Byte, Short, Integer, Long, Float, Double,
     * BigDecimal, String, byte[], LocalDate (DATE), LocalTime (TIME), LocalDateTime (TIMESTAMP, the
     * epoch millis read in UTC), Instant (TIMESTAMP_LTZ). Boxes: use the typed getters in loops.
     */
    public Object getObject(int col, int row) {
        if (isNull(col, row)) {
            return null;
        }
        ColumnData c = column(col);
        return switch (c.type) {
            case BOOLEAN -> getBoolean(col, row);
            case TINYINT -> (byte) getInt(col, row);
            case SMALLINT -> (short) getInt(col, row);
            case INTEGER -> getInt(col, row);
            case BIGINT -> getLong(col, row);
            case REAL -> getFloat(col, row);
            case DOUBLE -> getDouble(col, row);
            case DECIMAL -> getDecimal(col, row);
            case VARCHAR -> getString(col, row);
            case VARBINARY -> getBytes(col, row);
            case DATE -> LocalDate.ofEpochDay(getInt(col, row));
            case TIME -> LocalTime.ofNanoOfDay(getInt(col, row) * 1_000_000L);
            case TIMESTAMP -> LocalDateTime.ofInstant(Instant.ofEpochMilli(getLong(col, row)), ZoneOffset.UTC);
            case TIMESTAMP_LTZ -> Instant.ofEpochMilli(getLong(col, row));
        };
    }

    private static int dictionaryIndex(ColumnData c, int row) {
        return switch (c.indexWidth) {
            case 1 -> c.values[c.valuesOffset + row];
            case 2 -> LittleEndian.getShort(c.values, c.valuesOffset + 2 * row);
            default -> LittleEndian.getInt(c.values, c.valuesOffset + 4 * row);
        };
    }

    private ColumnData column(int col) {
        ColumnData c = columns[col];
        if (!c.projected) {
            throw new IllegalStateException("column " + schema.column(col).name() + " (" + col
                    + ") was not in the projection this batch was decoded with");
        }
        return c;
    }

    private void checkRow(int row) {
        if (row < 0 || row >= rowCount) {
            throw new IndexOutOfBoundsException("row " + row + " of a batch with " + rowCount + " rows");
        }
    }

    private IllegalStateException wrongType(ColumnData c, int col, String getter) {
        return new IllegalStateException(getter + " does not apply to column " + schema.column(col).describe());
    }
}
