package io.runnel.storage.format.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one data-path message: big-endian fields into a growing array. Not thread-safe.
 */
final class WireWriter {
    private byte[] bytes;
    private int position;

    WireWriter(int initialBytes) {
        bytes = new byte[Math.max(64, initialBytes)];
    }

    /** Starts a message with the common header (magic, version, type). */
    static WireWriter message(MessageType type, int initialBytes) {
        WireWriter w = new WireWriter(initialBytes + DataPathProtocol.HEADER_SIZE);
        w.putInt(DataPathProtocol.MAGIC);
        w.putByte(DataPathProtocol.VERSION);
        w.putByte(type.code());
        return w;
    }

    void putByte(int value) {
        ensure(1);
        bytes[position++] = (byte) value;
    }

    void putShort(int value) {
        ensure(2);
        bytes[position++] = (byte) (value >>> 8);
        bytes[position++] = (byte) value;
    }

    void putInt(int value) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes[position++] = (byte) (value >>> shift);
        }
    }

    void putLong(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[position++] = (byte) (value >>> shift);
        }
    }

    /** A string as an int16 byte length and UTF-8 bytes. */
    void putString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 0xFFFF) {
            throw new IllegalArgumentException("string of " + utf8.length + " UTF-8 bytes exceeds 65535");
        }
        putShort(utf8.length);
        putBytes(utf8, 0, utf8.length);
    }

    /** The remaining bytes of {@code buffer}, without moving its position. */
    void putBuffer(ByteBuffer buffer) {
        int n = buffer.remaining();
        ensure(n);
        buffer.duplicate().get(bytes, position, n);
        position += n;
    }

    void putBytes(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, bytes, position, length);
        position += length;
    }

    byte[] toByteArray() {
        return bytes.length == position ? bytes : Arrays.copyOf(bytes, position);
    }

    private void ensure(int more) {
        if (position + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, position + more));
        }
    }

    /** A schema in the layout {@link WireReader#getSchema()} reads. */
    void putSchema(io.runnel.storage.format.Schema schema) {
        putInt(schema.schemaId());
        putShort(schema.columnCount());
        for (io.runnel.storage.format.Column c : schema.columns()) {
            putString(c.name());
            putByte(c.type().ordinal());
            putInt(c.precision());
            putInt(c.scale());
            putByte(c.nullable() ? 1 : 0);
        }
    }
}
