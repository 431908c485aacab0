package io.runnel.storage.format;

/**
 * A well-formed batch that may not be appended: its schema id, columns or values break the topic's
 * rules (a NOT NULL column with nulls, a VARCHAR(n) value that is too long, a projected batch, an
 * empty batch). The broker rejects the whole batch; nothing is written. Not retriable.
 */
public final class InvalidBatchException extends BatchFormatException {
    private static final long serialVersionUID = 1L;

    public InvalidBatchException(String message) {
        super(message);
    }
}
