package io.runnel.storage.log;

/** The log was closed or deleted (the partition moved or was dropped). Retriable elsewhere. */
public final class LogClosedException extends LogException {
    private static final long serialVersionUID = 1L;

    public LogClosedException(String log) {
        super(log + " is closed");
    }
}
