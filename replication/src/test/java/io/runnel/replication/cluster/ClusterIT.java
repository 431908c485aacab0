package io.runnel.replication.cluster;

import static io.runnel.engine.testkit.EngineFixtures.drain;
import static io.runnel.engine.testkit.EngineFixtures.eventBatch;
import static io.runnel.engine.testkit.EngineFixtures.events;
import static io.runnel.engine.testkit.EngineFixtures.to;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.engine.Acks;
import io.runnel.engine.Engine;
import io.runnel.engine.EngineException;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.engine.cluster.NotEnoughReplicasException;
import io.runnel.engine.cluster.NotLeaderException;
import io.runnel.engine.cluster.PartitionImage;
import io.runnel.engine.partition.Partition;
import io.runnel.engine.testkit.EngineFixtures;
import io.runnel.engine.testkit.EngineFixtures.ReadRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers in one JVM with a real ZooKeeper and real Netty on 127.0.0.1 (design note 0007): every
 * batch replicated, acks=all waiting for the ISR, the ISR shrinking and growing with lag, leader
 * failover without losing an acknowledged row, a returning replica truncating to the divergence point,
 * produce and read through a broker that leads nothing, min_insync_replicas refusal, whole-cluster restart.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.runnel.replication.testing.NettyLeakCheck.class)
class ClusterIT {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Map<String, String> options(int partitions, int rf, int minIsr) {
        return Map.of("partitions", Integer.toString(partitions), "replication_factor", Integer.toString(rf),
                "min_insync_replicas", Integer.toString(minIsr));
    }

    /** Every id in a topic, read from {@code engine} with a bounded reader, in partition/offset order. */
    private static List<ReadRow> readAll(Engine engine, String topic) throws InterruptedException {
        try (TopicReader r = engine.openReader(ReadRequest.snapshot(topic, new int[] {0}))) {
            List<ReadRow> rows = drain(r);
            rows.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return rows;
        }
    }

    private static Set<Long> ids(List<ReadRow> rows) {
        Set<Long> ids = new TreeSet<>();
        rows.forEach(r -> ids.add(r.k()));
        return ids;
    }

    @Test
    void everyBatchIsReplicatedAndTheReplicasAreIdentical() throws Exception {
        cluster = TestCluster.start(dir, 3);
        TopicInfo t = cluster.engine(0).createTopic(events("orders", options(3, 3, 2)), false);
        for (int i = 0; i < 60; i++) {
            cluster.engine(i % 3).produce("orders", List.of(to(i % 3, eventBatch(t, i * 10L, 10))), Acks.ALL, 10_000);
        }
        cluster.awaitInSync(t);
        for (int p = 0; p < 3; p++) {
            PartitionImage pi = cluster.partition("orders", p);
            assertThat(pi.replicas()).hasSize(3);
            List<TestCluster.StoredBatch> leader = cluster.batches(pi.leader(), "orders", p);
            assertThat(leader).hasSize(20);
            for (int r : pi.replicas()) {
                assertThat(cluster.batches(r, "orders", p)).as("broker %d's replica of orders-%d", r, p).isEqualTo(leader);
            }
        }
        // The leaders spread over the brokers, each partition on all three.
        assertThat(new TreeSet<>(List.of(cluster.leaderOf("orders", 0), cluster.leaderOf("orders", 1),
                cluster.leaderOf("orders", 2)))).hasSize(3);
        assertThat(ids(readAll(cluster.engine(1), "orders"))).hasSize(600);
    }

    @Test
    void acksAllWaitsForTheIsrWhichShrinksAndGrowsWithLag() throws Exception {
        cluster = TestCluster.start(dir, 3);
        TopicInfo t = cluster.engine(0).createTopic(events("lag", options(1, 3, 1)), false);
        int leader = cluster.leaderOf("lag", 0);
        int slow = cluster.partition("lag", 0).replicas().stream().filter(r -> r != leader).findFirst().orElseThrow();
        Engine engine = cluster.engine(leader);
        engine.produce("lag", List.of(to(0, eventBatch(t, 0, 5))), Acks.ALL, 10_000);
        cluster.awaitInSync(t);

        cluster.broker(slow).fetchers().pauseForTesting(true);
        long started = System.nanoTime();
        CompletableFuture<ProduceResult> waiting = CompletableFuture.supplyAsync(
                () -> engine.produce("lag", List.of(to(0, eventBatch(t, 5, 5))), Acks.ALL, 20_000));
        Partition leaderReplica = cluster.broker(leader).localEngine().replica("lag", 0);
        // While the slow follower is still in the ISR, the row is not committed and the produce waits.
        Awaitility.await().atMost(TestCluster.WAIT).until(() -> leaderReplica.logEndOffset() == 10);
        assertThat(leaderReplica.highWatermark()).isEqualTo(5);
        if (leaderReplica.isr().contains(slow)) {
            assertThat(waiting).isNotDone();
        }
        ProduceResult r = waiting.get(20, TimeUnit.SECONDS);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(r.batches().get(0).baseOffset()).isEqualTo(5);
        assertThat(leaderReplica.isr()).doesNotContain(slow).hasSize(2);
        Awaitility.await().atMost(TestCluster.WAIT).until(() -> !cluster.partition("lag", 0).isr().contains(slow));
        assertThat(waitedMs).as("acks=all waited for the lag timeout to drop the slow follower")
                .isGreaterThanOrEqualTo(TestCluster.LAG_TIME_MAX_MS - 500);

        cluster.broker(slow).fetchers().pauseForTesting(false);
        cluster.awaitInSync(t);
        assertThat(cluster.partition("lag", 0).isr()).contains(slow).hasSize(3);
        assertThat(cluster.batches(slow, "lag", 0)).isEqualTo(cluster.batches(leader, "lag", 0));
    }

    @Test
    void leaderFailoverLosesNoAcknowledgedRow() throws Exception {
        cluster = TestCluster.start(dir, 3);
        TopicInfo t = cluster.engine(0).createTopic(events("fo", options(2, 3, 2)), false);
        cluster.awaitInSync(t);
        int victim = cluster.leaderOf("fo", 0);
        int entry = (victim + 1) % 3;
        Engine engine = cluster.engine(entry);
        List<Long> acked = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<Long> unknown = java.util.Collections.synchronizedSet(new TreeSet<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong crashedAt = new AtomicLong();
        AtomicLong firstAckAfterCrash = new AtomicLong();
        Thread writer = new Thread(() -> {
            long id = 0;
            for (int i = 0; i < 5_000 && !stop.get(); i++, id += 5) {
                int partition = i % 2;
                boolean afterCrash = crashedAt.get() != 0;
                try {
                    engine.produce("fo", List.of(to(partition, eventBatch(t, id, 5))), Acks.ALL, 10_000);
                    for (long k = id; k < id + 5; k++) {
                        acked.add(k);
                    }
                    if (partition == 0 && afterCrash && firstAckAfterCrash.get() == 0) {
                        firstAckAfterCrash.set(System.nanoTime());
                    }
                } catch (EngineException e) {
                    boolean nothing = (e instanceof NotLeaderException nl && !nl.outcomeUnknown())
                            || (e instanceof NotEnoughReplicasException ne && !ne.afterAppend());
                    if (!nothing) {
                        for (long k = id; k < id + 5; k++) {
                            unknown.add(k);
                        }
                    }
                }
            }
        }, "writer");
        writer.start();
        Awaitility.await().atMost(TestCluster.WAIT).until(() -> acked.size() >= 500);
        cluster.crash(victim); // returns when the broker is dead: no socket, no thread, its session silent
        crashedAt.set(System.nanoTime());
        Awaitility.await().atMost(TestCluster.WAIT).until(() -> firstAckAfterCrash.get() != 0);
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(firstAckAfterCrash.get() - crashedAt.get());
        System.out.println("Failover (session timeout " + TestCluster.SESSION_TIMEOUT_MS + " ms): kill of leader " + victim
                + " -> first acknowledged write to its partition in " + failoverMs + " ms");
        Awaitility.await().atMost(TestCluster.WAIT).until(() -> acked.size() >= 1_000);
        stop.set(true);
        writer.join(30_000);
        assertThat(cluster.leaderOf("fo", 0)).isNotEqualTo(victim).isNotNegative();

        List<ReadRow> rows = readAll(cluster.engine(entry), "fo");
        Map<Long, Integer> seen = new HashMap<>();
        rows.forEach(r -> seen.merge(r.k(), 1, Integer::sum));
        for (long k : List.copyOf(acked)) {
            assertThat(seen.get(k)).as("acknowledged id %d is stored exactly once", k).isEqualTo(1);
        }
        seen.forEach((k, n) -> assertThat(n).as("id %d stored once", k).isEqualTo(1));
        for (long k : seen.keySet()) {
            assertThat(acked.contains(k) || unknown.contains(k)).as("stored id %d was acknowledged or had an unknown outcome", k)
                    .isTrue();
        }

        cluster.start(victim);
        cluster.awaitInSync(t);
        for (int p = 0; p < 2; p++) {
            int leader = cluster.leaderOf("fo", p);
            for (int r : cluster.partition("fo", p).replicas()) {
                assertThat(cluster.batches(r, "fo", p)).isEqualTo(cluster.batches(leader, "fo", p));
            }
        }
    }

    @Test
    void aReturningReplicaTruncatesToTheDivergencePoint() throws Exception {
        cluster = TestCluster.start(dir, 3);
        TopicInfo t = cluster.engine(0).createTopic(events("div", options(1, 3, 1)), false);
        int old = cluster.leaderOf("div", 0);
        cluster.engine(old).produce("div", List.of(to(0, eventBatch(t, 0, 10))), Acks.ALL, 10_000);
        cluster.awaitInSync(t);
        // The followers stop fetching; the leader appends rows only it has (acks=1), then dies.
        for (int r : cluster.running()) {
            if (r != old) {
                cluster.broker(r).fetchers().pauseForTesting(true);
            }
        }
        cluster.engine(old).produce("div", List.of(to(0, eventBatch(t, 1_000, 7))), Acks.LEADER, 10_000);
        cluster.engine(old).produce("div", List.of(to(0, eventBatch(t, 2_000, 3))), Acks.LEADER, 10_000);
        assertThat(cluster.broker(old).localEngine().replica("div", 0).logEndOffset()).isEqualTo(20);
        cluster.crash(old);
        for (int r : cluster.running()) {
            cluster.broker(r).fetchers().pauseForTesting(false);
        }
        Awaitility.await().atMost(TestCluster.WAIT).until(() -> {
            int l = cluster.leaderOf("div", 0);
            return l >= 0 && l != old;
        });
        int leader = cluster.leaderOf("div", 0);
        cluster.engine(leader).produce("div", List.of(to(0, eventBatch(t, 3_000, 4))), Acks.ALL, 10_000);
        cluster.engine(leader).produce("div", List.of(to(0, eventBatch(t, 4_000, 4))), Acks.ALL, 10_000);

        cluster.start(old);
        cluster.awaitInSync(t);
        List<TestCluster.StoredBatch> expected = cluster.batches(leader, "div", 0);
        assertThat(expected).extracting(TestCluster.StoredBatch::baseOffset).containsExactly(0L, 10L, 14L);
        assertThat(cluster.batches(old, "div", 0)).as("the old leader cut its unreplicated batches at offset 10")
                .isEqualTo(expected);
        assertThat(ids(readAll(cluster.engine(old), "div"))).doesNotContain(1_000L, 2_000L).contains(3_000L, 4_003L);
        var epochs = cluster.broker(old).localEngine().replica("div", 0).epochCache().entries();
        assertThat(epochs.get(epochs.size() - 1).startOffset()).isEqualTo(10);
    }

    @Test
    void produceAndReadThroughABrokerThatLeadsNothing() throws Exception {
        cluster = TestCluster.start(dir, 3);
        // Two single-replica partitions on three brokers: one broker hosts neither.
        TopicInfo t = cluster.engine(0).createTopic(events("remote", options(2, 1, 1)), false);
        int outsider = 3 - cluster.leaderOf("remote", 0) - cluster.leaderOf("remote", 1);
        assertThat(cluster.leaderOf("remote", 0)).isNotEqualTo(cluster.leaderOf("remote", 1));
        Engine engine = cluster.engine(outsider);
        assertThat(cluster.broker(outsider).localEngine().replica("remote", 0)).isNull();
        assertThat(cluster.broker(outsider).localEngine().replica("remote", 1)).isNull();
        try (TopicReader tail = engine.openReader(new ReadRequest("remote", Map.of(), StartPosition.latest(), false,
                new int[] {0}, ReadRequest.DEFAULT_MAX_BYTES_PER_POLL))) {
            ProduceResult r = engine.produce("remote", List.of(to(0, eventBatch(t, 0, 3)), to(1, eventBatch(t, 3, 3))),
                    Acks.ALL, 10_000);
            assertThat(r.rowCount()).isEqualTo(6);
            assertThat(r.batches()).extracting(ProduceResult.Appended::baseOffset).containsExactly(0L, 0L);
            List<ReadRow> tailed = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (tailed.size() < 6 && System.nanoTime() < deadline) {
                EngineFixtures.addRows(tail.poll(1_000), tailed);
            }
            assertThat(ids(tailed)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        }
        assertThat(ids(readAll(engine, "remote"))).hasSize(6);
        try (TopicReader fromOffset = engine.openReader(new ReadRequest("remote", Map.of(1, StartPosition.offset(1)),
                StartPosition.earliest(), true, new int[] {0}, 64))) {
            assertThat(drain(fromOffset)).extracting(ReadRow::k).containsExactly(4L, 5L);
        }
        List<PartitionStatus> status = engine.partitionStatus("remote");
        assertThat(status).extracting(PartitionStatus::highWatermark).containsExactly(3L, 3L);
        assertThat(status).extracting(PartitionStatus::logEndOffset).containsExactly(3L, 3L);
        assertThat(engine.offsetForTimestamp("remote", 1, 0)).isZero();
        assertThat(engine.offsetForTimestamp("remote", 1, Long.MAX_VALUE)).isEqualTo(3);
    }

    @Test
    void minInsyncReplicasRefusesAcksAllWhenTooFewAreInSync() throws Exception {
        cluster = TestCluster.start(dir, 3);
        TopicInfo t = cluster.engine(0).createTopic(events("strict", options(1, 3, 3)), false);
        int leader = cluster.leaderOf("strict", 0);
        cluster.engine(leader).produce("strict", List.of(to(0, eventBatch(t, 0, 1))), Acks.ALL, 10_000);
        int follower = cluster.partition("strict", 0).replicas().stream().filter(r -> r != leader).findFirst().orElseThrow();
        cluster.crash(follower);
        Awaitility.await().atMost(TestCluster.WAIT).until(() -> cluster.partition("strict", 0).isr().size() == 2
                && cluster.broker(leader).localEngine().replica("strict", 0).isr().size() == 2);
        assertThatThrownBy(() -> cluster.engine(leader).produce("strict", List.of(to(0, eventBatch(t, 1, 1))), Acks.ALL, 2_000))
                .isInstanceOf(NotEnoughReplicasException.class)
                .satisfies(e -> assertThat(((EngineException) e).sqlState()).isEqualTo("40R01"))
                .hasMessageContaining("min_insync_replicas is 3").hasMessageContaining("nothing was appended");
        assertThat(cluster.broker(leader).localEngine().replica("strict", 0).logEndOffset()).isEqualTo(1);
        assertThat(cluster.engine(leader).produce("strict", List.of(to(0, eventBatch(t, 1, 1))), Acks.LEADER, 10_000)
                .batches().get(0).baseOffset()).isEqualTo(1);
        cluster.start(follower);
        cluster.awaitInSync(t);
        assertThat(cluster.engine(leader).produce("strict", List.of(to(0, eventBatch(t, 2, 1))), Acks.ALL, 10_000).rowCount())
                .isEqualTo(1);
    }

    @Test
    void theWholeClusterRestartsWithEverything() throws Exception {
        cluster = TestCluster.start(dir, 3);
        TopicInfo t = cluster.engine(0).createTopic(events("keep", options(3, 3, 2)), false);
        for (int i = 0; i < 30; i++) {
            cluster.engine(i % 3).produce("keep", List.of(to(i % 3, eventBatch(t, i * 4L, 4))), Acks.ALL, 10_000);
        }
        cluster.awaitInSync(t);
        for (int id : cluster.running()) {
            cluster.stop(id);
        }
        for (int id = 0; id < 3; id++) {
            cluster.start(id);
        }
        cluster.awaitLive(3);
        cluster.awaitInSync(t);
        assertThat(ids(readAll(cluster.engine(2), "keep"))).hasSize(120);
        cluster.engine(1).produce("keep", List.of(to(0, eventBatch(t, 1_000, 4))), Acks.ALL, 10_000);
        assertThat(ids(readAll(cluster.engine(0), "keep"))).hasSize(124);
    }

    @Test
    void replicationFactorAboveTheLiveBrokersIsRefused() throws Exception {
        cluster = TestCluster.start(dir, 3);
        assertThatThrownBy(() -> cluster.engine(0).createTopic(events("big", options(1, 4, 1)), false))
                .isInstanceOf(EngineException.class).hasMessageContaining("replication_factor 4 exceeds the 3 available brokers")
                .satisfies(e -> assertThat(((EngineException) e).sqlState()).isEqualTo("22023"));
        assertThat(cluster.engine(1).topic("big")).isEmpty();
    }

    /**
     * A fourth broker joins; a partition moves onto it while its copy is held back (fetching paused) and
     * the active controller is killed mid-move: the move stays in ZooKeeper, the next controller completes
     * it once the new replica caught up, the leaving broker deletes its replica, and every acknowledged row
     * is on the new replica set. Then ALTER ... SET (replication_factor = 3) moves every partition to three
     * replicas, and a second change while partitions move is refused (55006).
     */
    @Test
    void aPartitionMovesToANewBrokerAcrossAControllerFailoverAndTheReplicationFactorGrows() throws Exception {
        cluster = TestCluster.start(dir, 3);
        TopicInfo t = cluster.engine(0).createTopic(events("mv", options(2, 2, 1)), false);
        cluster.awaitInSync(t);
        List<Long> acked = new ArrayList<>();
        long id = 0;
        for (int i = 0; i < 40; i++, id += 5) {
            cluster.engine(0).produce("mv", List.of(to(i % 2, eventBatch(t, id, 5))), Acks.ALL, 10_000);
            for (long k = id; k < id + 5; k++) {
                acked.add(k);
            }
        }
        cluster.start(3); // joins last: its latch node is the newest, so it is not the controller
        cluster.awaitLive(4);
        int controller = cluster.running().stream().filter(b -> cluster.broker(b).isController()).findFirst().orElseThrow();
        assertThat(controller).isNotEqualTo(3);
        List<Integer> before = cluster.partition("mv", 0).replicas();
        int leaving = before.get(0);
        int staying = before.get(1);
        cluster.broker(3).fetchers().pauseForTesting(true);
        Engine via = cluster.engine(staying);
        via.movePartitions("mv", Map.of(0, List.of(3, staying)));
        PartitionImage moving = cluster.partition("mv", 0);
        assertThat(moving.addingReplicas()).containsExactly(3);
        assertThat(moving.removingReplicas()).containsExactly(leaving);
        assertThat(moving.replicas()).containsExactly(3, staying, leaving);
        assertThatThrownBy(() -> via.movePartitions("mv", Map.of(0, List.of(staying, leaving))))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.sqlState()).isEqualTo("55006"));

        cluster.crash(controller); // the move is in ZooKeeper; the next controller carries on
        Awaitility.await().atMost(TestCluster.WAIT).until(() -> cluster.running().stream()
                .anyMatch(b -> cluster.broker(b).isController()));
        assertThat(cluster.partition("mv", 0).isMoving()).as("no completion while broker 3 has not copied").isTrue();
        cluster.broker(3).fetchers().pauseForTesting(false);
        if (controller != leaving && controller != staying) {
            // The crashed broker held no replica of partition 0: the move completes without it.
            Awaitility.await().atMost(TestCluster.WAIT).until(() -> !cluster.partition("mv", 0).isMoving());
        }
        cluster.start(controller);
        cluster.awaitLive(4);
        Awaitility.await().atMost(TestCluster.WAIT).until(() -> !cluster.partition("mv", 0).isMoving());
        cluster.awaitInSync(t);
        PartitionImage moved = cluster.partition("mv", 0);
        assertThat(moved.replicas()).containsExactly(3, staying);
        assertThat(moved.leader()).as("the leader left: the first target replica leads").isIn(3, staying);
        Awaitility.await().atMost(TestCluster.WAIT).untilAsserted(() -> {
            assertThat(cluster.engine(leaving) instanceof io.runnel.engine.local.LocalEngine le ? le.replica("mv", 0) : null)
                    .as("broker %d left partition 0", leaving).isNull();
            assertThat(cluster.dir.resolve("broker-" + leaving).resolve("topics").resolve("mv").resolve("0")).doesNotExist();
        });
        assertThat(cluster.batches(3, "mv", 0)).isEqualTo(cluster.batches(staying, "mv", 0));
        assertThat(ids(readAll(cluster.engine(3), "mv"))).containsAll(acked);

        // replication_factor 2 -> 3: every partition moves to three replicas, in sync, the data everywhere.
        cluster.running().forEach(b -> cluster.broker(b).fetchers().pauseForTesting(true)); // hold the copies back
        try {
            cluster.engine(0).alterTopic("mv", Map.of("replication_factor", "3"));
            assertThat(cluster.partition("mv", 0).isMoving() || cluster.partition("mv", 1).isMoving()).isTrue();
            assertThatThrownBy(() -> cluster.engine(0).alterTopic("mv", Map.of("replication_factor", "4")))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.sqlState()).isEqualTo("55006"))
                    .hasMessageContaining("moving");
        } finally {
            cluster.running().forEach(b -> cluster.broker(b).fetchers().pauseForTesting(false));
        }
        Awaitility.await().atMost(TestCluster.WAIT).until(() -> {
            for (int p = 0; p < 2; p++) {
                PartitionImage pi = cluster.partition("mv", p);
                if (pi.isMoving() || pi.replicas().size() != 3 || pi.isr().size() != 3) {
                    return false;
                }
            }
            return true;
        });
        cluster.awaitInSync(cluster.engine(0).topic("mv").orElseThrow());
        assertThat(cluster.engine(0).topic("mv").orElseThrow().config().replicationFactor()).isEqualTo(3);
        for (int p = 0; p < 2; p++) {
            int leader = cluster.leaderOf("mv", p);
            for (int r : cluster.partition("mv", p).replicas()) {
                assertThat(cluster.batches(r, "mv", p)).as("partition %d on broker %d", p, r).isEqualTo(cluster.batches(leader, "mv", p));
            }
        }
        assertThat(ids(readAll(cluster.engine(1), "mv"))).containsAll(acked);
    }
}
