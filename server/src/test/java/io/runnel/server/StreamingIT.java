package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Unbounded queries end to end: delivery latency, LIMIT and max rows, cancel/close/timeout and
 * CANCEL QUERY as seen in sys.queries, expiry of abandoned connections, seeks from _offset and
 * _timestamp predicates.
 */
class StreamingIT {
    private static ServerFixture fixture;
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServerFixture(Map.of("connection_idle_timeout_ms", "3000"));
    }

    @AfterAll
    static void stop() throws Exception {
        THREADS.shutdownNow();
        fixture.close();
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> unboundedQueries() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = fixture.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT query_id, sql_text FROM sys.queries WHERE kind = 'unbounded'")) {
            while (rs.next()) {
                ids.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return ids;
    }

    @Test
    void rowInsertedByAnotherConnectionArrivesPromptly() throws Exception {
        exec("CREATE TOPIC latency (id BIGINT NOT NULL, note VARCHAR(20))");
        try (Connection reader = fixture.connect(); Connection writer = fixture.connect();
                Statement rs = reader.createStatement(); Statement ws = writer.createStatement()) {
            ResultSet rows = rs.executeQuery("SELECT id, note FROM latency EMIT CHANGES");
            await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().stream().anyMatch(q -> q.contains("latency")));
            for (int i = 0; i < 5; i++) {
                long[] arrived = new long[1];
                Future<Long> next = THREADS.submit(() -> {
                    assertThat(rows.next()).isTrue();
                    arrived[0] = System.nanoTime();
                    return rows.getLong(1);
                });
                long sent = System.nanoTime();
                ws.executeUpdate("INSERT INTO latency VALUES (" + i + ", 'row " + i + "')");
                assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo(i);
                System.out.printf("EMIT CHANGES: row %d reached next() %.1f ms after INSERT was sent%n", i,
                        (arrived[0] - sent) / 1e6);
            }
            rows.close();
        }
    }

    @Test
    void limitAndMaxRowsEndAStream() throws Exception {
        exec("CREATE TOPIC limited (id INTEGER)");
        try (Connection c = fixture.connect(); Statement w = c.createStatement()) {
            Future<List<Integer>> limited = THREADS.submit(() -> drain(fixture, "SELECT id FROM limited EMIT CHANGES LIMIT 2", 0));
            Future<List<Integer>> maxRows = THREADS.submit(() -> drain(fixture, "SELECT id FROM limited EMIT CHANGES", 3));
            await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().stream().filter(q -> q.contains("limited")).count() == 2);
            w.executeUpdate("INSERT INTO limited VALUES (1), (2), (3), (4)");
            assertThat(limited.get(20, TimeUnit.SECONDS)).containsExactly(1, 2);
            assertThat(maxRows.get(20, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().stream().noneMatch(q -> q.contains("limited")));
    }

    private static List<Integer> drain(ServerFixture f, String sql, int maxRows) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = f.connect(); Statement s = c.createStatement()) {
            s.setMaxRows(maxRows);
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
        }
        return ids;
    }

    @Test
    void closeCancelTimeoutAndCancelQueryEndTheServerQuery() throws Exception {
        exec("CREATE TOPIC ended (id INTEGER)");
        // close(): the statement's query disappears from sys.queries.
        try (Connection c = fixture.connect()) {
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT id FROM ended EMIT CHANGES");
            await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().size() == 1);
            rs.close();
            s.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().isEmpty());
        }
        // cancel() from another thread: next() fails with 57014 and the server query ends.
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
                try (ResultSet rs = s.executeQuery("SELECT id FROM ended EMIT CHANGES")) {
                    rs.next();
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            }, THREADS);
            await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().size() == 1);
            s.cancel();
            Throwable failure = waiting.get(10, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(SQLTimeoutException.class);
            assertThat(((SQLException) failure).getSQLState()).isEqualTo("57014");
            await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().isEmpty());
        }
        // setQueryTimeout: 57014 after the timeout, the server query ends.
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            assertThatThrownBy(() -> {
                try (ResultSet rs = s.executeQuery("SELECT id FROM ended EMIT CHANGES")) {
                    rs.next();
                }
            }).isInstanceOf(SQLTimeoutException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().isEmpty());
        }
        // CANCEL QUERY from another connection.
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
                try (ResultSet rs = s.executeQuery("SELECT id FROM ended EMIT CHANGES")) {
                    rs.next();
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            }, THREADS);
            await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().size() == 1);
            String id = unboundedQueries().get(0).split(" ")[0];
            exec("CANCEL QUERY '" + id + "'");
            Throwable failure = waiting.get(10, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(SQLException.class);
            assertThat(failure.getMessage()).contains(id);
            await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().isEmpty());
            assertThatThrownBy(() -> exec("CANCEL QUERY '" + id + "'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining(id)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42704"));
        }
    }

    @Test
    void queriesOfAnAbandonedConnectionExpire() throws Exception {
        exec("CREATE TOPIC abandoned (id INTEGER)");
        Connection c = fixture.connect();
        Statement s = c.createStatement();
        s.executeQuery("SELECT id FROM abandoned EMIT CHANGES");
        await().atMost(Duration.ofSeconds(10)).until(() -> unboundedQueries().size() == 1);
        // The client stops calling (no close): after connection_idle_timeout_ms (3 s here) the server
        // closes the connection and its query.
        await().atMost(Duration.ofSeconds(30)).until(() -> unboundedQueries().isEmpty());
    }

    @Test
    void replayFromOffsetAndTimestamp() throws Exception {
        // keyed, so the spread over partitions is the same in every run (unkeyed rows go to a random partition)
        exec("CREATE TOPIC replay (id INTEGER NOT NULL) PARTITION BY (id) WITH (partitions = 2)");
        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                s.executeUpdate("INSERT INTO replay VALUES (" + i + ")");
            }
            List<long[]> all = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT _partition, _offset, id FROM replay")) {
                while (rs.next()) {
                    all.add(new long[] {rs.getInt(1), rs.getLong(2), rs.getInt(3)});
                }
            }
            assertThat(all).hasSize(20);
            long p0Rows = all.stream().filter(r -> r[0] == 0).count();
            assertThat(p0Rows).isGreaterThanOrEqualTo(2);
            s.setMaxRows((int) p0Rows - 1);
            List<Long> offsets = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT _offset FROM replay WHERE _partition = 0 AND _offset >= 1 EMIT CHANGES")) {
                while (rs.next()) {
                    offsets.add(rs.getLong(1));
                }
            }
            List<Long> expected = new ArrayList<>();
            for (long o = 1; o < p0Rows; o++) {
                expected.add(o);
            }
            assertThat(offsets).isEqualTo(expected);
            s.setMaxRows(20);
            List<Integer> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT id FROM replay WHERE _timestamp >= TIMESTAMP '2000-01-01 00:00:00' EMIT CHANGES")) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
            assertThat(ids).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
        }
    }
}
