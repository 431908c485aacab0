package io.runnel.storage.format;

/**
 * A well-formed batch that may not be appended: its schema id, columns or values break the topic's
 * rules (a NOT NULL column with nulls, a VARCHAR(n) value that is too long, a projected batch, an
 * empty batch). The broker rejects the whole batch; nothing is written. Not retriable.
 */
public final class InvalidBatchException extends BatchFormatException {
    private static final long serialVersionUID = 1L;

    private final InvalidValueException.Kind kind;

    public InvalidBatchException(String message) {
        this(InvalidValueException.Kind.TYPE, message);
    }

    /** A batch whose values break a column rule of {@code kind} (NOT NULL, length, range). */
    public InvalidBatchException(InvalidValueException.Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** Which rule the batch breaks; {@code TYPE} (SQLSTATE 22000) for anything but a value rule. */
    public InvalidValueException.Kind kind() {
        return kind;
    }
}
