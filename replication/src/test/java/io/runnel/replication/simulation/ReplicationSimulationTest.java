package io.runnel.replication.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.testkit.Seeds;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeded simulation of the replication protocol (design note 0007): real engines, fetchers,
 * request handlers and controller logic, with a simulated ZooKeeper, network and clock, under crashes,
 * pauses and network partitions, checking the named invariants after every step.
 *
 * <p>{@code -Drunnel.seed=N} reproduces a run; {@code -Drunnel.sim.steps=N} and {@code -Drunnel.sim.runs=N}
 * make it longer (a soak: {@code -Drunnel.sim.runs=50 -Drunnel.sim.steps=20000}).
 */
class ReplicationSimulationTest {
    private static final int STEPS = Integer.getInteger("runnel.sim.steps", 4_000);
    private static final int RUNS = Integer.getInteger("runnel.sim.runs", 3);

    @Test
    void invariantsHoldUnderFaults(@TempDir Path dir) {
        long base = Seeds.seed("ReplicationSimulationTest");
        for (int run = 0; run < RUNS; run++) {
            long seed = base + run;
            int brokers = 3 + (int) Math.floorMod(seed, 3);
            ReplicationSimulation.Result r = new ReplicationSimulation(seed, STEPS, brokers, 0.02,
                    dir.resolve("run-" + run)).run();
            System.out.println("seed " + seed + " (" + brokers + " brokers): " + r.steps() + " steps, " + r.simulatedMs()
                    + " simulated ms, " + r.stats());
            assertThat(r.violations()).as("violations with seed %d (reproduce with -Drunnel.seed=%d -Drunnel.sim.runs=1)",
                    seed, seed).isEmpty();
        }
    }

    /**
     * Partition moves (ALTER TOPIC ... MOVE PARTITION, CANCEL MOVE through random brokers) interleaved with
     * the same faults — crashes and restarts, pauses past the session (controller failover mid-move),
     * cut links — and acks=all producers. Besides the invariants above: the controller's completion keeps
     * the ISR live and at least min_insync_replicas (MoveKeepsIsrLive, MoveKeepsMinIsr), a broker a partition
     * left holds no replica or directory of it (RemovedReplicaHoldsNoLog), and once the faults stop every
     * moved partition ends on its last target, or where it was after a cancel (MovesConverge).
     */
    @Test
    void invariantsHoldWhileMovingPartitions(@TempDir Path dir) {
        long base = Seeds.seed("ReplicationSimulationTest.moves");
        for (int run = 0; run < RUNS; run++) {
            long seed = base + run;
            int brokers = 4 + (int) Math.floorMod(seed, 2);
            ReplicationSimulation.Result r = new ReplicationSimulation(seed, STEPS, brokers, 0.02, 0.015,
                    dir.resolve("run-" + run)).run();
            System.out.println("moves: seed " + seed + " (" + brokers + " brokers): " + r.steps() + " steps, " + r.simulatedMs()
                    + " simulated ms, " + r.stats());
            assertThat(r.violations()).as("violations with seed %d (reproduce with -Drunnel.seed=%d -Drunnel.sim.runs=1)",
                    seed, seed).isEmpty();
            assertThat(r.stats().getOrDefault("moves completed", 0) + r.stats().getOrDefault("moves completed (leader moved off)", 0))
                    .as("moves completed with seed %d", seed).isPositive();
        }
    }
}
