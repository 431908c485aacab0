package io.runnel.storage.format.wire;

/**
 * A data-path message (docs/format/data-path-protocol.md) is malformed: wrong magic, unknown version
 * or type, truncated, or a field out of range. The message names the field, where it is, and what
 * was expected. Not retriable: the same bytes fail the same way.
 */
public final class DataPathFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataPathFormatException(String message) {
        super(message);
    }
}
