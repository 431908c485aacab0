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
     */
    void sort(ColumnAccumulator column, int rows) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        int[] scratch = new int[size];
        mergeSort(order, scratch, 0, size, column);
        int[] newIndex = scratch;
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

    private void mergeSort(int[] a, int[] tmp, int from, int to, ColumnAccumulator column) {
        if (to - from < 16) {
            for (int i = from + 1; i < to; i++) {
                int x = a[i];
                int j = i - 1;
                while (j >= from && compare(a[j], x, column) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid, column);
        mergeSort(a, tmp, mid, to, column);
        if (compare(a[mid - 1], a[mid], column) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            if (j >= to || (i < mid && compare(tmp[i], tmp[j], column) <= 0)) {
                a[k] = tmp[i++];
            } else {
                a[k] = tmp[j++];
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
