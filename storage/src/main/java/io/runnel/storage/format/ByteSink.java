package io.runnel.storage.format;

import java.io.OutputStream;
import java.util.Arrays;

/** A growable little-endian byte array, reused across batches by its owner. Not thread-safe. */
final class ByteSink extends OutputStream {
    private byte[] bytes;
    private int size;

    ByteSink(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    int size() {
        return size;
    }

    byte[] array() {
        return bytes;
    }

    void reset() {
        size = 0;
    }

    /** Drops everything after the first {@code newSize} bytes. */
    void reset(int newSize) {
        size = newSize;
    }

    /** Makes room for {@code more} bytes after {@link #size()}. */
    void ensureRemaining(int more) {
        long needed = (long) size + more;
        if (needed > bytes.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("batch body would exceed 2 GiB");
            }
            bytes = Arrays.copyOf(bytes, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 16, bytes.length * 2L)));
        }
    }

    /** Advances the size by {@code n} bytes the caller wrote directly into {@link #array()}. */
    void advance(int n) {
        size += n;
    }

    void putLong(long v) {
        ensureRemaining(8);
        LittleEndian.putLong(bytes, size, v);
        size += 8;
    }

    void putInt(int v) {
        ensureRemaining(4);
        LittleEndian.putInt(bytes, size, v);
        size += 4;
    }

    void put(byte[] src, int off, int len) {
        ensureRemaining(len);
        System.arraycopy(src, off, bytes, size, len);
        size += len;
    }

    /** Zero bytes up to the next multiple of 8. */
    void padTo8() {
        int pad = (int) (BatchFormat.align8(size) - size);
        ensureRemaining(pad);
        Arrays.fill(bytes, size, size + pad, (byte) 0);
        size += pad;
    }

    @Override
    public void write(int b) {
        ensureRemaining(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        put(b, off, len);
    }
}
