package io.runnel.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchSuiteTest {

    private static SuiteConfig parse(Path root, String... args) throws Exception {
        BenchSuite suite = new BenchSuite();
        new CommandLine(suite).parseArgs(args);
        suite.repoRoot = root;
        return suite.config();
    }

    @Test
    void fullRunWithDefaultSizesPublishesTheChart(@TempDir Path root) throws Exception {
        SuiteConfig c = parse(root);
        assertThat(c.mode()).isEqualTo("full");
        assertThat(c.rows()).isEqualTo(10_000_000);
        assertThat(c.pairs()).isEqualTo(3);
        assertThat(c.latencyRate()).isEqualTo(20_000);
        assertThat(c.partitions()).isEqualTo(1);
        assertThat(c.scenarios()).hasSize(Scenario.values().length);
        assertThat(c.paths().publishChartTo()).isEqualTo(root.resolve("docs/images/runnel-vs-kafka.png"));
        assertThat(c.paths().resultsDir()).isEqualTo(root.resolve("benchmarks/results"));
    }

    @Test
    void quickAndOverriddenRunsDoNotPublish(@TempDir Path root) throws Exception {
        SuiteConfig quick = parse(root, "--quick");
        assertThat(quick.mode()).isEqualTo("quick");
        assertThat(quick.rows()).isEqualTo(1_000_000);
        assertThat(quick.paths().publishChartTo()).isNull();

        SuiteConfig custom = parse(root, "--rows", "50000", "--only", "produce,bytes", "--partitions", "3");
        assertThat(custom.mode()).isEqualTo("full (custom)");
        assertThat(custom.rows()).isEqualTo(50_000);
        assertThat(custom.warmupRows()).isEqualTo(50_000); // never more warm-up than measured rows
        assertThat(custom.partitions()).isEqualTo(3);
        assertThat(custom.scenarios()).containsExactlyInAnyOrder(Scenario.PRODUCE, Scenario.BYTES);
        assertThat(custom.paths().publishChartTo()).isNull();

        assertThat(parse(root, "--quick", "--publish").paths().publishChartTo()).isNotNull();
    }

    @Test
    void datasetCoversTheBiggestRun(@TempDir Path root) throws Exception {
        SuiteConfig c = parse(root, "--rows", "1000", "--latency-seconds", "2");
        assertThat(c.datasetRows()).isEqualTo(100_000); // 20,000 rows/s × 5 s of latency warm-up
    }

    @Test
    void findsTheRepositoryRootFromBelow(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("mvnw"), "");
        Files.createDirectories(root.resolve("benchmarks/src"));
        assertThat(BenchSuite.findRepoRoot(root.resolve("benchmarks/src"))).isEqualTo(root);
    }
}
