package io.runnel.engine.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.engine.partition.LeaderEpochCache.EpochEndOffset;
import io.runnel.engine.partition.LeaderEpochCache.EpochEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KIP-101/279 lookups, truncation from both ends, persistence, and a damaged file. */
class LeaderEpochCacheTest {
    @TempDir
    Path dir;

    @Test
    void assignLookupTruncateAndReload() throws Exception {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        assertThat(cache.latestEpoch()).isEqualTo(-1);
        assertThat(cache.endOffsetFor(0, 10)).isEqualTo(new EpochEndOffset(-1, -1));
        cache.assign(0, 0);
        cache.assign(0, 50); // same epoch keeps its start
        cache.assign(2, 100);
        cache.assign(5, 250);
        assertThatThrownBy(() -> cache.assign(6, 200)).isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.entries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 100), new EpochEntry(5, 250));
        assertThat(cache.endOffsetFor(0, 300)).isEqualTo(new EpochEndOffset(0, 100));
        assertThat(cache.endOffsetFor(1, 300)).isEqualTo(new EpochEndOffset(0, 100));
        assertThat(cache.endOffsetFor(2, 300)).isEqualTo(new EpochEndOffset(2, 250));
        assertThat(cache.endOffsetFor(5, 300)).isEqualTo(new EpochEndOffset(5, 300));
        assertThat(cache.endOffsetFor(9, 300)).isEqualTo(new EpochEndOffset(5, 300));
        assertThat(Files.readAllLines(dir.resolve(LeaderEpochCache.FILE_NAME))).containsExactly("0", "3", "0 0", "2 100",
                "5 250");

        cache.truncateFromEnd(250);
        assertThat(cache.entries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 100));
        cache.truncateFromStart(120);
        assertThat(cache.entries()).containsExactly(new EpochEntry(2, 120));
        assertThat(LeaderEpochCache.load(dir).entries()).containsExactly(new EpochEntry(2, 120));
    }

    @Test
    void aDamagedFileIsIgnored() throws Exception {
        Files.writeString(dir.resolve(LeaderEpochCache.FILE_NAME), "0\n2\n3 10\n1 20\n");
        assertThat(LeaderEpochCache.load(dir).entries()).isEmpty();
        Files.writeString(dir.resolve(LeaderEpochCache.FILE_NAME), "garbage");
        assertThat(LeaderEpochCache.load(dir).entries()).isEmpty();
    }
}
