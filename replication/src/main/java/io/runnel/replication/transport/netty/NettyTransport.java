package io.runnel.replication.transport.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.cluster.BrokerInfo;
import io.runnel.engine.cluster.BrokerTransport;
import io.runnel.engine.group.GroupRequest;
import io.runnel.engine.group.GroupResponse;
import io.runnel.replication.protocol.Protocol;
import io.runnel.replication.follower.LeaderEndpoint;
import io.runnel.replication.leader.ReplicaRequestHandler;
import io.runnel.replication.protocol.EpochRequest;
import io.runnel.replication.protocol.EpochResponse;
import io.runnel.replication.protocol.FetchRequest;
import io.runnel.replication.protocol.FetchResponse;
import io.runnel.replication.protocol.ProtocolCodec;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A broker's Netty transport (the only package that imports Netty, DESIGN §1): the broker-port server,
 * a {@link BrokerTransport} for forwarded produces and reads (one shared connection per broker), and a
 * {@link LeaderEndpoint} per followed leader (its own connection, so that fetches never queue behind
 * forwarded traffic). Event loops are shared by all of them.
 *
 * <p>Thread-safe.
 */
public final class NettyTransport implements BrokerTransport {
    /** Beyond a produce's own timeout, how long its forwarded request may take to answer. */
    static final long FORWARD_MARGIN_MS = 5_000;
    static final long OFFSETS_TIMEOUT_MS = 10_000;
    /** A group request may wait for a commit's acks=all or a coordinator's load. */
    static final long GROUP_TIMEOUT_MS = 30_000;

    private final int brokerId;
    private final IntFunction<BrokerInfo> addresses;
    private final long connectTimeoutMs;
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Map<Integer, NettyConnection> forwarding = new ConcurrentHashMap<>();
    private volatile NettyServer server;

    /**
     * @param addresses the current address of a broker by id (from the metadata), or null when it is not registered
     */
    public NettyTransport(int brokerId, IntFunction<BrokerInfo> addresses, long connectTimeoutMs) {
        this.brokerId = brokerId;
        this.addresses = addresses;
        this.connectTimeoutMs = connectTimeoutMs;
    }

    /** Starts serving the broker port; returns the port bound (useful with 0: an ephemeral one). */
    public int startServer(String host, int port, ReplicaRequestHandler handler, int requestThreads) throws InterruptedException {
        server = NettyServer.start(brokerId, host, port, boss, workers, handler, requestThreads);
        return server.port();
    }

    /** A follower's endpoint to {@code leaderId}, on its own connection. */
    public LeaderEndpoint leaderEndpoint(int leaderId, long requestTimeoutMs) {
        NettyConnection connection = new NettyConnection(brokerId, leaderId, "replication", workers, addresses, connectTimeoutMs);
        return new LeaderEndpoint() {
            @Override
            public int leaderId() {
                return leaderId;
            }

            @Override
            public CompletableFuture<FetchResponse> fetch(FetchRequest request) {
                // The batches stay in Netty's buffer until the follower appended them (FetchResponse#release).
                return connection.sendRetained(corr -> ProtocolCodec.fetchRequest(corr, request),
                        ProtocolCodec::decodeFetchResponse, requestTimeoutMs);
            }

            @Override
            public CompletableFuture<EpochResponse> offsetsForLeaderEpoch(EpochRequest request) {
                return connection.send(corr -> ProtocolCodec.epochRequest(corr, request), ProtocolCodec::decodeEpochResponse,
                        requestTimeoutMs);
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }

    private NettyConnection forwardingTo(int broker) {
        return forwarding.computeIfAbsent(broker, b -> new NettyConnection(brokerId, b, "forwarding", workers, addresses,
                connectTimeoutMs));
    }

    @Override
    public CompletableFuture<ProduceResult> produce(int broker, ForwardedProduce request) {
        return forwardingTo(broker).send(corr -> ProtocolCodec.produceRequest(corr, request),
                ProtocolCodec::decodeProduceResponse, request.timeoutMs() + FORWARD_MARGIN_MS);
    }

    @Override
    public CompletableFuture<RemoteRead> read(int broker, RemoteReadRequest request) {
        // A read's rows outlive the frame (the reader decodes them later): decoded into a copy of its records.
        return forwardingTo(broker).send(corr -> ProtocolCodec.readRequest(corr, request),
                NettyTransport::decodeReadResponseCopy, request.maxWaitMs() + OFFSETS_TIMEOUT_MS);
    }

    @Override
    public CompletableFuture<PartitionOffsets> offsets(int broker, OffsetsRequest request) {
        return forwardingTo(broker).send(corr -> ProtocolCodec.offsetsRequest(corr, request),
                ProtocolCodec::decodeOffsetsResponse, OFFSETS_TIMEOUT_MS);
    }

    private static RemoteRead decodeReadResponseCopy(java.nio.ByteBuffer body) {
        RemoteRead r = ProtocolCodec.decodeReadResponse(body);
        java.nio.ByteBuffer own = java.nio.ByteBuffer.allocate(r.records().remaining()).put(r.records().duplicate()).flip();
        return new RemoteRead(own, r.highWatermark(), r.logStartOffset(), r.logEndOffset());
    }

    @Override
    public CompletableFuture<GroupResponse> group(int broker, GroupRequest request) {
        short api = Protocol.apiKey(request);
        long timeoutMs = OFFSETS_TIMEOUT_MS + (request instanceof GroupRequest.Heartbeat h ? h.maxWaitMs() : GROUP_TIMEOUT_MS);
        // decoded while the response frame is held (group responses copy what they keep)
        return forwardingTo(broker).send(corr -> ProtocolCodec.groupRequest(corr, request),
                body -> ProtocolCodec.decodeGroupResponse(api, body), timeoutMs);
    }

    /** Stops serving (no new requests); connections out stay until {@link #close()}. */
    public void stopServer() {
        NettyServer s = server;
        if (s != null) {
            s.close();
            server = null;
        }
    }

    @Override
    public void close() {
        stopServer();
        forwarding.values().forEach(NettyConnection::close);
        forwarding.clear();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
