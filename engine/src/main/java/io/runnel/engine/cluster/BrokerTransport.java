package io.runnel.engine.cluster;

import io.runnel.engine.Acks;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.group.GroupRequest;
import io.runnel.engine.group.GroupResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * How a broker's engine reaches the other brokers, so that a client connected to any broker can write
 * and read every topic: it forwards produces to partition leaders and reads from them. Netty and
 * in-process implementations live in the replication module.
 *
 * <p>Errors complete the futures exceptionally: an {@link io.runnel.engine.EngineException} as the
 * remote engine raised it (SQLSTATE and message kept; {@link NotLeaderException} when the broker is
 * not the partition's leader), or one with SQLSTATE 08006 when the broker cannot be reached.
 *
 * <p>Thread-safety: implementations are thread-safe; futures may complete on transport threads, so
 * callers must not block in their callbacks.
 */
public interface BrokerTransport extends AutoCloseable {

    /** A standalone broker forwards nothing. */
    BrokerTransport NONE = new BrokerTransport() {
        @Override
        public CompletableFuture<ProduceResult> produce(int brokerId, ForwardedProduce request) {
            return CompletableFuture.failedFuture(new IllegalStateException("standalone broker: no broker " + brokerId));
        }

        @Override
        public CompletableFuture<RemoteRead> read(int brokerId, RemoteReadRequest request) {
            return CompletableFuture.failedFuture(new IllegalStateException("standalone broker: no broker " + brokerId));
        }

        @Override
        public CompletableFuture<PartitionOffsets> offsets(int brokerId, OffsetsRequest request) {
            return CompletableFuture.failedFuture(new IllegalStateException("standalone broker: no broker " + brokerId));
        }

        @Override
        public void close() {
        }
    };

    /** Appends {@code request} on broker {@code brokerId}, which must lead every partition in it. */
    CompletableFuture<ProduceResult> produce(int brokerId, ForwardedProduce request);

    /** Reads committed batches of one partition from its leader {@code brokerId}, long-polling up to {@code maxWaitMs}. */
    CompletableFuture<RemoteRead> read(int brokerId, RemoteReadRequest request);

    /** A partition's offsets (and optionally the offset for a timestamp) from its leader. */
    CompletableFuture<PartitionOffsets> offsets(int brokerId, OffsetsRequest request);

    /**
     * A consumer-group request to the coordinator on broker {@code brokerId} (the leader of the group's
     * partition of {@code __consumer_offsets}); {@link io.runnel.engine.group.NotCoordinatorException}
     * when it is not (or not yet) the coordinator, {@link io.runnel.engine.group.UnknownMemberException}
     * when it does not know the member. The default (a transport without groups) fails with 08006.
     */
    default CompletableFuture<GroupResponse> group(int brokerId, GroupRequest request) {
        return CompletableFuture.failedFuture(new io.runnel.engine.EngineException(io.runnel.engine.SqlStates.CONNECTION_FAILURE,
                "this transport cannot reach the group coordinator on broker " + brokerId));
    }

    @Override
    void close();

    /**
     * A produce forwarded to the leader of every partition in it.
     *
     * @param topicId the topic the forwarding broker validated the batches against (a re-created topic differs)
     */
    record ForwardedProduce(String topic, UUID topicId, List<PartitionBatch> batches, Acks acks, long timeoutMs) {}

    /**
     * A read of committed batches.
     *
     * @param projection schema column indexes, or null for whole batches
     * @param maxWaitMs  how long the leader may wait for rows when there are none at {@code offset}
     */
    record RemoteReadRequest(String topic, UUID topicId, int partition, long offset, int maxBytes, int[] projection,
            long maxWaitMs) {}

    /**
     * What a remote read returned.
     *
     * @param records        whole batches back to back (possibly projected), empty when none
     * @param highWatermark  the leader's high watermark
     * @param logStartOffset the leader's log start
     * @param logEndOffset   the leader's log end
     */
    record RemoteRead(ByteBuffer records, long highWatermark, long logStartOffset, long logEndOffset) {}

    /**
     * @param timestampMs a timestamp to look up, or {@link #NO_TIMESTAMP}
     */
    record OffsetsRequest(String topic, UUID topicId, int partition, long timestampMs) {
        public static final long NO_TIMESTAMP = Long.MIN_VALUE;
    }

    /**
     * @param offsetForTimestamp the first offset at or after the requested timestamp (at most the HW), or -1 when none was asked
     */
    record PartitionOffsets(long logStartOffset, long highWatermark, long logEndOffset, long offsetForTimestamp,
            int leaderEpoch, long sizeBytes) {}
}
