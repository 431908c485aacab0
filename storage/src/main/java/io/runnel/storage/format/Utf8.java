package io.runnel.storage.format;

/** UTF-8 checks without decoding. */
final class Utf8 {
    private Utf8() {}

    /**
     * Number of code points in {@code bytes[offset, offset+length)}, or {@code -(index + 1)} of the
     * first byte that breaks well-formed UTF-8 (overlong forms, surrogates and values above U+10FFFF
     * included).
     */
    static int countCodePoints(byte[] bytes, int offset, int length) {
        int count = 0;
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
            } else if ((b & 0xE0) == 0xC0) {
                if (b == (byte) 0xC0 || b == (byte) 0xC1 || i + 1 >= end || !continuation(bytes[i + 1])) {
                    return -(i - offset) - 1;
                }
                i += 2;
            } else if ((b & 0xF0) == 0xE0) {
                if (i + 2 >= end || !continuation(bytes[i + 1]) || !continuation(bytes[i + 2])) {
                    return -(i - offset) - 1;
                }
                int cp = ((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F);
                if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) {
                    return -(i - offset) - 1;
                }
                i += 3;
            } else if ((b & 0xF8) == 0xF0) {
                if (i + 3 >= end || !continuation(bytes[i + 1]) || !continuation(bytes[i + 2]) || !continuation(bytes[i + 3])) {
                    return -(i - offset) - 1;
                }
                int cp = ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3F) << 12) | ((bytes[i + 2] & 0x3F) << 6) | (bytes[i + 3] & 0x3F);
                if (cp < 0x10000 || cp > 0x10FFFF) {
                    return -(i - offset) - 1;
                }
                i += 4;
            } else {
                return -(i - offset) - 1;
            }
            count++;
        }
        return count;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
