package io.runnel.replication.transport.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.runnel.engine.SqlStates;
import io.runnel.replication.leader.ReplicaRequestHandler;
import io.runnel.replication.protocol.FetchRequest;
import io.runnel.replication.protocol.FetchResponse;
import io.runnel.replication.protocol.Protocol;
import io.runnel.replication.protocol.ProtocolCodec;
import io.runnel.replication.protocol.ProtocolException;
import io.runnel.replication.protocol.Records;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker port: accepts other brokers' connections and answers the {@link Protocol} requests through
 * a {@link ReplicaRequestHandler}. Frames are decoded on the event loop; the requests run on a bounded
 * pool (appends and disk reads must not block the event loop); long-polled fetches hold no thread while
 * they wait. A FETCH response is written as its head followed by the partitions' batches as
 * {@link SliceRegion}s — zero copy from the segment files — in one event-loop task, so responses never
 * interleave.
 *
 * <p>Thread-safety: start and close from one thread; requests are handled concurrently.
 */
final class NettyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NettyServer.class);
    /** Requests queued for the pool beyond this are refused ("overloaded"): bounded memory. */
    static final int MAX_QUEUED_REQUESTS = 4_096;

    private final int brokerId;
    private final ReplicaRequestHandler handler;
    private final Channel serverChannel;
    private final ThreadPoolExecutor requests;

    private NettyServer(int brokerId, ReplicaRequestHandler handler, Channel serverChannel, ThreadPoolExecutor requests) {
        this.brokerId = brokerId;
        this.handler = handler;
        this.serverChannel = serverChannel;
        this.requests = requests;
    }

    static NettyServer start(int brokerId, String host, int port, EventLoopGroup boss, EventLoopGroup workers,
            ReplicaRequestHandler handler, int requestThreads) throws InterruptedException {
        ThreadPoolExecutor requests = new ThreadPoolExecutor(requestThreads, requestThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_REQUESTS), r -> {
                    Thread t = new Thread(r, "runnel-broker-requests-" + brokerId);
                    t.setDaemon(true);
                    return t;
                });
        NettyServer[] self = new NettyServer[1];
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(Protocol.MAX_FRAME_BYTES, 0,
                                Protocol.SIZE_LENGTH, 0, Protocol.SIZE_LENGTH));
                        ch.pipeline().addLast(self[0].new RequestHandler());
                    }
                });
        Channel channel;
        try {
            channel = b.bind(new InetSocketAddress(host, port)).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            requests.shutdownNow();
            throw e;
        }
        self[0] = new NettyServer(brokerId, handler, channel, requests);
        LOG.info("Broker {} listens for brokers on {}", brokerId, channel.localAddress());
        return self[0];
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Decodes frames and dispatches them. */
    private final class RequestHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            // A view of Netty's buffer, not a copy; the pool thread that decodes the request releases it
            // (every decoder copies what it keeps: a produce's batches are stamped in place by the engine).
            ByteBuffer buf = frame.nioBuffer();
            ProtocolCodec.RequestHeader header;
            try {
                header = ProtocolCodec.readRequestHeader(buf);
            } catch (ProtocolException e) {
                // No correlation id to answer to: the peer is not speaking this protocol.
                LOG.warn("Broker {}: closing the connection from {}: {}", brokerId, ctx.channel().remoteAddress(), e.getMessage());
                ctx.close();
                return;
            }
            int corr = header.correlationId();
            short expected = Protocol.version(header.apiKey());
            if (expected < 0) {
                reply(ctx, ProtocolCodec.errorResponse(corr, Protocol.UNKNOWN_API, SqlStates.INTERNAL_ERROR,
                        "broker " + brokerId + " does not know " + Protocol.apiName(header.apiKey()), Protocol.KIND_PLAIN));
                return;
            }
            if (header.apiVersion() != expected) {
                reply(ctx, ProtocolCodec.errorResponse(corr, Protocol.UNSUPPORTED_VERSION, SqlStates.INTERNAL_ERROR,
                        "broker " + brokerId + " speaks " + Protocol.apiName(header.apiKey()) + " version " + expected + ", not "
                                + header.apiVersion(), Protocol.KIND_PLAIN));
                return;
            }
            ByteBuffer body = buf.slice();
            Runnable release = NettyConnection.releaseOnce(frame.retain());
            try {
                requests.execute(() -> handle(ctx, header, body, release));
            } catch (RejectedExecutionException e) {
                release.run();
                reply(ctx, ProtocolCodec.errorResponse(corr, Protocol.ENGINE_ERROR, SqlStates.INSUFFICIENT_RESOURCES,
                        "broker " + brokerId + " is overloaded (" + MAX_QUEUED_REQUESTS + " requests queued); retry",
                        Protocol.KIND_PLAIN));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Broker {}: connection from {} failed: {}", brokerId, ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /** Runs one request on the pool and writes its response; {@code release} frees the request frame once decoded. */
    private void handle(ChannelHandlerContext ctx, ProtocolCodec.RequestHeader header, ByteBuffer body, Runnable release) {
        int corr = header.correlationId();
        try {
            switch (header.apiKey()) {
                case Protocol.FETCH -> {
                    FetchRequest request = decoded(ProtocolCodec.decodeFetchRequest(body), release);
                    handler.fetch(request).whenComplete((r, e) -> {
                        if (e != null) {
                            reply(ctx, RemoteErrors.response(corr, e));
                        } else {
                            replyFetch(ctx, corr, r);
                        }
                    });
                }
                case Protocol.OFFSETS_FOR_LEADER_EPOCH -> reply(ctx, ProtocolCodec.epochResponse(corr,
                        handler.offsetsForLeaderEpoch(decoded(ProtocolCodec.decodeEpochRequest(body), release))));
                case Protocol.PRODUCE -> answer(ctx, corr, handler.produce(decoded(ProtocolCodec.decodeProduceRequest(body), release))
                        .thenApply(r -> ProtocolCodec.produceResponse(corr, r)));
                case Protocol.READ -> answer(ctx, corr, handler.read(decoded(ProtocolCodec.decodeReadRequest(body), release))
                        .thenApply(r -> ProtocolCodec.readResponse(corr, r)));
                case Protocol.LIST_OFFSETS -> reply(ctx, ProtocolCodec.offsetsResponse(corr,
                        handler.offsets(decoded(ProtocolCodec.decodeOffsetsRequest(body), release))));
                default -> {
                    if (!Protocol.isGroupApi(header.apiKey())) {
                        throw new ProtocolException("unexpected " + Protocol.apiName(header.apiKey()));
                    }
                    short api = header.apiKey();
                    answer(ctx, corr, handler.group(decoded(ProtocolCodec.decodeGroupRequest(api, body), release))
                            .thenApply(r -> ProtocolCodec.groupResponse(corr, r)));
                }
            }
        } catch (ProtocolException e) {
            reply(ctx, ProtocolCodec.errorResponse(corr, Protocol.INVALID_REQUEST, SqlStates.INTERNAL_ERROR,
                    "broker " + brokerId + ": " + e.getMessage(), Protocol.KIND_PLAIN));
        } catch (RuntimeException e) {
            reply(ctx, RemoteErrors.response(corr, e));
        } finally {
            release.run(); // idempotent: after a decoding failure, or a handler that threw
        }
    }

    /** Frees the request frame as soon as its request is decoded (decoders copy what they keep). */
    private static <T> T decoded(T request, Runnable release) {
        release.run();
        return request;
    }

    private void answer(ChannelHandlerContext ctx, int corr, CompletableFuture<ByteBuffer> response) {
        response.whenComplete((r, e) -> reply(ctx, e == null ? r : RemoteErrors.response(corr, e)));
    }

    private static void reply(ChannelHandlerContext ctx, ByteBuffer frame) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(frame)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /** The head, then every partition's batches (file regions: zero copy), as one task on the event loop. */
    private void replyFetch(ChannelHandlerContext ctx, int corr, FetchResponse response) {
        ByteBuffer head;
        try {
            head = ProtocolCodec.fetchResponseHead(corr, response);
        } catch (RuntimeException e) {
            reply(ctx, RemoteErrors.response(corr, e));
            return;
        }
        ctx.channel().eventLoop().execute(() -> {
            // A part that fails (a segment deleted under the slice) leaves the frame short: close the connection.
            ctx.write(Unpooled.wrappedBuffer(head)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            for (FetchResponse.Partition p : response.partitions()) {
                if (p.records() instanceof Records.Slice s) {
                    ctx.write(new SliceRegion(s.slice())).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                } else if (p.records().sizeInBytes() > 0) {
                    ctx.write(Unpooled.wrappedBuffer(p.records().toByteBuffer())).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                }
            }
            ctx.flush();
        });
    }

    @Override
    public void close() {
        try {
            serverChannel.close().syncUninterruptibly();
        } finally {
            requests.shutdownNow();
        }
    }
}
