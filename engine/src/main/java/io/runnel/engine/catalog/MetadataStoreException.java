package io.runnel.engine.catalog;

/** The catalog could not be read or written (I/O error, damaged file); the message names the file. */
public final class MetadataStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
