package io.runnel.storage.log;

import java.nio.file.Path;

/**
 * An I/O error on a log's files: {@link #file()} names the file. When {@link #isLogOffline()} the
 * log could not restore a consistent state and refuses further writes (reads still work); otherwise
 * the failed operation changed nothing and may be retried once the cause is fixed.
 */
public class LogStorageException extends LogException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final boolean logOffline;

    public LogStorageException(String message, Path file, boolean logOffline, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.logOffline = logOffline;
    }

    public Path file() {
        return file;
    }

    public boolean isLogOffline() {
        return logOffline;
    }
}
