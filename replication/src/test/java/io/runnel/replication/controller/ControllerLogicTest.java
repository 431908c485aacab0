package io.runnel.replication.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.cluster.BrokerInfo;
import io.runnel.engine.cluster.MetadataImage;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.cluster.TopicPartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The controller's pure decisions: elections among live in-sync replicas, ISR cleanup, unclean opt-in, offline partitions. */
class ControllerLogicTest {
    private static final UUID TOPIC_ID = UUID.randomUUID();
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final int CONTROLLER_EPOCH = 7;

    private static MetadataImage live(int... ids) {
        Map<Integer, BrokerInfo> brokers = new HashMap<>();
        for (int id : ids) {
            brokers.put(id, new BrokerInfo(id, "127.0.0.1", 7070 + id, 9000 + id, null));
        }
        return new MetadataImage(1, brokers, Map.of(), true);
    }

    private static Versioned<PartitionState> state(int leader, int epoch, List<Integer> isr) {
        return new Versioned<>(new PartitionState(TOPIC_ID, leader, epoch, isr, 3), 11);
    }

    private static ControllerLogic.Decision decide(List<Integer> replicas, Versioned<PartitionState> s, MetadataImage image,
            boolean unclean) {
        return ControllerLogic.decide(TP, replicas, s, image, CONTROLLER_EPOCH, unclean);
    }

    @Test
    void aLiveLeaderWithALiveIsrNeedsNothing() {
        assertThat(decide(List.of(1, 2, 3), state(1, 4, List.of(1, 2, 3)), live(1, 2, 3), false)).isNull();
    }

    @Test
    void deadIsrMembersAreRemovedInTheSameEpochWithAVersionCheck() {
        ControllerLogic.Decision d = decide(List.of(1, 2, 3), state(1, 4, List.of(1, 2, 3)), live(1, 2), false);
        assertThat(d.state().leader()).isEqualTo(1);
        assertThat(d.state().leaderEpoch()).isEqualTo(4);
        assertThat(d.state().isr()).containsExactly(1, 2);
        assertThat(d.expectedVersion()).isEqualTo(11);
        assertThat(d.reason()).contains("[3]");
    }

    @Test
    void aDeadLeaderIsReplacedByTheFirstLiveInSyncReplicaInAssignmentOrderAtTheNextEpoch() {
        ControllerLogic.Decision d = decide(List.of(3, 1, 2), state(3, 4, List.of(3, 1, 2)), live(1, 2), false);
        assertThat(d.state().leader()).isEqualTo(1);
        assertThat(d.state().leaderEpoch()).isEqualTo(5);
        assertThat(d.state().isr()).containsExactly(1, 2);
        assertThat(d.state().controllerEpoch()).isEqualTo(CONTROLLER_EPOCH);
        assertThat(d.expectedVersion()).isEqualTo(11);
    }

    @Test
    void anOutOfSyncReplicaNeverLeadsUnlessTheTopicOptsIn() {
        // Broker 1 (the only in-sync replica) died; broker 2 is live but out of sync.
        Versioned<PartitionState> s = state(1, 4, List.of(1));
        ControllerLogic.Decision clean = decide(List.of(1, 2), s, live(2), false);
        assertThat(clean.state().leader()).isEqualTo(PartitionState.NO_LEADER);
        assertThat(clean.state().leaderEpoch()).isEqualTo(5);
        assertThat(clean.state().isr()).as("kept, so the replica with every committed row is elected when it returns")
                .containsExactly(1);
        assertThat(clean.reason()).contains("offline");

        ControllerLogic.Decision unclean = decide(List.of(1, 2), s, live(2), true);
        assertThat(unclean.state().leader()).isEqualTo(2);
        assertThat(unclean.state().isr()).containsExactly(2);
        assertThat(unclean.reason()).contains("UNCLEAN");
    }

    @Test
    void anOfflinePartitionIsElectedWhenAnInSyncReplicaReturnsAndStaysOfflineOtherwise() {
        Versioned<PartitionState> offline = state(PartitionState.NO_LEADER, 5, List.of(1));
        assertThat(decide(List.of(1, 2), offline, live(2), false)).as("nothing to do while only out-of-sync replicas live")
                .isNull();
        ControllerLogic.Decision back = decide(List.of(1, 2), offline, live(1, 2), false);
        assertThat(back.state().leader()).isEqualTo(1);
        assertThat(back.state().leaderEpoch()).isEqualTo(6);
        assertThat(back.state().isr()).containsExactly(1);
    }
}
