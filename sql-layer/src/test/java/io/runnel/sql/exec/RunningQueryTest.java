package io.runnel.sql.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.runnel.sql.SqlLayerConfig;
import io.runnel.sql.errors.RunnelSqlException;
import io.runnel.sql.testkit.InMemoryEngine;
import io.runnel.sql.testkit.SqlFixture;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Query threads, long-polled fetches, back-pressure and cancellation of unbounded queries. */
class RunningQueryTest {

    @Test
    void aFetchWaitsThenReturnsAnEmptyNotDoneFrame() {
        try (SqlFixture f = new SqlFixture()) {
            f.update("CREATE TOPIC t (a INTEGER)");
            RunningQuery q = f.start((Prepared.Query) f.prepare("SELECT a FROM t EMIT CHANGES"), 0);
            long start = System.nanoTime();
            RunningQuery.Frame frame = q.fetch(100, 300);
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(frame.rows()).isEmpty();
            assertThat(frame.done()).isFalse();
            assertThat(waitedMs).isGreaterThanOrEqualTo(250);
            f.update("INSERT INTO t VALUES (1), (2)");
            await().atMost(Duration.ofSeconds(5)).until(() -> q.fetch(100, 100).rows().size() > 0);
            q.cancel("test over");
            assertThat(f.queries.snapshot()).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> f.engine.openReaders() == 0);
        }
    }

    @Test
    void aFullQueuePausesTheQueryThread() throws Exception {
        InMemoryEngine engine = new InMemoryEngine();
        try (SqlFixture f = new SqlFixture(engine, SqlLayerConfig.DEFAULTS, ZoneOffset.UTC)) {
            f.update("CREATE TOPIC t (a INTEGER)");
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                values.append(i == 0 ? "" : ", ").append('(').append(i).append(')');
            }
            f.update("INSERT INTO t VALUES " + values);
            // Queue of 1000 rows (the fixture's), 5000 rows available from offset 0.
            RunningQuery q = f.start((Prepared.Query) f.prepare("SELECT a FROM t WHERE _offset >= 0 EMIT CHANGES"), 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> "WAITING".equals(q.info().state()));
            assertThat(q.rowsReturned()).isZero();
            int received = 0;
            while (received < 5000) {
                received += q.fetch(700, 1000).rows().size();
            }
            assertThat(received).isEqualTo(5000);
            q.cancel("done");
        }
    }

    @Test
    void cancelEndsAWaitingFetchAndTheEngineRead() {
        try (SqlFixture f = new SqlFixture()) {
            f.update("CREATE TOPIC t (a INTEGER)");
            RunningQuery q = f.start((Prepared.Query) f.prepare("SELECT a FROM t EMIT CHANGES"), 0);
            assertThat(f.queries.snapshot()).extracting(QueryInfo::kind).containsExactly("unbounded");
            new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                q.cancel("cancelled by the test");
            }).start();
            long start = System.nanoTime();
            assertThatThrownBy(() -> q.fetch(10, 10_000)).isInstanceOf(RunnelSqlException.class)
                    .hasMessageContaining("cancelled by the test")
                    .satisfies(e -> assertThat(((RunnelSqlException) e).sqlState()).isEqualTo("57014"));
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> f.engine.openReaders() == 0);
            assertThat(f.queries.snapshot()).isEmpty();
        }
    }

    @Test
    void boundedQueriesArePulledByFetchesAndMaxRowsEndsThem() {
        try (SqlFixture f = new SqlFixture()) {
            f.update("CREATE TOPIC t (a INTEGER)");
            f.update("INSERT INTO t VALUES (1), (2), (3), (4), (5)");
            RunningQuery q = f.start((Prepared.Query) f.prepare("SELECT a FROM t"), 3);
            RunningQuery.Frame first = q.fetch(2, 0);
            assertThat(first.rows()).hasSize(2);
            assertThat(first.done()).isFalse();
            assertThat(f.queries.snapshot()).extracting(QueryInfo::state).containsExactly("WAITING");
            RunningQuery.Frame second = q.fetch(10, 0);
            assertThat(second.rows()).hasSize(1);
            assertThat(second.done()).isTrue();
            assertThat(f.queries.snapshot()).isEmpty();
            assertThat(q.fetch(10, 0).rows()).isEmpty();
        }
    }

    @Test
    void tooManyStreamingQueriesIsAResourceError() {
        try (SqlFixture f = new SqlFixture(new InMemoryEngine(), SqlLayerConfig.DEFAULTS.withMaxStreamingQueries(1),
                ZoneOffset.UTC)) {
            f.update("CREATE TOPIC t (a INTEGER)");
            Prepared.Query p = (Prepared.Query) f.prepare("SELECT a FROM t EMIT CHANGES");
            RunningQuery first = f.start(p, 0);
            assertThatThrownBy(() -> f.start(p, 0)).isInstanceOf(RunnelSqlException.class)
                    .satisfies(e -> assertThat(((RunnelSqlException) e).sqlState()).isEqualTo("53000"));
            first.cancel("x");
            // the slot is released by the query's thread as it ends, not by cancel itself
            await().atMost(Duration.ofSeconds(10)).until(() -> f.queries.streamingCount() == 0);
            assertThat(f.start(p, 0)).isNotNull();
            assertThat(List.of(f.queries.streamingCount())).containsExactly(1);
        }
    }
}
