package io.runnel.engine.catalog;

/**
 * A value read from a {@link MetadataStore} with the version it had: the token a later
 * compare-and-set write must present (ZooKeeper's znode version, in the cluster store).
 *
 * @param value   the stored value
 * @param version 1 after creation, incremented by every successful update
 */
public record Versioned<T>(T value, int version) {}
