package io.runnel.storage.log;

/** A follower's batch does not continue the log (its base offset is not the log end offset). Not retriable as is. */
public final class InvalidOffsetException extends LogException {
    private static final long serialVersionUID = 1L;

    public InvalidOffsetException(String message) {
        super(message);
    }
}
