package io.runnel.replication.follower;

import io.runnel.replication.protocol.EpochRequest;
import io.runnel.replication.protocol.EpochResponse;
import io.runnel.replication.protocol.FetchRequest;
import io.runnel.replication.protocol.FetchResponse;
import java.util.concurrent.CompletableFuture;

/**
 * What a follower needs from one leader broker (STYLE §5): FETCH and OFFSETS_FOR_LEADER_EPOCH.
 * Implementations: Netty ({@code transport.netty}), in-process ({@code transport.local}), and the
 * simulation's network.
 *
 * <p>A failure to reach the leader completes the future exceptionally; the fetcher backs off and
 * retries. Thread-safety: implementations are thread-safe.
 */
public interface LeaderEndpoint extends AutoCloseable {

    /** The leader broker this endpoint reaches. */
    int leaderId();

    CompletableFuture<FetchResponse> fetch(FetchRequest request);

    CompletableFuture<EpochResponse> offsetsForLeaderEpoch(EpochRequest request);

    @Override
    void close();
}
