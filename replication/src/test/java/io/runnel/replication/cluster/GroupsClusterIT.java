package io.runnel.replication.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.group.GroupService;
import io.runnel.engine.group.GroupSession;
import io.runnel.engine.group.OffsetStore;
import io.runnel.engine.testkit.EngineFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups over real replication (three {@link io.runnel.replication.ClusterBroker}s in this JVM,
 * ZooKeeper, Netty): brokers racing to create {@value OffsetStore#TOPIC} all end up with the one winner's
 * topic, replicated three times with min ISR 2; a member on one broker commits through the group's
 * coordinator on another, and when that coordinator crashes the member joins the partition's new leader
 * and finds its committed offsets there.
 */
class GroupsClusterIT {
    @TempDir
    Path dir;

    @Test
    void racingBrokersShareOneReplicatedOffsetsTopicAndACoordinatorCrashKeepsTheOffsets() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3)) {
            List<CompletableFuture<TopicInfo>> creations = new ArrayList<>();
            for (int id : cluster.running()) {
                GroupService groups = cluster.broker(id).groups();
                creations.add(CompletableFuture.supplyAsync(groups::offsetsTopic));
            }
            TopicInfo offsets = creations.get(0).get();
            for (CompletableFuture<TopicInfo> c : creations) {
                assertThat(c.get().topicId()).as("every broker uses the winner's topic").isEqualTo(offsets.topicId());
            }
            assertThat(offsets.internal()).isTrue();
            assertThat(offsets.partitions()).isEqualTo(10);
            assertThat(offsets.config().replicationFactor()).isEqualTo(3);
            assertThat(offsets.config().minInsyncReplicas()).isEqualTo(2);
            cluster.awaitInSync(offsets);

            TopicInfo topic = cluster.engine(0).createTopic(EngineFixtures.events("t", 6), false);
            int coordinator = cluster.leaderOf(OffsetStore.TOPIC, GroupService.partitionFor("g", offsets.partitions()));
            int memberBroker = (coordinator + 1) % 3;
            GroupService groups = cluster.broker(memberBroker).groups();
            assertThat(groups.coordinatorOf("g")).hasValue(coordinator);
            GroupSession member = groups.join("g", topic, "m", () -> {});
            await().atMost(Duration.ofSeconds(20)).until(() -> member.assignment().owned().size() == 6);
            Map<Integer, Long> committed = new HashMap<>();
            for (int p = 0; p < 6; p++) {
                committed.put(p, 10L + p);
            }
            groups.commit("g", topic, "m", committed);
            assertThat(member.assignment().owned()).hasSize(6);

            cluster.crash(coordinator);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(member.joins()).as("joined the new coordinator").isEqualTo(2);
                assertThat(member.assignment().owned()).hasSize(6);
                assertThat(member.assignment().committed()).as("replayed by the new leader").isEqualTo(committed);
            });
            assertThat(groups.coordinatorOf("g")).isPresent().isNotEqualTo(java.util.OptionalInt.of(coordinator));
            member.leave();
        }
    }
}
