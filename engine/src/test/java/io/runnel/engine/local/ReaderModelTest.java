package io.runnel.engine.local;

import static io.runnel.engine.testkit.EngineFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.engine.Acks;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.storage.testkit.MutableClock;
import io.runnel.storage.testkit.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers against a model: random interleavings of produce, reader opens (bounded or not; earliest,
 * latest, offset, timestamp starts; projections), polls and seeks, checked row by row against a list
 * per partition of what was appended. Seeded; the seed is printed.
 */
class ReaderModelTest {
    @TempDir
    Path dir;

    /** What the model knows of one appended row. */
    private record Row(long k, long timestampMs) {}

    /** A reader under test with the model's idea of its positions and bounds. */
    private static final class ModelReader {
        final TopicReader reader;
        final boolean bounded;
        final Map<Integer, Long> position = new HashMap<>();
        final Map<Integer, Long> end = new HashMap<>();
        final boolean projectK;

        ModelReader(TopicReader reader, boolean bounded, boolean projectK) {
            this.reader = reader;
            this.bounded = bounded;
            this.projectK = projectK;
        }
    }

    @Test
    void randomInterleavings() throws Exception {
        long seed = Seeds.seed("ReaderModelTest.randomInterleavings");
        SplittableRandom random = new SplittableRandom(seed);
        MutableClock clock = new MutableClock(1_767_225_600_000L);
        int partitions = 3;
        List<List<Row>> model = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            model.add(new ArrayList<>());
        }
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir), clock)) {
            TopicInfo topic = engine.createTopic(events("m", partitions), false);
            List<ModelReader> readers = new ArrayList<>();
            long nextK = 0;
            for (int step = 0; step < 1500; step++) {
                int action = random.nextInt(10);
                if (action < 4) {
                    // Produce 1..3 batches to random partitions.
                    List<PartitionBatch> batches = new ArrayList<>();
                    List<int[]> shapes = new ArrayList<>();
                    int n = 1 + random.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        int p = random.nextInt(partitions);
                        int rows = 1 + random.nextInt(40);
                        batches.add(to(p, eventBatch(topic, nextK, rows)));
                        shapes.add(new int[] {p, rows, (int) nextK});
                        nextK += rows;
                    }
                    clock.advance(random.nextInt(3));
                    var result = engine.produce("m", batches, Acks.ALL, 5_000);
                    for (int i = 0; i < n; i++) {
                        int[] s = shapes.get(i);
                        assertThat(result.batches().get(i).baseOffset()).isEqualTo(model.get(s[0]).size());
                        for (int r = 0; r < s[1]; r++) {
                            model.get(s[0]).add(new Row(s[2] + r, result.batches().get(i).timestampMs()));
                        }
                    }
                } else if (action < 6 && readers.size() < 4) {
                    readers.add(open(engine, model, random, partitions));
                } else if (action < 9 && !readers.isEmpty()) {
                    ModelReader mr = readers.get(random.nextInt(readers.size()));
                    if (random.nextInt(8) == 0) {
                        int p = new ArrayList<>(mr.position.keySet()).get(random.nextInt(mr.position.size()));
                        long target = random.nextLong(model.get(p).size() + 3) - 1;
                        mr.reader.seek(p, target);
                        mr.position.put(p, Math.max(0, Math.min(target, model.get(p).size())));
                    } else {
                        pollAndCheck(mr, model, random.nextInt(1, 6));
                    }
                } else if (!readers.isEmpty()) {
                    ModelReader mr = readers.remove(random.nextInt(readers.size()));
                    drainAndCheck(mr, model);
                    mr.reader.close();
                }
            }
            for (ModelReader mr : readers) {
                drainAndCheck(mr, model);
                mr.reader.close();
            }
        }
    }

    private ModelReader open(LocalEngine engine, List<List<Row>> model, SplittableRandom random, int partitions) {
        boolean bounded = random.nextBoolean();
        boolean projectK = random.nextBoolean();
        Map<Integer, StartPosition> starts = new HashMap<>();
        Map<Integer, Long> expected = new HashMap<>();
        boolean all = random.nextInt(3) == 0;
        StartPosition common = StartPosition.earliest();
        for (int p = 0; p < partitions; p++) {
            if (!all && random.nextBoolean()) {
                continue;
            }
            List<Row> rows = model.get(p);
            StartPosition start;
            long offset;
            switch (all ? 0 : random.nextInt(4)) {
                case 0 -> {
                    start = StartPosition.earliest();
                    offset = 0;
                }
                case 1 -> {
                    start = StartPosition.latest();
                    offset = rows.size();
                }
                case 2 -> {
                    long o = random.nextLong(rows.size() + 5) - 2;
                    start = StartPosition.offset(o);
                    offset = Math.max(0, Math.min(o, rows.size()));
                }
                default -> {
                    long ts = rows.isEmpty() ? 0 : rows.get(random.nextInt(rows.size())).timestampMs() + random.nextInt(2);
                    start = StartPosition.timestamp(ts);
                    offset = rows.size();
                    for (int i = 0; i < rows.size(); i++) {
                        // Append time: a batch's rows share its timestamp, so the first row at or after ts starts the batch.
                        if (rows.get(i).timestampMs() >= ts) {
                            offset = i;
                            break;
                        }
                    }
                }
            }
            starts.put(p, start);
            expected.put(p, offset);
        }
        if (!all && starts.isEmpty()) {
            starts.put(0, StartPosition.earliest());
            expected.put(0, 0L);
        }
        int maxBytes = random.nextBoolean() ? 1 : 1 << (10 + random.nextInt(12));
        TopicReader reader = engine.openReader(new ReadRequest("m", all ? Map.of() : starts, common, bounded,
                projectK ? new int[] {0} : null, maxBytes));
        ModelReader mr = new ModelReader(reader, bounded, projectK);
        mr.position.putAll(expected);
        for (int p : expected.keySet()) {
            mr.end.put(p, bounded ? (long) model.get(p).size() : Long.MAX_VALUE);
        }
        assertThat(reader.positions()).isEqualTo(expected);
        return mr;
    }

    private void pollAndCheck(ModelReader mr, List<List<Row>> model, int polls) throws InterruptedException {
        for (int i = 0; i < polls; i++) {
            ReadChunk chunk = mr.reader.poll(0);
            if (chunk.isEnd()) {
                assertThat(mr.bounded).isTrue();
                assertCaughtUp(mr, model);
                return;
            }
            if (chunk.isEmpty()) {
                assertCaughtUp(mr, model);
                return;
            }
            check(mr, model, chunk);
        }
    }

    private void check(ModelReader mr, List<List<Row>> model, ReadChunk chunk) {
        int p = chunk.partition();
        long position = mr.position.get(p);
        assertThat(chunk.batch().offset(chunk.fromRow())).isEqualTo(position);
        for (int r = chunk.fromRow(); r < chunk.toRow(); r++) {
            long offset = chunk.batch().offset(r);
            assertThat(offset).isLessThan(mr.end.get(p));
            Row expected = model.get(p).get((int) offset);
            assertThat(chunk.batch().getLong(0, r)).isEqualTo(expected.k());
            assertThat(chunk.batch().timestamp(r)).isEqualTo(expected.timestampMs());
            assertThat(chunk.batch().isProjected(1)).isEqualTo(!mr.projectK);
            if (!mr.projectK) {
                assertThat(chunk.batch().getString(1, r)).isEqualTo("r" + (expected.k() % 13));
            }
        }
        mr.position.put(p, chunk.batch().offset(chunk.toRow() - 1) + 1);
        assertThat(mr.reader.positions()).isEqualTo(mr.position);
    }

    /**
     * After END or an empty poll every partition is read up to its bound: its end (bounded) or the
     * model's log end. A seek may have put a bounded reader past its end (up to the high watermark).
     */
    private static void assertCaughtUp(ModelReader mr, List<List<Row>> model) {
        for (int p : mr.position.keySet()) {
            long bound = Math.min(mr.end.get(p), model.get(p).size());
            assertThat(mr.position.get(p)).as("partition %d caught up", p).isBetween(bound, (long) model.get(p).size());
            assertThat(mr.reader.positions().get(p)).isEqualTo(mr.position.get(p));
        }
    }

    private void drainAndCheck(ModelReader mr, List<List<Row>> model) throws InterruptedException {
        for (int i = 0; i < 100_000; i++) {
            ReadChunk chunk = mr.reader.poll(0);
            if (chunk.isEnd() || chunk.isEmpty()) {
                assertCaughtUp(mr, model);
                return;
            }
            check(mr, model, chunk);
        }
        throw new AssertionError("reader never caught up");
    }
}
