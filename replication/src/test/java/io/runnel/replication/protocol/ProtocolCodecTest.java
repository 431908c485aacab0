package io.runnel.replication.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.engine.Acks;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.cluster.BrokerTransport.ForwardedProduce;
import io.runnel.engine.cluster.BrokerTransport.OffsetsRequest;
import io.runnel.engine.cluster.BrokerTransport.PartitionOffsets;
import io.runnel.engine.cluster.BrokerTransport.RemoteRead;
import io.runnel.engine.cluster.BrokerTransport.RemoteReadRequest;
import io.runnel.engine.partition.ReplicaError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import io.runnel.engine.group.GroupPartitionStatus;
import io.runnel.engine.group.GroupRequest;
import io.runnel.engine.group.GroupResponse;
import org.junit.jupiter.api.Test;

/** Every message of docs/format/replication-protocol.md round-trips; bad frames fail naming the API. */
class ProtocolCodecTest {
    private static final UUID TOPIC_ID = new UUID(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    /** Checks the size field and returns the frame positioned after it. */
    private static ByteBuffer unframe(ByteBuffer frame) {
        ByteBuffer b = frame.duplicate();
        int size = b.getInt();
        assertThat(size).as("size field counts the bytes that follow").isEqualTo(b.remaining());
        return b;
    }

    private static ByteBuffer requestBody(ByteBuffer frame, short apiKey, int correlationId) {
        ByteBuffer b = unframe(frame);
        ProtocolCodec.RequestHeader h = ProtocolCodec.readRequestHeader(b);
        assertThat(h).isEqualTo(new ProtocolCodec.RequestHeader(apiKey, Protocol.version(apiKey), correlationId));
        return b.slice();
    }

    private static ByteBuffer responseBody(ByteBuffer frame, int correlationId) {
        ByteBuffer b = unframe(frame);
        assertThat(ProtocolCodec.readResponseHeader(b)).isEqualTo(new ProtocolCodec.ResponseHeader(correlationId, Protocol.NONE));
        return b.slice();
    }

    @Test
    void fetchRequestAndResponseWithRecordsRoundTrip() {
        FetchRequest request = new FetchRequest(2, 500, 1 << 20, List.of(
                new FetchRequest.Partition("orders", TOPIC_ID, 0, 4, 1_000L, 65_536),
                new FetchRequest.Partition("orders", TOPIC_ID, 7, 9, 0L, 1_024)));
        assertThat(ProtocolCodec.decodeFetchRequest(requestBody(ProtocolCodec.fetchRequest(41, request), Protocol.FETCH, 41)))
                .isEqualTo(request);

        byte[] first = "batches of partition 0".getBytes(StandardCharsets.UTF_8);
        FetchResponse response = new FetchResponse(List.of(
                new FetchResponse.Partition("orders", 0, ReplicaError.NONE, 990, 0, 1_010, new Records.Bytes(ByteBuffer.wrap(first))),
                new FetchResponse.Partition("orders", 7, ReplicaError.FENCED_LEADER_EPOCH, -1, -1, -1, Records.EMPTY)));
        ByteBuffer head = ProtocolCodec.fetchResponseHead(41, response);
        // The transport sends the records after the head (zero-copy): the size field already counts them.
        ByteBuffer wire = ByteBuffer.allocate(head.remaining() + first.length).put(head.duplicate()).put(first).flip();
        FetchResponse decoded = ProtocolCodec.decodeFetchResponse(responseBody(wire, 41));
        assertThat(decoded.partitions()).hasSize(2);
        FetchResponse.Partition p0 = decoded.partitions().get(0);
        assertThat(List.of(p0.topic(), p0.partition(), p0.error(), p0.highWatermark(), p0.logStartOffset(), p0.logEndOffset()))
                .containsExactly("orders", 0, ReplicaError.NONE, 990L, 0L, 1_010L);
        assertThat(StandardCharsets.UTF_8.decode(p0.records().toByteBuffer()).toString()).isEqualTo("batches of partition 0");
        assertThat(decoded.partitions().get(1).error()).isEqualTo(ReplicaError.FENCED_LEADER_EPOCH);
        assertThat(decoded.partitions().get(1).records().sizeInBytes()).isZero();
    }

    @Test
    void offsetsForLeaderEpochRoundTrips() {
        EpochRequest request = new EpochRequest(3, List.of(new EpochRequest.Partition("orders", TOPIC_ID, 1, 6, 5)));
        assertThat(ProtocolCodec.decodeEpochRequest(requestBody(ProtocolCodec.epochRequest(9, request),
                Protocol.OFFSETS_FOR_LEADER_EPOCH, 9))).isEqualTo(request);
        EpochResponse response = new EpochResponse(List.of(new EpochResponse.Partition("orders", 1, ReplicaError.NONE, 4, 812L),
                new EpochResponse.Partition("orders", 2, ReplicaError.UNKNOWN_PARTITION, -1, -1L)));
        assertThat(ProtocolCodec.decodeEpochResponse(responseBody(ProtocolCodec.epochResponse(9, response), 9))).isEqualTo(response);
    }

    @Test
    void forwardedProduceRoundTripsWithEveryAcksValue() {
        for (Acks acks : Acks.values()) {
            ForwardedProduce request = new ForwardedProduce("orders", TOPIC_ID, List.of(
                    new PartitionBatch(0, ByteBuffer.wrap(new byte[] {1, 2, 3})), new PartitionBatch(2, ByteBuffer.wrap(new byte[] {4}))),
                    acks, 30_000L);
            ForwardedProduce decoded = ProtocolCodec.decodeProduceRequest(requestBody(ProtocolCodec.produceRequest(5, request),
                    Protocol.PRODUCE, 5));
            assertThat(decoded).isEqualTo(request);
        }
        ProduceResult result = new ProduceResult(List.of(new ProduceResult.Appended(0, 100, 109, 1_700_000_000_000L)));
        assertThat(ProtocolCodec.decodeProduceResponse(responseBody(ProtocolCodec.produceResponse(5, result), 5))).isEqualTo(result);
    }

    @Test
    void forwardedReadRoundTripsWithAndWithoutProjection() {
        for (int[] projection : new int[][] {null, {}, {0, 3}}) {
            RemoteReadRequest request = new RemoteReadRequest("orders", TOPIC_ID, 4, 77L, 4 << 20, projection, 1_000L);
            RemoteReadRequest d = ProtocolCodec.decodeReadRequest(requestBody(ProtocolCodec.readRequest(6, request), Protocol.READ, 6));
            assertThat(List.of(d.topic(), d.topicId(), d.partition(), d.offset(), d.maxBytes(), d.maxWaitMs()))
                    .containsExactly("orders", TOPIC_ID, 4, 77L, 4 << 20, 1_000L);
            assertThat(d.projection()).isEqualTo(projection);
        }
        RemoteRead read = new RemoteRead(ByteBuffer.wrap(new byte[] {9, 8, 7}), 10, 0, 12);
        RemoteRead d = ProtocolCodec.decodeReadResponse(responseBody(ProtocolCodec.readResponse(6, read), 6));
        assertThat(d).isEqualTo(read);
    }

    @Test
    void listOffsetsRoundTrips() {
        OffsetsRequest request = new OffsetsRequest("orders", TOPIC_ID, 2, OffsetsRequest.NO_TIMESTAMP);
        assertThat(ProtocolCodec.decodeOffsetsRequest(requestBody(ProtocolCodec.offsetsRequest(8, request), Protocol.LIST_OFFSETS, 8)))
                .isEqualTo(request);
        PartitionOffsets offsets = new PartitionOffsets(5, 90, 95, -1, 3, 123_456);
        assertThat(ProtocolCodec.decodeOffsetsResponse(responseBody(ProtocolCodec.offsetsResponse(8, offsets), 8))).isEqualTo(offsets);
    }

    @Test
    void errorResponsesCarrySqlStateMessageAndKind() {
        ByteBuffer b = unframe(ProtocolCodec.errorResponse(12, Protocol.ENGINE_ERROR, "40R02", "broker 2 does not lead orders-1",
                Protocol.KIND_NOT_LEADER));
        assertThat(ProtocolCodec.readResponseHeader(b)).isEqualTo(new ProtocolCodec.ResponseHeader(12, Protocol.ENGINE_ERROR));
        assertThat(ProtocolCodec.decodeError(b.slice()))
                .isEqualTo(new ProtocolCodec.ErrorBody("40R02", "broker 2 does not lead orders-1", Protocol.KIND_NOT_LEADER));
    }

    @Test
    void malformedBodiesFailNamingTheApi() {
        ByteBuffer body = requestBody(ProtocolCodec.fetchRequest(1, new FetchRequest(2, 500, 1_000,
                List.of(new FetchRequest.Partition("orders", TOPIC_ID, 0, 4, 10L, 100)))), Protocol.FETCH, 1);
        ByteBuffer truncated = body.slice(0, body.remaining() - 3);
        assertThatThrownBy(() -> ProtocolCodec.decodeFetchRequest(truncated)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("FETCH request");
        ByteBuffer longer = ByteBuffer.allocate(body.remaining() + 2).put(body.duplicate()).put(new byte[2]).flip();
        assertThatThrownBy(() -> ProtocolCodec.decodeFetchRequest(longer)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("left over");
        ByteBuffer hugeCount = ByteBuffer.allocate(16).putInt(2).putInt(500).putInt(1_000).putInt(Integer.MAX_VALUE).flip();
        assertThatThrownBy(() -> ProtocolCodec.decodeFetchRequest(hugeCount)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("does not fit");
        ByteBuffer badAcks = requestBody(ProtocolCodec.produceRequest(1, new ForwardedProduce("t", TOPIC_ID, List.of(), Acks.ALL, 1L)),
                Protocol.PRODUCE, 1);
        int acksAt = 2 + 1 + 16;
        ByteBuffer corrupted = ByteBuffer.allocate(badAcks.remaining()).put(badAcks.duplicate()).flip().put(acksAt, (byte) 7);
        assertThatThrownBy(() -> ProtocolCodec.decodeProduceRequest(corrupted)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("acks 7");
        assertThatThrownBy(() -> ProtocolCodec.readRequestHeader(ByteBuffer.allocate(3))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("shorter than its header");
        assertThat(Protocol.version((short) 99)).isEqualTo((short) -1);
        assertThat(Protocol.apiName((short) 99)).isEqualTo("api 99");
    }

    @Test
    void groupRequestsAndResponsesRoundTrip() {
        List<GroupRequest> requests = List.of(
                new GroupRequest.Join("g", "orders", TOPIC_ID, "conn/1#1"),
                new GroupRequest.Heartbeat("g", "orders", TOPIC_ID, "conn/1#1", 7L, 2_000L),
                new GroupRequest.Release("g", "orders", TOPIC_ID, "conn/1#1", List.of(2, 5)),
                new GroupRequest.Leave("g", "orders", TOPIC_ID, "conn/1#1"),
                new GroupRequest.Commit("g", "orders", TOPIC_ID, "conn/1#1", java.util.Map.of(0, 10L, 3, 42L)),
                new GroupRequest.ResetOffsets("g", "orders", TOPIC_ID, java.util.Map.of(1, 0L)),
                new GroupRequest.Describe());
        int corr = 100;
        for (GroupRequest r : requests) {
            short api = Protocol.apiKey(r);
            assertThat(Protocol.isGroupApi(api)).isTrue();
            assertThat(ProtocolCodec.decodeGroupRequest(api, requestBody(ProtocolCodec.groupRequest(corr, r), api, corr)))
                    .as(Protocol.apiName(api)).isEqualTo(r);
            corr++;
        }
        GroupResponse.MemberState state = new GroupResponse.MemberState(3, java.util.Set.of(0, 4), java.util.Set.of(4),
                java.util.Map.of(0, 17L));
        for (short api : new short[] {Protocol.JOIN_GROUP, Protocol.HEARTBEAT, Protocol.RELEASE_PARTITIONS}) {
            assertThat(ProtocolCodec.decodeGroupResponse(api, responseBody(ProtocolCodec.groupResponse(9, state), 9))).isEqualTo(state);
        }
        assertThat(ProtocolCodec.decodeGroupResponse(Protocol.COMMIT_OFFSETS,
                responseBody(ProtocolCodec.groupResponse(9, GroupResponse.Done.INSTANCE), 9))).isEqualTo(GroupResponse.Done.INSTANCE);
        GroupResponse.Described described = new GroupResponse.Described(List.of(
                new GroupPartitionStatus("g", "orders", 0, "conn/1#1", 17L, 20L, 3L, 2),
                new GroupPartitionStatus("g", "orders", 1, null, null, 5L, null, 2)));
        assertThat(ProtocolCodec.decodeGroupResponse(Protocol.DESCRIBE_GROUPS,
                responseBody(ProtocolCodec.groupResponse(9, described), 9))).isEqualTo(described);
        ByteBuffer truncated = requestBody(ProtocolCodec.groupRequest(5, requests.get(4)), Protocol.COMMIT_OFFSETS, 5);
        truncated.limit(truncated.limit() - 3);
        assertThatThrownBy(() -> ProtocolCodec.decodeGroupRequest(Protocol.COMMIT_OFFSETS, truncated))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("COMMIT_OFFSETS request");
    }
}
