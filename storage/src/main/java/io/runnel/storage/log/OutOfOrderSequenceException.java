package io.runnel.storage.log;

/**
 * An idempotent producer's batch is neither new nor a remembered duplicate (its sequences overlap
 * stored ones, or its epoch is older than the stored one): nothing was appended. Not retriable as
 * is; the client starts a new producer id and sends the rows again.
 */
public final class OutOfOrderSequenceException extends LogException {
    private static final long serialVersionUID = 1L;

    public OutOfOrderSequenceException(String message) {
        super(message);
    }
}
