package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fourth broker joins a running three-broker cluster (own JVMs, a standalone ZooKeeper JVM) and
 * partitions of an RF-2 topic move onto it with {@code ALTER TOPIC ... MOVE PARTITION} — one of them
 * moving its leader off — while {@code acks=all} writers and a streaming reader keep running. Checks:
 * the statement's errors (unknown topic, dead broker, wrong replica count, a move in progress while the
 * new broker is stopped, CANCEL MOVE undoing it), progress in {@code sys.partitions}, every acknowledged
 * row read exactly once (by a bounded SELECT and by the reader that ran through the move), writes
 * acknowledged after the move, the partitions on their new brokers, and the leaving broker's copy deleted.
 */
class PartitionMoveIT {
    private static final String TOPIC = "moving";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long WRITE_LIMIT_MS = 120_000;

    private final List<ChildServer> processes = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    @AfterEach
    void stopAll() {
        stop.set(true);
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    private ChildServer startBroker(Path base, int id, int zkPort) {
        try {
            return ChildServer.start(base.resolve("broker-" + id), "--broker-id", Integer.toString(id), "--zookeeper-connect",
                    "127.0.0.1:" + zkPort, "--set", "replica_lag_time_max_ms=3000", "--set", "zookeeper_session_timeout_ms=6000");
        } catch (Exception e) {
            throw new IllegalStateException("broker " + id + " did not start", e);
        }
    }

    /** One acks=all writer: single-row INSERTs with ids writer × 10⁹ + seq; a failed INSERT's id is "unknown" forever. */
    private record Writer(Set<Long> acknowledged, Set<Long> unknown, AtomicLong failures) {}

    @Test
    void partitionsMoveToANewBrokerWhileWritersAndAReaderRun() throws Exception {
        Path base = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "runnel-move-");
        ChildServer zk = ChildServer.startZooKeeper(base.resolve("zookeeper"), 250);
        processes.add(zk);
        Map<Integer, CompletableFuture<ChildServer>> starting = new LinkedHashMap<>();
        for (int id = 1; id <= 3; id++) {
            int brokerId = id;
            starting.put(id, CompletableFuture.supplyAsync(() -> startBroker(base, brokerId, zk.port())));
        }
        Map<Integer, ChildServer> brokers = new LinkedHashMap<>();
        for (Map.Entry<Integer, CompletableFuture<ChildServer>> e : starting.entrySet()) {
            brokers.put(e.getKey(), e.getValue().get(120, TimeUnit.SECONDS));
            processes.add(brokers.get(e.getKey()));
        }
        try (Connection c = DriverManager.getConnection(brokers.get(1).url()); Statement s = c.createStatement()) {
            s.execute("CREATE TOPIC " + TOPIC + " (id BIGINT NOT NULL) WITH (partitions = 2, replication_factor = 2,"
                    + " min_insync_replicas = 2)");
        }

        // The reader streams from the start; two writers insert through brokers 2 and 3.
        List<Long> streamed = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> stream(brokers.get(1).url(), streamed));
        await().atMost(WAIT).until(() -> readerStatement != null);
        List<Writer> writers = new ArrayList<>();
        List<CompletableFuture<Void>> writing = new ArrayList<>();
        for (int w = 1; w <= 2; w++) {
            Writer writer = new Writer(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet(), new AtomicLong());
            writers.add(writer);
            String url = brokers.get(w + 1).url();
            long firstId = w * 1_000_000_000L;
            writing.add(CompletableFuture.runAsync(() -> write(url, firstId, writer)));
        }
        await().atMost(WAIT).until(() -> acknowledged(writers).size() >= 200);

        // A fourth broker joins; nothing is on it yet.
        ChildServer fourth = startBroker(base, 4, zk.port());
        processes.add(fourth);
        brokers.put(4, fourth);
        // Statements go through broker 1 (broker 4 is stopped for a moment below).
        try (Connection c = DriverManager.getConnection(brokers.get(1).url()); Statement s = c.createStatement()) {
            await().atMost(WAIT).until(() -> count(s, "SELECT COUNT(*) FROM sys.brokers") == 4);
            Map<String, String> p0 = partitions(s).get(0);
            Map<String, String> p1 = partitions(s).get(1);
            int leader0 = Integer.parseInt(p0.get("leader"));
            int follower0 = otherThan(p0.get("replicas"), leader0);
            int leader1 = Integer.parseInt(p1.get("leader"));

            // The statement's errors.
            assertSqlState(() -> s.executeUpdate("ALTER TOPIC no_such_topic MOVE PARTITION 0 TO (4, 1)"), "42P01", "no_such_topic");
            assertSqlState(() -> s.executeUpdate("ALTER TOPIC " + TOPIC + " MOVE PARTITION 0 TO (4, 9)"), "22023", "broker 9");
            assertSqlState(() -> s.executeUpdate("ALTER TOPIC " + TOPIC + " MOVE PARTITION 0 TO (4)"), "22023", "replication_factor 2");
            assertSqlState(() -> s.executeUpdate("ALTER TOPIC " + TOPIC + " MOVE PARTITION 7 TO (4, 1)"), "22023", "partition 7");
            assertSqlState(() -> s.executeUpdate("ALTER TOPIC " + TOPIC + " MOVE PARTITION 0 TO (4, 4)"), "42601", "twice");

            // With the new broker stopped the move cannot complete: a second move is refused, CANCEL MOVE undoes it.
            fourth.signal("STOP");
            try {
                assertThat(s.executeUpdate("ALTER TOPIC " + TOPIC + " MOVE PARTITION 0 TO (4, " + follower0 + ")")).isEqualTo(1);
                Map<String, String> moving = partitions(s).get(0);
                assertThat(moving.get("adding_replicas")).isEqualTo("4");
                assertThat(moving.get("removing_replicas")).isEqualTo(Integer.toString(leader0));
                assertSqlState(() -> s.executeUpdate("ALTER TOPIC " + TOPIC + " MOVE PARTITION 0 TO (" + leader0 + ", 4)"), "55006",
                        "already moving");
                assertThat(s.executeUpdate("ALTER TOPIC " + TOPIC + " CANCEL MOVE")).isEqualTo(1);
            } finally {
                fourth.signal("CONT");
            }
            await().atMost(WAIT).untilAsserted(() -> {
                Map<String, String> back = partitions(s).get(0);
                assertThat(back.get("replicas")).isEqualTo(p0.get("replicas"));
                assertThat(back.get("adding_replicas")).isEmpty();
                assertThat(back.get("removing_replicas")).isEmpty();
            });

            // The moves: partition 0's leader leaves (4 becomes the preferred leader), partition 1's leader stays.
            long movedNs = System.nanoTime();
            assertThat(s.executeUpdate("ALTER TOPIC " + TOPIC + " MOVE PARTITION 0 TO (4, " + follower0 + ")")).isEqualTo(1);
            assertThat(s.executeUpdate("ALTER TOPIC " + TOPIC + " MOVE PARTITION 1 TO (" + leader1 + ", 4)")).isEqualTo(1);
            Set<String> progress = new HashSet<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                List<Map<String, String>> now = partitions(s);
                now.forEach(p -> progress.add(p.get("partition_id") + ": replicas " + p.get("replicas") + " isr " + p.get("isr")
                        + " adding " + p.get("adding_replicas") + " removing " + p.get("removing_replicas")));
                assertThat(now.get(0).get("replicas")).isEqualTo("4," + follower0);
                assertThat(now.get(0).get("leader")).isEqualTo("4");
                assertThat(Set.of(now.get(0).get("isr").split(","))).containsExactlyInAnyOrder("4", Integer.toString(follower0));
                assertThat(now.get(1).get("replicas")).isEqualTo(leader1 + ",4");
                assertThat(now.get(1).get("leader")).isEqualTo(Integer.toString(leader1));
                for (Map<String, String> p : now) {
                    assertThat(p.get("adding_replicas")).isEmpty();
                    assertThat(p.get("removing_replicas")).isEmpty();
                }
            });
            System.out.println("PartitionMoveIT: moves complete " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - movedNs)
                    + " ms after the statements; states seen: " + progress);

            // Writes keep being acknowledged after the move, on both partitions' new replica sets.
            int before = acknowledged(writers).size();
            await().atMost(WAIT).until(() -> acknowledged(writers).size() >= before + 200);
            stop.set(true);
            for (CompletableFuture<Void> w : writing) {
                w.get(60, TimeUnit.SECONDS);
            }

            // Every acknowledged row exactly once, read through the new broker; no id never written.
            Set<Long> acknowledged = acknowledged(writers);
            Set<Long> unknown = new HashSet<>();
            writers.forEach(w -> unknown.addAll(w.unknown()));
            List<Long> stored;
            try (Connection c4 = DriverManager.getConnection(fourth.url()); Statement s4 = c4.createStatement()) {
                stored = ids(s4);
            }
            assertThat(new HashSet<>(stored)).as("no row stored twice").hasSize(stored.size());
            assertThat(stored).containsAll(acknowledged);
            Set<Long> extra = new HashSet<>(stored);
            extra.removeAll(acknowledged);
            assertThat(unknown).as("rows stored but never acknowledged were INSERTs with an unknown outcome").containsAll(extra);

            // The reader that ran through the move saw every stored row exactly once.
            await().atMost(WAIT).until(() -> streamed.size() >= stored.size());
            List<Long> seen;
            synchronized (streamed) {
                seen = new ArrayList<>(streamed);
            }
            assertThat(new HashSet<>(seen)).as("the streaming reader saw no row twice").hasSize(seen.size());
            assertThat(new HashSet<>(seen)).isEqualTo(new HashSet<>(stored));
            System.out.println("PartitionMoveIT: " + acknowledged.size() + " rows acknowledged, " + unknown.size()
                    + " unknown outcomes (" + extra.size() + " stored), " + writers.stream().mapToLong(w -> w.failures().get()).sum()
                    + " failed INSERTs");

            // The broker partition 0 left deleted its copy; the new broker holds both partitions.
            Path left = base.resolve("broker-" + leader0).resolve("topics").resolve(TOPIC).resolve("0");
            await().atMost(WAIT).until(() -> !Files.exists(left));
            assertThat(base.resolve("broker-4").resolve("topics").resolve(TOPIC).resolve("0")).isDirectory();
            assertThat(base.resolve("broker-4").resolve("topics").resolve(TOPIC).resolve("1")).isDirectory();
        }
        readerDone = true;
        readerStatement.cancel();
        reader.get(30, TimeUnit.SECONDS);
    }

    private void write(String url, long firstId, Writer writer) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITE_LIMIT_MS);
        long id = firstId;
        while (!stop.get() && System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(url + "?acks=all"); Statement s = c.createStatement()) {
                while (!stop.get() && System.nanoTime() < deadline) {
                    long next = id++;
                    try {
                        s.executeUpdate("INSERT INTO " + TOPIC + " (id) VALUES (" + next + ")");
                        writer.acknowledged().add(next);
                    } catch (SQLException e) {
                        writer.unknown().add(next);
                        writer.failures().incrementAndGet();
                        if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                            break; // reconnect
                        }
                    }
                }
            } catch (SQLException e) {
                writer.failures().incrementAndGet();
            }
        }
    }

    /** Streams every row from the start until the test closes {@link #readerStatement} (bounded by a query timeout). */
    private void stream(String url, List<Long> into) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.setQueryTimeout((int) TimeUnit.MILLISECONDS.toSeconds(WRITE_LIMIT_MS + 60_000));
            readerStatement = s;
            try (ResultSet rs = s.executeQuery("SELECT id FROM " + TOPIC + " WHERE _offset >= 0 EMIT CHANGES")) {
                while (rs.next()) {
                    into.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            if (!readerDone) {
                throw new IllegalStateException("the streaming reader failed", e);
            }
        }
    }

    /** The reader's statement, cancelled when the test has what it needs. */
    private volatile Statement readerStatement;
    /** Set before the reader is cancelled; read by the reader. */
    private volatile boolean readerDone;

    private static Set<Long> acknowledged(List<Writer> writers) {
        Set<Long> out = new HashSet<>();
        writers.forEach(w -> out.addAll(w.acknowledged()));
        return out;
    }

    private static int otherThan(String replicas, int leader) {
        for (String r : replicas.split(",")) {
            if (Integer.parseInt(r) != leader) {
                return Integer.parseInt(r);
            }
        }
        throw new AssertionError("no replica but the leader in " + replicas);
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static void assertSqlState(SqlAction action, String sqlState, String messagePart) {
        assertThatThrownBy(action::run).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as("SQLSTATE of %s", e.getMessage()).isEqualTo(sqlState))
                .hasMessageContaining(messagePart);
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Long> ids(Statement s) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT id FROM " + TOPIC)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static List<Map<String, String>> partitions(Statement s) throws SQLException {
        List<Map<String, String>> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT * FROM sys.partitions WHERE topic = '" + TOPIC + "' ORDER BY partition_id")) {
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
