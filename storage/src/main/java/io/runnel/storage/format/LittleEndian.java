package io.runnel.storage.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian reads and writes of primitives in byte arrays, through intrinsified VarHandles. */
final class LittleEndian {
    private LittleEndian() {}

    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static short getShort(byte[] a, int i) {
        return (short) SHORT.get(a, i);
    }

    static int getInt(byte[] a, int i) {
        return (int) INT.get(a, i);
    }

    static long getLong(byte[] a, int i) {
        return (long) LONG.get(a, i);
    }

    static void putShort(byte[] a, int i, short v) {
        SHORT.set(a, i, v);
    }

    static void putInt(byte[] a, int i, int v) {
        INT.set(a, i, v);
    }

    static void putLong(byte[] a, int i, long v) {
        LONG.set(a, i, v);
    }
}
