package io.runnel.bench.suite.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.bench.suite.runnel.RunnelDiskLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFilesTest {

    private static void file(Path p, int bytes) throws Exception {
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
    }

    @Test
    void kafkaCountsOnlyTheTopicsLogFiles(@TempDir Path logDir) throws Exception {
        file(logDir.resolve("orders_p1_001-0/00000000000000000000.log"), 1000);
        file(logDir.resolve("orders_p1_001-0/00000000000000000000.index"), 10_485_760 / 1024);
        file(logDir.resolve("orders_p1_001-1/00000000000000000000.log"), 500);
        file(logDir.resolve("orders_p1_0010-0/00000000000000000000.log"), 7777); // another topic
        file(logDir.resolve("orders_p1_001-0.abc-delete/00000000000000000000.log"), 9999); // deleted, not a partition
        DiskUsage du = SegmentFiles.count(logDir, d -> SegmentFiles.isPartitionDirOf(d.getFileName().toString(), "orders_p1_001"),
                f -> f.getFileName().toString().endsWith(".log"), "*.log");
        assertThat(du.bytes()).isEqualTo(1500);
        assertThat(du.files()).isEqualTo(2);
        assertThat(du.bytesByExtension()).containsEntry(".log", 1500L).containsEntry(".index", 10_240L);
        assertThat(du.directories()).hasSize(2);
    }

    @Test
    void noDirectoryIsAnErrorNotZero(@TempDir Path logDir) {
        assertThatThrownBy(() -> SegmentFiles.count(logDir, d -> true, f -> true, "rule"))
                .hasMessageContaining("no directory of the topic");
    }

    @Test
    void runnelCountsSegFilesOrElseEverything(@TempDir Path dataDir) throws Exception {
        file(dataDir.resolve("topics/ORDERS_PALL_003-0/00000000000000000000.seg"), 300);
        file(dataDir.resolve("topics/ORDERS_PALL_003-0/00000000000000000000.idx"), 40);
        file(dataDir.resolve("topics/orders_pall_0030-0/00000000000000000000.seg"), 5000);
        DiskUsage segs = RunnelDiskLayout.count(dataDir, "orders_pall_003");
        assertThat(segs.bytes()).isEqualTo(300);
        assertThat(segs.rule()).startsWith("*.seg");

        assertThat(segs.directories()).hasSize(1);

        file(dataDir.resolve("topics/orders_x_001/p0/data.arrow"), 200);
        file(dataDir.resolve("topics/orders_x_001/p0/index"), 10);
        DiskUsage all = RunnelDiskLayout.count(dataDir, "orders_x_001");
        assertThat(all.bytes()).isEqualTo(210);
        assertThat(all.rule()).contains("every regular file");

        assertThatThrownBy(() -> RunnelDiskLayout.count(dataDir, "orders_missing_009"))
                .hasMessageContaining("adjust RunnelDiskLayout");
    }

    @Test
    void runnelTopicDirectoriesMayLiveDeeper(@TempDir Path dataDir) throws Exception {
        file(dataDir.resolve("brokers/1/logs/orders_lat_004-0/00000000000000000000.seg"), 64);
        file(dataDir.resolve("brokers/1/logs/orders_lat_004-1/00000000000000000000.seg"), 36);
        DiskUsage du = RunnelDiskLayout.count(dataDir, "orders_lat_004");
        assertThat(du.bytes()).isEqualTo(100);
        assertThat(du.rule()).contains("brokers/1/logs/orders_lat_004[-<partition>]");
    }
}
