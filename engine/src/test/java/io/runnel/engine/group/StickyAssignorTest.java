package io.runnel.engine.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The sticky assignor against a model: seeded random joins, leaves and partition growth; after every
 * step the assignment is disjoint, complete, balanced, and moves exactly the fewest partitions any
 * balanced assignment could (the model's bound: each surviving member keeps at most
 * min(previous, quota) partitions, and the larger quotas go to the largest holders).
 */
class StickyAssignorTest {

    @Test
    void randomJoinsAndLeavesStayDisjointCompleteBalancedAndMinimal() {
        long seed = Long.getLong("test.seed", System.nanoTime());
        System.out.println("StickyAssignorTest seed " + seed);
        Random random = new Random(seed);
        for (int run = 0; run < 50; run++) {
            int partitions = 1 + random.nextInt(24);
            List<String> members = new ArrayList<>();
            Map<String, TreeSet<Integer>> current = new HashMap<>();
            int nextId = 0;
            for (int step = 0; step < 60; step++) {
                int action = random.nextInt(10);
                if (action < 5 || members.isEmpty()) {
                    members.add("m" + nextId++);
                } else if (action < 9) {
                    members.remove(random.nextInt(members.size()));
                } else {
                    partitions += random.nextInt(4);
                }
                Map<String, TreeSet<Integer>> next = StickyAssignor.assign(current, members, partitions);
                check(current, members, partitions, next, seed);
                current = next;
            }
        }
    }

    private static void check(Map<String, TreeSet<Integer>> before, List<String> members, int partitions,
            Map<String, TreeSet<Integer>> after, long seed) {
        String ctx = "seed " + seed + ", members " + members + ", partitions " + partitions + ", before " + before
                + ", after " + after;
        assertThat(after.keySet()).as(ctx).containsExactlyElementsOf(members);
        Set<Integer> seen = new HashSet<>();
        for (TreeSet<Integer> ps : after.values()) {
            for (int p : ps) {
                assertThat(seen.add(p)).as("partition %d assigned twice: %s", p, ctx).isTrue();
                assertThat(p).as(ctx).isBetween(0, partitions - 1);
            }
        }
        if (!members.isEmpty()) {
            assertThat(seen).as("every partition assigned: " + ctx).hasSize(partitions);
            int min = after.values().stream().mapToInt(Set::size).min().orElseThrow();
            int max = after.values().stream().mapToInt(Set::size).max().orElseThrow();
            assertThat(max - min).as("balanced: " + ctx).isLessThanOrEqualTo(1);
        }
        // Sticky: kept partitions were the member's; the number kept is the most a balanced assignment allows.
        int kept = 0;
        for (String m : members) {
            Set<Integer> prev = before.getOrDefault(m, new TreeSet<>());
            for (int p : after.get(m)) {
                if (prev.contains(p)) {
                    kept++;
                }
            }
        }
        assertThat(kept).as("minimal movement: " + ctx).isEqualTo(maxKeepable(before, members, partitions));
    }

    /** The model: the most partitions the surviving members can keep under balanced quotas. */
    private static int maxKeepable(Map<String, TreeSet<Integer>> before, List<String> members, int partitions) {
        if (members.isEmpty()) {
            return 0;
        }
        List<Integer> holdings = new ArrayList<>();
        for (String m : members) {
            holdings.add((int) before.getOrDefault(m, new TreeSet<>()).stream().filter(p -> p < partitions).count());
        }
        holdings.sort(Comparator.reverseOrder());
        int base = partitions / members.size();
        int extra = partitions % members.size();
        int total = 0;
        for (int i = 0; i < holdings.size(); i++) {
            total += Math.min(holdings.get(i), base + (i < extra ? 1 : 0));
        }
        return total;
    }

    @Test
    void oneMemberJoiningSixPartitionsOfTwoMovesTwo() {
        Map<String, TreeSet<Integer>> two = StickyAssignor.assign(Map.of(), List.of("a", "b"), 6);
        assertThat(two.get("a")).containsExactly(0, 1, 2);
        assertThat(two.get("b")).containsExactly(3, 4, 5);
        Map<String, TreeSet<Integer>> three = StickyAssignor.assign(two, List.of("a", "b", "c"), 6);
        assertThat(three.get("a")).containsExactly(0, 1);
        assertThat(three.get("b")).containsExactly(3, 4);
        assertThat(three.get("c")).containsExactly(2, 5);
        Map<String, TreeSet<Integer>> afterLeave = StickyAssignor.assign(three, List.of("a", "c"), 6);
        assertThat(afterLeave.get("a")).contains(0, 1).hasSize(3);
        assertThat(afterLeave.get("c")).contains(2, 5).hasSize(3);
    }
}
