package io.runnel.storage.log;

/** A batch larger than {@link LogConfig#maxBatchBytes()}. Split it and retry (SQLSTATE 54000). */
public final class RecordBatchTooLargeException extends LogException {
    private static final long serialVersionUID = 1L;

    public RecordBatchTooLargeException(String log, int sizeInBytes, int maxBatchBytes) {
        super(log + ": batch of " + sizeInBytes + " bytes exceeds the maximum of " + maxBatchBytes);
    }
}
