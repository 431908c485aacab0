package io.runnel.engine;

import java.nio.ByteBuffer;

/**
 * One complete batch (storage batch format, base offset not yet assigned) for one partition.
 * The engine owns {@code batch} after the call: it stamps offsets in place.
 */
public record PartitionBatch(int partition, ByteBuffer batch) {}
