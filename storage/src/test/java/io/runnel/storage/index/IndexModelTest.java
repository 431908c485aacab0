package io.runnel.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.testkit.Seeds;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Index lookups against a TreeMap model, through appends, truncations, resizes and reopenings. */
class IndexModelTest {
    @TempDir
    Path dir;

    @Test
    void offsetIndexMatchesATreeMap() throws Exception {
        SplittableRandom random = new SplittableRandom(Seeds.seed("offsetIndexMatchesATreeMap"));
        long base = random.nextLong(0, 1L << 40);
        Path file = dir.resolve("o.index");
        OffsetIndex index = new OffsetIndex(file, base, 8 * 2000);
        TreeMap<Long, Integer> model = new TreeMap<>();
        long offset = base;
        int position = 0;
        for (int step = 0; step < 5000; step++) {
            int op = random.nextInt(100);
            if (op < 70 && !index.isFull()) {
                offset += random.nextInt(1, 500);
                position += random.nextInt(1, 5000);
                index.append(offset, position);
                model.put(offset, position);
            } else if (op < 75) {
                long cut = base + random.nextLong(0, offset - base + 2);
                index.truncateTo(cut);
                model.tailMap(cut, true).clear();
                Map.Entry<Long, Integer> last = model.lastEntry();
                offset = last == null ? base : last.getKey();
                position = last == null ? 0 : last.getValue();
            } else if (op < 78) {
                index.close();
                index = new OffsetIndex(file, base, 8 * 2000);
                assertThat(index.sanityCheck(Integer.MAX_VALUE, Long.MAX_VALUE)).isNull();
            } else {
                long target = base + random.nextLong(-10, offset - base + 1000);
                Map.Entry<Long, Integer> expected = model.floorEntry(target);
                OffsetIndex.Entry actual = index.lookup(target);
                if (expected == null) {
                    assertThat(actual).isEqualTo(new OffsetIndex.Entry(base, 0));
                } else {
                    assertThat(actual).isEqualTo(new OffsetIndex.Entry(expected.getKey(), expected.getValue()));
                }
            }
            assertThat(index.entries()).isEqualTo(model.size());
        }
        index.close();
    }

    @Test
    void timeIndexMatchesATreeMap() throws Exception {
        SplittableRandom random = new SplittableRandom(Seeds.seed("timeIndexMatchesATreeMap"));
        long base = random.nextLong(0, 1L << 40);
        Path file = dir.resolve("t.timeindex");
        TimeIndex index = new TimeIndex(file, base, 16 * 3000);
        TreeMap<Long, TimeIndex.Entry> model = new TreeMap<>();
        long offset = base;
        int position = 0;
        long timestamp = random.nextLong(-1_000_000, 1_000_000);
        for (int step = 0; step < 5000; step++) {
            int op = random.nextInt(100);
            if (op < 70 && !index.isFull()) {
                offset += random.nextInt(1, 500);
                position += random.nextInt(1, 5000);
                // Event time may go backwards; only growing timestamps are indexed.
                long ts = timestamp + random.nextLong(-50, 200);
                index.maybeAppend(ts, offset, position);
                if (model.isEmpty() || ts > model.lastKey()) {
                    model.put(ts, new TimeIndex.Entry(ts, offset, position));
                }
                timestamp = Math.max(timestamp, ts);
            } else if (op < 74) {
                long cut = base + random.nextLong(0, offset - base + 2);
                index.truncateTo(cut);
                model.values().removeIf(e -> e.offset() >= cut);
            } else if (op < 77) {
                index.close();
                index = new TimeIndex(file, base, 16 * 3000);
                assertThat(index.sanityCheck(Integer.MAX_VALUE, Long.MAX_VALUE)).isNull();
            } else {
                long target = timestamp + random.nextLong(-2000, 300);
                Map.Entry<Long, TimeIndex.Entry> expected = model.lowerEntry(target);
                assertThat(index.lookup(target)).isEqualTo(expected == null ? null : expected.getValue());
            }
            assertThat(index.entries()).isEqualTo(model.size());
        }
        index.close();
    }

    @Test
    void sanityCheckCatchesStaleEntries() throws Exception {
        OffsetIndex index = new OffsetIndex(dir.resolve("s.index"), 100, 800);
        index.append(110, 400);
        index.append(120, 900);
        assertThat(index.sanityCheck(1000, 130)).isNull();
        assertThat(index.sanityCheck(800, 130)).contains("beyond the segment");
        assertThat(index.sanityCheck(1000, 115)).contains("beyond the segment");
        index.close();
        // An index a crash left at full, preallocated length reads trailing zero entries.
        java.nio.file.Files.write(dir.resolve("z.index"), new byte[64]);
        OffsetIndex zeros = new OffsetIndex(dir.resolve("z.index"), 100, 800);
        assertThat(zeros.sanityCheck(1000, 1000)).contains("does not follow");
        zeros.close();
    }
}
