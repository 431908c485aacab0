package io.runnel.bench.suite.runnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.bench.suite.load.Acks;
import io.runnel.bench.suite.load.AggregateResult;
import io.runnel.bench.suite.load.ConsumeResult;
import io.runnel.bench.suite.load.Dataset;
import io.runnel.bench.suite.load.DiskUsage;
import io.runnel.bench.suite.load.LatencyResult;
import io.runnel.bench.suite.load.Projection;
import io.runnel.bench.suite.load.RowProgress;
import io.runnel.bench.suite.load.WriteLatencyResult;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Runnel side's JDBC code against an in-memory driver ({@link FakeRunnelDriver}), so that it
 * is exercised before the server exists: what it sends, what it reads, and that it stops.
 */
class RunnelSystemTest {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    @TempDir
    Path dataDir;

    private FakeRunnelDriver driver;
    private RunnelSystem runnel;
    private final Dataset data = Dataset.generate(42, 25_000);

    private record FakeEndpoint(Path dataDir) implements RunnelEndpoint {
        @Override
        public String jdbcUrl() {
            return FakeRunnelDriver.URL;
        }

        @Override
        public String version() {
            return "fake";
        }

        @Override
        public ProcessHandle process() {
            return ProcessHandle.current();
        }

        @Override
        public Map<String, Object> describeJvm() {
            return Map.of();
        }

        @Override
        public void close() {}
    }

    @BeforeEach
    void setUp() throws SQLException {
        driver = new FakeRunnelDriver(dataDir);
        DriverManager.registerDriver(driver);
        runnel = new RunnelSystem(new FakeEndpoint(dataDir), 1);
    }

    @AfterEach
    void tearDown() throws SQLException {
        DriverManager.deregisterDriver(driver);
    }

    @Test
    @Timeout(60)
    void producesInBatchesOfTenThousandAndReadsEveryFieldBack() throws Exception {
        runnel.createTopic("orders_t_001");
        var produced = runnel.produce("orders_t_001", data, 25_000, Acks.ONE, RowProgress.NONE, MINUTE);
        assertThat(produced.rows()).isEqualTo(25_000);
        assertThat(driver.batchSizes).containsExactly(10_000, 10_000, 5_000);
        assertThat(driver.urls).contains(FakeRunnelDriver.URL + "?acks=1");

        ConsumeResult all = runnel.consume("orders_t_001", data, 25_000, Projection.ALL_COLUMNS, RowProgress.NONE, MINUTE);
        assertThat(all.rows()).isEqualTo(25_000);
        assertThat(all.checksumMatches()).as("every field read back equals the row written").isTrue();

        ConsumeResult projected =
                runnel.consume("orders_t_001", data, 25_000, Projection.ID_AND_AMOUNT, RowProgress.NONE, MINUTE);
        assertThat(projected.checksumMatches()).isTrue();

        AggregateResult sums = runnel.aggregate("orders_t_001", data, 25_000, RowProgress.NONE, MINUTE);
        assertThat(sums.mismatch()).isNull();
        assertThat(sums.groups()).isGreaterThan(9_000);

        DiskUsage disk = runnel.diskUsage("orders_t_001");
        assertThat(disk.bytes()).isEqualTo(25_000L * FakeRunnelDriver.BYTES_PER_ROW);
        assertThat(disk.rule()).startsWith("*.seg");

        runnel.deleteTopic("orders_t_001");
        assertThat(driver.topics).isEmpty();
    }

    @Test
    @Timeout(60)
    void singleRowWritesAreTimedOneByOneAndEveryRowIsStored() throws Exception {
        runnel.createTopic("orders_w_004");
        WriteLatencyResult r = runnel.writeLatency("orders_w_004", data, 300, RowProgress.NONE, MINUTE);
        assertThat(r.writes()).isEqualTo(300);
        assertThat(r.p99Millis()).isGreaterThanOrEqualTo(r.p50Millis());
        assertThat(driver.batchSizes).as("no batching behind a synchronous write").isEmpty();
        ConsumeResult back = runnel.consume("orders_w_004", data, 300, Projection.ALL_COLUMNS, RowProgress.NONE, MINUTE);
        assertThat(back.checksumMatches()).as("the 300 rows written one by one read back in order").isTrue();
    }

    @Test
    @Timeout(60)
    void readingFewerRowsThanWrittenIsAChecksumMismatchNotASilentPass() throws Exception {
        runnel.createTopic("orders_t_002");
        runnel.produce("orders_t_002", data, 1_000, Acks.ALL, RowProgress.NONE, MINUTE);
        Dataset other = Dataset.generate(7, 1_000);
        ConsumeResult r = runnel.consume("orders_t_002", other, 1_000, Projection.ALL_COLUMNS, RowProgress.NONE, MINUTE);
        assertThat(r.checksumMatches()).isFalse();
    }

    @Test
    @Timeout(60)
    void latencyRunReceivesEveryRowAtTheTargetRate() throws Exception {
        runnel.createTopic("orders_lat_003");
        LatencyResult r = runnel.latency("orders_lat_003", data, 5_000, 0.5, RowProgress.NONE);
        assertThat(r.rows()).isEqualTo(2_500);
        assertThat(r.targetRatePerSecond()).isEqualTo(5_000);
        assertThat(r.achievedRatePerSecond()).isBetween(4_000.0, 6_000.0);
        assertThat(r.p50Millis()).isLessThanOrEqualTo(r.p99Millis());
        assertThat(r.p99Millis()).isLessThanOrEqualTo(r.p999Millis());
        // Rows go out every 5 ms in small batches, not one by one and not all at once.
        assertThat(driver.batchSizes).allMatch(n -> n < 500);
        assertThat(driver.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2_500);
    }

    @Test
    @Timeout(30)
    void abortUnblocksAReaderWaitingForRowsThatNeverCome() throws Exception {
        runnel.createTopic("orders_t_004");
        runnel.produce("orders_t_004", data, 100, Acks.ALL, RowProgress.NONE, MINUTE);
        Thread aborter = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            runnel.abort();
        });
        aborter.start();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> runnel.consume("orders_t_004", data, 200, Projection.ALL_COLUMNS, RowProgress.NONE, MINUTE))
                .isInstanceOf(SQLException.class);
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(10));
        aborter.join();
    }

    @Test
    void describesWhatItRuns() {
        Map<String, Object> d = runnel.describe();
        assertThat(d).containsEntry("available", true).containsEntry("jdbcUrl", FakeRunnelDriver.URL);
        @SuppressWarnings("unchecked")
        Map<String, Object> sql = (Map<String, Object>) d.get("sql");
        assertThat(sql.get("consume")).isEqualTo("SELECT * FROM <topic> WHERE _offset >= 0 EMIT CHANGES");
        assertThat(List.copyOf(sql.keySet())).contains("insert", "projectedConsume", "aggregate");
    }
}
