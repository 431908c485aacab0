package io.runnel.bench.suite.runnel;

import io.runnel.bench.data.Order;
import io.runnel.bench.suite.Side;
import io.runnel.bench.suite.load.Acks;
import io.runnel.bench.suite.load.AggregateResult;
import io.runnel.bench.suite.load.ConsumeResult;
import io.runnel.bench.suite.load.Dataset;
import io.runnel.bench.suite.load.DiskUsage;
import io.runnel.bench.suite.load.LatencyRecorder;
import io.runnel.bench.suite.load.LatencyResult;
import io.runnel.bench.suite.load.PacedSchedule;
import io.runnel.bench.suite.load.Projection;
import io.runnel.bench.suite.load.ProduceResult;
import io.runnel.bench.suite.load.RowChecksum;
import io.runnel.bench.suite.load.RowProgress;
import io.runnel.bench.suite.load.SumsCheck;
import io.runnel.bench.suite.load.SystemUnderTest;
import io.runnel.bench.suite.load.WriteLatencyResult;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Runnel side: a {@link RunnelServer} and plain JDBC, as any user of the driver writes it —
 * {@code DriverManager.getConnection}, a prepared INSERT with {@code executeBatch}, and
 * {@code SELECT … EMIT CHANGES} read through the ordinary {@code ResultSet} getters.
 *
 * <p>Not thread-safe, as {@link SystemUnderTest} says; {@link #abort()} closes the statements and
 * connections of the running operation from another thread.
 */
public final class RunnelSystem implements SystemUnderTest {
    /** Rows per {@code executeBatch} in the produce scenario. */
    public static final int INSERT_BATCH_ROWS = 10_000;
    /** In the latency scenario, the rows that became due are sent with one executeBatch every 5 ms. */
    public static final long LATENCY_BATCH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long LATENCY_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final RunnelEndpoint server;
    private final int partitions;
    /** JDBC objects of the running operation; closed by {@link #abort()} from another thread. */
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    public RunnelSystem(RunnelEndpoint server, int partitions) {
        this.server = server;
        this.partitions = partitions;
        try {
            Class.forName(RunnelAvailability.DRIVER_CLASS); // registers the driver even without ServiceLoader
        } catch (ClassNotFoundException | LinkageError e) {
            // DriverManager finds drivers through META-INF/services too; it says so if there is none
        }
    }

    @Override
    public Side side() {
        return Side.RUNNEL;
    }

    private Connection connect(Acks acks) throws SQLException {
        Connection c = DriverManager.getConnection(RunnelSql.withAcks(server.jdbcUrl(), acks));
        open.add(c);
        return c;
    }

    private void release(AutoCloseable resource) {
        open.remove(resource);
    }

    @Override
    public void createTopic(String topic) throws Exception {
        try (Connection c = connect(Acks.ALL); Statement st = c.createStatement()) {
            st.execute(RunnelSql.createTopic(topic, partitions));
        } finally {
            open.clear();
        }
    }

    @Override
    public void deleteTopic(String topic) throws Exception {
        try (Connection c = connect(Acks.ALL); Statement st = c.createStatement()) {
            st.execute(RunnelSql.dropTopic(topic));
        } finally {
            open.clear();
        }
    }

    @Override
    public ProduceResult produce(String topic, Dataset data, int rows, Acks acks, RowProgress progress,
            long timeoutNanos) throws Exception {
        try (Connection c = connect(acks); PreparedStatement ps = c.prepareStatement(RunnelSql.insert(topic))) {
            long start = System.nanoTime();
            int inBatch = 0;
            for (int i = 0; i < rows; i++) {
                bind(ps, data.row(i));
                ps.addBatch();
                if (++inBatch == INSERT_BATCH_ROWS || i == rows - 1) {
                    checkUpdateCounts(ps.executeBatch(), inBatch);
                    inBatch = 0;
                    progress.rowsDone(i + 1);
                    if (i < rows - 1 && System.nanoTime() - start > timeoutNanos) {
                        throw new TimeoutException("inserted " + (i + 1) + " of " + rows + " rows before the time limit");
                    }
                }
            }
            return new ProduceResult(rows, System.nanoTime() - start);
        } finally {
            open.clear();
        }
    }

    static void bind(PreparedStatement ps, Order o) throws SQLException {
        ps.setLong(1, o.id());
        ps.setString(2, o.customer());
        ps.setString(3, o.product());
        ps.setBigDecimal(4, BigDecimal.valueOf(o.amountCents(), 2));
        ps.setInt(5, o.qty());
        ps.setTimestamp(6, new Timestamp(o.placedAtMs()));
    }

    /** A batch must report one row per INSERT (or SUCCESS_NO_INFO): anything else is a lost row. */
    static void checkUpdateCounts(int[] counts, int expectedRows) throws SQLException {
        if (counts.length != expectedRows) {
            throw new SQLException("executeBatch returned " + counts.length + " update counts for " + expectedRows + " rows");
        }
        for (int count : counts) {
            if (count != 1 && count != Statement.SUCCESS_NO_INFO) {
                throw new SQLException("executeBatch returned an update count of " + count + " for one INSERT");
            }
        }
    }

    @Override
    public WriteLatencyResult writeLatency(String topic, Dataset data, int writes, RowProgress progress,
            long timeoutNanos) throws Exception {
        LatencyRecorder recorder = new LatencyRecorder();
        try (Connection c = connect(Acks.ALL); PreparedStatement ps = c.prepareStatement(RunnelSql.insert(topic))) {
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                bind(ps, data.row(i));
                long t0 = System.nanoTime();
                int count = ps.executeUpdate();
                recorder.record(System.nanoTime(), t0);
                if (count != 1) {
                    throw new SQLException("executeUpdate of one row returned " + count);
                }
                if ((i & 0xff) == 0xff) {
                    progress.rowsDone(i + 1);
                }
                if (System.nanoTime() - start > timeoutNanos) {
                    throw new TimeoutException("wrote " + (i + 1) + " of " + writes + " rows before the time limit");
                }
            }
            progress.rowsDone(writes);
            return WriteLatencyResult.of(recorder, "PreparedStatement.executeUpdate of a one-row INSERT, acks=all");
        } finally {
            open.clear();
        }
    }

    @Override
    public DiskUsage diskUsage(String topic) throws Exception {
        return RunnelDiskLayout.count(server.dataDir(), topic);
    }

    @Override
    public ConsumeResult consume(String topic, Dataset data, int rows, Projection projection, RowProgress progress,
            long timeoutNanos) throws Exception {
        long expected = data.expectedChecksum(rows, projection);
        RowChecksum checksum = new RowChecksum();
        long start = System.nanoTime();
        long read = 0;
        try (Connection c = connect(Acks.ALL); Statement st = c.createStatement()) {
            open.add(st);
            ResultSet rs = st.executeQuery(RunnelSql.consume(topic, projection));
            while (read < rows && rs.next()) {
                if (projection == Projection.ALL_COLUMNS) {
                    checksum.add(rs.getLong(1), rs.getString(2), rs.getString(3), cents(rs.getBigDecimal(4)),
                            rs.getInt(5), rs.getTimestamp(6).getTime());
                } else {
                    checksum.addProjected(rs.getLong(1), cents(rs.getBigDecimal(2)));
                }
                if ((++read & 0x3fff) == 0) {
                    progress.rowsDone(read);
                    if (System.nanoTime() - start > timeoutNanos) {
                        throw new TimeoutException("read " + read + " of " + rows + " rows before the time limit");
                    }
                }
            }
            long nanos = System.nanoTime() - start;
            if (read < rows) {
                throw new SQLException("the EMIT CHANGES result set ended after " + read + " of " + rows + " rows");
            }
            progress.rowsDone(read);
            return new ConsumeResult(read, nanos, checksum.value(), expected);
            // Statement.close() (try-with-resources) ends the streaming query.
        } finally {
            open.clear();
        }
    }

    /** DECIMAL(12,2) as cents, exactly. */
    static long cents(BigDecimal amount) {
        if (amount.scale() == 2) {
            return amount.unscaledValue().longValueExact();
        }
        return amount.setScale(2, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
    }

    @Override
    public AggregateResult aggregate(String topic, Dataset data, int rows, RowProgress progress, long timeoutNanos)
            throws Exception {
        Map<String, Long> expected = data.expectedSumsByCustomer(rows);
        long start = System.nanoTime();
        try (Connection c = connect(Acks.ALL); Statement st = c.createStatement()) {
            open.add(st);
            Map<String, Long> sums = new HashMap<>();
            try (ResultSet rs = st.executeQuery(RunnelSql.aggregate(topic))) {
                while (rs.next()) {
                    sums.put(rs.getString(1), cents(rs.getBigDecimal(2)));
                }
            }
            long nanos = System.nanoTime() - start;
            progress.rowsDone(rows);
            // The server aggregates: the rows it read are not visible here; the sums prove them.
            return new AggregateResult(rows, sums.size(), nanos, SumsCheck.firstMismatch(expected, sums, rows, rows));
        } finally {
            open.clear();
        }
    }

    @Override
    public LatencyResult latency(String topic, Dataset data, int ratePerSecond, double seconds, RowProgress progress)
            throws Exception {
        long total = Math.round(ratePerSecond * seconds);
        if (total > data.size()) {
            throw new IllegalArgumentException("latency run needs " + total + " rows, dataset has " + data.size());
        }
        LatencyRecorder recorder = new LatencyRecorder();
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        AtomicLong received = new AtomicLong();
        CountDownLatch positioned = new CountDownLatch(1);
        CountDownLatch scheduled = new CountDownLatch(1);
        AtomicReference<PacedSchedule> schedule = new AtomicReference<>();
        long hardDeadline = System.nanoTime() + (long) (seconds * 1e9) + LATENCY_DRAIN_NANOS + TimeUnit.SECONDS.toNanos(30);

        Thread reader = new Thread(() -> {
            try (Connection c = connect(Acks.ALL); Statement st = c.createStatement()) {
                open.add(st);
                ResultSet rs = st.executeQuery(RunnelSql.consume(topic, Projection.ALL_COLUMNS));
                positioned.countDown();
                if (!scheduled.await(120, TimeUnit.SECONDS)) {
                    return; // the producer side never started; it reports why
                }
                PacedSchedule s = schedule.get();
                long count = 0;
                while (count < total && rs.next()) {
                    long id = rs.getLong(1);
                    String customer = rs.getString(2);
                    String product = rs.getString(3);
                    long amount = cents(rs.getBigDecimal(4));
                    int qty = rs.getInt(5);
                    long placedAt = rs.getTimestamp(6).getTime();
                    long now = System.nanoTime();
                    recorder.record(now, s.intendedNanos(id));
                    if (customer.isEmpty() && product.isEmpty() && amount + qty + placedAt == 0) {
                        throw new IllegalStateException("impossible row " + id); // keeps every read alive
                    }
                    received.set(++count);
                    if ((count & 0x3ff) == 0) {
                        progress.rowsDone(count);
                    }
                }
                progress.rowsDone(count);
            } catch (Throwable t) {
                readerFailure.compareAndSet(null, t);
            } finally {
                positioned.countDown();
            }
        }, "runnel-latency-reader");
        reader.setDaemon(true);
        reader.start();

        try (Connection c = connect(Acks.ALL); PreparedStatement ps = c.prepareStatement(RunnelSql.insert(topic))) {
            if (!positioned.await(60, TimeUnit.SECONDS) || readerFailure.get() != null) {
                throw new IllegalStateException("the latency reader did not start", readerFailure.get());
            }
            PacedSchedule s = PacedSchedule.of(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), ratePerSecond, seconds);
            schedule.set(s);
            scheduled.countDown();
            long sent = 0;
            long lastSendNanos = s.startNanos();
            long nextTick = s.startNanos();
            // Every 5 ms, the rows that have become due go out in one executeBatch (a JDBC user's
            // counterpart of Kafka's linger.ms=5); a slow batch makes the next one bigger.
            while (sent < total) {
                PacedSchedule.parkUntil(nextTick);
                long due = s.dueCount(System.nanoTime());
                if (due > sent) {
                    for (long i = sent; i < due; i++) {
                        bind(ps, data.row((int) i));
                        ps.addBatch();
                    }
                    checkUpdateCounts(ps.executeBatch(), (int) (due - sent));
                    sent = due;
                    lastSendNanos = System.nanoTime();
                }
                nextTick = Math.max(nextTick + LATENCY_BATCH_INTERVAL_NANOS, System.nanoTime());
                if (System.nanoTime() > hardDeadline) {
                    throw new TimeoutException("sent " + sent + " of " + total + " rows before the time limit");
                }
            }
            reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(hardDeadline - System.nanoTime())));
            if (reader.isAlive()) {
                abort();
                reader.join(10_000);
            }
            if (readerFailure.get() != null) {
                throw new IllegalStateException("the latency reader failed", readerFailure.get());
            }
            if (recorder.count() != total) {
                throw new TimeoutException("received " + received.get() + " of " + total + " rows within the drain time");
            }
            double achieved = total * 1e9 / Math.max(1, lastSendNanos - s.startNanos());
            return LatencyResult.of(recorder, ratePerSecond, achieved,
                    "executeBatch of the rows due every 5 ms (acks=all); EMIT CHANGES from _offset >= 0, next() + all getters");
        } finally {
            if (reader.isAlive()) {
                abort();
            }
            open.clear();
        }
    }

    @Override
    public Optional<ProcessHandle> serverProcess() {
        return Optional.of(server.process());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("available", true);
        d.put("version", server.version());
        d.put("jdbcUrl", server.jdbcUrl());
        try (Connection c = connect(Acks.ALL)) {
            DatabaseMetaData md = c.getMetaData();
            d.put("productVersion", md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());
            d.put("driverVersion", md.getDriverName() + " " + md.getDriverVersion());
        } catch (SQLException e) {
            d.put("productVersion", "unknown: " + e.getMessage());
        } finally {
            open.clear();
        }
        d.put("serverJvm", server.describeJvm());
        Map<String, Object> sql = new LinkedHashMap<>();
        sql.put("createTopic", RunnelSql.createTopic("<topic>", partitions));
        sql.put("insert", RunnelSql.insert("<topic>") + " — executeBatch every " + INSERT_BATCH_ROWS + " rows");
        sql.put("consume", RunnelSql.consume("<topic>", Projection.ALL_COLUMNS));
        sql.put("projectedConsume", RunnelSql.consume("<topic>", Projection.ID_AND_AMOUNT));
        sql.put("aggregate", RunnelSql.aggregate("<topic>"));
        d.put("sql", sql);
        d.put("partitions", partitions);
        return d;
    }

    @Override
    public void abort() {
        for (AutoCloseable resource : open) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // closing to unblock: a failure to close changes nothing
            }
            release(resource);
        }
    }

    @Override
    public void close() {
        abort();
        server.close();
    }
}
