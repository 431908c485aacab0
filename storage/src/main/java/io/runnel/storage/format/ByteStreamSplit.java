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
}
