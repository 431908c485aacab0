package io.runnel.engine.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.runnel.engine.EngineException;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.local.LocalEngine;
import io.runnel.engine.testkit.EngineFixtures;
import io.runnel.storage.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's cooperative protocol with simulated members that commit, then release what is
 * revoked: seeded joins and leaves; at every moment a partition has at most one reader (named
 * invariant {@code SingleOwnerPerPartition}, checked by every member whenever it starts reading a
 * partition), and once quiet every partition has exactly one (no orphans).
 */
class GroupCoordinatorTest {
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(1_767_225_600_000L);
    LocalEngine engine;
    GroupCoordinator coordinator;
    TopicInfo topic;
    /** partition → the simulated member reading it; a second reader is a violation. */
    final Map<Integer, String> readers = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        engine = LocalEngine.open(EngineConfig.defaults(dir), clock);
        topic = engine.createTopic(EngineFixtures.events("t", 6), false);
        coordinator = GroupCoordinator.open(engine, OffsetStoreConfig.DEFAULTS, clock);
    }

    @AfterEach
    void close() {
        coordinator.close();
        engine.close();
    }

    /** A member as a streaming query would be: reads what it owns, commits and releases what is revoked. */
    final class SimMember {
        final String id;
        final Set<Integer> reading = ConcurrentHashMap.newKeySet();
        GroupMember member;

        SimMember(String id) {
            this.id = id;
        }

        synchronized SimMember join(String group) {
            // The listener may run before join returns: it waits for this monitor, then sees the member.
            member = coordinator.join(group, topic, id, this::onChange);
            return this;
        }

        synchronized void onChange() {
            GroupMember.Assignment a = member.assignment();
            if (!a.active()) {
                return;
            }
            List<Integer> released = new ArrayList<>();
            Map<Integer, Long> commit = new HashMap<>();
            for (int p : a.revoking()) {
                if (reading.remove(p)) {
                    readers.remove(p, id);
                }
                commit.put(p, 1L);
                released.add(p);
            }
            for (int p : a.owned()) {
                if (!a.revoking().contains(p) && reading.add(p)) {
                    String before = readers.putIfAbsent(p, id);
                    if (before != null) {
                        violations.add("partition " + p + " read by " + before + " and " + id);
                    }
                }
            }
            if (!commit.isEmpty()) {
                coordinator.commit(member.group(), topic, commit);
            }
            member.release(released);
        }

        synchronized void leave() {
            for (int p : reading) {
                readers.remove(p, id);
            }
            reading.clear();
            member.leave();
        }
    }

    @Test
    void seededJoinsAndLeavesNeverShareAPartitionAndLeaveNoneOrphaned() {
        long seed = Long.getLong("test.seed", System.nanoTime());
        System.out.println("GroupCoordinatorTest seed " + seed);
        Random random = new Random(seed);
        List<SimMember> members = new ArrayList<>();
        for (int step = 0; step < 40; step++) {
            if (members.isEmpty() || random.nextInt(3) != 0) {
                members.add(new SimMember("m" + step).join("g"));
            } else {
                members.remove(random.nextInt(members.size())).leave();
            }
            if (random.nextBoolean()) {
                awaitStable(members, seed);
            }
        }
        awaitStable(members, seed);
        assertThat(violations).as("SingleOwnerPerPartition (seed %d)", seed).isEmpty();
    }

    private void awaitStable(List<SimMember> members, long seed) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            int total = 0;
            for (SimMember m : members) {
                total += m.reading.size();
            }
            assertThat(total).as("no orphaned partition, %d members (seed %d)", members.size(), seed)
                    .isEqualTo(members.isEmpty() ? 0 : 6);
            assertThat(readers).hasSize(members.isEmpty() ? 0 : 6);
            int min = members.stream().mapToInt(m -> m.reading.size()).min().orElse(0);
            int max = members.stream().mapToInt(m -> m.reading.size()).max().orElse(0);
            assertThat(max - min).isLessThanOrEqualTo(1);
        });
        assertThat(violations).as("SingleOwnerPerPartition (seed %d)", seed).isEmpty();
    }

    @Test
    void resetIsRefusedForAnUnknownGroupAndWhileMembersAreActive() {
        assertThatThrownBy(() -> coordinator.resetOffsets("nobody", topic, Map.of(0, 0L)))
                .isInstanceOf(EngineException.class).hasMessageContaining("consumer group nobody does not exist")
                .extracting(e -> ((EngineException) e).sqlState()).isEqualTo("42704");
        SimMember m = new SimMember("a").join("g");
        assertThatThrownBy(() -> coordinator.resetOffsets("g", topic, Map.of(0, 0L)))
                .isInstanceOf(EngineException.class).hasMessageContaining("consumer group g has 1 active member")
                .extracting(e -> ((EngineException) e).sqlState()).isEqualTo("55006");
        await().atMost(Duration.ofSeconds(10)).until(() -> m.reading.size() == 6);
        coordinator.commit("g", topic, Map.of(1, 10L));
        m.leave();
        coordinator.resetOffsets("g", topic, Map.of(1, 3L));
        assertThat(coordinator.offsets().committed(new OffsetKey("g", "t", 1), topic.topicId())).contains(3L);
    }

    @Test
    void describeListsMembersAndCommittedOffsetsWithLag() {
        SimMember m = new SimMember("a").join("g");
        await().atMost(Duration.ofSeconds(10)).until(() -> m.reading.size() == 6);
        engine.produce("t", List.of(new io.runnel.engine.PartitionBatch(2, EngineFixtures.eventBatch(topic, 0, 10))),
                io.runnel.engine.Acks.ALL, 10_000);
        coordinator.commit("g", topic, Map.of(2, 4L));
        List<GroupPartitionStatus> rows = coordinator.describe();
        assertThat(rows).hasSize(6);
        assertThat(rows.get(2)).isEqualTo(new GroupPartitionStatus("g", "t", 2, "a", 4L, 10L, 6L));
        assertThat(rows.get(0)).isEqualTo(new GroupPartitionStatus("g", "t", 0, "a", null, 0L, null));
        m.leave();
        assertThat(coordinator.describe()).containsExactly(new GroupPartitionStatus("g", "t", 2, null, 4L, 10L, 6L));
    }
}
