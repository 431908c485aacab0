package io.runnel.storage.format;

import java.util.Arrays;

/**
 * Finds the distinct values of a variable-length column and assigns each row the index of its
 * value, in order of first appearance. An open-addressing hash table over the column's own bytes:
 * no allocation per row. Reused across batches by one {@link BatchBuilder}. Not thread-safe.
 */
final class DictionaryEncoder {
    private int[] table = new int[1024];
    /** Per row: index of its value in the dictionary (0 for NULL rows). */
    int[] rowIndex = new int[1024];
    /** Per dictionary entry: the row where the value first appears. */
    int[] entryRow = new int[256];
    int size;

    /**
     * Encodes the first {@code rows} rows of {@code column}.
     *
     * @return the number of distinct non-null values, or -1 as soon as there are more than
     *     {@code maxDistinct}
     */
    int encode(ColumnAccumulator column, int rows, int maxDistinct) {
        int capacity = Integer.highestOneBit(Math.max(16, Math.min(rows, maxDistinct + 1) * 2 - 1)) << 1;
        if (table.length < capacity) {
            table = new int[capacity];
        } else {
            Arrays.fill(table, 0, capacity, 0);
        }
        int mask = capacity - 1;
        if (rowIndex.length < rows) {
            rowIndex = new int[Math.max(rows, rowIndex.length * 2)];
        }
        size = 0;
        int[] offsets = column.offsets;
        byte[] data = column.data;
        for (int row = 0; row < rows; row++) {
            if (column.isNull(row)) {
                rowIndex[row] = 0;
                continue;
            }
            int start = offsets[row];
            int end = offsets[row + 1];
            int slot = hash(data, start, end) & mask;
            while (true) {
                int entry = table[slot] - 1;
                if (entry < 0) {
                    if (size == maxDistinct) {
                        return -1;
                    }
                    if (size == entryRow.length) {
                        entryRow = Arrays.copyOf(entryRow, size * 2);
                    }
                    entryRow[size] = row;
                    table[slot] = ++size;
                    rowIndex[row] = size - 1;
                    break;
                }
                int other = entryRow[entry];
                int otherStart = offsets[other];
                int otherEnd = offsets[other + 1];
                if (Arrays.equals(data, start, end, data, otherStart, otherEnd)) {
                    rowIndex[row] = entry;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        return size;
    }

    private static int hash(byte[] data, int start, int end) {
        int h = 0x9747b28c ^ (end - start);
        int i = start;
        for (; i + 4 <= end; i += 4) {
            h = (h ^ LittleEndian.getInt(data, i)) * 0x5bd1e995;
            h ^= h >>> 15;
        }
        for (; i < end; i++) {
            h = (h ^ data[i]) * 0x5bd1e995;
        }
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    /**
     * Reorders the dictionary by value (unsigned byte order) and renumbers the row indexes. Sorted
     * dictionaries compress far better (neighbouring values share prefixes) and are still standard
     * Arrow: a dictionary's order carries no meaning unless the field says {@code isOrdered}.
     *
     * <p>Sorts longs, not byte strings: a value's key is the 8 bytes after the prefix all values
     * share (big-endian, zero-padded), packed with the entry number into one long, so values like
     * {@code customer-0042} sort with {@link Arrays#sort(long[])}; only values whose packed keys tie
     * are compared byte by byte.
     */
    void sort(ColumnAccumulator column, int rows) {
        byte[] data = column.data;
        int[] offsets = column.offsets;
        int firstStart = offsets[entryRow[0]];
        int prefix = offsets[entryRow[0] + 1] - firstStart;
        for (int e = 1; e < size && prefix > 0; e++) {
            int start = offsets[entryRow[e]];
            int length = Math.min(prefix, offsets[entryRow[e] + 1] - start);
            int m = Arrays.mismatch(data, firstStart, firstStart + length, data, start, start + length);
            prefix = m >= 0 ? m : length;
        }
        // Pack (key prefix, entry) into one long so that Arrays.sort does the work: the entry takes the
        // low bits, the key's top bits the rest, with the sign bit flipped for unsigned order.
        int entryBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(size - 1));
        long entryMask = (1L << entryBits) - 1;
        long[] packed = new long[size];
        for (int e = 0; e < size; e++) {
            int start = offsets[entryRow[e]] + prefix;
            int end = offsets[entryRow[e] + 1];
            long key = 0;
            for (int i = 0; i < 8; i++) {
                key = (key << 8) | (start + i < end ? data[start + i] & 0xFF : 0);
            }
            packed[e] = (((key >>> entryBits) << entryBits) ^ Long.MIN_VALUE) | e;
        }
        Arrays.sort(packed);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = (int) (packed[i] & entryMask);
        }
        // Entries whose packed keys tie (long values, or values equal in the kept key bits): byte compare.
        for (int i = 0; i < size; ) {
            int j = i + 1;
            while (j < size && (packed[j] & ~entryMask) == (packed[i] & ~entryMask)) {
                j++;
            }
            for (int a = i + 1; a < j; a++) {
                int x = order[a];
                int b = a - 1;
                while (b >= i && compare(order[b], x, column) > 0) {
                    order[b + 1] = order[b];
                    b--;
                }
                order[b + 1] = x;
            }
            i = j;
        }
        int[] newIndex = new int[size];
        int[] sortedRows = new int[size];
        for (int i = 0; i < size; i++) {
            newIndex[order[i]] = i;
            sortedRows[i] = entryRow[order[i]];
        }
        System.arraycopy(sortedRows, 0, entryRow, 0, size);
        for (int row = 0; row < rows; row++) {
            if (!column.isNull(row)) {
                rowIndex[row] = newIndex[rowIndex[row]];
            }
        }
    }

    private int compare(int entryA, int entryB, ColumnAccumulator column) {
        int ra = entryRow[entryA];
        int rb = entryRow[entryB];
        return Arrays.compareUnsigned(column.data, column.offsets[ra], column.offsets[ra + 1],
                column.data, column.offsets[rb], column.offsets[rb + 1]);
    }
}
