package io.runnel.jdbc;

import static io.runnel.jdbc.Behaviors.bigintColumns;
import static io.runnel.jdbc.Behaviors.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unbounded results against a server that long-polls fetches: rows arrive when they exist,
 * and cancel, query timeout, max rows and every kind of close end the query on the server.
 * Waits are deadlines (Awaitility, preemptive timeouts), never sleeps.
 */
class StreamingResultTest {
    private static final String STREAM = "SELECT n FROM ticks EMIT CHANGES";
    private static final String STUCK = "SELECT n FROM silent EMIT CHANGES";
    /** Every blocked call in these tests must end well within this. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private FakeRunnelServer server;
    private FakeServerMeta meta;
    private final BlockingQueue<List<Object>> feed = new LinkedBlockingQueue<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void start() {
        server = FakeRunnelServer.start();
        meta = server.meta();
        meta.on(STREAM, Behaviors.stream(bigintColumns("N"), feed, 30_000));
        // Fetches the server never answers and that ignore closeStatement: only the driver can end the wait.
        meta.on(STUCK, Behaviors.stuck(bigintColumns("N"), meta.shutdown, 60_000));
        meta.on("SELECT 1", Behaviors.bounded(bigintColumns("ONE"), List.of(row(1L))));
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        server.close();
    }

    private Connection connect(String properties) throws SQLException {
        return DriverManager.getConnection(server.url(properties));
    }

    /** Runs {@code call} on another thread; the future holds what it threw, or null. */
    private Future<Throwable> inBackground(ThrowingRunnable call) {
        return threads.submit(() -> {
            try {
                call.run();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static Throwable outcome(Future<Throwable> future) throws Exception {
        return future.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aRowReachesNextBeforeTheFollowingRowExists() throws Exception {
        try (Connection c = connect(""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(STREAM)) {
            FakeServerMeta.Execution execution = meta.lastExecution(STREAM);

            feed.add(row(1L));
            assertThat(assertTimeoutPreemptively(DEADLINE, rs::next)).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1);
            assertThat(execution.fetches.get()).as("next() returned row 1 without asking for row 2").isEqualTo(1);

            feed.add(row(2L));
            assertThat(assertTimeoutPreemptively(DEADLINE, rs::next)).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(2);
            assertThat(execution.fetches.get()).isEqualTo(2);
        }
    }

    /**
     * The limit the lazy iterator removes (DESIGN.md §4.1), measured: Avatica's stock client
     * reads one row ahead. Its {@code executeQuery} returns only once row 1 exists, and then
     * {@code next()} does not hand out row 1, which the client holds, before row 2 exists.
     */
    @Test
    void stockAvaticaClientHoldsARowBackUntilTheNextExists() throws Exception {
        String stockUrl = "jdbc:avatica:remote:url=http://127.0.0.1:" + server.port() + ";serialization=protobuf";
        try (Connection c = new org.apache.calcite.avatica.remote.Driver().connect(stockUrl, new java.util.Properties());
             Statement s = c.createStatement()) {
            Future<ResultSet> query = threads.submit(() -> s.executeQuery(STREAM));
            await().atMost(DEADLINE).until(() -> meta.executed.stream().anyMatch(e -> e.sql.equals(STREAM)));
            FakeServerMeta.Execution execution = meta.lastExecution(STREAM);
            await().atMost(DEADLINE).until(() -> execution.fetches.get() == 1);
            assertThat(query).as("executeQuery waits in fetch 1 for a first row").isNotDone();

            feed.add(row(1L));
            ResultSet rs = query.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            Future<Throwable> next = inBackground(rs::next);

            await().atMost(DEADLINE).until(() -> execution.fetches.get() == 2);
            assertThat(next).as("row 1 is in the client, yet next() waits in fetch 2 for row 2").isNotDone();

            feed.add(row(2L));
            assertThat(outcome(next)).isNull();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void cancelFromAnotherThreadEndsABlockedNextWith57014AndClosesTheServerQuery() throws Exception {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery(STUCK);
            FakeServerMeta.Execution execution = meta.lastExecution(STUCK);
            Future<Throwable> next = inBackground(rs::next);
            await().atMost(DEADLINE).until(() -> execution.fetches.get() == 1);

            s.cancel();

            assertThat(outcome(next)).isInstanceOf(SQLTimeoutException.class)
                    .hasMessageContaining("query cancelled")
                    .extracting(t -> ((SQLException) t).getSQLState()).isEqualTo("57014");
            assertThat(meta.closedStatements).as("cancel returns after the server was told").contains(execution.statementId);
            assertThatThrownBy(rs::next).isInstanceOf(SQLException.class).hasMessageContaining("closed");

            // the statement runs again, on a new server statement
            try (ResultSet again = s.executeQuery("SELECT 1")) {
                assertThat(again.next()).isTrue();
                assertThat(again.getLong(1)).isEqualTo(1);
            }
            assertThat(meta.lastExecution("SELECT 1").statementId).isNotEqualTo(execution.statementId);
        }
    }

    @Test
    void cancelWithNothingRunningDoesNothing() throws Exception {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.cancel();
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                s.cancel(); // the query is done: its rows are all here
                assertThat(rs.next()).isTrue();
            }
            assertThat(meta.closedStatements).isEmpty();
        }
    }

    @Test
    void queryTimeoutEndsABlockedNextAndClosesTheServerQuery() throws Exception {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            ResultSet rs = s.executeQuery(STUCK);
            FakeServerMeta.Execution execution = meta.lastExecution(STUCK);

            assertThatThrownBy(() -> assertTimeoutPreemptively(DEADLINE, rs::next))
                    .isInstanceOf(SQLTimeoutException.class)
                    .hasMessageContaining("query timeout after 1 s")
                    .extracting(t -> ((SQLException) t).getSQLState()).isEqualTo("57014");
            await().atMost(DEADLINE).until(() -> meta.closedStatements.contains(execution.statementId));
        }
    }

    @Test
    void queryTimeoutEndsAnExecuteTheServerHoldsOn() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        meta.on("SLOW", Behaviors.blockingExecute(bigintColumns("N"), never));
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            assertThatThrownBy(() -> assertTimeoutPreemptively(DEADLINE, () -> s.executeQuery("SLOW")))
                    .isInstanceOf(SQLTimeoutException.class).hasMessageContaining("query timeout after 1 s");
            int statementId = meta.lastExecution("SLOW").statementId;
            await().atMost(DEADLINE).until(() -> meta.closedStatements.contains(statementId));
        }
    }

    @Test
    void aTimeoutDoesNotOutliveItsQuery() throws Exception {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
                QueryControl query = ((RunnelStatement) s).lifecycle().current();
                assertThat(query.outcome()).isEqualTo(QueryControl.Outcome.DONE);
            }
        }
    }

    @Test
    void maxRowsDeliversExactlyThatManyRowsAndClosesTheServerQuery() throws Exception {
        meta.on("ENDLESS", Behaviors.endless(bigintColumns("N")));
        try (Connection c = connect("?fetch_size=2"); Statement s = c.createStatement()) {
            s.setMaxRows(3);
            try (ResultSet rs = s.executeQuery("ENDLESS")) {
                FakeServerMeta.Execution execution = meta.lastExecution("ENDLESS");
                for (long i = 0; i < 3; i++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(i);
                }
                assertThat(rs.next()).isFalse();
                assertThat(rs.next()).isFalse();
                await().atMost(DEADLINE).until(() -> meta.closedStatements.contains(execution.statementId));
                assertThat(execution.firstFrameRows).as("first frame: fetch size, at most max rows").isEqualTo(2);
                assertThat(execution.fetchSizes).as("never more rows than max rows still allows").containsExactly(1);
            }
        }
    }

    @Test
    void largeMaxRowsOnAPreparedStatementToo() throws Exception {
        meta.on("ENDLESS", Behaviors.endless(bigintColumns("N")));
        try (Connection c = connect("?fetch_size=100"); PreparedStatement ps = c.prepareStatement("ENDLESS")) {
            ps.setLargeMaxRows(5);
            int count = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    count++;
                }
            }
            assertThat(count).isEqualTo(5);
            FakeServerMeta.Execution execution = meta.lastExecution("ENDLESS");
            assertThat(execution.firstFrameRows).isEqualTo(5);
            await().atMost(DEADLINE).until(() -> meta.closedStatements.contains(execution.statementId));
        }
    }

    @Test
    void closingTheStatementFromAnotherThreadEndsABlockedNext() throws Exception {
        try (Connection c = connect("")) {
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(STUCK);
            FakeServerMeta.Execution execution = meta.lastExecution(STUCK);
            Future<Throwable> next = inBackground(rs::next);
            await().atMost(DEADLINE).until(() -> execution.fetches.get() == 1);

            assertTimeoutPreemptively(DEADLINE, s::close);

            assertThat(outcome(next)).isInstanceOf(SQLTimeoutException.class)
                    .hasMessageContaining("the statement of statement " + execution.statementId + " was closed");
            assertThat(meta.closedStatements).containsOnlyOnce(execution.statementId);
            assertThat(s.isClosed()).isTrue();
            assertThat(rs.isClosed()).isTrue();
        }
    }

    @Test
    void closingTheResultSetEndsTheServerQueryAndTheStatementRunsAgain() throws Exception {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery(STREAM);
            FakeServerMeta.Execution execution = meta.lastExecution(STREAM);
            feed.add(row(1L));
            assertThat(rs.next()).isTrue();

            rs.close();

            assertThat(meta.closedStatements).contains(execution.statementId);
            assertThat(execution.isClosed()).isTrue();
            try (ResultSet again = s.executeQuery("SELECT 1")) {
                assertThat(again.next()).isTrue();
            }
        }
    }

    @Test
    void runningTheStatementAgainEndsItsPreviousQuery() throws Exception {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.executeQuery(STREAM);
            FakeServerMeta.Execution first = meta.lastExecution(STREAM);
            try (ResultSet second = s.executeQuery("SELECT 1")) {
                assertThat(second.next()).isTrue();
            }
            await().atMost(DEADLINE).until(first::isClosed);
        }
    }

    @Test
    void closingTheConnectionFromAnotherThreadEndsABlockedNext() throws Exception {
        Connection c = connect("");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(STUCK);
        FakeServerMeta.Execution execution = meta.lastExecution(STUCK);
        Future<Throwable> next = inBackground(rs::next);
        await().atMost(DEADLINE).until(() -> execution.fetches.get() == 1);

        assertTimeoutPreemptively(DEADLINE, c::close);

        assertThat(outcome(next)).isInstanceOf(SQLTimeoutException.class).hasMessageContaining("the connection");
        assertThat(meta.closedConnections).hasSize(1);
        assertThat(s.isClosed()).isTrue();
        assertThat(c.isClosed()).isTrue();
        assertThat(meta.closedStatements).as("the server closes them with the connection").isEmpty();
    }

    @Test
    void interruptingTheWaitingThreadEndsTheQueryAndKeepsTheFlag() throws Exception {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery(STUCK);
            FakeServerMeta.Execution execution = meta.lastExecution(STUCK);
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Future<Throwable> next = threads.submit(() -> {
                try {
                    rs.next();
                    return null;
                } catch (Throwable t) {
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                    return t;
                }
            });
            await().atMost(DEADLINE).until(() -> execution.fetches.get() == 1);

            next.cancel(true);

            await().atMost(DEADLINE).until(() -> meta.closedStatements.contains(execution.statementId));
            await().atMost(DEADLINE).untilTrue(stillInterrupted);
        }
    }

    @Test
    void cancelDoesNotWaitForTheMonitorAPreparedExecuteHolds() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        meta.on("SLOW", Behaviors.blockingExecute(bigintColumns("N"), never));
        try (Connection c = connect(""); PreparedStatement ps = c.prepareStatement("SLOW")) {
            // Avatica holds the statement's monitor for the whole execute request.
            Future<Throwable> execute = inBackground(ps::executeQuery);
            await().atMost(DEADLINE).until(() -> meta.executed.stream().anyMatch(e -> e.sql.equals("SLOW")));

            assertTimeoutPreemptively(DEADLINE, ps::cancel);

            assertThat(outcome(execute)).isInstanceOf(SQLTimeoutException.class).hasMessageContaining("cancelled");
        }
    }

    @Test
    void aCancelledPreparedStatementIsPreparedAgainForItsNextExecute() throws Exception {
        try (Connection c = connect(""); PreparedStatement ps = c.prepareStatement(STREAM)) {
            ResultSet rs = ps.executeQuery();
            FakeServerMeta.Execution first = meta.lastExecution(STREAM);
            ps.cancel();
            assertThat(meta.closedStatements).contains(first.statementId);
            assertThatThrownBy(rs::next).isInstanceOf(SQLTimeoutException.class);

            try (ResultSet again = ps.executeQuery()) {
                feed.add(row(5L));
                assertThat(assertTimeoutPreemptively(DEADLINE, again::next)).isTrue();
                assertThat(again.getLong(1)).isEqualTo(5);
            }
            assertThat(meta.prepares).containsExactly(STREAM, STREAM);
            assertThat(meta.lastExecution(STREAM).statementId).isNotEqualTo(first.statementId);
        }
    }

    @Test
    void aQueryTheServerEndedIsReportedAsALostCursor() throws Exception {
        try (Connection c = connect(""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(STREAM)) {
            FakeServerMeta.Execution execution = meta.lastExecution(STREAM);
            feed.add(row(1L));
            assertThat(rs.next()).isTrue();

            // the server ends the query by itself (CANCEL QUERY from another session, idle expiry)
            meta.closeStatement(new org.apache.calcite.avatica.Meta.StatementHandle(
                    execution.connectionId, execution.statementId, null));

            SQLException e = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class,
                    () -> assertTimeoutPreemptively(DEADLINE, rs::next));
            assertThat(e.getSQLState()).isEqualTo("24000");
            assertThat(e.getMessage()).isEqualTo("the query of statement " + execution.statementId
                    + " no longer exists on 127.0.0.1:" + server.port()
                    + " (ended by the server: idle timeout, CANCEL QUERY or restart)");
            assertThat(rs.isClosed()).isTrue();
        }
    }

    @Test
    void fetchesAskForTheFetchSize() throws Exception {
        meta.on("ENDLESS", Behaviors.endless(bigintColumns("N")));
        try (Connection c = connect("?fetch_size=7"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("ENDLESS")) {
                for (int i = 0; i < 8; i++) {
                    assertThat(rs.next()).isTrue();
                }
                rs.setFetchSize(3);
                for (int i = 0; i < 7; i++) {
                    assertThat(rs.next()).isTrue();
                }
            }
            FakeServerMeta.Execution execution = meta.lastExecution("ENDLESS");
            assertThat(execution.firstFrameRows).isEqualTo(7);
            assertThat(execution.fetchSizes).containsExactly(7, 3);

            s.setFetchSize(0); // back to the connection's fetch_size
            assertThat(s.getFetchSize()).isEqualTo(7);
            assertThatThrownBy(() -> s.setFetchSize(-1)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("setFetchSize(-1)").extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("22023");
        }
    }
}
