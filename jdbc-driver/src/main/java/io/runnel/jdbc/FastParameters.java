package io.runnel.jdbc;

import java.util.Arrays;

/**
 * Parameter values a prepared INSERT on the data path keeps without Avatica's per-value
 * {@code TypedValue} (measured: Avatica's setters were the largest single cost of {@code addBatch},
 * design note 0008): integers unboxed, strings and decimals as given. A parameter set any other way
 * is {@link #NONE} here and lives in Avatica's slot. Not thread-safe: the statement's owner thread.
 */
final class FastParameters {
    static final byte NONE = 0;
    static final byte LONG = 1;
    static final byte OBJECT = 2;

    private final byte[] kinds;
    private final long[] longs;
    private final Object[] objects;
    private int set;

    FastParameters(int count) {
        kinds = new byte[count];
        longs = new long[count];
        objects = new Object[count];
    }

    int kind(int index) {
        return kinds[index];
    }

    long longValue(int index) {
        return longs[index];
    }

    Object objectValue(int index) {
        return objects[index];
    }

    /** Whether any parameter is held here. */
    boolean any() {
        return set > 0;
    }

    void setLong(int index, long value) {
        mark(index, LONG);
        longs[index] = value;
    }

    void setObject(int index, Object value) {
        mark(index, OBJECT);
        objects[index] = value;
    }

    /** The parameter was set through Avatica: forget it here. */
    void clear(int index) {
        if (index >= 0 && index < kinds.length && kinds[index] != NONE) {
            kinds[index] = NONE;
            objects[index] = null;
            set--;
        }
    }

    void clearAll() {
        Arrays.fill(kinds, NONE);
        Arrays.fill(objects, null);
        set = 0;
    }

    private void mark(int index, byte kind) {
        if (kinds[index] == NONE) {
            set++;
        }
        kinds[index] = kind;
    }
}
