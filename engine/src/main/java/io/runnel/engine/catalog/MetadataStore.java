package io.runnel.engine.catalog;

import io.runnel.engine.TopicInfo;
import java.util.List;
import java.util.Optional;

/**
 * Where the catalog lives: every topic with its schemas and options, each entry written by
 * compare-and-set on its version. {@link FileMetadataStore} keeps it in the data directory; the
 * cluster will keep it in ZooKeeper (one znode per topic, the znode version as {@link Versioned#version()}),
 * which is why the interface speaks only of whole entries and versions.
 *
 * <p>Keys are topic names compared case-insensitively: at most one entry per lower-cased name.
 *
 * <p>Thread-safety: implementations are thread-safe; a write is atomic and durable when it returns
 * (a crash leaves either the old or the new entry, never a torn one).
 */
public interface MetadataStore extends AutoCloseable {

    /** Every stored topic, internal ones included, in no particular order. */
    List<Versioned<TopicInfo>> loadAll();

    /** The topic named {@code name} (case-insensitively), if stored. */
    Optional<Versioned<TopicInfo>> get(String name);

    /**
     * Stores a new topic.
     *
     * @return its version (1)
     * @throws MetadataConflictException when a topic of that name (case-insensitively) exists
     */
    int create(TopicInfo topic);

    /**
     * Replaces a topic's entry if its stored version is still {@code expectedVersion}.
     *
     * @return the new version
     * @throws MetadataConflictException when the entry is gone or has another version
     */
    int update(TopicInfo topic, int expectedVersion);

    /**
     * Deletes a topic's entry if its stored version is still {@code expectedVersion}.
     *
     * @throws MetadataConflictException when the entry is gone or has another version
     */
    void delete(String name, int expectedVersion);

    @Override
    void close();
}
