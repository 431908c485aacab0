package io.runnel.engine.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.runnel.engine.EngineException;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.cluster.BrokerTransport;
import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.local.LocalEngine;
import io.runnel.engine.testkit.EngineFixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three {@link GroupService}s playing three brokers over one engine (standing in for the replicated
 * offsets topic every broker has a replica of), joined by an in-process transport that delivers
 * {@link BrokerTransport#group} to the addressed broker's coordinator side. The test decides who leads
 * each partition of {@value OffsetStore#TOPIC}, so it can move a group's coordinator at will.
 *
 * <p>Proves: members on three brokers share one coordinator (forwarded requests) and get disjoint,
 * complete assignments; commits are fenced to the partitions a member owns; when the coordinator's
 * partition moves to another broker, the new coordinator replays the committed offsets, every member
 * loses its partitions at once and joins again (a clean rebalance, {@code SingleOwnerPerPartition}
 * throughout), and requests made during the move are retried until the new coordinator answers.
 */
class GroupServiceRoutingTest {
    static final int OFFSETS_PARTITIONS = 3;

    @org.junit.jupiter.api.io.TempDir
    Path dir;
    LocalEngine engine;
    TopicInfo topic;
    /** offsets partition → {leader broker, leader epoch}. */
    final Map<Integer, int[]> leaders = new ConcurrentHashMap<>();
    final Map<Integer, GroupService> brokers = new TreeMap<>();
    final Map<Integer, AtomicInteger> forwarded = new ConcurrentHashMap<>();
    /** partition → member reading it; a second reader is a violation. */
    final Map<Integer, String> readers = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        engine = LocalEngine.open(EngineConfig.defaults(dir), Clock.systemUTC());
        topic = engine.createTopic(EngineFixtures.events("t", 6), false);
        for (int p = 0; p < OFFSETS_PARTITIONS; p++) {
            leaders.put(p, new int[] {1, 0});
        }
        GroupServiceConfig config = GroupServiceConfig.DEFAULTS.withOffsetsTopic(OFFSETS_PARTITIONS, 3)
                .withMemberTimeoutMs(3_000, 300).withRequestTimeoutMs(10_000);
        for (int id = 1; id <= 3; id++) {
            brokers.put(id, GroupService.start(engine, view(id), transport(), config, Clock.systemUTC()));
        }
    }

    @AfterEach
    void stop() {
        brokers.values().forEach(GroupService::close);
        engine.close();
    }

    private OffsetsTopicView view(int id) {
        return new OffsetsTopicView() {
            @Override
            public OptionalInt leaderOf(int partition) {
                int[] l = leaders.get(partition);
                return l[0] < 0 ? OptionalInt.empty() : OptionalInt.of(l[0]);
            }

            @Override
            public LocalLeader localLeader(int partition) {
                int[] l = leaders.get(partition);
                if (l[0] != id) {
                    return null;
                }
                PartitionStatus s = engine.partitionStatus(OffsetStore.TOPIC).get(partition);
                return new LocalLeader(l[1], s.highWatermark(), s.logEndOffset());
            }

            @Override
            public int localBrokerId() {
                return id;
            }
        };
    }

    private BrokerTransport transport() {
        return new BrokerTransport() {
            @Override
            public CompletableFuture<GroupResponse> group(int brokerId, GroupRequest request) {
                forwarded.computeIfAbsent(brokerId, k -> new AtomicInteger()).incrementAndGet();
                GroupService target = brokers.get(brokerId);
                return target == null ? CompletableFuture.failedFuture(new EngineException("08006", "broker " + brokerId + " is down"))
                        : target.handle(request);
            }

            @Override
            public CompletableFuture<ProduceResult> produce(int brokerId, ForwardedProduce request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<RemoteRead> read(int brokerId, RemoteReadRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<PartitionOffsets> offsets(int brokerId, OffsetsRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }

    /** A reader as a streaming query is: reads what it owns, commits then releases what is revoked, drops what is lost. */
    final class Member {
        final String id;
        final GroupService service;
        final Set<Integer> reading = ConcurrentHashMap.newKeySet();
        final Map<Integer, Long> startedAt = new ConcurrentHashMap<>();
        GroupSession session;

        Member(String id, int broker) {
            this.id = id;
            this.service = brokers.get(broker);
        }

        synchronized Member join() {
            session = service.join("g", topic, id, this::onChange);
            return this;
        }

        synchronized void onChange() {
            GroupSession.Assignment a = session.assignment();
            if (!a.active()) {
                return;
            }
            for (int p : new ArrayList<>(reading)) {
                if (!a.owned().contains(p)) {
                    reading.remove(p); // lost: nothing committed
                    readers.remove(p, id);
                }
            }
            List<Integer> release = new ArrayList<>();
            for (int p : a.revoking()) {
                if (reading.remove(p)) {
                    readers.remove(p, id);
                }
                release.add(p);
            }
            for (int p : a.owned()) {
                if (!a.revoking().contains(p) && reading.add(p)) {
                    startedAt.put(p, a.committed().getOrDefault(p, -1L));
                    String before = readers.putIfAbsent(p, id);
                    if (before != null) {
                        violations.add("partition " + p + " read by " + before + " and " + id);
                    }
                }
            }
            session.release(release);
        }
    }

    private void awaitBalanced(List<Member> members) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Set<Integer> all = new HashSet<>();
            for (Member m : members) {
                assertThat(m.reading).as("%s reads two partitions", m.id).hasSize(2);
                all.addAll(m.reading);
            }
            assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        });
    }

    private int coordinatorPartition() {
        return GroupService.partitionFor("g", OFFSETS_PARTITIONS);
    }

    @Test
    void membersOnThreeBrokersShareOneCoordinatorWhichFailsOverWithItsOffsets() {
        List<Member> members = List.of(new Member("m1", 1).join(), new Member("m2", 2).join(), new Member("m3", 3).join());
        awaitBalanced(members);
        assertThat(brokers.get(1).coordinates(coordinatorPartition())).isTrue();
        assertThat(forwarded.get(1).get()).as("brokers 2 and 3 forwarded their members' requests to broker 1").isPositive();

        // Commits are fenced: a member commits what it owns, nothing else.
        Member m2 = members.get(1);
        Map<Integer, Long> commits = new HashMap<>();
        for (int p : m2.reading) {
            commits.put(p, 10L + p);
        }
        m2.service.commit("g", topic, "m2", commits);
        int notOwned = members.get(0).reading.iterator().next();
        assertThatThrownBy(() -> m2.service.commit("g", topic, "m2", Map.of(notOwned, 99L)))
                .isInstanceOf(UnknownMemberException.class).hasMessageContaining("m2 owns partitions")
                .extracting(e -> ((EngineException) e).sqlState()).isEqualTo("40001");

        // The coordinator's partition moves to broker 2 (a new leader epoch): broker 1 stops coordinating,
        // broker 2 replays the partition, every member joins again.
        int p = coordinatorPartition();
        leaders.put(p, new int[] {2, 1});
        await().atMost(Duration.ofSeconds(20)).until(() -> brokers.get(2).coordinates(p) && !brokers.get(1).coordinates(p));
        awaitBalanced(members);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (Member m : members) {
                assertThat(m.session.joins()).as("%s joined the new coordinator", m.id).isEqualTo(2);
            }
        });
        // Whoever reads m2's old partitions now started from what m2 committed at the old coordinator.
        for (Map.Entry<Integer, Long> c : commits.entrySet()) {
            Member owner = members.stream().filter(m -> m.reading.contains(c.getKey())).findFirst().orElseThrow();
            assertThat(owner.startedAt.get(c.getKey())).as("partition %d after failover", c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(violations).as("SingleOwnerPerPartition").isEmpty();

        // While the coordinator has no leader, a commit waits and succeeds once one is elected.
        leaders.put(p, new int[] {-1, 1});
        Member m3 = members.get(2);
        CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> await().atMost(Duration.ofSeconds(20)).until(() -> {
            // m3 may have lost its partitions meanwhile; commit what it owns when it owns something again
            Set<Integer> owned = Set.copyOf(m3.reading);
            if (owned.isEmpty()) {
                return false;
            }
            Map<Integer, Long> c = new HashMap<>();
            owned.forEach(x -> c.put(x, 20L));
            try {
                m3.service.commit("g", topic, "m3", c);
                return true;
            } catch (UnknownMemberException e) {
                return false; // it lost them between the look and the commit: a rebalance, try again
            }
        }));
        leaders.put(p, new int[] {3, 2});
        commit.join();
        awaitBalanced(members);
        assertThat(violations).as("SingleOwnerPerPartition").isEmpty();
        for (Member m : members) {
            m.session.leave();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(brokers.get(3).describe())
                .allSatisfy(r -> assertThat(r.member()).isNull()));
    }

    @Test
    void aMemberWhoseBrokerStopsHeartbeatingExpiresAndItsPartitionsMove() {
        Member m1 = new Member("m1", 1).join();
        Member m2 = new Member("m2", 2).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> m1.reading.size() == 3 && m2.reading.size() == 3);
        brokers.remove(2).close(); // broker 2 is gone: no leave, no heartbeat (its close cannot reach anyone now)
        m2.reading.forEach(p -> readers.remove(p, "m2")); // and a dead broker's queries read nothing
        await().atMost(Duration.ofSeconds(20)).until(() -> m1.reading.size() == 6);
        assertThat(violations).isEmpty();
    }

    @Test
    void theOffsetsTopicIsCreatedOnceWithTheTargetReplicationCappedByLiveBrokers() {
        TopicInfo t1 = brokers.get(1).offsetsTopic();
        TopicInfo t2 = brokers.get(2).offsetsTopic();
        assertThat(t2.topicId()).isEqualTo(t1.topicId());
        assertThat(t1.partitions()).isEqualTo(OFFSETS_PARTITIONS);
        assertThat(t1.config().replicationFactor()).as("one live broker in this engine").isEqualTo(1);
        assertThat(t1.config().minInsyncReplicas()).isEqualTo(1);
        assertThat(t1.internal()).isTrue();
    }
}
