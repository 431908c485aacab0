package io.runnel.replication.transport.local;

import io.runnel.engine.EngineException;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.SqlStates;
import io.runnel.engine.cluster.BrokerTransport;
import io.runnel.engine.group.GroupRequest;
import io.runnel.engine.group.GroupResponse;
import io.runnel.replication.follower.LeaderEndpoint;
import io.runnel.replication.leader.ReplicaRequestHandler;
import io.runnel.replication.protocol.EpochRequest;
import io.runnel.replication.protocol.EpochResponse;
import io.runnel.replication.protocol.FetchRequest;
import io.runnel.replication.protocol.FetchResponse;
import io.runnel.replication.protocol.Records;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The in-process transport: brokers in one JVM call each other's {@link ReplicaRequestHandler}s
 * directly (no sockets, no codec), with the same semantics as the Netty transport — file slices are
 * read into memory when "sent", and an unregistered broker is unreachable (08006). For tests and
 * embedded multi-broker setups.
 *
 * <p>Thread-safe.
 */
public final class LocalTransport implements BrokerTransport {
    /** The brokers of one JVM, by id. */
    public static final class Registry {
        private final Map<Integer, ReplicaRequestHandler> handlers = new ConcurrentHashMap<>();

        public void register(int brokerId, ReplicaRequestHandler handler) {
            handlers.put(brokerId, handler);
        }

        public void unregister(int brokerId) {
            handlers.remove(brokerId);
        }

        ReplicaRequestHandler handler(int brokerId) {
            ReplicaRequestHandler h = handlers.get(brokerId);
            if (h == null) {
                throw new EngineException(SqlStates.CONNECTION_FAILURE, "broker " + brokerId + " is not running in this JVM");
            }
            return h;
        }
    }

    private final Registry registry;

    public LocalTransport(Registry registry) {
        this.registry = registry;
    }

    private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<ProduceResult> produce(int broker, ForwardedProduce request) {
        return call(() -> registry.handler(broker).produce(request));
    }

    @Override
    public CompletableFuture<RemoteRead> read(int broker, RemoteReadRequest request) {
        return call(() -> registry.handler(broker).read(request));
    }

    @Override
    public CompletableFuture<PartitionOffsets> offsets(int broker, OffsetsRequest request) {
        return call(() -> CompletableFuture.completedFuture(registry.handler(broker).offsets(request)));
    }

    @Override
    public CompletableFuture<GroupResponse> group(int broker, GroupRequest request) {
        return call(() -> registry.handler(broker).group(request));
    }

    /** A follower's endpoint to {@code leaderId} in this JVM. */
    public LeaderEndpoint leaderEndpoint(int leaderId) {
        return new LeaderEndpoint() {
            @Override
            public int leaderId() {
                return leaderId;
            }

            @Override
            public CompletableFuture<FetchResponse> fetch(FetchRequest request) {
                return call(() -> registry.handler(leaderId).fetch(request)).thenApply(LocalTransport::materialize);
            }

            @Override
            public CompletableFuture<EpochResponse> offsetsForLeaderEpoch(EpochRequest request) {
                return call(() -> CompletableFuture.completedFuture(registry.handler(leaderId).offsetsForLeaderEpoch(request)));
            }

            @Override
            public void close() {
            }
        };
    }

    /** Reads the slices now, as sending them would. */
    static FetchResponse materialize(FetchResponse response) {
        List<FetchResponse.Partition> out = new ArrayList<>(response.partitions().size());
        for (FetchResponse.Partition p : response.partitions()) {
            out.add(new FetchResponse.Partition(p.topic(), p.partition(), p.error(), p.highWatermark(), p.logStartOffset(),
                    p.logEndOffset(), p.records().sizeInBytes() == 0 ? Records.EMPTY : new Records.Bytes(p.records().toByteBuffer())));
        }
        return new FetchResponse(out);
    }

    @Override
    public void close() {
    }
}
