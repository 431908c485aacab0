package io.runnel.engine.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Splits the partitions of one topic between the members of a consumer group: balanced (member
 * sizes differ by at most one), complete (every partition has exactly one member) and sticky (a
 * member keeps as many of its previous partitions as balance allows, so a join or leave moves the
 * fewest partitions possible — Kafka's {@code StickyAssignor} goal for one topic).
 *
 * <p>How: with {@code n} partitions and {@code m} members, {@code n % m} members may hold
 * {@code n / m + 1} partitions and the rest {@code n / m}. The larger quotas go to the members that
 * held the most before (ties: the order of {@code members}), so no member that could keep a partition
 * has to give it up. Each member keeps its lowest previous partitions up to its quota; the partitions
 * given up or held by nobody fill the members below quota, lowest partition first, in member order.
 *
 * <p>Stateless and thread-safe; deterministic for equal inputs.
 */
public final class StickyAssignor {
    private StickyAssignor() {}

    /**
     * The new assignment.
     *
     * @param previous each member's partitions before (members absent from {@code members} are gone;
     *     partitions at or above {@code partitions} are ignored; a partition listed twice is kept by the
     *     first member in {@code members} order)
     * @param members the members now, in join order
     * @param partitions partition count of the topic
     * @return every member of {@code members} mapped to its partitions (possibly empty), in
     *     {@code members} order
     */
    public static Map<String, TreeSet<Integer>> assign(Map<String, ? extends Set<Integer>> previous, List<String> members,
            int partitions) {
        Map<String, TreeSet<Integer>> result = new LinkedHashMap<>();
        if (members.isEmpty()) {
            return result;
        }
        boolean[] taken = new boolean[partitions];
        Map<String, List<Integer>> kept = new LinkedHashMap<>();
        for (String member : members) {
            List<Integer> mine = new ArrayList<>();
            Set<Integer> before = previous.get(member);
            if (before != null) {
                for (int p : new TreeSet<>(before)) {
                    if (p >= 0 && p < partitions && !taken[p]) {
                        taken[p] = true;
                        mine.add(p);
                    }
                }
            }
            kept.put(member, mine);
            result.put(member, new TreeSet<>());
        }
        int base = partitions / members.size();
        int extra = partitions % members.size();
        List<String> byHoldings = new ArrayList<>(members);
        byHoldings.sort(Comparator.comparingInt((String m) -> -kept.get(m).size()).thenComparingInt(members::indexOf));
        Map<String, Integer> quota = new LinkedHashMap<>();
        for (int i = 0; i < byHoldings.size(); i++) {
            quota.put(byHoldings.get(i), base + (i < extra ? 1 : 0));
        }
        boolean[] assigned = new boolean[partitions];
        for (String member : members) {
            List<Integer> mine = kept.get(member);
            int q = quota.get(member);
            for (int i = 0; i < mine.size() && i < q; i++) {
                result.get(member).add(mine.get(i));
                assigned[mine.get(i)] = true;
            }
        }
        int next = 0;
        for (String member : members) {
            TreeSet<Integer> mine = result.get(member);
            int q = quota.get(member);
            while (mine.size() < q) {
                while (assigned[next]) {
                    next++;
                }
                assigned[next] = true;
                mine.add(next);
            }
        }
        return result;
    }
}
