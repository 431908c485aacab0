package io.runnel.replication.protocol;

import io.runnel.engine.partition.ReplicaError;
import java.util.List;

/**
 * The leader's answer to a {@link FetchRequest}: one entry per requested partition, in request order.
 *
 * @param releaser frees the buffer the received records are views of (a Netty frame on the follower;
 *                nothing for in-process transports); its consumer calls {@link #release()} once it has
 *                appended them, and must not touch the records afterwards
 */
public record FetchResponse(List<Partition> partitions, Runnable releaser) {
    private static final Runnable NOTHING = () -> {};

    public FetchResponse {
        partitions = List.copyOf(partitions);
        releaser = releaser == null ? NOTHING : releaser;
    }

    /** A response whose records own their memory. */
    public FetchResponse(List<Partition> partitions) {
        this(partitions, NOTHING);
    }

    /** Frees the received buffer (idempotent). */
    public void release() {
        releaser.run();
    }

    /**
     * @param logEndOffset the leader's published end (followers fetch below it)
     * @param records      batches from the fetch offset, empty when none (or on error)
     */
    public record Partition(String topic, int partition, ReplicaError error, long highWatermark, long logStartOffset,
            long logEndOffset, Records records) {}
}
