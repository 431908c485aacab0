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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three {@code runnel server} processes (own JVMs, ephemeral loopback ports) sharing a standalone
 * ZooKeeper (its own JVM): a replicated topic created through one broker's JDBC, written through another,
 * read through the third; sys.partitions shows leaders, replicas and ISR; kill -9 of a leader moves
 * leadership within seconds with nothing acknowledged lost, and the restarted broker rejoins every ISR.
 */
class ClusterServerIT {
    private final List<ChildServer> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    private static Path tempDir(String name) throws Exception {
        return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), name);
    }

    private ChildServer startBroker(Path dir, int id, int zkPort) throws Exception {
        ChildServer b = ChildServer.start(dir, "--broker-id", Integer.toString(id), "--zookeeper-connect", "127.0.0.1:" + zkPort,
                "--set", "replica_lag_time_max_ms=3000", "--set", "zookeeper_session_timeout_ms=3000");
        processes.add(b);
        return b;
    }

    @Test
    void topicCreatedThroughOneBrokerWrittenThroughAnotherReadThroughTheThird() throws Exception {
        Path base = tempDir("runnel-cluster-");
        ChildServer zk = ChildServer.startZooKeeper(base.resolve("zookeeper"), 250);
        processes.add(zk);
        Map<Integer, CompletableFuture<ChildServer>> starting = new LinkedHashMap<>();
        for (int id = 1; id <= 3; id++) {
            int brokerId = id;
            starting.put(id, CompletableFuture.supplyAsync(() -> {
                try {
                    return ChildServer.start(base.resolve("broker-" + brokerId), "--broker-id", Integer.toString(brokerId),
                            "--zookeeper-connect", "127.0.0.1:" + zk.port(), "--set", "replica_lag_time_max_ms=3000",
                            "--set", "zookeeper_session_timeout_ms=3000");
                } catch (Exception e) {
                    throw new IllegalStateException("broker " + brokerId + " did not start", e);
                }
            }));
        }
        Map<Integer, ChildServer> brokers = new LinkedHashMap<>();
        for (Map.Entry<Integer, CompletableFuture<ChildServer>> e : starting.entrySet()) {
            brokers.put(e.getKey(), e.getValue().get(120, TimeUnit.SECONDS));
            processes.add(brokers.get(e.getKey()));
        }

        try (Connection c1 = DriverManager.getConnection(brokers.get(1).url()); Statement s1 = c1.createStatement()) {
            s1.execute("CREATE TOPIC events (id BIGINT NOT NULL, who VARCHAR(32)) WITH (partitions = 3, replication_factor = 3,"
                    + " min_insync_replicas = 2)");
        }
        try (Connection c2 = DriverManager.getConnection(brokers.get(2).url());
                PreparedStatement insert = c2.prepareStatement("INSERT INTO events (id, who) VALUES (?, ?)")) {
            for (int i = 0; i < 1_000; i++) {
                insert.setLong(1, i);
                insert.setString(2, "w" + (i % 7));
                insert.addBatch();
            }
            assertThat(insert.executeBatch()).hasSize(1_000);
        }
        try (Connection c3 = DriverManager.getConnection(brokers.get(3).url()); Statement s3 = c3.createStatement()) {
            assertThat(ids(s3)).hasSize(1_000).containsAll(range(0, 1_000));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<Map<String, String>> partitions = partitions(s3, "events");
                assertThat(partitions).hasSize(3);
                Set<String> leaders = new HashSet<>();
                long hw = 0;
                for (Map<String, String> p : partitions) {
                    assertThat(Set.of(p.get("replicas").split(","))).containsExactlyInAnyOrder("1", "2", "3");
                    assertThat(Set.of(p.get("isr").split(","))).containsExactlyInAnyOrder("1", "2", "3");
                    leaders.add(p.get("leader"));
                    hw += Long.parseLong(p.get("high_watermark"));
                }
                assertThat(leaders).as("leadership spread over the brokers").hasSize(3);
                assertThat(hw).isEqualTo(1_000);
            });
            Map<Integer, Integer> sqlPorts = new LinkedHashMap<>();
            int led = 0;
            try (ResultSet rs = s3.executeQuery("SELECT broker_id, host, sql_port, broker_port, leader_partitions, replicas"
                    + " FROM sys.brokers ORDER BY broker_id")) {
                while (rs.next()) {
                    sqlPorts.put(rs.getInt("broker_id"), rs.getInt("sql_port"));
                    assertThat(rs.getString("host")).isEqualTo("127.0.0.1");
                    assertThat(rs.getInt("broker_port")).isPositive();
                    assertThat(rs.getInt("replicas")).isEqualTo(3);
                    led += rs.getInt("leader_partitions");
                }
            }
            assertThat(sqlPorts).containsExactly(Map.entry(1, brokers.get(1).port()), Map.entry(2, brokers.get(2).port()),
                    Map.entry(3, brokers.get(3).port()));
            assertThat(led).isEqualTo(3);
        }

        // kill -9 the leader of partition 0: another in-sync replica takes over; writes through a
        // surviving broker succeed again within seconds, nothing acknowledged is lost.
        int leader;
        long hwBefore;
        try (Connection c = DriverManager.getConnection(brokers.get(3).url()); Statement s = c.createStatement()) {
            Map<String, String> p0 = partitions(s, "events").get(0);
            leader = Integer.parseInt(p0.get("leader"));
            hwBefore = Long.parseLong(p0.get("high_watermark"));
        }
        ChildServer victim = brokers.get(leader);
        ChildServer writer = brokers.get(leader == 1 ? 2 : 1);
        ChildServer reader = brokers.get(leader == 3 ? 2 : 3);
        long killedNs = System.nanoTime();
        victim.kill9();
        // One-row INSERTs (each a batch for the next partition in turn) until partition 0, whose leader
        // died, has taken one; a failed INSERT's outcome is unknown, so its id is never reused.
        Set<Long> acknowledged = new HashSet<>();
        long[] nextId = {1_000};
        try (Connection cw = DriverManager.getConnection(writer.url()); Statement sw = cw.createStatement();
                Connection cr = DriverManager.getConnection(reader.url()); Statement sr = cr.createStatement()) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                long id = nextId[0]++;
                try {
                    sw.executeUpdate("INSERT INTO events (id, who) VALUES (" + id + ", 'after')");
                    acknowledged.add(id);
                } catch (SQLException e) {
                    return false;
                }
                return Long.parseLong(partitions(sr, "events").get(0).get("high_watermark")) > hwBefore;
            });
        }
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        System.out.println("kill -9 of broker " + leader + " (leader of events-0) -> partition 0 acknowledged a write on its "
                + "new leader after " + failoverMs + " ms");
        try (Connection c = DriverManager.getConnection(reader.url()); Statement s = c.createStatement()) {
            Set<Long> ids = ids(s);
            assertThat(ids).containsAll(range(0, 1_000)).containsAll(acknowledged);
            List<Map<String, String>> partitions = partitions(s, "events");
            assertThat(partitions.get(0).get("leader")).isNotEqualTo(Integer.toString(leader));
        }

        // The killed broker returns over its data directory: it truncates, catches up and rejoins every ISR.
        Path victimDir = base.resolve("broker-" + leader);
        processes.remove(victim);
        ChildServer back = startBroker(victimDir, leader, zk.port());
        try (Connection c = DriverManager.getConnection(back.url()); Statement s = c.createStatement()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (Map<String, String> p : partitions(s, "events")) {
                    assertThat(Set.of(p.get("isr").split(","))).containsExactlyInAnyOrder("1", "2", "3");
                }
            });
            assertThat(ids(s)).containsAll(range(0, 1_000)).containsAll(acknowledged);
        }
    }

    private static Set<Long> ids(Statement s) throws SQLException {
        Set<Long> ids = new HashSet<>();
        int rows = 0;
        try (ResultSet rs = s.executeQuery("SELECT id FROM events")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
                rows++;
            }
        }
        assertThat(rows).as("no row stored twice").isEqualTo(ids.size());
        return ids;
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    private static List<Map<String, String>> partitions(Statement s, String topic) throws SQLException {
        List<Map<String, String>> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT * FROM sys.partitions WHERE topic = '" + topic + "' ORDER BY partition_id")) {
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
