package io.runnel.storage.format;

/**
 * Base of every error about a batch's bytes or values. Unchecked: callers on the append path turn
 * the subtypes into protocol or SQL errors (see each subtype for its SQLSTATE).
 */
public abstract class BatchFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected BatchFormatException(String message) {
        super(message);
    }

    protected BatchFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
