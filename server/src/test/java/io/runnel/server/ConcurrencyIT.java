package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A few hundred connections, each with an unbounded query whose fetches wait on the server, all
 * served at once with bounded threads; beyond the configured limits a clear 53xxx error instead
 * of a hang.
 */
class ConcurrencyIT {
    private static final int READERS = 300;
    private static final int ROWS = 20;

    @Test
    void hundredsOfWaitingStreamingQueriesAllReceiveEveryRow() throws Exception {
        try (ServerFixture fixture = new ServerFixture()) {
            try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TOPIC busy (id INTEGER NOT NULL) WITH (partitions = 4)");
            }
            ExecutorService threads = Executors.newFixedThreadPool(READERS);
            try {
                List<Future<Integer>> readers = new ArrayList<>();
                for (int i = 0; i < READERS; i++) {
                    readers.add(threads.submit(() -> {
                        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
                            s.setMaxRows(ROWS);
                            int n = 0;
                            try (ResultSet rs = s.executeQuery("SELECT id FROM busy EMIT CHANGES")) {
                                while (rs.next()) {
                                    n++;
                                }
                            }
                            return n;
                        }
                    }));
                }
                await().atMost(Duration.ofSeconds(120)).until(() -> fixture.server().meta().queries().streamingCount() == READERS);
                try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
                    for (int i = 0; i < ROWS; i++) {
                        s.executeUpdate("INSERT INTO busy VALUES (" + i + ")");
                    }
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sys.queries WHERE kind = 'unbounded'")) {
                        rs.next();
                        assertThat(rs.getLong(1)).isLessThanOrEqualTo(READERS);
                    }
                }
                for (Future<Integer> reader : readers) {
                    assertThat(reader.get(120, TimeUnit.SECONDS)).isEqualTo(ROWS);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> fixture.server().meta().queries().streamingCount() == 0);
                System.out.printf("%d concurrent EMIT CHANGES queries each received %d rows; server threads now %d%n",
                        READERS, ROWS, Thread.activeCount());
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void concurrentInsertsReportExactCounts() throws Exception {
        try (ServerFixture fixture = new ServerFixture()) {
            try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TOPIC counted (id INTEGER NOT NULL, w INTEGER) WITH (partitions = 3)");
            }
            int writers = 16;
            ExecutorService threads = Executors.newFixedThreadPool(writers);
            try {
                List<Future<Long>> results = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    results.add(threads.submit(() -> {
                        long reported = 0;
                        try (Connection c = fixture.connect(); Statement s = c.createStatement()) {
                            for (int i = 0; i < 20; i++) {
                                StringBuilder values = new StringBuilder();
                                int rows = 1 + (i * 7 + writer) % 50;
                                for (int r = 0; r < rows; r++) {
                                    values.append(r == 0 ? "" : ", ").append('(').append(r).append(", ").append(writer).append(')');
                                }
                                reported += s.executeUpdate("INSERT INTO counted VALUES " + values);
                            }
                        }
                        return reported;
                    }));
                }
                long reported = 0;
                for (Future<Long> f : results) {
                    reported += f.get(120, TimeUnit.SECONDS);
                }
                try (Connection c = fixture.connect(); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM counted")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(reported);
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void beyondTheLimitsAClearResourceError() throws Exception {
        try (ServerFixture fixture = new ServerFixture(Map.of("max_connections", "4", "max_streaming_queries", "2"))) {
            List<Connection> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    open.add(fixture.connect());
                }
                assertThatThrownBy(fixture::connect).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("53300", "08004", "08001"))
                        .hasStackTraceContaining("max_connections");
                try (Statement s = open.get(0).createStatement()) {
                    s.execute("CREATE TOPIC few (id INTEGER)");
                }
                Statement a = open.get(1).createStatement();
                Statement b = open.get(2).createStatement();
                a.executeQuery("SELECT id FROM few EMIT CHANGES");
                b.executeQuery("SELECT id FROM few EMIT CHANGES");
                try (Statement third = open.get(3).createStatement()) {
                    assertThatThrownBy(() -> third.executeQuery("SELECT id FROM few EMIT CHANGES"))
                            .isInstanceOf(SQLException.class)
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53000"))
                            .hasMessageContaining("max_streaming_queries");
                }
                a.close();
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                    try (Statement again = open.get(3).createStatement()) {
                        again.executeQuery("SELECT id FROM few EMIT CHANGES").close();
                        return true;
                    }
                });
                b.close();
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
        }
    }
}
