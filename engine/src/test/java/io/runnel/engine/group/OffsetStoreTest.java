package io.runnel.engine.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.engine.EngineException;
import io.runnel.engine.PartitionStatus;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.local.LocalEngine;
import io.runnel.engine.testkit.EngineFixtures;
import io.runnel.storage.testkit.MutableClock;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offset store: durable commits, replay after restart (latest record wins), snapshots surviving retention. */
class OffsetStoreTest {
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(1_767_225_600_000L);

    @Test
    void commitsSurviveARestartAndTheLatestRecordWins() {
        TopicInfo t;
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir), clock)) {
            t = engine.createTopic(EngineFixtures.events("orders", 3), false);
            OffsetStore store = OffsetStore.open(engine, OffsetStoreConfig.DEFAULTS, clock);
            store.commit("g1", t, Map.of(0, 5L, 1, 7L));
            store.commit("g1", t, Map.of(0, 9L));
            store.commit("g2", t, Map.of(2, 3L));
            assertThat(store.committed(new OffsetKey("g1", "orders", 0), t.topicId())).contains(9L);
            assertThat(engine.topics()).extracting(TopicInfo::name).containsExactly("orders");
        }
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir), clock)) {
            OffsetStore store = OffsetStore.open(engine, OffsetStoreConfig.DEFAULTS, clock);
            assertThat(store.committed(new OffsetKey("g1", "orders", 0), t.topicId())).contains(9L);
            assertThat(store.committed(new OffsetKey("g1", "orders", 1), t.topicId())).contains(7L);
            assertThat(store.committed(new OffsetKey("g2", "orders", 2), t.topicId())).contains(3L);
            assertThat(store.committed(new OffsetKey("g2", "orders", 0), t.topicId())).isEmpty();
            assertThat(store.knowsGroup("g2")).isTrue();
            assertThat(store.knowsGroup("g3")).isFalse();
        }
    }

    @Test
    void anOffsetOfADroppedTopicDoesNotApplyToANewTopicOfTheSameName() {
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir), clock)) {
            TopicInfo old = engine.createTopic(EngineFixtures.events("t", 1), false);
            OffsetStore store = OffsetStore.open(engine, OffsetStoreConfig.DEFAULTS, clock);
            store.commit("g", old, Map.of(0, 4L));
            engine.dropTopic("t", false);
            TopicInfo fresh = engine.createTopic(EngineFixtures.events("t", 1), false);
            assertThat(store.committed(new OffsetKey("g", "t", 0), fresh.topicId())).isEmpty();
        }
    }

    @Test
    void badOffsetsAreRefusedAndChangeNothing() {
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir), clock)) {
            TopicInfo t = engine.createTopic(EngineFixtures.events("t", 2), false);
            OffsetStore store = OffsetStore.open(engine, OffsetStoreConfig.DEFAULTS, clock);
            assertThatThrownBy(() -> store.commit("g", t, Map.of(0, 1L, 2, 1L)))
                    .isInstanceOf(EngineException.class).hasMessageContaining("partition 2 of topic t")
                    .extracting(e -> ((EngineException) e).sqlState()).isEqualTo("22023");
            assertThatThrownBy(() -> store.commit("g", t, Map.of(0, -1L))).isInstanceOf(EngineException.class);
            assertThat(store.snapshot()).isEmpty();
        }
    }

    /**
     * Many commits over a topic retained by 2 MB: retention deletes the oldest segments (the log
     * start moves past 0), yet a replay finds every key's latest offset, because snapshots rewrote the
     * live offsets after what retention deleted.
     */
    @Test
    void replayOfATopicTruncatedByRetentionStillHasEveryLatestOffset() {
        long seed = Long.getLong("test.seed", System.nanoTime());
        System.out.println("OffsetStoreTest seed " + seed);
        Random random = new Random(seed);
        OffsetStoreConfig config = new OffsetStoreConfig(2L << 20, 1L << 20, 200, 30_000);
        Map<OffsetKey, Long> model = new HashMap<>();
        TopicInfo t;
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir), clock)) {
            t = engine.createTopic(EngineFixtures.events("t", 8), false);
            OffsetStore store = OffsetStore.open(engine, config, clock);
            long logStart = 0;
            for (int i = 0; i < 20_000 && logStart == 0; i++) {
                String group = "g" + random.nextInt(5);
                int p = random.nextInt(8);
                long offset = random.nextInt(1_000_000);
                store.commit(group, t, Map.of(p, offset));
                model.put(new OffsetKey(group, "t", p), offset);
                if (i % 500 == 499) {
                    engine.runRetention();
                    PartitionStatus s = engine.partitionStatus(OffsetStore.TOPIC).get(0);
                    logStart = s.logStartOffset();
                }
            }
            assertThat(logStart).as("retention truncated the internal topic (seed %d)", seed).isPositive();
        }
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir), clock)) {
            OffsetStore store = OffsetStore.open(engine, config, clock);
            for (Map.Entry<OffsetKey, Long> e : model.entrySet()) {
                Optional<Long> replayed = store.committed(e.getKey(), t.topicId());
                assertThat(replayed).as("%s (seed %d)", e.getKey(), seed).contains(e.getValue());
            }
            assertThat(store.snapshot()).hasSize(model.size());
        }
    }
}
