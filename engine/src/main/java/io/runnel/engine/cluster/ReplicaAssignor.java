package io.runnel.engine.cluster;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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

    /**
     * Spreads partitions over {@code brokers} (ALTER TOPIC ... MOVE PARTITIONS TO): each broker gets at
     * most ceil(partitions × replicationFactor / brokers) replicas; a replica stays where it is when its
     * broker is in the list and under that cap (fewer copies to make), the rest go to the least-loaded
     * brokers of the list (ties: list order, rotated by partition). Kept replicas stay in their order,
     * so a kept preferred leader stays preferred.
     *
     * @param current each partition's replicas now, preferred leader first
     * @return each partition's target, by partition
     */
    public static Map<Integer, List<Integer>> spread(List<List<Integer>> current, List<Integer> brokers, int replicationFactor) {
        if (replicationFactor < 1 || replicationFactor > brokers.size()) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " does not fit on " + brokers);
        }
        int n = brokers.size();
        int cap = (current.size() * replicationFactor + n - 1) / n;
        Map<Integer, Integer> load = new HashMap<>();
        brokers.forEach(b -> load.put(b, 0));
        List<List<Integer>> kept = new ArrayList<>();
        for (List<Integer> replicas : current) {
            List<Integer> keep = new ArrayList<>();
            for (int b : replicas) {
                if (keep.size() < replicationFactor && load.containsKey(b) && load.get(b) < cap) {
                    keep.add(b);
                    load.merge(b, 1, Integer::sum);
                }
            }
            kept.add(keep);
        }
        Map<Integer, List<Integer>> out = new TreeMap<>();
        for (int p = 0; p < kept.size(); p++) {
            List<Integer> target = kept.get(p);
            while (target.size() < replicationFactor) {
                int best = -1;
                for (int i = 0; i < n; i++) {
                    int b = brokers.get((p + i) % n);
                    if (!target.contains(b) && (best < 0 || load.get(b) < load.get(best))) {
                        best = b;
                    }
                }
                target.add(best);
                load.merge(best, 1, Integer::sum);
            }
        }
        // Keeping replicas greedily can leave a partition whose only under-share brokers it already has:
        // move replicas from brokers above the share to ones below it. One always exists: a broker above
        // holds more partitions than one below, so some partition has the first and not the second.
        for (boolean moved = true; moved; ) {
            moved = false;
            for (int over : brokers) {
                if (load.get(over) <= cap) {
                    continue;
                }
                for (int under : brokers) {
                    if (load.get(under) >= cap) {
                        continue;
                    }
                    for (List<Integer> target : kept) {
                        int at = target.indexOf(over);
                        if (at >= 0 && !target.contains(under)) {
                            target.set(at, under);
                            load.merge(over, -1, Integer::sum);
                            load.merge(under, 1, Integer::sum);
                            moved = true;
                            break;
                        }
                    }
                    if (moved) {
                        break;
                    }
                }
                if (moved) {
                    break;
                }
            }
        }
        for (int p = 0; p < kept.size(); p++) {
            out.put(p, List.copyOf(kept.get(p)));
        }
        return out;
    }

    /**
     * The targets of a topic's partitions at a new replication factor (ALTER TOPIC ... SET
     * (replication_factor = n)): growing keeps every replica and adds the live brokers holding the fewest
     * replicas of the topic (ties: lower id); shrinking keeps the first {@code replicationFactor}
     * replicas (the preferred leader stays).
     *
     * @param current each partition's replicas, preferred leader first
     * @throws EngineException 22023 when the live brokers are fewer than {@code replicationFactor}
     */
    public static List<List<Integer>> resize(String topic, List<List<Integer>> current, int replicationFactor,
            Collection<BrokerInfo> live) {
        if (replicationFactor > live.size()) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "topic " + topic + ": replication_factor "
                    + replicationFactor + " exceeds the " + live.size() + " live broker" + (live.size() == 1 ? "" : "s") + " "
                    + ids(live));
        }
        Map<Integer, Integer> load = new TreeMap<>();
        live.forEach(b -> load.put(b.id(), 0));
        current.forEach(replicas -> replicas.forEach(r -> load.computeIfPresent(r, (k, v) -> v + 1)));
        List<List<Integer>> out = new ArrayList<>();
        for (List<Integer> replicas : current) {
            List<Integer> target = new ArrayList<>(replicas.subList(0, Math.min(replicas.size(), replicationFactor)));
            while (target.size() < replicationFactor) {
                int best = -1;
                for (Map.Entry<Integer, Integer> e : load.entrySet()) {
                    if (!target.contains(e.getKey()) && (best < 0 || e.getValue() < load.get(best))) {
                        best = e.getKey();
                    }
                }
                target.add(best);
                load.merge(best, 1, Integer::sum);
            }
            out.add(List.copyOf(target));
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
