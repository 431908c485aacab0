package io.runnel.storage.format;

import java.util.Arrays;

/**
 * The values of one column of the batch being built, in Arrow's plain layout: a validity bitmap,
 * and fixed-width values, bit-packed booleans, or int32 offsets plus UTF-8/binary bytes. Grows by
 * doubling; {@link #reset()} keeps the arrays for the next batch. Owned by one {@link BatchBuilder}.
 */
final class ColumnAccumulator {
    final Column column;
    /** Bytes per value: 1..16, -1 for bit-packed BOOLEAN, 0 for variable length. */
    final int width;
    byte[] values;
    byte[] validity;
    int nullCount;
    int[] offsets;
    byte[] data;
    /** End in {@link #data} of the value set for the open row, or -1. */
    int pendingEnd = -1;

    ColumnAccumulator(Column column, int initialRows) {
        this.column = column;
        this.width = column.fixedWidthBytes();
        this.validity = new byte[bitmapBytes(initialRows)];
        if (width > 0) {
            values = new byte[initialRows * width];
        } else if (width < 0) {
            values = new byte[bitmapBytes(initialRows)];
        } else {
            offsets = new int[initialRows + 1];
            data = new byte[initialRows * 16];
        }
    }

    static int bitmapBytes(int rows) {
        return (rows + 7) >>> 3;
    }

    void reset() {
        nullCount = 0;
        pendingEnd = -1;
    }

    /** Makes room for row {@code row}. */
    void ensureRow(int row) {
        int rows = row + 1;
        if (bitmapBytes(rows) > validity.length) {
            validity = Arrays.copyOf(validity, Math.max(bitmapBytes(rows), validity.length * 2));
        }
        if (width > 0) {
            if (rows * width > values.length) {
                values = Arrays.copyOf(values, Math.max(rows * width, values.length * 2));
            }
        } else if (width < 0) {
            if (bitmapBytes(rows) > values.length) {
                values = Arrays.copyOf(values, Math.max(bitmapBytes(rows), values.length * 2));
            }
        } else if (rows + 1 > offsets.length) {
            offsets = Arrays.copyOf(offsets, Math.max(rows + 1, offsets.length * 2));
        }
    }

    /** Makes room for {@code length} more bytes of variable-length data starting at {@code start}. */
    void ensureData(int start, int length) {
        long needed = (long) start + length;
        if (needed > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("column " + column.name() + " holds more than 2 GiB in one batch");
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, data.length * 2L)));
        }
    }

    /** Closes row {@code row} as holding a value. */
    void endValue(int row) {
        validity[row >>> 3] |= (byte) (1 << (row & 7));
        if (width == 0) {
            offsets[row + 1] = pendingEnd;
            pendingEnd = -1;
        }
    }

    /**
     * Closes row {@code row} as NULL. Fixed-width slots repeat the previous row's value so that a
     * sorted column stays sorted (and delta-encodes to zeros) through its nulls.
     */
    void endNull(int row) {
        validity[row >>> 3] &= (byte) ~(1 << (row & 7));
        nullCount++;
        if (width > 0) {
            if (row == 0) {
                Arrays.fill(values, 0, width, (byte) 0);
            } else {
                System.arraycopy(values, (row - 1) * width, values, row * width, width);
            }
        } else if (width < 0) {
            values[row >>> 3] &= (byte) ~(1 << (row & 7));
        } else {
            offsets[row + 1] = offsets[row];
            pendingEnd = -1;
        }
    }

    boolean isNull(int row) {
        return (validity[row >>> 3] & (1 << (row & 7))) == 0;
    }

    /** Uncompressed bytes this column occupies for {@code rows} rows. */
    long sizeInBytes(int rows) {
        long size = bitmapBytes(rows);
        if (width > 0) {
            size += (long) rows * width;
        } else if (width < 0) {
            size += bitmapBytes(rows);
        } else {
            size += 4L * (rows + 1) + offsets[rows];
        }
        return size;
    }
}
