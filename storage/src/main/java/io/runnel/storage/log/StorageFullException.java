package io.runnel.storage.log;

import java.nio.file.Path;

/**
 * The disk is full (ENOSPC). The append that hit it wrote nothing: the log was cut back to the
 * previous batch and stays readable and writable once space is freed (SQLSTATE 53100).
 */
public final class StorageFullException extends LogStorageException {
    private static final long serialVersionUID = 1L;

    public StorageFullException(String message, Path file, Throwable cause) {
        super(message, file, false, cause);
    }
}
