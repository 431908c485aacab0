package io.runnel.replication.protocol;

import io.runnel.engine.Acks;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.cluster.BrokerTransport.ForwardedProduce;
import io.runnel.engine.cluster.BrokerTransport.OffsetsRequest;
import io.runnel.engine.cluster.BrokerTransport.PartitionOffsets;
import io.runnel.engine.cluster.BrokerTransport.RemoteRead;
import io.runnel.engine.cluster.BrokerTransport.RemoteReadRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import io.runnel.engine.group.GroupPartitionStatus;
import io.runnel.engine.group.GroupRequest;
import io.runnel.engine.group.GroupResponse;

/**
 * Encodes and decodes the messages of {@link Protocol} to and from {@link ByteBuffer}s, without
 * Netty (the transport wraps these buffers; zero-copy batches are appended by the transport after
 * {@link #fetchResponseHead}). Every layout below is the one {@code docs/format/replication-protocol.md}
 * specifies.
 *
 * <p>Decoders throw {@link ProtocolException} naming the message and field that did not fit.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProtocolCodec {
    private ProtocolCodec() {}

    /** A decoded request header. */
    public record RequestHeader(short apiKey, short apiVersion, int correlationId) {}

    /** A decoded response header. */
    public record ResponseHeader(int correlationId, short errorCode) {}

    /** The body of an error response. */
    public record ErrorBody(String sqlState, String message, byte kind) {}

    // ------------------------------------------------------------------ writing

    /** A frame under construction: size placeholder, then header and body. */
    private static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        final DataOutputStream out = new DataOutputStream(bytes);

        Out() {
            i32(0); // size, filled in by frame()
        }

        Out i8(int v) {
            try {
                out.writeByte(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out i16(int v) {
            try {
                out.writeShort(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out i32(int v) {
            try {
                out.writeInt(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out i64(long v) {
            try {
                out.writeLong(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out str(String s) {
            if (s == null) {
                return i16(-1);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > Short.MAX_VALUE) {
                b = java.util.Arrays.copyOf(b, Short.MAX_VALUE); // messages are capped, not refused
            }
            i16(b.length);
            bytes.write(b, 0, b.length);
            return this;
        }

        Out uuid(UUID u) {
            return i64(u.getMostSignificantBits()).i64(u.getLeastSignificantBits());
        }

        Out bytes(ByteBuffer b) {
            ByteBuffer d = b.duplicate();
            i32(d.remaining());
            if (d.hasArray()) {
                bytes.write(d.array(), d.arrayOffset() + d.position(), d.remaining());
            } else {
                byte[] copy = new byte[d.remaining()];
                d.get(copy);
                bytes.write(copy, 0, copy.length);
            }
            return this;
        }

        /** The frame, its size field counting {@code trailingBytes} more that the caller sends after it. */
        ByteBuffer frame(long trailingBytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
            long size = b.remaining() - Protocol.SIZE_LENGTH + trailingBytes;
            if (size > Protocol.MAX_FRAME_BYTES) {
                throw new ProtocolException("frame of " + size + " bytes exceeds the limit of " + Protocol.MAX_FRAME_BYTES);
            }
            b.putInt(0, (int) size);
            return b;
        }

        ByteBuffer frame() {
            return frame(0);
        }
    }

    private static Out request(short apiKey, int correlationId) {
        return new Out().i16(apiKey).i16(Protocol.version(apiKey)).i32(correlationId);
    }

    private static Out response(int correlationId) {
        return new Out().i32(correlationId).i16(Protocol.NONE);
    }

    // ------------------------------------------------------------------ reading

    private static String str(ByteBuffer b) {
        short len = b.getShort();
        if (len < 0) {
            return null;
        }
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static UUID uuid(ByteBuffer b) {
        return new UUID(b.getLong(), b.getLong());
    }

    private static int count(ByteBuffer b, String what, int minElementBytes) {
        int n = b.getInt();
        if (n < 0 || (long) n * minElementBytes > b.remaining()) {
            throw new ProtocolException(what + ": count " + n + " does not fit the " + b.remaining() + " bytes left");
        }
        return n;
    }

    private static ByteBuffer slice(ByteBuffer b, String what) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new ProtocolException(what + ": " + n + " bytes announced, " + b.remaining() + " left");
        }
        ByteBuffer s = b.slice(b.position(), n);
        b.position(b.position() + n);
        return s;
    }

    private interface Body<T> {
        T read(ByteBuffer b);
    }

    private static <T> T decode(String what, ByteBuffer body, Body<T> reader) {
        ByteBuffer b = body.duplicate();
        try {
            T t = reader.read(b);
            if (b.hasRemaining()) {
                throw new ProtocolException(what + ": " + b.remaining() + " bytes left over");
            }
            return t;
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new ProtocolException(what + " is truncated or malformed: " + e, e);
        }
    }

    /** Reads the header at the start of a request frame (after the size); leaves the buffer at the body. */
    public static RequestHeader readRequestHeader(ByteBuffer frame) {
        if (frame.remaining() < Protocol.REQUEST_HEADER_BYTES) {
            throw new ProtocolException("request of " + frame.remaining() + " bytes is shorter than its header");
        }
        return new RequestHeader(frame.getShort(), frame.getShort(), frame.getInt());
    }

    /** Reads the header at the start of a response frame (after the size); leaves the buffer at the body. */
    public static ResponseHeader readResponseHeader(ByteBuffer frame) {
        if (frame.remaining() < Protocol.RESPONSE_HEADER_BYTES) {
            throw new ProtocolException("response of " + frame.remaining() + " bytes is shorter than its header");
        }
        return new ResponseHeader(frame.getInt(), frame.getShort());
    }

    // ------------------------------------------------------------------ errors

    public static ByteBuffer errorResponse(int correlationId, short errorCode, String sqlState, String message, byte kind) {
        return new Out().i32(correlationId).i16(errorCode).str(sqlState).str(message).i8(kind).frame();
    }

    public static ErrorBody decodeError(ByteBuffer body) {
        return decode("error response", body, b -> new ErrorBody(str(b), str(b), b.get()));
    }

    // ------------------------------------------------------------------ FETCH

    /*
     * request:  int32 replicaId, int32 maxWaitMs, int32 maxBytes,
     *           array of {string topic, uuid topicId, int32 partition, int32 currentLeaderEpoch, int64 fetchOffset, int32 maxBytes}
     * response: array of {string topic, int32 partition, int16 error, int64 highWatermark, int64 logStartOffset,
     *           int64 logEndOffset, int32 recordsBytes}, then every partition's records, in order
     */
    public static ByteBuffer fetchRequest(int correlationId, FetchRequest r) {
        Out o = request(Protocol.FETCH, correlationId).i32(r.replicaId()).i32(r.maxWaitMs()).i32(r.maxBytes())
                .i32(r.partitions().size());
        for (FetchRequest.Partition p : r.partitions()) {
            o.str(p.topic()).uuid(p.topicId()).i32(p.partition()).i32(p.currentLeaderEpoch()).i64(p.fetchOffset()).i32(p.maxBytes());
        }
        return o.frame();
    }

    public static FetchRequest decodeFetchRequest(ByteBuffer body) {
        return decode("FETCH request", body, b -> {
            int replicaId = b.getInt();
            int maxWaitMs = b.getInt();
            int maxBytes = b.getInt();
            int n = count(b, "FETCH partitions", 34);
            List<FetchRequest.Partition> parts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                parts.add(new FetchRequest.Partition(str(b), uuid(b), b.getInt(), b.getInt(), b.getLong(), b.getInt()));
            }
            return new FetchRequest(replicaId, maxWaitMs, maxBytes, parts);
        });
    }

    /**
     * The frame of a FETCH response up to the records, its size counting the records the transport
     * sends right after it (each partition's {@link Records}, in order).
     */
    public static ByteBuffer fetchResponseHead(int correlationId, FetchResponse r) {
        Out o = response(correlationId).i32(r.partitions().size());
        long records = 0;
        for (FetchResponse.Partition p : r.partitions()) {
            o.str(p.topic()).i32(p.partition()).i16(Protocol.code(p.error())).i64(p.highWatermark()).i64(p.logStartOffset())
                    .i64(p.logEndOffset()).i32(p.records().sizeInBytes());
            records += p.records().sizeInBytes();
        }
        return o.frame(records);
    }

    /** Decodes a FETCH response body; the records are slices of {@code body}. */
    public static FetchResponse decodeFetchResponse(ByteBuffer body) {
        return decodeFetchResponse(body, null);
    }

    /**
     * Decodes a FETCH response whose records stay views of {@code body}; {@code release} (may be null)
     * frees {@code body} and becomes the response's {@link FetchResponse#release()}.
     */
    public static FetchResponse decodeFetchResponse(ByteBuffer body, Runnable release) {
        return decode("FETCH response", body, b -> {
            int n = count(b, "FETCH response partitions", 36);
            List<String> topics = new ArrayList<>(n);
            int[] partitions = new int[n];
            short[] errors = new short[n];
            long[][] offsets = new long[n][3];
            int[] sizes = new int[n];
            for (int i = 0; i < n; i++) {
                topics.add(str(b));
                partitions[i] = b.getInt();
                errors[i] = b.getShort();
                offsets[i][0] = b.getLong();
                offsets[i][1] = b.getLong();
                offsets[i][2] = b.getLong();
                sizes[i] = b.getInt();
            }
            List<FetchResponse.Partition> parts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (sizes[i] < 0 || sizes[i] > b.remaining()) {
                    throw new ProtocolException("FETCH response: partition " + topics.get(i) + "-" + partitions[i] + " announces "
                            + sizes[i] + " bytes of records, " + b.remaining() + " left");
                }
                ByteBuffer records = b.slice(b.position(), sizes[i]);
                b.position(b.position() + sizes[i]);
                parts.add(new FetchResponse.Partition(topics.get(i), partitions[i], Protocol.replicaError(errors[i]),
                        offsets[i][0], offsets[i][1], offsets[i][2], sizes[i] == 0 ? Records.EMPTY : new Records.Bytes(records)));
            }
            return new FetchResponse(parts, release);
        });
    }

    // ------------------------------------------------------------------ OFFSETS_FOR_LEADER_EPOCH

    /*
     * request:  int32 replicaId, array of {string topic, uuid topicId, int32 partition, int32 currentLeaderEpoch, int32 leaderEpoch}
     * response: array of {string topic, int32 partition, int16 error, int32 leaderEpoch, int64 endOffset}
     */
    public static ByteBuffer epochRequest(int correlationId, EpochRequest r) {
        Out o = request(Protocol.OFFSETS_FOR_LEADER_EPOCH, correlationId).i32(r.replicaId()).i32(r.partitions().size());
        for (EpochRequest.Partition p : r.partitions()) {
            o.str(p.topic()).uuid(p.topicId()).i32(p.partition()).i32(p.currentLeaderEpoch()).i32(p.leaderEpoch());
        }
        return o.frame();
    }

    public static EpochRequest decodeEpochRequest(ByteBuffer body) {
        return decode("OFFSETS_FOR_LEADER_EPOCH request", body, b -> {
            int replicaId = b.getInt();
            int n = count(b, "OFFSETS_FOR_LEADER_EPOCH partitions", 30);
            List<EpochRequest.Partition> parts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                parts.add(new EpochRequest.Partition(str(b), uuid(b), b.getInt(), b.getInt(), b.getInt()));
            }
            return new EpochRequest(replicaId, parts);
        });
    }

    public static ByteBuffer epochResponse(int correlationId, EpochResponse r) {
        Out o = response(correlationId).i32(r.partitions().size());
        for (EpochResponse.Partition p : r.partitions()) {
            o.str(p.topic()).i32(p.partition()).i16(Protocol.code(p.error())).i32(p.leaderEpoch()).i64(p.endOffset());
        }
        return o.frame();
    }

    public static EpochResponse decodeEpochResponse(ByteBuffer body) {
        return decode("OFFSETS_FOR_LEADER_EPOCH response", body, b -> {
            int n = count(b, "OFFSETS_FOR_LEADER_EPOCH response partitions", 20);
            List<EpochResponse.Partition> parts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                parts.add(new EpochResponse.Partition(str(b), b.getInt(), Protocol.replicaError(b.getShort()), b.getInt(),
                        b.getLong()));
            }
            return new EpochResponse(parts);
        });
    }

    // ------------------------------------------------------------------ PRODUCE

    /*
     * request:  string topic, uuid topicId, int8 acks (0, 1, -1 = all), int64 timeoutMs,
     *           array of {int32 partition, int32 batchBytes, batch}
     * response: array of {int32 partition, int64 baseOffset, int64 lastOffset, int64 timestampMs}
     */
    public static ByteBuffer produceRequest(int correlationId, ForwardedProduce r) {
        Out o = request(Protocol.PRODUCE, correlationId).str(r.topic()).uuid(r.topicId())
                .i8(r.acks() == Acks.ALL ? -1 : r.acks() == Acks.LEADER ? 1 : 0).i64(r.timeoutMs()).i32(r.batches().size());
        for (PartitionBatch b : r.batches()) {
            o.i32(b.partition()).bytes(b.batch());
        }
        return o.frame();
    }

    public static ForwardedProduce decodeProduceRequest(ByteBuffer body) {
        return decode("PRODUCE request", body, b -> {
            String topic = str(b);
            UUID topicId = uuid(b);
            byte acks = b.get();
            long timeoutMs = b.getLong();
            int n = count(b, "PRODUCE batches", 8);
            List<PartitionBatch> batches = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int partition = b.getInt();
                ByteBuffer batch = slice(b, "PRODUCE batch " + i);
                ByteBuffer own = ByteBuffer.allocate(batch.remaining()).put(batch).flip(); // the engine stamps it in place
                batches.add(new PartitionBatch(partition, own));
            }
            Acks a = switch (acks) {
                case -1 -> Acks.ALL;
                case 1 -> Acks.LEADER;
                case 0 -> Acks.NONE;
                default -> throw new ProtocolException("PRODUCE request: acks " + acks + " is not 0, 1 or -1");
            };
            return new ForwardedProduce(topic, topicId, batches, a, timeoutMs);
        });
    }

    public static ByteBuffer produceResponse(int correlationId, ProduceResult r) {
        Out o = response(correlationId).i32(r.batches().size());
        for (ProduceResult.Appended a : r.batches()) {
            o.i32(a.partition()).i64(a.baseOffset()).i64(a.lastOffset()).i64(a.timestampMs());
        }
        return o.frame();
    }

    public static ProduceResult decodeProduceResponse(ByteBuffer body) {
        return decode("PRODUCE response", body, b -> {
            int n = count(b, "PRODUCE response batches", 28);
            List<ProduceResult.Appended> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new ProduceResult.Appended(b.getInt(), b.getLong(), b.getLong(), b.getLong()));
            }
            return new ProduceResult(out);
        });
    }

    // ------------------------------------------------------------------ READ

    /*
     * request:  string topic, uuid topicId, int32 partition, int64 offset, int32 maxBytes, int64 maxWaitMs,
     *           int32 projectionCount (-1 = all columns), int32 column...
     * response: int64 highWatermark, int64 logStartOffset, int64 logEndOffset, int32 recordsBytes, records
     */
    public static ByteBuffer readRequest(int correlationId, RemoteReadRequest r) {
        Out o = request(Protocol.READ, correlationId).str(r.topic()).uuid(r.topicId()).i32(r.partition()).i64(r.offset())
                .i32(r.maxBytes()).i64(r.maxWaitMs());
        if (r.projection() == null) {
            o.i32(-1);
        } else {
            o.i32(r.projection().length);
            for (int c : r.projection()) {
                o.i32(c);
            }
        }
        return o.frame();
    }

    public static RemoteReadRequest decodeReadRequest(ByteBuffer body) {
        return decode("READ request", body, b -> {
            String topic = str(b);
            UUID topicId = uuid(b);
            int partition = b.getInt();
            long offset = b.getLong();
            int maxBytes = b.getInt();
            long maxWaitMs = b.getLong();
            int n = b.getInt();
            int[] projection = null;
            if (n >= 0) {
                if ((long) n * 4 > b.remaining()) {
                    throw new ProtocolException("READ request: " + n + " projected columns do not fit");
                }
                projection = new int[n];
                for (int i = 0; i < n; i++) {
                    projection[i] = b.getInt();
                }
            }
            return new RemoteReadRequest(topic, topicId, partition, offset, maxBytes, projection, maxWaitMs);
        });
    }

    public static ByteBuffer readResponse(int correlationId, RemoteRead r) {
        return response(correlationId).i64(r.highWatermark()).i64(r.logStartOffset()).i64(r.logEndOffset()).bytes(r.records())
                .frame();
    }

    public static RemoteRead decodeReadResponse(ByteBuffer body) {
        return decode("READ response", body, b -> {
            long hw = b.getLong();
            long logStart = b.getLong();
            long logEnd = b.getLong();
            return new RemoteRead(slice(b, "READ records"), hw, logStart, logEnd);
        });
    }

    // ------------------------------------------------------------------ LIST_OFFSETS

    /*
     * request:  string topic, uuid topicId, int32 partition, int64 timestampMs (Long.MIN_VALUE = none)
     * response: int64 logStartOffset, int64 highWatermark, int64 logEndOffset, int64 offsetForTimestamp,
     *           int32 leaderEpoch, int64 sizeBytes
     */
    public static ByteBuffer offsetsRequest(int correlationId, OffsetsRequest r) {
        return request(Protocol.LIST_OFFSETS, correlationId).str(r.topic()).uuid(r.topicId()).i32(r.partition())
                .i64(r.timestampMs()).frame();
    }

    public static OffsetsRequest decodeOffsetsRequest(ByteBuffer body) {
        return decode("LIST_OFFSETS request", body, b -> new OffsetsRequest(str(b), uuid(b), b.getInt(), b.getLong()));
    }

    public static ByteBuffer offsetsResponse(int correlationId, PartitionOffsets r) {
        return response(correlationId).i64(r.logStartOffset()).i64(r.highWatermark()).i64(r.logEndOffset())
                .i64(r.offsetForTimestamp()).i32(r.leaderEpoch()).i64(r.sizeBytes()).frame();
    }

    public static PartitionOffsets decodeOffsetsResponse(ByteBuffer body) {
        return decode("LIST_OFFSETS response", body, b -> new PartitionOffsets(b.getLong(), b.getLong(), b.getLong(),
                b.getLong(), b.getInt(), b.getLong()));
    }

    // ------------------------------------------------------------------ consumer groups (JOIN_GROUP .. DESCRIBE_GROUPS)

    /*
     * JOIN_GROUP request:         string group, string topic, uuid topicId, string memberId
     * HEARTBEAT request:          string group, string topic, uuid topicId, string memberId, int64 knownVersion, int64 maxWaitMs
     * RELEASE_PARTITIONS request: string group, string topic, uuid topicId, string memberId, array of int32 partition
     * LEAVE_GROUP request:        string group, string topic, uuid topicId, string memberId
     * COMMIT_OFFSETS request:     string group, string topic, uuid topicId, string memberId, array of {int32 partition, int64 offset}
     * RESET_OFFSETS request:      string group, string topic, uuid topicId, array of {int32 partition, int64 offset}
     * DESCRIBE_GROUPS request:    (empty)
     * member state response (JOIN_GROUP, HEARTBEAT, RELEASE_PARTITIONS):
     *     int64 version, array of int32 owned, array of int32 revoking, array of {int32 partition, int64 committed}
     * LEAVE_GROUP, COMMIT_OFFSETS, RESET_OFFSETS response: (empty)
     * DESCRIBE_GROUPS response: array of {string group, string topic, int32 partition, string member (null: none),
     *     int64 committedOffset (-1: none), int64 logEndOffset, int32 coordinator}
     */
    public static ByteBuffer groupRequest(int correlationId, GroupRequest r) {
        Out o = request(Protocol.apiKey(r), correlationId);
        if (r instanceof GroupRequest.Join j) {
            o.str(j.group()).str(j.topic()).uuid(j.topicId()).str(j.memberId());
        } else if (r instanceof GroupRequest.Heartbeat h) {
            o.str(h.group()).str(h.topic()).uuid(h.topicId()).str(h.memberId()).i64(h.knownVersion()).i64(h.maxWaitMs());
        } else if (r instanceof GroupRequest.Release rel) {
            o.str(rel.group()).str(rel.topic()).uuid(rel.topicId()).str(rel.memberId()).i32(rel.partitions().size());
            rel.partitions().forEach(o::i32);
        } else if (r instanceof GroupRequest.Leave l) {
            o.str(l.group()).str(l.topic()).uuid(l.topicId()).str(l.memberId());
        } else if (r instanceof GroupRequest.Commit c) {
            o.str(c.group()).str(c.topic()).uuid(c.topicId()).str(c.memberId());
            offsets(o, c.offsets());
        } else if (r instanceof GroupRequest.ResetOffsets x) {
            o.str(x.group()).str(x.topic()).uuid(x.topicId());
            offsets(o, x.offsets());
        }
        return o.frame();
    }

    private static void offsets(Out o, Map<Integer, Long> offsets) {
        o.i32(offsets.size());
        new TreeMap<>(offsets).forEach((p, off) -> o.i32(p).i64(off));
    }

    private static Map<Integer, Long> offsets(ByteBuffer b, String what) {
        int n = count(b, what, 12);
        Map<Integer, Long> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put(b.getInt(), b.getLong());
        }
        return m;
    }

    private static List<Integer> ints(ByteBuffer b, String what) {
        int n = count(b, what, 4);
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(b.getInt());
        }
        return out;
    }

    /** Decodes the body of a group request of {@code apiKey}. */
    public static GroupRequest decodeGroupRequest(short apiKey, ByteBuffer body) {
        String what = Protocol.apiName(apiKey) + " request";
        return decode(what, body, b -> switch (apiKey) {
            case Protocol.JOIN_GROUP -> new GroupRequest.Join(str(b), str(b), uuid(b), str(b));
            case Protocol.HEARTBEAT -> new GroupRequest.Heartbeat(str(b), str(b), uuid(b), str(b), b.getLong(), b.getLong());
            case Protocol.RELEASE_PARTITIONS -> new GroupRequest.Release(str(b), str(b), uuid(b), str(b), ints(b, what));
            case Protocol.LEAVE_GROUP -> new GroupRequest.Leave(str(b), str(b), uuid(b), str(b));
            case Protocol.COMMIT_OFFSETS -> new GroupRequest.Commit(str(b), str(b), uuid(b), str(b), offsets(b, what));
            case Protocol.RESET_OFFSETS -> new GroupRequest.ResetOffsets(str(b), str(b), uuid(b), offsets(b, what));
            case Protocol.DESCRIBE_GROUPS -> new GroupRequest.Describe();
            default -> throw new ProtocolException("api " + apiKey + " is not a group request");
        });
    }

    public static ByteBuffer groupResponse(int correlationId, GroupResponse r) {
        Out o = response(correlationId);
        if (r instanceof GroupResponse.MemberState s) {
            o.i64(s.version()).i32(s.owned().size());
            new TreeSet<>(s.owned()).forEach(o::i32);
            o.i32(s.revoking().size());
            new TreeSet<>(s.revoking()).forEach(o::i32);
            offsets(o, s.committed());
        } else if (r instanceof GroupResponse.Described d) {
            o.i32(d.rows().size());
            for (GroupPartitionStatus s : d.rows()) {
                o.str(s.group()).str(s.topic()).i32(s.partition()).str(s.member()).i64(s.committedOffset() == null ? -1
                        : s.committedOffset()).i64(s.logEndOffset()).i32(s.coordinator() == null ? -1 : s.coordinator());
            }
        }
        return o.frame();
    }

    /** Decodes the response body to a group request of {@code apiKey}. */
    public static GroupResponse decodeGroupResponse(short apiKey, ByteBuffer body) {
        String what = Protocol.apiName(apiKey) + " response";
        return decode(what, body, b -> switch (apiKey) {
            case Protocol.JOIN_GROUP, Protocol.HEARTBEAT, Protocol.RELEASE_PARTITIONS -> new GroupResponse.MemberState(b.getLong(),
                    new TreeSet<>(ints(b, what)), new TreeSet<>(ints(b, what)), offsets(b, what));
            case Protocol.LEAVE_GROUP, Protocol.COMMIT_OFFSETS, Protocol.RESET_OFFSETS -> GroupResponse.Done.INSTANCE;
            case Protocol.DESCRIBE_GROUPS -> {
                int n = count(b, what, 30);
                List<GroupPartitionStatus> rows = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String group = str(b);
                    String topic = str(b);
                    int partition = b.getInt();
                    String member = str(b);
                    long committed = b.getLong();
                    long end = b.getLong();
                    int coordinator = b.getInt();
                    rows.add(new GroupPartitionStatus(group, topic, partition, member, committed < 0 ? null : committed, end,
                            committed < 0 ? null : Math.max(0, end - committed), coordinator < 0 ? null : coordinator));
                }
                yield new GroupResponse.Described(rows);
            }
            default -> throw new ProtocolException("api " + apiKey + " is not a group request");
        });
    }
}
