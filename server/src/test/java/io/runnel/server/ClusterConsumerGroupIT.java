package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Consumer groups across a cluster: three {@code runnel server} processes and a standalone ZooKeeper
 * ({@link ChildServer}, as {@link ClusterServerIT}). Three members of one group, each connected to a
 * different broker, split a 6-partition RF-3 topic — one coordinator for the group, disjoint partitions,
 * every row read. Then kill -9 of the broker that coordinates the group (which also leads offsets
 * partitions): the leader of the group's offsets partition moves, the new coordinator replays the
 * committed offsets, the members on the surviving brokers join it and go on; nothing is lost, and a row
 * is read twice only at or after the offset its partition had committed before the kill.
 */
class ClusterConsumerGroupIT {
    private final List<ChildServer> processes = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopAll() throws Exception {
        threads.shutdownNow();
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** A row as a member read it. */
    record Read(long id, int partition, long offset) {}

    /** A member of group g reading on its own thread through one broker, under auto-commit. */
    final class Member {
        final int broker;
        final Connection connection;
        final List<Read> rows = new CopyOnWriteArrayList<>();
        final AtomicBoolean stopped = new AtomicBoolean();
        volatile Throwable failure;

        Member(int broker, ChildServer server) throws SQLException {
            this.broker = broker;
            Properties p = new Properties();
            p.setProperty("group", "g");
            p.setProperty("start", "earliest");
            p.setProperty("fetch_wait_ms", "200");
            connection = DriverManager.getConnection(server.url(), p);
            Statement s = connection.createStatement();
            ResultSet rs = s.executeQuery("SELECT id, _partition, _offset FROM events EMIT CHANGES");
            threads.submit(() -> {
                try {
                    while (!stopped.get() && rs.next()) {
                        rows.add(new Read(rs.getLong(1), rs.getInt(2), rs.getLong(3)));
                    }
                } catch (Throwable e) {
                    failure = e;
                }
                return null;
            });
        }

        /** The rows read from the {@code from}-th on (a copy: the reader thread appends meanwhile). */
        List<Read> since(int from) {
            List<Read> copy = new ArrayList<>(rows);
            return copy.subList(Math.min(from, copy.size()), copy.size());
        }

        Set<Integer> partitionsSince(int from) {
            Set<Integer> out = new HashSet<>();
            for (Read r : since(from)) {
                out.add(r.partition());
            }
            return out;
        }

        Set<Long> idsSince(int from) {
            Set<Long> out = new HashSet<>();
            for (Read r : since(from)) {
                out.add(r.id());
            }
            return out;
        }
    }

    @Test
    void membersOnThreeBrokersShareOneCoordinatorThatSurvivesKill9() throws Exception {
        Path base = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "runnel-groups-");
        ChildServer zk = ChildServer.startZooKeeper(base.resolve("zookeeper"), 250);
        processes.add(zk);
        Map<Integer, CompletableFuture<ChildServer>> starting = new LinkedHashMap<>();
        for (int id = 1; id <= 3; id++) {
            int brokerId = id;
            starting.put(id, CompletableFuture.supplyAsync(() -> {
                try {
                    return ChildServer.start(base.resolve("broker-" + brokerId), "--broker-id", Integer.toString(brokerId),
                            "--zookeeper-connect", "127.0.0.1:" + zk.port(), "--set", "replica_lag_time_max_ms=3000",
                            "--set", "zookeeper_session_timeout_ms=3000", "--set", "group_member_timeout_ms=5000");
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
        try (Connection c = DriverManager.getConnection(brokers.get(1).url()); Statement s = c.createStatement()) {
            s.execute("CREATE TOPIC events (id BIGINT NOT NULL) PARTITION BY (id) WITH (partitions = 6, replication_factor = 3,"
                    + " min_insync_replicas = 2)");
        }
        insert(brokers.get(1), 0, 600);

        Map<Integer, Member> members = new LinkedHashMap<>();
        for (int id = 1; id <= 3; id++) {
            members.put(id, new Member(id, brokers.get(id)));
        }
        // One coordinator: sys.consumer_groups, asked on any broker, shows the group's six partitions owned by
        // three members, all reported by the same coordinator.
        int[] coordinator = new int[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(readIds(members.values())).as("every row inserted was read").containsAll(range(0, 600));
            for (ChildServer b : brokers.values()) {
                List<Map<String, Object>> rows = groupRows(b, "g");
                assertThat(rows).hasSize(6);
                assertThat(rows).extracting(r -> r.get("member_id")).doesNotContainNull();
                Set<Object> owners = new HashSet<>();
                Set<Object> coordinators = new HashSet<>();
                for (Map<String, Object> r : rows) {
                    owners.add(r.get("member_id"));
                    coordinators.add(r.get("coordinator_id"));
                    assertThat(r.get("committed_offset")).as("everything read was committed (autocommit)").isEqualTo(r.get("log_end_offset"));
                }
                assertThat(owners).as("three members").hasSize(3);
                assertThat(coordinators).as("one coordinator").hasSize(1).doesNotContainNull();
                coordinator[0] = ((Number) coordinators.iterator().next()).intValue();
            }
        });
        // Disjoint: new rows are read once each, and the members read disjoint partitions.
        Map<Integer, Integer> marks = new HashMap<>();
        members.forEach((id, m) -> marks.put(id, m.rows.size()));
        insert(brokers.get(2), 600, 900);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Long> fresh = new ArrayList<>();
            for (Member m : members.values()) {
                for (Read r : m.since(marks.get(m.broker))) {
                    fresh.add(r.id());
                }
            }
            assertThat(fresh).as("rows 600..899 read exactly once").hasSize(300).containsExactlyInAnyOrderElementsOf(range(600, 900));
        });
        Set<Integer> seen = new HashSet<>();
        for (Member m : members.values()) {
            Set<Integer> own = m.partitionsSince(marks.get(m.broker));
            assertThat(own).as("member on broker %d", m.broker).hasSize(2);
            assertThat(java.util.Collections.disjoint(own, seen)).as("member on broker %d reads %s, others read %s", m.broker,
                    own, seen).isTrue();
            seen.addAll(own);
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);

        // Idle groups with committed offsets (a member fixes its start positions as it joins, then leaves):
        // spread over the offsets partitions, so the kill below takes the leader of some of them too.
        List<String> idle = List.of("h0", "h1", "h2", "h3", "h4", "h5");
        List<Connection> idleMembers = new ArrayList<>();
        for (String group : idle) {
            Properties p = new Properties();
            p.setProperty("group", group);
            p.setProperty("fetch_wait_ms", "100");
            Connection c = DriverManager.getConnection(brokers.get(1 + idleMembers.size() % 3).url(), p);
            idleMembers.add(c);
            c.createStatement().executeQuery("SELECT id FROM events EMIT CHANGES");
        }
        Map<String, List<Map<String, Object>>> idleBefore = new HashMap<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String group : idle) {
                List<Map<String, Object>> rows = groupRows(brokers.get(3), group);
                assertThat(rows).as(group).hasSize(6).allSatisfy(r -> assertThat(r.get("committed_offset")).isNotNull());
                idleBefore.put(group, rows);
            }
        });
        for (Connection c : idleMembers) {
            c.close();
        }

        // kill -9 the coordinator.
        Map<Integer, Long> committedBefore = new HashMap<>();
        ChildServer survivor = brokers.get(coordinator[0] == 1 ? 2 : 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Map<String, Object> r : groupRows(survivor, "g")) {
                assertThat(r.get("committed_offset")).isEqualTo(r.get("log_end_offset"));
                committedBefore.put(((Number) r.get("partition_id")).intValue(), ((Number) r.get("committed_offset")).longValue());
            }
        });
        assertThat(committedBefore).hasSize(6);
        members.forEach((id, m) -> marks.put(id, m.rows.size()));
        int victim = coordinator[0];
        long killedNs = System.nanoTime();
        brokers.get(victim).kill9();
        members.get(victim).stopped.set(true);
        List<Member> alive = new ArrayList<>();
        members.forEach((id, m) -> {
            if (id != victim) {
                alive.add(m);
            }
        });
        insertRetrying(survivor, 900, 1_200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Set<Long> ids = new HashSet<>();
            for (Member m : alive) {
                ids.addAll(m.idsSince(marks.get(m.broker)));
            }
            assertThat(ids).as("rows written after the kill, read by the members on surviving brokers").containsAll(range(900, 1_200));
            List<Map<String, Object>> rows = groupRows(survivor, "g");
            assertThat(rows).hasSize(6);
            Set<Object> owners = new HashSet<>();
            for (Map<String, Object> r : rows) {
                assertThat(r.get("coordinator_id")).as("a new coordinator").isNotNull().isNotEqualTo(victim);
                owners.add(r.get("member_id"));
                int p = ((Number) r.get("partition_id")).intValue();
                assertThat(((Number) r.get("committed_offset")).longValue()).as("partition %d's commit survived", p)
                        .isGreaterThanOrEqualTo(committedBefore.get(p));
            }
            assertThat(owners).as("the two surviving members").hasSize(2).doesNotContainNull();
        });
        // Every idle group's offsets survived, those the victim coordinated now at another broker.
        int moved = 0;
        for (String group : idle) {
            List<Map<String, Object>> before = idleBefore.get(group);
            moved += before.get(0).get("coordinator_id").equals(victim) ? 1 : 0;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<Map<String, Object>> after = groupRows(survivor, group);
                assertThat(after).as(group).hasSize(6);
                for (int i = 0; i < 6; i++) {
                    assertThat(after.get(i).get("committed_offset")).as("%s partition %d", group, i)
                            .isEqualTo(before.get(i).get("committed_offset"));
                    assertThat(after.get(i).get("coordinator_id")).isNotEqualTo(victim);
                }
            });
        }
        System.out.println("kill -9 of broker " + victim + ": " + moved + " of " + idle.size() + " idle groups (and group g) had"
                + " their coordinator there; their offsets were replayed by the new leaders");
        System.out.println("kill -9 of coordinator broker " + victim + " -> the surviving members read on after "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs) + " ms");
        for (Member m : alive) {
            assertThat(m.failure).as("member on broker %d saw a rebalance, not an error", m.broker).isNull();
        }
        // Duplicates only from uncommitted tails: a row read twice lies at or after its partition's commit.
        Map<String, Integer> times = new HashMap<>();
        for (Member m : members.values()) {
            for (Read r : m.rows) {
                times.merge(r.partition() + "@" + r.offset(), 1, Integer::sum);
            }
        }
        for (Member m : alive) {
            for (Read r : m.since(marks.get(m.broker))) {
                if (times.get(r.partition() + "@" + r.offset()) > 1) {
                    assertThat(r.offset()).as("row %d of partition %d read again after the failover", r.offset(), r.partition())
                            .isGreaterThanOrEqualTo(committedBefore.get(r.partition()));
                }
            }
        }
        for (Member m : alive) {
            m.stopped.set(true);
            m.connection.close();
        }
    }

    private static Set<Long> readIds(Iterable<Member> members) {
        Set<Long> ids = new HashSet<>();
        for (Member m : members) {
            for (Read r : m.rows) {
                ids.add(r.id());
            }
        }
        return ids;
    }

    private static List<Map<String, Object>> groupRows(ChildServer broker, String group) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(broker.url()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT partition_id, member_id, committed_offset, log_end_offset, coordinator_id"
                        + " FROM sys.consumer_groups WHERE group_name = '" + group + "' ORDER BY partition_id")) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= 5; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private static void insert(ChildServer broker, int from, int to) throws SQLException {
        try (Connection c = DriverManager.getConnection(broker.url()); Statement s = c.createStatement()) {
            for (int start = from; start < to; start += 100) {
                s.executeUpdate(values(start, Math.min(to, start + 100)));
            }
        }
    }

    /** Inserts while leadership moves after a kill: a failed statement is retried (its rows may then be stored twice). */
    private static void insertRetrying(ChildServer broker, int from, int to) throws SQLException {
        try (Connection c = DriverManager.getConnection(broker.url()); Statement s = c.createStatement()) {
            for (int start = from; start < to; start += 100) {
                String sql = values(start, Math.min(to, start + 100));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> s.executeUpdate(sql) > 0);
            }
        }
    }

    private static String values(int from, int to) {
        StringBuilder sql = new StringBuilder("INSERT INTO events (id) VALUES ");
        for (int id = from; id < to; id++) {
            sql.append(id == from ? "" : ", ").append('(').append(id).append(')');
        }
        return sql.toString();
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }
}
