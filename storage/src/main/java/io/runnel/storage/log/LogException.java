package io.runnel.storage.log;

/** Base of the partition log's errors. Each subtype says whether retrying can help. */
public abstract class LogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected LogException(String message) {
        super(message);
    }

    protected LogException(String message, Throwable cause) {
        super(message, cause);
    }
}
