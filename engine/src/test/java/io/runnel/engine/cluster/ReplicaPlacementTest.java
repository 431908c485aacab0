package io.runnel.engine.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.engine.EngineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Where moved partitions go: {@link ReplicaAssignor#spread} (ALTER TOPIC ... MOVE PARTITIONS TO) and
 * {@link ReplicaAssignor#resize} (ALTER TOPIC ... SET (replication_factor = n)), and the replica list of a
 * move in progress ({@link PartitionReassignment}).
 */
class ReplicaPlacementTest {

    private static List<BrokerInfo> brokers(int... ids) {
        List<BrokerInfo> out = new ArrayList<>();
        for (int id : ids) {
            out.add(new BrokerInfo(id, "127.0.0.1", 7070 + id, 9000 + id, null));
        }
        return out;
    }

    private static Map<Integer, Integer> load(Iterable<List<Integer>> replicas) {
        Map<Integer, Integer> load = new HashMap<>();
        replicas.forEach(r -> r.forEach(b -> load.merge(b, 1, Integer::sum)));
        return load;
    }

    @Test
    void spreadOntoANewBrokerBalancesAndMovesAsLittleAsItCan() {
        // Six RF-2 partitions on brokers 1-3 (4 each), spread over 1-4: at most 3 per broker.
        List<List<Integer>> current = List.of(List.of(1, 2), List.of(2, 3), List.of(3, 1), List.of(1, 2), List.of(2, 3),
                List.of(3, 1));
        Map<Integer, List<Integer>> target = ReplicaAssignor.spread(current, List.of(1, 2, 3, 4), 2);
        assertThat(target).hasSize(6);
        assertThat(load(target.values())).containsOnlyKeys(1, 2, 3, 4).allSatisfy((b, n) -> assertThat(n).isEqualTo(3));
        int kept = 0;
        for (int p = 0; p < 6; p++) {
            List<Integer> t = target.get(p);
            assertThat(t).hasSize(2).doesNotHaveDuplicates();
            for (int r : t) {
                kept += current.get(p).contains(r) ? 1 : 0;
            }
        }
        // 12 replicas, at least 3 must move to broker 4; the greedy keep plus one repair moves at most 4.
        assertThat(kept).as("replicas that stay where they are").isBetween(8, 9);
        assertThat(target.get(0).get(0)).as("a kept preferred leader stays first").isEqualTo(1);
    }

    @Test
    void spreadAwayFromABrokerEmptiesIt() {
        List<List<Integer>> current = List.of(List.of(1, 2, 3), List.of(2, 3, 1), List.of(3, 1, 2));
        Map<Integer, List<Integer>> target = ReplicaAssignor.spread(current, List.of(2, 3, 4), 3);
        target.values().forEach(t -> assertThat(t).containsExactlyInAnyOrder(2, 3, 4));
    }

    @Test
    void spreadIsBalancedForRandomInputs() {
        long seed = Long.getLong("runnel.seed", System.nanoTime());
        System.out.println("ReplicaPlacementTest seed " + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            int rf = 1 + random.nextInt(3);
            int n = rf + random.nextInt(4);
            List<Integer> list = new ArrayList<>();
            for (int b = 0; b < n; b++) {
                list.add(b * 2 + random.nextInt(2)); // ids not contiguous
            }
            List<List<Integer>> current = new ArrayList<>();
            int partitions = 1 + random.nextInt(12);
            for (int p = 0; p < partitions; p++) {
                List<Integer> replicas = new ArrayList<>();
                while (replicas.size() < rf) {
                    int b = random.nextInt(20);
                    if (!replicas.contains(b)) {
                        replicas.add(b);
                    }
                }
                current.add(replicas);
            }
            Map<Integer, List<Integer>> target = ReplicaAssignor.spread(current, list, rf);
            int cap = (partitions * rf + n - 1) / n;
            assertThat(load(target.values())).as("seed %d round %d", seed, round).allSatisfy((b, c) -> {
                assertThat(list).contains(b);
                assertThat(c).isLessThanOrEqualTo(cap);
            });
            target.values().forEach(t -> assertThat(t).hasSize(rf).doesNotHaveDuplicates());
        }
    }

    @Test
    void resizeGrowsOntoTheLeastLoadedLiveBrokersAndShrinksFromTheEnd() {
        List<List<Integer>> current = List.of(List.of(1), List.of(2), List.of(1));
        List<List<Integer>> grown = ReplicaAssignor.resize("offsets", current, 3, brokers(1, 2, 3));
        grown.forEach(t -> assertThat(t).hasSize(3).containsExactlyInAnyOrder(1, 2, 3));
        assertThat(grown.get(0).get(0)).as("the preferred leader stays").isEqualTo(1);
        assertThat(ReplicaAssignor.resize("t", List.of(List.of(3, 1, 2)), 2, brokers(1, 2, 3))).containsExactly(List.of(3, 1));
        assertThatThrownBy(() -> ReplicaAssignor.resize("t", current, 4, brokers(1, 2, 3)))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.sqlState()).isEqualTo("22023"))
                .hasMessageContaining("replication_factor 4 exceeds the 3 live brokers");
    }

    @Test
    void aMoveListsTheTargetFirstThenTheLeavingReplicasAndReversesExactly() {
        PartitionReassignment move = PartitionReassignment.start(List.of(1, 2, 3), List.of(4, 2, 5));
        assertThat(move.replicas()).containsExactly(4, 2, 5, 1, 3);
        assertThat(move.adding()).containsExactly(4, 5);
        assertThat(move.removing()).containsExactly(1, 3);
        PartitionReassignment back = move.reversed();
        assertThat(back.target()).containsExactly(1, 2, 3);
        assertThat(back.replicas()).containsExactly(1, 2, 3, 4, 5);
        assertThat(PartitionReassignment.start(List.of(1, 2), List.of(2, 1)).isReorder()).isTrue();
        assertThatThrownBy(() -> new PartitionAssignment(List.of(1, 2), move)).isInstanceOf(IllegalArgumentException.class);
    }
}
