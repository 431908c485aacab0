package io.runnel.engine.cluster;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Places a topic's partition replicas on brokers: leaders spread round-robin, followers spread by a
 * shift that grows with each pass over the brokers (so two partitions led by the same broker do not
 * have the same followers), and each partition's replicas on as many different racks as there are —
 * the rule Kafka's {@code AdminUtils} follows, written anew.
 *
 * <p>Racks count only when every broker has one; with some unset, placement ignores racks (a partial
 * rack map would put replicas on "no rack" as if it were a rack).
 *
 * <p>Stateless and thread-safe.
 */
public final class ReplicaAssignor {
    private ReplicaAssignor() {}

    /**
     * @param firstPartition the first partition to assign (partitions added by ALTER continue the pattern)
     * @param startIndex     where in the broker order partition 0 starts (random for new topics)
     * @return for each partition {@code firstPartition ..}, its replicas, preferred leader first
     * @throws EngineException 22023 when {@code replicationFactor} exceeds the brokers
     */
    public static List<List<Integer>> assign(String topic, int firstPartition, int partitions, int replicationFactor,
            Collection<BrokerInfo> brokers, int startIndex) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be positive, got " + replicationFactor);
        }
        if (replicationFactor > brokers.size()) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + topic + ": replication_factor "
                    + replicationFactor + " exceeds the " + brokers.size() + " live broker" + (brokers.size() == 1 ? "" : "s")
                    + " " + ids(brokers));
        }
        List<BrokerInfo> ordered = rackAlternating(brokers);
        boolean racks = ordered.stream().allMatch(b -> b.rack() != null);
        int n = ordered.size();
        int start = Math.floorMod(startIndex, n);
        List<List<Integer>> out = new ArrayList<>(partitions);
        for (int p = firstPartition; p < firstPartition + partitions; p++) {
            int first = (start + p) % n;
            int shift = n == 1 ? 0 : 1 + (p / n) % (n - 1);
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            Set<String> racksUsed = new HashSet<>();
            replicas.add(ordered.get(first).id());
            racksUsed.add(ordered.get(first).rack());
            for (int r = 1; r < replicationFactor; r++) {
                int chosen = -1;
                // Prefer a broker on a rack not used yet, scanning from the shifted position.
                for (int i = 0; i < n && chosen < 0; i++) {
                    BrokerInfo b = ordered.get((first + shift + i) % n);
                    if (!replicas.contains(b.id()) && (!racks || !racksUsed.contains(b.rack()))) {
                        chosen = b.id();
                        racksUsed.add(b.rack());
                    }
                }
                for (int i = 0; i < n && chosen < 0; i++) {
                    BrokerInfo b = ordered.get((first + shift + i) % n);
                    if (!replicas.contains(b.id())) {
                        chosen = b.id();
                    }
                }
                replicas.add(chosen);
            }
            out.add(List.copyOf(replicas));
        }
        return out;
    }

    /** Brokers ordered so that consecutive ones are on different racks where possible (by id within a rack). */
    static List<BrokerInfo> rackAlternating(Collection<BrokerInfo> brokers) {
        boolean racks = !brokers.isEmpty() && brokers.stream().allMatch(b -> b.rack() != null);
        List<BrokerInfo> byId = new ArrayList<>(brokers);
        byId.sort((a, b) -> Integer.compare(a.id(), b.id()));
        if (!racks) {
            return byId;
        }
        Map<String, List<BrokerInfo>> byRack = new TreeMap<>();
        for (BrokerInfo b : byId) {
            byRack.computeIfAbsent(b.rack(), k -> new ArrayList<>()).add(b);
        }
        List<BrokerInfo> out = new ArrayList<>();
        for (int i = 0; out.size() < byId.size(); i++) {
            for (List<BrokerInfo> rack : byRack.values()) {
                if (i < rack.size()) {
                    out.add(rack.get(i));
                }
            }
        }
        return out;
    }

    private static String ids(Collection<BrokerInfo> brokers) {
        List<Integer> ids = new ArrayList<>();
        brokers.forEach(b -> ids.add(b.id()));
        ids.sort(null);
        return ids.toString();
    }
}
