package io.runnel.replication.transport.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.engine.cluster.BrokerInfo;
import io.runnel.replication.protocol.Protocol;
import io.runnel.replication.protocol.ProtocolCodec;
import io.runnel.replication.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection from this broker to another, carrying many requests at once (matched to their
 * responses by correlation id). It connects lazily, to the address the current metadata gives for the
 * broker, and again after a failure; a request fails when the connection breaks (SQLSTATE 08006,
 * retriable) or when it gets no answer within its timeout.
 *
 * <p>Thread-safe.
 */
final class NettyConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NettyConnection.class);

    private final int localBrokerId;
    private final int remoteBrokerId;
    private final String purpose;
    private final EventLoopGroup group;
    private final IntFunction<BrokerInfo> addresses;
    private final long connectTimeoutMs;
    private final AtomicInteger correlation = new AtomicInteger();
    private final Map<Integer, Pending<?>> pending = new ConcurrentHashMap<>();
    /** Guarded by this. */
    private ChannelFuture connecting;
    /** Guarded by this. */
    private boolean closed;

    NettyConnection(int localBrokerId, int remoteBrokerId, String purpose, EventLoopGroup group,
            IntFunction<BrokerInfo> addresses, long connectTimeoutMs) {
        this.localBrokerId = localBrokerId;
        this.remoteBrokerId = remoteBrokerId;
        this.purpose = purpose;
        this.group = group;
        this.addresses = addresses;
        this.connectTimeoutMs = connectTimeoutMs;
    }

    /** Encodes a request with a fresh correlation id. */
    interface Encoder {
        ByteBuffer encode(int correlationId);
    }

    /**
     * Decodes a response body on the event loop, while the received frame is alive. {@code release} is
     * null for a {@link #send} decoder (the frame is freed when the decoder returns, so the result must
     * not keep views of {@code body}); for {@link #sendRetained} it frees the frame, and the result owns
     * it: whoever consumes the result calls it once (the decoder must not, unless it throws).
     */
    interface Decoder<T> {
        T decode(ByteBuffer body, Runnable release);
    }

    /** A request waiting for its response. */
    private record Pending<T>(CompletableFuture<T> future, Decoder<T> decoder, boolean retain) {}

    /**
     * Sends a request; the future completes with the decoded response (the decoder runs on the event
     * loop and must copy whatever it keeps), or exceptionally with the error the peer reported, a
     * connection failure, or a {@link TimeoutException}.
     */
    <T> CompletableFuture<T> send(Encoder request, java.util.function.Function<ByteBuffer, T> decoder, long timeoutMs) {
        return send(request, (body, release) -> decoder.apply(body), false, timeoutMs);
    }

    /**
     * As {@link #send}, but the decoded response keeps a view of the received frame (no copy): the frame
     * is retained for it, and the decoder's result must release it (through the {@code release} it is
     * given) when its consumer is done. A response that arrives when nobody waits any more (timed out,
     * cancelled) is released here.
     */
    <T> CompletableFuture<T> sendRetained(Encoder request, Decoder<T> decoder, long timeoutMs) {
        return send(request, decoder, true, timeoutMs);
    }

    private <T> CompletableFuture<T> send(Encoder request, Decoder<T> decoder, boolean retain, long timeoutMs) {
        int corr = correlation.incrementAndGet();
        CompletableFuture<T> result = new CompletableFuture<>();
        ByteBuffer frame;
        try {
            frame = request.encode(corr);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        ChannelFuture connection;
        try {
            connection = connection();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        pending.put(corr, new Pending<>(result, decoder, retain));
        connection.addListener(f -> {
            if (!f.isSuccess()) {
                fail(corr, unreachable(f.cause()));
                return;
            }
            Channel ch = connection.channel();
            var timeout = ch.eventLoop().schedule(() -> fail(corr, new TimeoutException("broker " + remoteBrokerId
                    + " did not answer within " + timeoutMs + " ms")), timeoutMs, TimeUnit.MILLISECONDS);
            result.whenComplete((r, e) -> timeout.cancel(false));
            ch.writeAndFlush(Unpooled.wrappedBuffer(frame)).addListener(w -> {
                if (!w.isSuccess()) {
                    fail(corr, unreachable(w.cause()));
                    ch.close();
                }
            });
        });
        return result;
    }

    private void fail(int corr, Throwable error) {
        Pending<?> p = pending.remove(corr);
        if (p != null) {
            p.future().completeExceptionally(error);
        }
    }

    private EngineException unreachable(Throwable cause) {
        BrokerInfo b = addresses.apply(remoteBrokerId);
        return new EngineException(SqlStates.CONNECTION_FAILURE, "broker " + remoteBrokerId + (b == null ? ""
                : " at " + b.host() + ":" + b.brokerPort()) + " is unreachable from broker " + localBrokerId + ": "
                + (cause == null ? "connection closed" : cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
    }

    /** The live connection, or one being made. */
    private synchronized ChannelFuture connection() {
        if (closed) {
            throw new EngineException(SqlStates.CONNECTION_FAILURE, "broker " + localBrokerId + " is closing");
        }
        if (connecting != null && (!connecting.isDone() || (connecting.isSuccess() && connecting.channel().isActive()))) {
            return connecting;
        }
        BrokerInfo b = addresses.apply(remoteBrokerId);
        if (b == null) {
            throw new EngineException(SqlStates.CONNECTION_FAILURE, "broker " + remoteBrokerId
                    + " is not registered in the cluster metadata (down?)");
        }
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeoutMs)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(Protocol.MAX_FRAME_BYTES, 0,
                                Protocol.SIZE_LENGTH, 0, Protocol.SIZE_LENGTH));
                        ch.pipeline().addLast(new ResponseHandler());
                    }
                });
        connecting = bootstrap.connect(b.host(), b.brokerPort());
        LOG.debug("Broker {} connects to broker {} at {}:{} ({})", localBrokerId, remoteBrokerId, b.host(), b.brokerPort(), purpose);
        return connecting;
    }

    private final class ResponseHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            // A view of Netty's buffer, not a copy: the frame is freed when this method returns unless a
            // retaining request took a reference (released by the response's consumer).
            ByteBuffer buf = frame.nioBuffer();
            ProtocolCodec.ResponseHeader header;
            try {
                header = ProtocolCodec.readResponseHeader(buf);
            } catch (ProtocolException e) {
                LOG.warn("Broker {}: bad response from broker {}: {}", localBrokerId, remoteBrokerId, e.getMessage());
                ctx.close();
                return;
            }
            Pending<?> p = pending.remove(header.correlationId());
            if (p == null) {
                return; // timed out already
            }
            ByteBuffer body = buf.slice();
            if (header.errorCode() == Protocol.NONE) {
                complete(p, body, frame);
                return;
            }
            try {
                p.future().completeExceptionally(RemoteErrors.exception(ProtocolCodec.decodeError(body), header.errorCode(),
                        remoteBrokerId));
            } catch (ProtocolException e) {
                p.future().completeExceptionally(e);
            }
        }

        private <T> void complete(Pending<T> p, ByteBuffer body, ByteBuf frame) {
            if (!p.retain()) {
                try {
                    p.future().complete(p.decoder().decode(body, null));
                } catch (RuntimeException e) {
                    p.future().completeExceptionally(e);
                }
                return;
            }
            Runnable release = releaseOnce(frame.retain());
            T decoded;
            try {
                decoded = p.decoder().decode(body, release);
            } catch (RuntimeException e) {
                release.run();
                p.future().completeExceptionally(e);
                return;
            }
            if (!p.future().complete(decoded)) {
                release.run(); // completed meanwhile (a timeout): nobody will consume it
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failAll(ctx.channel(), null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failAll(ctx.channel(), cause);
            ctx.close();
        }
    }

    /** The connection broke: every request on it fails (they were all sent on the one channel). */
    private void failAll(Channel channel, Throwable cause) {
        synchronized (this) {
            if (connecting != null && connecting.channel() == channel) {
                connecting = null;
            }
        }
        EngineException error = unreachable(cause);
        for (Integer corr : pending.keySet()) {
            fail(corr, error);
        }
    }

    /** Releases {@code frame} once, however often it is called. */
    static Runnable releaseOnce(ByteBuf frame) {
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                frame.release();
            }
        };
    }

    @Override
    public void close() {
        ChannelFuture c;
        synchronized (this) {
            closed = true;
            c = connecting;
            connecting = null;
        }
        if (c != null) {
            c.channel().close();
        }
        EngineException error = new EngineException(SqlStates.CONNECTION_FAILURE, "broker " + localBrokerId
                + " closed its connection to broker " + remoteBrokerId);
        for (Integer corr : pending.keySet()) {
            fail(corr, error);
        }
    }
}
