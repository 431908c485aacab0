package io.runnel.engine.local;

import static io.runnel.engine.testkit.EngineFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.engine.Acks;
import io.runnel.engine.EngineException;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.storage.format.Compression;
import io.runnel.storage.testkit.MutableClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Long-poll, wakeup, close, retention under a reader, partitions added while reading, drop while reading. */
class LongPollTest {
    /** Far longer than any wait below: a poll that returns before it was woken, not timed out. */
    private static final long LONG_WAIT_MS = 60_000;

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(1_767_225_600_000L);
    LocalEngine engine;
    TopicInfo topic;
    ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void open() {
        engine = LocalEngine.open(EngineConfig.defaults(dir), clock);
        topic = engine.createTopic(events("t", 4), false);
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        engine.close();
    }

    private TopicReader unboundedFromLatest() {
        return engine.openReader(new ReadRequest("t", Map.of(), StartPosition.latest(), false, null, 1 << 20));
    }

    @Test
    void anAppendToAnyPartitionWakesAWaitingPoll() throws Exception {
        try (TopicReader reader = unboundedFromLatest()) {
            for (int p : new int[] {3, 0, 2}) {
                Future<ReadChunk> poll = pool.submit(() -> reader.poll(LONG_WAIT_MS));
                Thread.sleep(50); // let it wait (the assertion below does not depend on it)
                assertThat(poll.isDone()).isFalse();
                engine.produce("t", List.of(to(p, eventBatch(topic, p * 100, 3))), Acks.ALL, 1_000);
                ReadChunk chunk = poll.get(10, TimeUnit.SECONDS);
                assertThat(chunk.partition()).isEqualTo(p);
                assertThat(chunk.rowCount()).isEqualTo(3);
                assertThat(chunk.batch().getLong(0, chunk.fromRow())).isEqualTo(p * 100);
            }
        }
    }

    @Test
    void pollWithoutDataTimesOutEmpty() throws Exception {
        try (TopicReader reader = unboundedFromLatest()) {
            long start = System.nanoTime();
            assertThat(reader.poll(100).isEmpty()).isTrue();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
            assertThat(reader.poll(0).isEmpty()).isTrue();
        }
    }

    @Test
    void wakeupFromAnotherThreadEndsThePollEmpty() throws Exception {
        try (TopicReader reader = unboundedFromLatest()) {
            Future<ReadChunk> poll = pool.submit(() -> reader.poll(LONG_WAIT_MS));
            Thread.sleep(50);
            reader.wakeup();
            assertThat(poll.get(10, TimeUnit.SECONDS).isEmpty()).isTrue();
            // A wakeup before a poll ends that poll at once.
            reader.wakeup();
            assertThat(CompletableFuture.supplyAsync(() -> poll(reader)).get(10, TimeUnit.SECONDS).isEmpty()).isTrue();
            // And is used up: the next poll waits for data again.
            engine.produce("t", List.of(to(1, eventBatch(topic, 0, 2))), Acks.ALL, 1_000);
            assertThat(reader.poll(LONG_WAIT_MS).rowCount()).isEqualTo(2);
        }
    }

    private static ReadChunk poll(TopicReader reader) {
        try {
            return reader.poll(LONG_WAIT_MS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void closeFromAnotherThreadFailsThePollWith57014() throws Exception {
        TopicReader reader = unboundedFromLatest();
        Future<ReadChunk> poll = pool.submit(() -> reader.poll(LONG_WAIT_MS));
        Thread.sleep(50);
        reader.close();
        assertThatThrownBy(() -> poll.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(EngineException.class)
                .cause().satisfies(e -> assertThat(((EngineException) e).sqlState()).isEqualTo("57014"));
        assertThatThrownBy(() -> reader.poll(0)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.sqlState()).isEqualTo("57014"));
        reader.close();
    }

    @Test
    void anInterruptEndsTheWait() throws Exception {
        try (TopicReader reader = unboundedFromLatest()) {
            Future<ReadChunk> poll = pool.submit(() -> reader.poll(LONG_WAIT_MS));
            Thread.sleep(50);
            pool.shutdownNow();
            assertThatThrownBy(() -> poll.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(InterruptedException.class);
        }
    }

    @Test
    void engineCloseEndsPolls() throws Exception {
        TopicReader reader = unboundedFromLatest();
        Future<ReadChunk> poll = pool.submit(() -> reader.poll(LONG_WAIT_MS));
        Thread.sleep(50);
        engine.close();
        assertThatThrownBy(() -> poll.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(EngineException.class);
    }

    @Test
    void dropWhileReadingFailsWith42P01() throws Exception {
        TopicReader reader = unboundedFromLatest();
        Future<ReadChunk> poll = pool.submit(() -> reader.poll(LONG_WAIT_MS));
        Thread.sleep(50);
        engine.dropTopic("t", false);
        assertThatThrownBy(() -> poll.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(EngineException.class)
                .cause().satisfies(e -> assertThat(((EngineException) e).sqlState()).isEqualTo("42P01"));
        reader.close();
    }

    @Test
    void readerOfAllPartitionsPicksUpPartitionsAddedByAlter() throws Exception {
        try (TopicReader reader = unboundedFromLatest()) {
            Future<ReadChunk> poll = pool.submit(() -> reader.poll(LONG_WAIT_MS));
            Thread.sleep(50);
            TopicInfo altered = engine.alterTopic("t", Map.of("partitions", "6"));
            engine.produce("t", List.of(to(5, eventBatch(altered, 7, 4))), Acks.ALL, 1_000);
            ReadChunk chunk = poll.get(10, TimeUnit.SECONDS);
            if (chunk.isEmpty()) {
                chunk = reader.poll(10_000);
            }
            assertThat(chunk.partition()).isEqualTo(5);
            assertThat(chunk.rowCount()).isEqualTo(4);
            assertThat(reader.positions()).containsEntry(5, 4L).hasSize(6);
        }
    }

    @Test
    void boundedReadersStopAtTheHighWatermarkOfTheirOpening() throws Exception {
        engine.produce("t", List.of(to(0, eventBatch(topic, 0, 5))), Acks.ALL, 1_000);
        try (TopicReader reader = engine.openReader(ReadRequest.snapshot("t", null))) {
            engine.produce("t", List.of(to(0, eventBatch(topic, 5, 5))), Acks.ALL, 1_000);
            assertThat(drain(reader)).extracting(ReadRow::k).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(reader.poll(LONG_WAIT_MS).isEnd()).as("END at once, no wait").isTrue();
        }
    }

    @Test
    void retentionUnderAReaderMovesItToTheNewLogStart() throws Exception {
        TopicInfo small = engine.createTopic(events("small", Map.of("segment_bytes", "1MB", "retention", "1 hour",
                "compression", "none")), false);
        // ~100 KB batches: a segment holds ~10 of them.
        long k = 0;
        for (int i = 0; i < 40; i++) {
            engine.produce("small", List.of(to(0, eventBatch(small, k, 8_000, Compression.NONE))), Acks.ALL, 5_000);
            k += 8_000;
        }
        assertThat(engine.partitionStatus("small").get(0).logStartOffset()).isZero();
        try (TopicReader reader = engine.openReader(new ReadRequest("small", Map.of(0, StartPosition.earliest()), null,
                false, new int[] {0}, 64 << 10))) {
            ReadChunk first = reader.poll(0);
            assertThat(first.batch().offset(first.fromRow())).isZero();
            clock.advance(2 * 3_600_000L);
            engine.produce("small", List.of(to(0, eventBatch(small, k, 10, Compression.NONE))), Acks.ALL, 5_000);
            assertThat(engine.runRetention()).isGreaterThan(0);
            long logStart = engine.partitionStatus("small").get(0).logStartOffset();
            assertThat(logStart).isGreaterThan(8_000);
            // The reader's buffered batch (already read) may still come; then it jumps to the log start.
            List<ReadRow> rows = new ArrayList<>();
            for (ReadChunk c = reader.poll(0); !c.isEmpty(); c = reader.poll(0)) {
                addRows(c, rows);
            }
            assertThat(rows).isNotEmpty();
            assertThat(rows.get(rows.size() - 1).offset()).isEqualTo(k + 9);
            List<ReadRow> afterJump = rows.stream().filter(r -> r.offset() >= logStart).toList();
            assertThat(afterJump).hasSize((int) (k + 10 - logStart));
            for (int i = 1; i < afterJump.size(); i++) {
                assertThat(afterJump.get(i).offset()).isEqualTo(afterJump.get(i - 1).offset() + 1);
            }
            assertThat(reader.positions()).containsEntry(0, k + 10);
        }
    }

    @Test
    void roundRobinServesEveryPartition() throws Exception {
        for (int i = 0; i < 20; i++) {
            engine.produce("t", List.of(to(0, eventBatch(topic, i * 1000, 500))), Acks.ALL, 1_000);
        }
        engine.produce("t", List.of(to(3, eventBatch(topic, 99_999, 1))), Acks.ALL, 1_000);
        try (TopicReader reader = engine.openReader(new ReadRequest("t", Map.of(), StartPosition.earliest(), true, null,
                1))) {
            // Partition 0 has 20 batches; with a 1-byte budget each read is one batch, so partition 3 comes second.
            List<Integer> order = new ArrayList<>();
            for (ReadChunk c = reader.poll(0); !c.isEnd(); c = reader.poll(0)) {
                order.add(c.partition());
            }
            assertThat(order.indexOf(3)).isEqualTo(1);
            assertThat(order).hasSize(21);
        }
    }

}
