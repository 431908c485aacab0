package io.runnel.storage.format;

/**
 * Resolves the schema id a batch names to the topic's schema at that version.
 *
 * <p>Implementations must be thread-safe: the log calls it from its writer and its readers.
 */
@FunctionalInterface
public interface SchemaLookup {

    /**
     * The schema with id {@code schemaId}.
     *
     * @throws UnknownSchemaException when the topic has no schema with that id
     */
    Schema schema(int schemaId);

    /** A lookup that knows exactly the given schemas. */
    static SchemaLookup of(Schema... schemas) {
        Schema[] copy = schemas.clone();
        return id -> {
            for (Schema s : copy) {
                if (s.schemaId() == id) {
                    return s;
                }
            }
            throw new UnknownSchemaException(id);
        };
    }
}
