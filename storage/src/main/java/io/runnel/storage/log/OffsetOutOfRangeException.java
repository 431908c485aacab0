package io.runnel.storage.log;

/**
 * A read or seek asked for an offset outside {@code [logStartOffset, logEndOffset]}. The consumer
 * resets to one of the bounds (earliest/latest), like Kafka's {@code auto.offset.reset}. Not retriable as is.
 */
public final class OffsetOutOfRangeException extends LogException {
    private static final long serialVersionUID = 1L;

    private final long requestedOffset;
    private final long logStartOffset;
    private final long logEndOffset;

    public OffsetOutOfRangeException(String log, long requestedOffset, long logStartOffset, long logEndOffset) {
        super(log + ": offset " + requestedOffset + " is outside the valid range [" + logStartOffset + ", " + logEndOffset + "]");
        this.requestedOffset = requestedOffset;
        this.logStartOffset = logStartOffset;
        this.logEndOffset = logEndOffset;
    }

    public long requestedOffset() {
        return requestedOffset;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }
}
