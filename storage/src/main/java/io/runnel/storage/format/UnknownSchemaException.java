package io.runnel.storage.format;

/** A batch names a schema id the topic does not have. Not retriable. */
public final class UnknownSchemaException extends BatchFormatException {
    private static final long serialVersionUID = 1L;

    private final int schemaId;

    public UnknownSchemaException(int schemaId) {
        super("unknown schema id " + schemaId);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}
