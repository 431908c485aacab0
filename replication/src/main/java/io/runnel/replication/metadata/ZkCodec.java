package io.runnel.replication.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.engine.cluster.BrokerInfo;
import io.runnel.engine.cluster.PartitionReassignment;
import io.runnel.engine.cluster.PartitionState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON payloads of Runnel's znodes other than topic entries ({@code TopicCodec}), each with a
 * {@code formatVersion} (1); unknown fields are ignored, a newer format version is refused:
 *
 * <pre>
 * /brokers/ids/&lt;id&gt;       {"formatVersion":1,"id":1,"host":"10.0.0.1","sqlPort":7070,"brokerPort":7071,"rack":"a","startedAtMs":…}
 * /assignments/&lt;topic&gt;    {"formatVersion":1,"topicId":"…","partitions":[[1,2,3],[4,3,1]],
 *                           "reassignments":{"1":{"original":[1,3],"target":[4,3]}}}  (moves in progress; absent when none)
 * /partitions/&lt;topic&gt;/&lt;p&gt; {"formatVersion":1,"topicId":"…","leader":1,"leaderEpoch":4,"isr":[1,2],"controllerEpoch":7}
 * /controller_epoch        {"formatVersion":1,"epoch":7}
 * /cluster_id              {"formatVersion":1,"clusterId":"…"}
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class ZkCodec {
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ZkCodec() {}

    /**
     * A topic's replica assignment.
     *
     * @param partitions    each partition's replicas (during a move: the target's, then the leaving ones)
     * @param reassignments the moves in progress by partition (absent from the JSON when there are none)
     */
    public record Assignment(UUID topicId, List<List<Integer>> partitions, Map<Integer, PartitionReassignment> reassignments) {
        public Assignment {
            List<List<Integer>> copy = new ArrayList<>();
            partitions.forEach(p -> copy.add(List.copyOf(p)));
            partitions = List.copyOf(copy);
            reassignments = Map.copyOf(reassignments);
        }

        /** An assignment without moves. */
        public Assignment(UUID topicId, List<List<Integer>> partitions) {
            this(topicId, partitions, Map.of());
        }

        /** The move of partition {@code p}, or null. */
        public PartitionReassignment reassignment(int p) {
            return reassignments.get(p);
        }
    }

    public static byte[] broker(BrokerInfo b, long startedAtMs) {
        ObjectNode n = root();
        n.put("id", b.id());
        n.put("host", b.host());
        n.put("sqlPort", b.sqlPort());
        n.put("brokerPort", b.brokerPort());
        if (b.rack() == null) {
            n.putNull("rack");
        } else {
            n.put("rack", b.rack());
        }
        n.put("startedAtMs", startedAtMs);
        return bytes(n);
    }

    public static BrokerInfo broker(byte[] data, String source) {
        JsonNode n = parse(data, source);
        JsonNode rack = n.get("rack");
        return new BrokerInfo(required(n, "id", source).asInt(), required(n, "host", source).asText(),
                required(n, "sqlPort", source).asInt(), required(n, "brokerPort", source).asInt(),
                rack == null || rack.isNull() ? null : rack.asText());
    }

    public static byte[] assignment(Assignment a) {
        ObjectNode n = root();
        n.put("topicId", a.topicId().toString());
        ArrayNode parts = n.putArray("partitions");
        for (List<Integer> replicas : a.partitions()) {
            ArrayNode r = parts.addArray();
            replicas.forEach(r::add);
        }
        if (!a.reassignments().isEmpty()) {
            ObjectNode moves = n.putObject("reassignments");
            new java.util.TreeMap<>(a.reassignments()).forEach((p, m) -> {
                ObjectNode move = moves.putObject(Integer.toString(p));
                m.original().forEach(move.putArray("original")::add);
                m.target().forEach(move.putArray("target")::add);
            });
        }
        return bytes(n);
    }

    public static Assignment assignment(byte[] data, String source) {
        JsonNode n = parse(data, source);
        List<List<Integer>> partitions = new ArrayList<>();
        for (JsonNode p : required(n, "partitions", source)) {
            List<Integer> replicas = new ArrayList<>();
            p.forEach(r -> replicas.add(r.asInt()));
            partitions.add(replicas);
        }
        Map<Integer, PartitionReassignment> moves = new java.util.HashMap<>();
        JsonNode reassignments = n.get("reassignments");
        if (reassignments != null && !reassignments.isNull()) {
            var fields = reassignments.fields();
            while (fields.hasNext()) {
                var e = fields.next();
                int p = Integer.parseInt(e.getKey());
                if (p < 0 || p >= partitions.size()) {
                    throw new IllegalArgumentException(source + ": reassignment of partition " + p + ", which the assignment lacks");
                }
                moves.put(p, new PartitionReassignment(ints(e.getValue().get("original")), ints(e.getValue().get("target"))));
            }
        }
        return new Assignment(UUID.fromString(required(n, "topicId", source).asText()), partitions, moves);
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        if (array != null) {
            array.forEach(r -> out.add(r.asInt()));
        }
        return out;
    }

    public static byte[] state(PartitionState s) {
        ObjectNode n = root();
        n.put("topicId", s.topicId().toString());
        n.put("leader", s.leader());
        n.put("leaderEpoch", s.leaderEpoch());
        ArrayNode isr = n.putArray("isr");
        s.isr().forEach(isr::add);
        n.put("controllerEpoch", s.controllerEpoch());
        return bytes(n);
    }

    public static PartitionState state(byte[] data, String source) {
        JsonNode n = parse(data, source);
        List<Integer> isr = new ArrayList<>();
        required(n, "isr", source).forEach(r -> isr.add(r.asInt()));
        try {
            return new PartitionState(UUID.fromString(required(n, "topicId", source).asText()), required(n, "leader", source).asInt(),
                    required(n, "leaderEpoch", source).asInt(), isr, required(n, "controllerEpoch", source).asInt());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": invalid partition state: " + e.getMessage(), e);
        }
    }

    public static byte[] controllerEpoch(int epoch) {
        ObjectNode n = root();
        n.put("epoch", epoch);
        return bytes(n);
    }

    public static int controllerEpoch(byte[] data, String source) {
        return required(parse(data, source), "epoch", source).asInt();
    }

    public static byte[] clusterId(UUID id) {
        ObjectNode n = root();
        n.put("clusterId", id.toString());
        return bytes(n);
    }

    public static UUID clusterId(byte[] data, String source) {
        return UUID.fromString(required(parse(data, source), "clusterId", source).asText());
    }

    private static ObjectNode root() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("formatVersion", FORMAT_VERSION);
        return n;
    }

    private static byte[] bytes(ObjectNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + n, e);
        }
    }

    private static JsonNode parse(byte[] data, String source) {
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException(source + ": empty node");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(data);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        int version = required(n, "formatVersion", source).asInt();
        if (version > FORMAT_VERSION) {
            throw new IllegalArgumentException(source + ": formatVersion " + version + " is newer than this broker understands ("
                    + FORMAT_VERSION + ")");
        }
        return n;
    }

    private static JsonNode required(JsonNode n, String field, String source) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(source + ": missing field '" + field + "'");
        }
        return v;
    }
}
