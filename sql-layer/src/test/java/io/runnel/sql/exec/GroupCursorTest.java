package io.runnel.sql.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runnel.engine.Acks;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.group.GroupPartitionStatus;
import io.runnel.engine.group.GroupService;
import io.runnel.engine.group.GroupServiceConfig;
import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.local.LocalEngine;
import io.runnel.engine.testkit.EngineFixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The positions of a group query: what a fetch acknowledges, what commit and rollback do, which rows
 * are dropped after an epoch change, and that a revoked partition is committed before its next owner
 * starts there.
 */
class GroupCursorTest {
    @TempDir
    Path dir;
    LocalEngine engine;
    GroupService coordinator;
    TopicInfo topic;

    @BeforeEach
    void open() {
        engine = LocalEngine.open(EngineConfig.defaults(dir), Clock.systemUTC());
        topic = engine.createTopic(EngineFixtures.events("t", 2), false);
        for (int p = 0; p < 2; p++) {
            engine.produce("t", List.of(new PartitionBatch(p, EngineFixtures.eventBatch(topic, 0, 10))), Acks.ALL, 10_000);
        }
        coordinator = GroupService.standalone(engine, GroupServiceConfig.DEFAULTS.withOffsetsTopic(3, 1), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        coordinator.close();
        engine.close();
    }

    private Optional<Long> committed(int partition) {
        return coordinator.describe().stream().filter(r -> r.group().equals("g") && r.topic().equals("t") && r.partition() == partition)
                .map(GroupPartitionStatus::committedOffset).filter(o -> o != null).findFirst();
    }

    private static GroupCursor.Positioned row(int partition, long offset, long epoch) {
        return new GroupCursor.Positioned("p" + partition + "@" + offset, partition, offset + 1, epoch);
    }

    @Test
    void manualCommitCoversRowsReadAndRollbackRewinds() {
        GroupCursor cursor = new GroupCursor(coordinator, engine, "g", "m1", true, () -> false);
        cursor.join(topic);
        await().atMost(Duration.ofSeconds(10)).until(() -> cursor.owned().size() == 2);
        long epoch = cursor.epoch();
        assertThat(cursor.readPlan().starts()).containsEntry(0, 0L).containsEntry(1, 0L);
        assertThat(committed(0)).as("the group's start is fixed at once").contains(0L);

        cursor.fetchStarted(0);
        assertThat(cursor.accept(List.of(row(0, 0, epoch), row(0, 1, epoch), row(1, 0, epoch), row(0, 2, epoch - 1))))
                .as("a row of an older epoch is dropped").containsExactly("p0@0", "p0@1", "p1@0");
        cursor.clientReturned(2); // the application read p0@0 and p0@1 only
        cursor.commitDelivered();
        assertThat(committed(0)).contains(2L);
        assertThat(committed(1)).as("p1@0 was buffered, not read").contains(0L);

        cursor.fetchStarted(3);
        cursor.accept(List.of(row(0, 2, epoch), row(1, 1, epoch)));
        cursor.rollback();
        assertThat(cursor.epoch()).isGreaterThan(epoch);
        assertThat(cursor.readPlan().starts()).containsEntry(0, 2L).containsEntry(1, 0L);
        assertThat(cursor.accept(List.of(row(0, 2, epoch)))).as("rows read before the rollback are dropped").isEmpty();
        cursor.close();
    }

    @Test
    void autoCommitCommitsWhatEarlierFetchesDeliveredAndARevokedPartitionBeforeItMoves() {
        AtomicBoolean auto = new AtomicBoolean(true);
        GroupCursor first = new GroupCursor(coordinator, engine, "g", "m1", true, auto::get);
        first.join(topic);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.owned().size() == 2);
        long epoch = first.epoch();
        first.fetchStarted(0);
        first.accept(List.of(row(0, 0, epoch), row(1, 0, epoch), row(1, 1, epoch)));
        assertThat(committed(1)).as("not acknowledged yet").contains(0L);
        first.fetchStarted(3); // asking for more acknowledges the previous frame
        assertThat(committed(0)).contains(1L);
        assertThat(committed(1)).contains(2L);
        first.accept(List.of(row(1, 2, epoch))); // delivered, never acknowledged

        GroupCursor second = new GroupCursor(coordinator, engine, "g", "m2", true, auto::get);
        second.join(topic);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.owned().size() == 1 && second.owned().size() == 1);
        int moved = second.owned().get(0);
        assertThat(second.readPlan().starts().get(moved)).as("the new owner starts at the acknowledged position")
                .isEqualTo(moved == 0 ? 1L : 2L);
        assertThat(first.accept(List.of(row(moved, 5, first.epoch())))).as("the old owner delivers it no more").isEmpty();
        first.close();
        second.close();
    }
}
