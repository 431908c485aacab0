package io.runnel.engine.local;

import static io.runnel.engine.testkit.EngineFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.engine.Acks;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.storage.testkit.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writers and readers at once (nothing lost, nothing duplicated, offsets dense), and restarts
 * after a clean close and after a simulated crash (the engine abandoned without closing its logs):
 * every acknowledged row is still there.
 */
class ConcurrencyAndRestartTest {
    @TempDir
    Path dir;

    @Test
    void writersOnDifferentPartitionsAndReadersLoseAndDuplicateNothing() throws Exception {
        long seed = Seeds.seed("ConcurrencyAndRestartTest.writersAndReaders");
        int partitions = 4;
        int writers = 4;
        int batchesPerWriter = 150;
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir))) {
            TopicInfo topic = engine.createTopic(events("c", partitions), false);
            ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
            Set<Long> acked = ConcurrentHashMap.newKeySet();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<Set<Long>>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    Set<Long> seen = new HashSet<>();
                    Map<Integer, Long> next = new ConcurrentHashMap<>();
                    try (TopicReader reader = engine.openReader(new ReadRequest("c", Map.of(), StartPosition.earliest(),
                            false, new int[] {0}, 8 << 10))) {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        while (System.nanoTime() < deadline) {
                            ReadChunk chunk = reader.poll(100);
                            if (chunk.isEmpty()) {
                                if (!writing.get() && seen.size() >= acked.size()) {
                                    break;
                                }
                                continue;
                            }
                            for (int row = chunk.fromRow(); row < chunk.toRow(); row++) {
                                long offset = chunk.batch().offset(row);
                                long expected = next.getOrDefault(chunk.partition(), 0L);
                                if (offset != expected) {
                                    throw new AssertionError("partition " + chunk.partition() + ": offset " + offset
                                            + " after " + (expected - 1));
                                }
                                next.put(chunk.partition(), offset + 1);
                                if (!seen.add(chunk.batch().getLong(0, row))) {
                                    throw new AssertionError("duplicate k " + chunk.batch().getLong(0, row));
                                }
                            }
                        }
                    }
                    return seen;
                }));
            }
            List<Future<?>> producers = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                producers.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed + writer);
                    long k = writer * 10_000_000L;
                    for (int b = 0; b < batchesPerWriter; b++) {
                        int rows = 1 + random.nextInt(50);
                        // Mostly the writer's own partition, sometimes two partitions in one call.
                        List<io.runnel.engine.PartitionBatch> batches = new ArrayList<>();
                        batches.add(to(writer % partitions, eventBatch(topic, k, rows)));
                        int extra = 0;
                        if (random.nextInt(5) == 0) {
                            extra = 1 + random.nextInt(10);
                            batches.add(to(random.nextInt(partitions), eventBatch(topic, k + rows, extra)));
                        }
                        ProduceResult result = engine.produce("c", batches, Acks.ALL, 30_000);
                        assertThat(result.rowCount()).isEqualTo(rows + extra);
                        for (long i = k; i < k + rows + extra; i++) {
                            acked.add(i);
                        }
                        k += rows + extra;
                    }
                    return null;
                }));
            }
            for (Future<?> f : producers) {
                f.get(120, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<Set<Long>> f : readers) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(acked);
            }
            pool.shutdownNow();
            long total = engine.partitionStatus("c").stream().mapToLong(s -> s.highWatermark()).sum();
            assertThat(total).isEqualTo(acked.size());
        }
    }

    @Test
    void everyAcknowledgedRowSurvivesCloseAndCrash() throws Exception {
        long seed = Seeds.seed("ConcurrencyAndRestartTest.restart");
        SplittableRandom random = new SplittableRandom(seed);
        List<Long> acked = new ArrayList<>();
        long k = 0;
        for (int round = 0; round < 6; round++) {
            boolean crash = round % 2 == 1;
            LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir));
            TopicInfo topic = round == 0 ? engine.createTopic(events("d", 3), false) : engine.topic("d").orElseThrow();
            assertThat(readAll(engine)).as("round %d starts with every acknowledged row", round).isEqualTo(acked);
            for (int b = 0; b < 30; b++) {
                int rows = 1 + random.nextInt(100);
                engine.produce("d", List.of(to(random.nextInt(3), eventBatch(topic, k, rows))), Acks.ALL, 5_000);
                for (long i = k; i < k + rows; i++) {
                    acked.add(i);
                }
                k += rows;
            }
            if (crash) {
                engine.abandonForTesting();
            } else {
                engine.close();
            }
        }
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir))) {
            assertThat(readAll(engine)).isEqualTo(acked);
            // The leader-epoch cache says epoch 0 began at offset 0 in every partition that has data.
            for (var status : engine.partitionStatus("d")) {
                var entries = engine.partitionForTesting("d", status.partition()).epochCache().entries();
                if (status.logEndOffset() > 0) {
                    assertThat(entries).containsExactly(new io.runnel.engine.partition.LeaderEpochCache.EpochEntry(0, 0));
                }
            }
        }
    }

    /** Every k in the topic, sorted. */
    private static List<Long> readAll(LocalEngine engine) throws InterruptedException {
        try (TopicReader reader = engine.openReader(ReadRequest.snapshot("d", new int[] {0}))) {
            List<Long> ks = new ArrayList<>();
            for (ReadRow r : drain(reader)) {
                ks.add(r.k());
            }
            Collections.sort(ks);
            return ks;
        }
    }
}
