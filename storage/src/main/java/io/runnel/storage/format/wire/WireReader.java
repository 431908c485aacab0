package io.runnel.storage.format.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads one data-path message with bounds checks: every read names the field, so a truncated or
 * corrupt body fails with a {@link DataPathFormatException} saying which field at which position, never
 * with an {@link IndexOutOfBoundsException} or a silently wrong value. Not thread-safe.
 */
final class WireReader {
    private final ByteBuffer buffer;
    private final String what;

    private WireReader(ByteBuffer buffer, String what) {
        this.buffer = buffer.slice().order(ByteOrder.BIG_ENDIAN);
        this.what = what;
    }

    /** Reads and checks the header; the reader is then at the first field after it. */
    static WireReader message(ByteBuffer body, MessageType expected) {
        WireReader r = new WireReader(body, expected.description());
        int magic = r.getInt("magic");
        if (magic != DataPathProtocol.MAGIC) {
            throw new DataPathFormatException(expected.description() + ": magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(DataPathProtocol.MAGIC) + " (not a Runnel data-path message)");
        }
        int version = r.getByte("version");
        if (version != DataPathProtocol.VERSION) {
            throw new DataPathFormatException(expected.description() + ": protocol version " + version + ", this side speaks "
                    + DataPathProtocol.VERSION);
        }
        int type = r.getByte("type");
        if (type != expected.code()) {
            throw new DataPathFormatException(expected.description() + ": message type " + type + ", expected "
                    + expected.code());
        }
        return r;
    }

    /** The message type in {@code body}'s header, without checking the rest (for a response that may be an error). */
    static int peekType(ByteBuffer body) {
        if (body.remaining() < DataPathProtocol.HEADER_SIZE) {
            throw new DataPathFormatException("data-path message of " + body.remaining() + " bytes is shorter than its "
                    + DataPathProtocol.HEADER_SIZE + "-byte header");
        }
        return body.get(body.position() + DataPathProtocol.HEADER_SIZE - 1) & 0xFF;
    }

    int getByte(String field) {
        need(1, field);
        return buffer.get() & 0xFF;
    }

    int getShort(String field) {
        need(2, field);
        return buffer.getShort() & 0xFFFF;
    }

    int getInt(String field) {
        need(4, field);
        return buffer.getInt();
    }

    long getLong(String field) {
        need(8, field);
        return buffer.getLong();
    }

    /** An int that must lie in {@code [min, max]}. */
    int getInt(String field, int min, int max) {
        int position = buffer.position();
        int v = getInt(field);
        if (v < min || v > max) {
            throw new DataPathFormatException(what + ": " + field + " at byte " + position + " is " + v + ", expected "
                    + min + ".." + max);
        }
        return v;
    }

    String getString(String field) {
        int length = getShort(field + " length");
        need(length, field);
        byte[] utf8 = new byte[length];
        buffer.get(utf8);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new DataPathFormatException(what + ": " + field + " is not valid UTF-8");
        }
    }

    /** The next {@code length} bytes as a view (no copy) of the message. */
    ByteBuffer getSlice(int length, String field) {
        need(length, field);
        ByteBuffer slice = buffer.slice();
        slice.limit(length);
        buffer.position(buffer.position() + length);
        return slice;
    }

    /**
     * A schema: {@code schemaId int32 | columnCount int16 | column ...}, each column
     * {@code name string | type int8 (ColumnType ordinal) | precision int32 | scale int32 | nullable int8}.
     */
    io.runnel.storage.format.Schema getSchema() {
        int schemaId = getInt("schemaId", 0, Integer.MAX_VALUE);
        int columnCount = getShort("columnCount");
        java.util.List<io.runnel.storage.format.Column> columns = new java.util.ArrayList<>(columnCount);
        io.runnel.storage.format.ColumnType[] types = io.runnel.storage.format.ColumnType.values();
        for (int i = 0; i < columnCount; i++) {
            String name = getString("column name");
            int type = getByte("column type");
            if (type >= types.length) {
                throw new DataPathFormatException(what + ": column " + name + " has type code " + type
                        + ", expected 0.." + (types.length - 1));
            }
            int precision = getInt("column precision");
            int scale = getInt("column scale");
            int nullable = getByte("column nullable");
            if (nullable > 1) {
                throw new DataPathFormatException(what + ": column " + name + " nullable is " + nullable
                        + ", expected 0 or 1");
            }
            try {
                columns.add(new io.runnel.storage.format.Column(name, types[type], precision, scale, nullable == 1));
            } catch (IllegalArgumentException e) {
                throw new DataPathFormatException(what + ": " + e.getMessage());
            }
        }
        try {
            return new io.runnel.storage.format.Schema(schemaId, columns);
        } catch (IllegalArgumentException e) {
            throw new DataPathFormatException(what + ": " + e.getMessage());
        }
    }

    /** Fails unless every byte was read: trailing bytes mean the two sides disagree on the layout. */
    void expectEnd() {
        if (buffer.hasRemaining()) {
            throw new DataPathFormatException(what + ": " + buffer.remaining() + " unexpected trailing bytes at byte "
                    + buffer.position());
        }
    }

    private void need(int bytes, String field) {
        if (bytes < 0 || buffer.remaining() < bytes) {
            throw new DataPathFormatException(what + " is truncated: " + field + " at byte " + buffer.position() + " needs "
                    + bytes + " bytes, " + buffer.remaining() + " remain");
        }
    }
}
