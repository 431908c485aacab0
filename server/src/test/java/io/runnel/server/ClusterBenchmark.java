package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster figures of docs/performance.md, by command only (not in {@code verify}):
 *
 * <pre>
 * ./mvnw -B verify -pl server -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
 *     -Dit.test=ClusterBenchmark [-Dcluster.bench.failovers=5] [-Dcluster.bench.rows=200000]
 * </pre>
 *
 * Three broker JVMs and a ZooKeeper JVM on 127.0.0.1, the client in the test JVM:
 * <ul>
 *   <li><b>failover</b>: a one-partition RF3 topic; one client INSERTs rows back to back through the
 *       failover URL; the partition's leader is killed with kill -9; the time from the kill to the first
 *       INSERT acknowledged afterwards (by the new leader), repeated, the killed broker restarted and the
 *       ISR full again between runs;
 *   <li><b>produce throughput</b>: {@code executeBatch} of 10,000-row batches from one connection into a
 *       3-partition topic with replication_factor 1 and one with 3 ({@code acks=all}, min_insync 2), rows/s,
 *       median of 3 runs each.
 * </ul>
 */
class ClusterBenchmark {
    private final List<ChildServer> processes = new ArrayList<>();
    private final Map<Integer, ChildServer> brokers = new TreeMap<>();
    private Path base;
    private ChildServer zk;

    @AfterEach
    void stopAll() {
        brokers.values().forEach(ChildServer::close);
        processes.forEach(ChildServer::close);
    }

    private ChildServer startBroker(int id, int sqlPort) throws Exception {
        return ChildServer.start(base.resolve("broker-" + id), "--broker-id", Integer.toString(id), "--sql-port",
                Integer.toString(sqlPort), "--zookeeper-connect", "127.0.0.1:" + zk.port(),
                "--set", "zookeeper_session_timeout_ms=3000", "--set", "replica_lag_time_max_ms=3000");
    }

    @Test
    void failoverTimeAndReplicatedProduceThroughput() throws Exception {
        int failovers = Integer.getInteger("cluster.bench.failovers", 5);
        int rows = Integer.getInteger("cluster.bench.rows", 200_000);
        base = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "runnel-cluster-bench-");
        zk = ChildServer.startZooKeeper(base.resolve("zookeeper"), 250);
        processes.add(zk);
        for (int id = 1; id <= 3; id++) {
            brokers.put(id, startBroker(id, 0));
        }
        String url = "jdbc:runnel://" + brokers.values().stream().map(b -> "127.0.0.1:" + b.port()).collect(Collectors.joining(","));

        // ---- produce throughput, RF1 vs RF3
        try (Connection c = DriverManager.getConnection(brokers.get(1).url()); Statement s = c.createStatement()) {
            for (int rf : new int[] {1, 3}) {
                s.execute("CREATE TOPIC t_rf" + rf + " (id BIGINT NOT NULL, customer VARCHAR(64), amount DECIMAL(12,2), qty INTEGER)"
                        + " WITH (partitions = 3, replication_factor = " + rf + ", min_insync_replicas = " + Math.min(rf, 2) + ")");
            }
        }
        Map<Integer, List<Double>> rates = new TreeMap<>();
        for (int run = 0; run < 4; run++) {
            for (int rf : new int[] {1, 3}) {
                double r = produce(brokers.get(1).url(), "t_rf" + rf, rows, run);
                if (run > 0) { // run 0 warms up both paths
                    rates.computeIfAbsent(rf, k -> new ArrayList<>()).add(r);
                }
            }
        }
        System.out.printf(Locale.ROOT, "produce executeBatch (10,000-row batches, %d rows per run, 3 partitions): RF1 %s rows/s,"
                + " RF3 %s rows/s (medians %.0f vs %.0f, RF3/RF1 = %.2f)%n", rows, rates.get(1), rates.get(3), median(rates.get(1)),
                median(rates.get(3)), median(rates.get(3)) / median(rates.get(1)));

        // ---- failover time
        try (Connection c = DriverManager.getConnection(brokers.get(1).url()); Statement s = c.createStatement()) {
            s.execute("CREATE TOPIC failover (id BIGINT NOT NULL) WITH (partitions = 1, replication_factor = 3, min_insync_replicas = 2)");
        }
        List<Long> failoverMs = new ArrayList<>();
        long nextId = 0;
        for (int run = 0; run < failovers; run++) {
            awaitIsrFull("failover");
            int leader;
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT leader FROM sys.partitions WHERE topic = 'failover'")) {
                rs.next();
                leader = rs.getInt(1);
            }
            ChildServer victim = brokers.get(leader);
            int victimPort = victim.port();
            Properties p = new Properties();
            p.setProperty("connect_timeout_ms", "1000");
            p.setProperty("socket_timeout_ms", "10000");
            // The writer connects to a broker that survives, as a client of a failed-over connection would.
            String survivor = brokers.entrySet().stream().filter(e -> e.getKey() != leader).findFirst().orElseThrow().getValue().url();
            try (Connection c = DriverManager.getConnection(survivor, p); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO failover VALUES (" + nextId++ + ")");
                long killed = System.nanoTime();
                victim.kill9();
                long acked = -1;
                while (acked < 0 && System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(60)) {
                    try {
                        s.executeUpdate("INSERT INTO failover VALUES (" + nextId++ + ")");
                        acked = System.nanoTime();
                    } catch (SQLException e) {
                        // leadership moving: retry at once (the broker bounds each attempt)
                    }
                }
                assertThat(acked).as("a write acknowledged within 60 s of the kill").isPositive();
                failoverMs.add(TimeUnit.NANOSECONDS.toMillis(acked - killed));
            }
            brokers.put(leader, startBroker(leader, victimPort));
        }
        System.out.println("failover (kill -9 of the leader -> first acknowledged INSERT on the new leader, session timeout 3 s), ms: "
                + failoverMs + ", median " + median(failoverMs.stream().map(Long::doubleValue).toList()));
    }

    private static double produce(String url, String topic, int rows, int run) throws SQLException {
        Random random = new Random(run);
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + topic + " (id, customer, amount, qty) VALUES (?, ?, ?, ?)")) {
            long start = System.nanoTime();
            for (int i = 0; i < rows; i++) {
                ps.setLong(1, (long) run * rows + i);
                ps.setString(2, "customer-" + random.nextInt(10_000));
                ps.setBigDecimal(3, java.math.BigDecimal.valueOf(random.nextInt(1_000_000), 2));
                ps.setInt(4, 1 + random.nextInt(10));
                ps.addBatch();
                if ((i + 1) % 10_000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            return rows / ((System.nanoTime() - start) / 1e9);
        }
    }

    private void awaitIsrFull(String topic) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
            try (Connection c = DriverManager.getConnection(brokers.get(1).url()); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT isr FROM sys.partitions WHERE topic = '" + topic + "'")) {
                while (rs.next()) {
                    assertThat(rs.getString(1).split(",")).hasSize(3);
                }
            }
        });
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
