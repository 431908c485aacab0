package io.runnel.replication.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.local.LocalEngine;
import io.runnel.engine.cluster.BrokerTransport.OffsetsRequest;
import io.runnel.replication.leader.ReplicaRequestHandler;
import io.runnel.replication.protocol.Protocol;
import io.runnel.replication.protocol.ProtocolCodec;
import io.runnel.replication.testing.NettyLeakCheck;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker port's policy for malformed input (docs/format/replication-protocol.md, "Malformed
 * input"), over a real socket: <b>a request that can be answered is answered</b> — a well-framed request
 * whose header is readable gets an error response on its correlation id (unknown API, unsupported
 * version, undecodable body) and the connection stays open; <b>input that cannot be answered closes the
 * connection</b> — a size field that is negative or above {@link Protocol#MAX_FRAME_BYTES}, or a frame
 * shorter than a request header (no correlation id). A peer that stops mid-frame holds nothing once it
 * disconnects (no leaked buffer). After every case the broker still answers new connections.
 */
@ExtendWith(NettyLeakCheck.class)
class BrokerPortFramingIT {
    private static final long SEED = Long.getLong("runnel.seed", System.nanoTime());
    private static final int READ_TIMEOUT_MS = 10_000;

    @TempDir
    static Path dir;
    private static LocalEngine engine;
    private static ScheduledExecutorService timer;
    private static NettyTransport transport;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        System.out.println("BrokerPortFramingIT seed " + SEED + " (reproduce with -Drunnel.seed=" + SEED + ")");
        engine = LocalEngine.open(EngineConfig.defaults(dir.resolve("data")));
        timer = Executors.newSingleThreadScheduledExecutor();
        transport = new NettyTransport(1, id -> null, 5_000);
        port = transport.startServer("127.0.0.1", 0, new ReplicaRequestHandler(engine, timer), 2);
    }

    @AfterAll
    static void stop() {
        if (transport != null) {
            transport.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void unknownApiKeyIsAnsweredAndTheConnectionStaysOpen() throws IOException {
        try (Socket s = connect()) {
            send(s, frame((short) 99, (short) 0, 7, new byte[] {1, 2, 3}));
            assertThat(readResponse(s)).isEqualTo(new Response(7, Protocol.UNKNOWN_API));
            assertStillServes(s, 8);
        }
    }

    @Test
    void unsupportedVersionIsAnsweredAndTheConnectionStaysOpen() throws IOException {
        try (Socket s = connect()) {
            send(s, frame(Protocol.FETCH, (short) 42, 11, new byte[0]));
            Response r = readResponse(s);
            assertThat(r.errorCode()).isEqualTo(Protocol.UNSUPPORTED_VERSION);
            assertThat(r.correlationId()).isEqualTo(11);
            assertStillServes(s, 12);
        }
    }

    @Test
    void undecodableBodiesAreAnsweredForEveryApi() throws IOException {
        Random random = new Random(SEED);
        try (Socket s = connect()) {
            int corr = 100;
            for (short api : new short[] {Protocol.FETCH, Protocol.OFFSETS_FOR_LEADER_EPOCH, Protocol.PRODUCE, Protocol.READ,
                    Protocol.LIST_OFFSETS}) {
                // Truncated: a count claiming far more elements than the body holds.
                send(s, frame(api, Protocol.version(api), ++corr, new byte[] {0x7f, 0x7f, 0x7f, 0x7f, 0, 1}));
                assertThat(readResponse(s)).as("truncated %s body", Protocol.apiName(api))
                        .isEqualTo(new Response(corr, Protocol.INVALID_REQUEST));
                // Garbage of a plausible size.
                byte[] garbage = new byte[1 + random.nextInt(200)];
                random.nextBytes(garbage);
                garbage[0] = (byte) 0x80; // a negative first count or string length: never a valid body
                send(s, frame(api, Protocol.version(api), ++corr, garbage));
                Response r = readResponse(s);
                assertThat(r.correlationId()).isEqualTo(corr);
                assertThat(r.errorCode()).as("garbage %s body", Protocol.apiName(api)).isNotEqualTo(Protocol.NONE);
            }
            assertStillServes(s, ++corr);
        }
    }

    @Test
    void oversizedLengthClosesTheConnectionAtOnce() throws IOException {
        try (Socket s = connect()) {
            send(s, ByteBuffer.allocate(4).putInt(Protocol.MAX_FRAME_BYTES + 1).array());
            assertClosedByBroker(s);
        }
        assertNewConnectionServed();
    }

    @Test
    void negativeLengthClosesTheConnection() throws IOException {
        try (Socket s = connect()) {
            send(s, ByteBuffer.allocate(8).putInt(-5).putInt(0).array());
            assertClosedByBroker(s);
        }
        assertNewConnectionServed();
    }

    @Test
    void frameShorterThanARequestHeaderClosesTheConnection() throws IOException {
        try (Socket s = connect()) {
            send(s, ByteBuffer.allocate(7).putInt(3).put(new byte[] {0, 1, 0}).array());
            assertClosedByBroker(s);
        }
        assertNewConnectionServed();
    }

    @Test
    void randomGarbageNeverGetsAReplyItCannotBeMatchedWith() throws IOException {
        Random random = new Random(SEED + 1);
        for (int round = 0; round < 20; round++) {
            byte[] garbage = new byte[8 + random.nextInt(64)];
            random.nextBytes(garbage);
            garbage[0] = (byte) (0x80 | garbage[0]); // size field negative: unframeable
            try (Socket s = connect()) {
                send(s, garbage);
                assertClosedByBroker(s);
            }
        }
        assertNewConnectionServed();
    }

    @Test
    void peerThatStopsMidFrameAndDisconnectsLeavesNothingBehind() throws IOException {
        try (Socket s = connect()) {
            byte[] whole = frame(Protocol.LIST_OFFSETS, Protocol.LIST_OFFSETS_VERSION, 5, new byte[64]);
            send(s, java.util.Arrays.copyOf(whole, 4 + 10)); // announces 72 bytes, sends 10
            s.shutdownOutput();
            assertClosedByBroker(s); // nothing to answer; the broker closes on the peer's end of stream
        }
        assertNewConnectionServed();
    }

    // ------------------------------------------------------------------ helpers

    private record Response(int correlationId, short errorCode) {}

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    private static byte[] frame(short apiKey, short apiVersion, int corr, byte[] body) {
        return ByteBuffer.allocate(4 + Protocol.REQUEST_HEADER_BYTES + body.length)
                .putInt(Protocol.REQUEST_HEADER_BYTES + body.length).putShort(apiKey).putShort(apiVersion).putInt(corr).put(body)
                .array();
    }

    private static void send(Socket s, byte[] bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    private static Response readResponse(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int size = in.readInt();
        assertThat(size).isBetween(Protocol.RESPONSE_HEADER_BYTES, 1 << 20);
        byte[] rest = new byte[size];
        in.readFully(rest);
        ByteBuffer b = ByteBuffer.wrap(rest);
        ProtocolCodec.ResponseHeader h = ProtocolCodec.readResponseHeader(b);
        if (h.errorCode() != Protocol.NONE) {
            ProtocolCodec.decodeError(b.slice()); // a well-formed error body
        }
        return new Response(h.correlationId(), h.errorCode());
    }

    /** A valid LIST_OFFSETS for a topic the broker does not have: answered with ENGINE_ERROR (42P01) on the same connection. */
    private static void assertStillServes(Socket s, int corr) throws IOException {
        ByteBuffer request = ProtocolCodec.offsetsRequest(corr, new OffsetsRequest("no_such_topic", UUID.randomUUID(), 0,
                OffsetsRequest.NO_TIMESTAMP));
        byte[] bytes = new byte[request.remaining()];
        request.get(bytes);
        send(s, bytes);
        assertThat(readResponse(s)).isEqualTo(new Response(corr, Protocol.ENGINE_ERROR));
    }

    private static void assertNewConnectionServed() throws IOException {
        try (Socket s = connect()) {
            assertStillServes(s, 1);
        }
    }

    /** The broker closed: end of stream (or a reset) before the read timeout. */
    private static void assertClosedByBroker(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            int b = in.read();
            assertThat(b).as("the broker sent a byte instead of closing").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the broker kept the connection open for " + READ_TIMEOUT_MS + " ms", e);
        } catch (java.net.SocketException reset) {
            // Closed with a reset: closed all the same.
        } catch (EOFException e) {
            // Closed.
        }
    }
}
