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

    // ------------------------------------------------------------------ partition moves (KIP-455 phases)

    /** Partition 0 moving from {@code original} to {@code target}, with {@code state}, as the image shows it. */
    private static MetadataImage moving(MetadataImage live, List<Integer> original, List<Integer> target,
            Versioned<PartitionState> state) {
        io.runnel.engine.cluster.PartitionReassignment m = io.runnel.engine.cluster.PartitionReassignment.start(original, target);
        var info = io.runnel.engine.catalog.TopicDefinitions.create(io.runnel.engine.testkit.EngineFixtures.events("orders",
                Map.of("partitions", "1", "replication_factor", Integer.toString(target.size()))), io.runnel.engine.TopicConfig.DEFAULTS,
                false, TOPIC_ID, 0, 5);
        var topic = new io.runnel.engine.cluster.TopicImage(new Versioned<>(info, 1),
                List.of(new io.runnel.engine.cluster.PartitionImage(0, m.replicas(), state, m)), 4);
        return new MetadataImage(2, live.liveBrokers(), Map.of("orders", topic), true);
    }

    @Test
    void aMoveWaitsWhileAnArrivingReplicaIsNotInSync() {
        MetadataImage image = moving(live(1, 2, 3, 4), List.of(1, 2), List.of(2, 4), state(1, 4, List.of(1, 2)));
        assertThat(ControllerLogic.decide(image, CONTROLLER_EPOCH)).isEmpty();
    }

    @Test
    void aMoveCompletesInOneWriteWhenEveryTargetReplicaIsInSyncAndKeepsALeaderThatStays() {
        MetadataImage image = moving(live(1, 2, 3, 4), List.of(1, 2), List.of(1, 4), state(1, 4, List.of(1, 2, 4)));
        List<ControllerLogic.Decision> decisions = ControllerLogic.decide(image, CONTROLLER_EPOCH);
        assertThat(decisions).hasSize(1);
        ControllerLogic.Decision d = decisions.get(0);
        assertThat(d.completesMove()).isTrue();
        assertThat(d.replicasAfter()).containsExactly(1, 4);
        assertThat(d.expectedAssignmentVersion()).isEqualTo(4);
        assertThat(d.state().leader()).isEqualTo(1);
        assertThat(d.state().leaderEpoch()).as("same leader: same epoch").isEqualTo(4);
        assertThat(d.state().isr()).containsExactly(1, 4);
    }

    @Test
    void aLeavingLeaderHandsOverToTheFirstTargetReplicaAtTheNextEpoch() {
        MetadataImage image = moving(live(1, 2, 3, 4), List.of(1, 2), List.of(4, 2), state(1, 4, List.of(1, 2, 4)));
        ControllerLogic.Decision d = ControllerLogic.decide(image, CONTROLLER_EPOCH).get(0);
        assertThat(d.completesMove()).isTrue();
        assertThat(d.state().leader()).isEqualTo(4);
        assertThat(d.state().leaderEpoch()).isEqualTo(5);
        assertThat(d.state().controllerEpoch()).isEqualTo(CONTROLLER_EPOCH);
        assertThat(d.state().isr()).containsExactly(4, 2);
        assertThat(d.replicasAfter()).containsExactly(4, 2);
        assertThat(d.reason()).contains("leadership moves to 4");
    }

    @Test
    void aDeadLeaderDuringAMoveIsReplacedFirstPreferringTheTarget() {
        // Replicas while moving: target [4, 2] then leaving [1]; leader 1 dies before 4 is in sync.
        MetadataImage image = moving(live(2, 3, 4), List.of(1, 2), List.of(4, 2), state(1, 4, List.of(1, 2)));
        ControllerLogic.Decision d = ControllerLogic.decide(image, CONTROLLER_EPOCH).get(0);
        assertThat(d.completesMove()).as("the election comes first; the move waits for 4").isFalse();
        assertThat(d.state().leader()).isEqualTo(2);
        assertThat(d.state().isr()).containsExactly(2);
    }

    @Test
    void aDeadArrivingReplicaOutOfTheIsrHoldsTheMoveWithoutTouchingTheIsr() {
        MetadataImage image = moving(live(1, 2, 3), List.of(1, 2), List.of(1, 4), state(1, 4, List.of(1, 2)));
        assertThat(ControllerLogic.decide(image, CONTROLLER_EPOCH)).isEmpty();
    }

    @Test
    void aMoveWithoutAKnownAssignmentVersionIsNotCompleted() {
        MetadataImage image = moving(live(1, 2, 3, 4), List.of(1, 2), List.of(1, 4), state(1, 4, List.of(1, 2, 4)));
        var t = image.topic("orders");
        var unknownVersion = new io.runnel.engine.cluster.TopicImage(t.entry(), t.partitions());
        MetadataImage stale = new MetadataImage(3, image.liveBrokers(), Map.of("orders", unknownVersion), true);
        assertThat(ControllerLogic.decide(stale, CONTROLLER_EPOCH)).isEmpty();
    }
}
