package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consumer groups through the Runnel driver: partitions split between the members of a group,
 * rebalancing when a member vanishes (no request within the session timeout), resuming from
 * committed offsets after a restart, JDBC commit/rollback, offset resets, sys.consumer_groups, and the
 * protection of the internal offsets topic.
 */
class ConsumerGroupIT {
    private static final long SESSION_TIMEOUT_MS = 1_500;
    private static ServerFixture fixture;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Connection> abandoned = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServerFixture(Map.of("group_session_timeout_ms", Long.toString(SESSION_TIMEOUT_MS)));
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @AfterEach
    void stopThreads() throws Exception {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        for (Connection c : abandoned) {
            try {
                c.close();
            } catch (SQLException e) {
                // already expired on the server
            }
        }
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection member(String group, boolean autoCommit) throws SQLException {
        Properties p = new Properties();
        p.setProperty("group", group);
        p.setProperty("start", "earliest");
        p.setProperty("fetch_wait_ms", "200");
        Connection c = fixture.connect(p);
        c.setAutoCommit(autoCommit);
        return c;
    }

    /** Inserts ids [from, to) in statements of 50 rows (PARTITION BY id spreads them over the partitions). */
    private static void insert(String topic, int from, int to) throws SQLException {
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            for (int start = from; start < to; start += 50) {
                StringBuilder sql = new StringBuilder("INSERT INTO " + topic + " (id) VALUES ");
                for (int id = start; id < Math.min(to, start + 50); id++) {
                    sql.append(id == start ? "" : ", ").append('(').append(id).append(')');
                }
                s.executeUpdate(sql.toString());
            }
        }
    }

    /** Rows of sys.consumer_groups for a group: partition → [member, committed offset, log end, lag]. */
    private static Map<Integer, List<Object>> groupRows(String group) throws SQLException {
        Map<Integer, List<Object>> rows = new HashMap<>();
        try (Connection c = fixture.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT partition_id, member_id, committed_offset, log_end_offset, lag_rows"
                        + " FROM sys.consumer_groups WHERE group_name = '" + group + "'")) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                row.add(rs.getString(2));
                row.add(rs.getObject(3) == null ? null : rs.getLong(3));
                row.add(rs.getLong(4));
                row.add(rs.getObject(5) == null ? null : rs.getLong(5));
                rows.put(rs.getInt(1), row);
            }
        }
        return rows;
    }

    /** A member reading ids and partitions on its own thread, until told to stop. */
    private final class Consumer {
        final Connection connection;
        final List<Long> ids = new CopyOnWriteArrayList<>();
        final Set<Integer> partitions = ConcurrentHashMap.newKeySet();
        final AtomicBoolean stop = new AtomicBoolean();
        /** After stop, how many more rows to take before vanishing (the "tail" it read but never committed). */
        final AtomicInteger tailRows = new AtomicInteger();
        final List<Long> tail = new CopyOnWriteArrayList<>();
        volatile Throwable failure;

        Consumer(String group, String topic) throws SQLException {
            connection = member(group, true);
            Statement s = connection.createStatement();
            ResultSet rs = s.executeQuery("SELECT id, _partition FROM " + topic + " EMIT CHANGES");
            threads.submit(() -> {
                try {
                    while (rs.next()) {
                        if (stop.get()) {
                            if (tailRows.getAndDecrement() <= 0) {
                                return null; // vanish: no close, no further request
                            }
                            tail.add(rs.getLong(1));
                        }
                        ids.add(rs.getLong(1));
                        partitions.add(rs.getInt(2));
                    }
                } catch (Throwable e) {
                    failure = e;
                }
                return null;
            });
        }
    }

    @Test
    void threeMembersSplitSixPartitionsAndAVanishedMembersPartitionsMoveWithNothingLost() throws Exception {
        exec("CREATE TOPIC clicks (id BIGINT NOT NULL) PARTITION BY (id) WITH (partitions = 6)");
        Consumer a = new Consumer("dashboard", "clicks");
        Consumer b = new Consumer("dashboard", "clicks");
        Consumer victim = new Consumer("dashboard", "clicks");
        abandoned.add(victim.connection);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<Integer, List<Object>> rows = groupRows("dashboard");
            assertThat(rows).hasSize(6);
            Map<Object, Integer> perMember = new HashMap<>();
            rows.values().forEach(r -> perMember.merge(r.get(0), 1, Integer::sum));
            assertThat(perMember).hasSize(3).allSatisfy((m, n) -> assertThat(n).isEqualTo(2));
        });

        insert("clicks", 0, 600);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.ids.size() + b.ids.size() + victim.ids.size() >= 600);
        Set<Long> all = new HashSet<>();
        all.addAll(a.ids);
        all.addAll(b.ids);
        all.addAll(victim.ids);
        assertThat(a.ids.size() + b.ids.size() + victim.ids.size()).as("disjoint").isEqualTo(600);
        assertThat(all).hasSize(600);
        assertThat(a.partitions).doesNotContainAnyElementsOf(b.partitions).doesNotContainAnyElementsOf(victim.partitions);
        assertThat(b.partitions).doesNotContainAnyElementsOf(victim.partitions);
        assertThat(victim.partitions).hasSize(2);

        // The victim reads 5 more rows and then vanishes mid-frame: no close, no further request.
        victim.tailRows.set(5);
        victim.stop.set(true);
        insert("clicks", 600, 1200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<Long> seen = new HashSet<>();
            seen.addAll(a.ids);
            seen.addAll(b.ids);
            seen.addAll(victim.ids);
            assertThat(seen).as("every inserted row reached a member").hasSize(1200);
        });
        assertThat(victim.tail).hasSize(5);
        assertThat(a.partitions).as("the victim's partitions moved to the others").hasSize(3);
        assertThat(b.partitions).hasSize(3);
        assertThat(a.partitions).doesNotContainAnyElementsOf(b.partitions);
        Set<Long> seenByAB = new HashSet<>(a.ids);
        assertThat(b.ids).as("the surviving members never share a row").doesNotContainAnyElementsOf(seenByAB);
        seenByAB.addAll(b.ids);
        List<Long> duplicates = victim.ids.stream().filter(seenByAB::contains).toList();
        assertThat(victim.tail).as("duplicates come only from the victim's uncommitted tail").containsAll(duplicates);
        assertThat(a.failure).isNull();
        assertThat(b.failure).isNull();
        System.out.printf("vanished member: %d rows in its uncommitted tail, %d read again by the others%n",
                victim.tail.size(), duplicates.size());
        a.connection.close();
        b.connection.close();
    }

    @Test
    void aRestartedServerResumesTheGroupFromItsCommittedOffsets() throws Exception {
        exec("CREATE TOPIC audit (id BIGINT NOT NULL) PARTITION BY (id) WITH (partitions = 3)");
        insert("audit", 0, 100);
        try (Connection c = member("auditors", true); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM audit EMIT CHANGES")) {
            Set<Long> ids = new HashSet<>();
            while (ids.size() < 100) {
                assertThat(rs.next()).isTrue();
                ids.add(rs.getLong(1));
            }
        } // closing under autocommit commits what was delivered
        assertThat(groupRows("auditors").values()).allSatisfy(r -> assertThat(r.get(3)).isEqualTo(0L));
        insert("audit", 100, 150);
        fixture.restart();
        // the restarted broker's coordinator loads the offsets partition it leads within its 500 ms check
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(groupRows("auditors")).hasSize(3).allSatisfy((p, r) -> assertThat(r.get(0)).isNull()));
        try (Connection c = member("auditors", true); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM audit EMIT CHANGES")) {
            List<Long> ids = new ArrayList<>();
            while (ids.size() < 50) {
                assertThat(rs.next()).isTrue();
                ids.add(rs.getLong(1));
            }
            assertThat(ids).as("exactly the rows after the committed offsets").containsExactlyInAnyOrderElementsOf(
                    java.util.stream.LongStream.range(100, 150).boxed().toList());
        }
    }

    @Test
    void commitCommitsReturnedRowsAndRollbackRewindsToTheLastCommit() throws Exception {
        exec("CREATE TOPIC ledger (id BIGINT NOT NULL) WITH (partitions = 1)");
        insert("ledger", 0, 10);
        try (Connection c = member("bookkeepers", false)) {
            c.commit(); // nothing streaming yet: a no-op
            c.rollback();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM ledger EMIT CHANGES")) {
                assertThat(read(rs, 4)).containsExactly(0L, 1L, 2L, 3L);
                c.commit();
                assertThat(groupRows("bookkeepers").get(0).get(1)).isEqualTo(4L);
                assertThat(read(rs, 3)).containsExactly(4L, 5L, 6L);
                assertThat(groupRows("bookkeepers").get(0).get(1)).as("not committed yet").isEqualTo(4L);
                c.rollback();
                assertThat(read(rs, 6)).as("rewound to the last commit").containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
                c.rollback();
                assertThat(read(rs, 2)).containsExactly(4L, 5L);
            } // closing without commit in manual mode commits nothing
            assertThat(groupRows("bookkeepers").get(0).get(1)).isEqualTo(4L);
            c.setAutoCommit(true);
        }
        try (Connection c = member("bookkeepers", false); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM ledger EMIT CHANGES")) {
            assertThat(read(rs, 2)).containsExactly(4L, 5L);
            c.setAutoCommit(true); // JDBC: switching auto-commit on commits
            assertThat(groupRows("bookkeepers").get(0).get(1)).isEqualTo(6L);
        }
    }

    private static List<Long> read(ResultSet rs, int n) throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            assertThat(rs.next()).isTrue();
            ids.add(rs.getLong(1));
        }
        return ids;
    }

    @Test
    void resetOffsetsMovesAnIdleGroupAndRefusesBadInput() throws Exception {
        exec("CREATE TOPIC metrics (id BIGINT NOT NULL) PARTITION BY (id) WITH (partitions = 2)");
        insert("metrics", 0, 40);
        try (Connection admin = fixture.connect(); Statement s = admin.createStatement()) {
            assertThatThrownBy(() -> s.execute("ALTER CONSUMER GROUP nobody RESET OFFSETS FOR TOPIC metrics TO EARLIEST"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("consumer group nobody does not exist")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42704"));
            assertThatThrownBy(() -> s.execute("ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC nothere TO EARLIEST"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("nothere")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42P01"));
            try (Connection m = member("readers", true); Statement ms = m.createStatement();
                    ResultSet rs = ms.executeQuery("SELECT id FROM metrics EMIT CHANGES")) {
                assertThat(rs.next()).isTrue();
                assertThatThrownBy(() -> s.execute("ALTER CONSUMER GROUP readers RESET OFFSETS FOR TOPIC metrics TO LATEST"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("has 1 active member")
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("55006"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> groupRows("readers").values().stream()
                    .allMatch(r -> r.get(0) == null));
            assertThatThrownBy(() -> s.execute("ALTER CONSUMER GROUP readers RESET OFFSETS FOR TOPIC metrics PARTITION 7"
                    + " TO EARLIEST")).isInstanceOf(SQLException.class).hasMessageContaining("Partition 7")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
            assertThat(s.executeUpdate("ALTER CONSUMER GROUP readers RESET OFFSETS FOR TOPIC metrics TO LATEST"))
                    .isEqualTo(2);
            assertThat(groupRows("readers").values()).allSatisfy(r -> assertThat(r.get(3)).isEqualTo(0L));
            assertThat(s.executeUpdate("ALTER CONSUMER GROUP readers RESET OFFSETS FOR TOPIC metrics PARTITION 1"
                    + " TO OFFSET 3")).isEqualTo(1);
            assertThat(groupRows("readers").get(1).get(1)).isEqualTo(3L);
            s.executeUpdate("ALTER CONSUMER GROUP readers RESET OFFSETS FOR TOPIC metrics PARTITION 1 TO OFFSET 999999");
            assertThat(groupRows("readers").get(1).get(1)).as("clamped to the log end")
                    .isEqualTo(groupRows("readers").get(1).get(2));
            s.executeUpdate("ALTER CONSUMER GROUP readers RESET OFFSETS FOR TOPIC metrics TO TIMESTAMP '2000-01-01 00:00:00'");
            assertThat(groupRows("readers").values()).allSatisfy(r -> assertThat(r.get(1)).isEqualTo(0L));
            s.executeUpdate("ALTER CONSUMER GROUP readers RESET OFFSETS FOR TOPIC metrics PARTITION 0 TO LATEST");
        }
        // The reset positions are where the next member starts.
        try (Connection m = member("readers", true); Statement ms = m.createStatement();
                ResultSet rs = ms.executeQuery("SELECT id, _partition, _offset FROM metrics EMIT CHANGES")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(2)).as("partition 0 was reset to its end").isEqualTo(1);
            assertThat(rs.getLong(3)).isEqualTo(0L);
        }
    }

    @Test
    void theInternalOffsetsTopicIsHiddenAndProtected() throws Exception {
        exec("CREATE TOPIC touch (id BIGINT NOT NULL)");
        try (Connection m = member("toucher", true); Statement ms = m.createStatement();
                ResultSet rs = ms.executeQuery("SELECT id FROM touch EMIT CHANGES")) {
            insert("touch", 0, 1);
            assertThat(rs.next()).isTrue();
        }
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            for (String sql : List.of("INSERT INTO __consumer_offsets (group_name) VALUES ('x')",
                    "DROP TOPIC __consumer_offsets", "ALTER TOPIC __consumer_offsets SET (retention = '1 day')")) {
                assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                        .hasMessageContaining("__consumer_offsets").hasMessageContaining("internal")
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            }
            List<String> shown = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SHOW TOPICS")) {
                while (rs.next()) {
                    shown.add(rs.getString(1));
                }
            }
            assertThat(shown).contains("touch").doesNotContain("__consumer_offsets");
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet rs = md.getTables(null, null, "%", null)) {
                while (rs.next()) {
                    assertThat(rs.getString("TABLE_NAME")).isNotEqualTo("__consumer_offsets");
                }
            }
        }
    }

    @Test
    void badGroupPropertiesAreRefused() {
        Properties p = new Properties();
        p.setProperty("group", "g");
        p.setProperty("start", "middle");
        assertThatThrownBy(() -> fixture.connect(p)).isInstanceOf(SQLException.class).hasMessageContaining("start");
    }
}
