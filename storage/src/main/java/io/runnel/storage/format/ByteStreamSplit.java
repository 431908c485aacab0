package io.runnel.storage.format;

/**
 * Parquet's BYTE_STREAM_SPLIT transform of a buffer of fixed-width values: byte 0 of every value,
 * then byte 1 of every value, and so on. The bytes that vary (low bytes of small integers, of
 * increasing offsets, the mantissa of floats) end up together and apart from the ones that barely
 * vary, which zstd then codes far better: measured on the orders data, DECIMAL(12,2) amounts go
 * from 2.78 to 2.23 bytes/row, qty from 0.75 to 0.45, and the offsets of a 6,300-entry dictionary
 * from 1.66 to 0.07.
 */
final class ByteStreamSplit {
    private ByteStreamSplit() {}

    /** Writes the split form of {@code count} values of {@code width} bytes from {@code src[offset…]} into {@code dst[0…]}. */
    static void split(byte[] src, int offset, int count, int width, byte[] dst) {
        for (int k = 0; k < width; k++) {
            int out = k * count;
            int in = offset + k;
            for (int i = 0; i < count; i++) {
                dst[out + i] = src[in];
                in += width;
            }
        }
    }

    /** Undoes {@link #split}: {@code count} values of {@code width} bytes from {@code src[offset…]} into a new array. */
    static byte[] join(byte[] src, int offset, int count, int width) {
        byte[] dst = new byte[count * width];
        if (width == 8) {
            // Assemble whole values: eight sequential reads and one write per value.
            for (int i = 0; i < count; i++) {
                int in = offset + i;
                long v = (src[in] & 0xFFL)
                        | (src[in + count] & 0xFFL) << 8
                        | (src[in + 2 * count] & 0xFFL) << 16
                        | (src[in + 3 * count] & 0xFFL) << 24
                        | (src[in + 4 * count] & 0xFFL) << 32
                        | (src[in + 5 * count] & 0xFFL) << 40
                        | (src[in + 6 * count] & 0xFFL) << 48
                        | (src[in + 7 * count] & 0xFFL) << 56;
                LittleEndian.putLong(dst, 8 * i, v);
            }
            return dst;
        }
        if (width == 4) {
            for (int i = 0; i < count; i++) {
                int in = offset + i;
                int v = (src[in] & 0xFF)
                        | (src[in + count] & 0xFF) << 8
                        | (src[in + 2 * count] & 0xFF) << 16
                        | (src[in + 3 * count] & 0xFF) << 24;
                LittleEndian.putInt(dst, 4 * i, v);
            }
            return dst;
        }
        for (int k = 0; k < width; k++) {
            int in = offset + k * count;
            int out = k;
            for (int i = 0; i < count; i++) {
                dst[out] = src[in + i];
                out += width;
            }
        }
        return dst;
    }

    /**
     * Undoes {@link #split} for 8-byte values straight into longs: one pass per byte plane, each a
     * simple loop the JIT vectorizes.
     */
    static long[] joinLongs(byte[] src, int offset, int count) {
        long[] dst = new long[count];
        for (int k = 0; k < 8; k++) {
            int base = offset + k * count;
            int shift = 8 * k;
            for (int i = 0; i < count; i++) {
                dst[i] |= (src[base + i] & 0xFFL) << shift;
            }
        }
        return dst;
    }

    /** Undoes {@link #split} for 4-byte values straight into ints. */
    static int[] joinInts(byte[] src, int offset, int count) {
        int[] dst = new int[count];
        for (int k = 0; k < 4; k++) {
            int base = offset + k * count;
            int shift = 8 * k;
            for (int i = 0; i < count; i++) {
                dst[i] |= (src[base + i] & 0xFF) << shift;
            }
        }
        return dst;
    }

    /** Little-endian int32 values from {@code src[offset…]} (an unsplit buffer) into ints. */
    static int[] ints(byte[] src, int offset, int count) {
        int[] dst = new int[count];
        for (int i = 0; i < count; i++) {
            dst[i] = LittleEndian.getInt(src, offset + 4 * i);
        }
        return dst;
    }
}
