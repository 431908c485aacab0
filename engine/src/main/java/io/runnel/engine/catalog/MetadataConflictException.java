package io.runnel.engine.catalog;

/**
 * A compare-and-set write of the catalog lost: the entry was created, changed or deleted since the
 * caller read it (expected version vs actual in the message). Retriable: read again and redo.
 */
public final class MetadataConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataConflictException(String message) {
        super(message);
    }
}
