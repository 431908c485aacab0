package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runnel.storage.format.BatchFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Phase B fault harness: three broker JVMs and a ZooKeeper JVM on 127.0.0.1; concurrent {@code acks=all}
 * writers with unique ids through the failover URL of all three brokers (two INSERT a row per statement,
 * two executeBatch 1-4 rows through the driver's data path, whose requests are resent while their outcome
 * is unknown), and concurrent readers; seeded
 * faults — kill -9 of a partition leader (restarted after), SIGSTOP/SIGCONT of a broker for longer than
 * its ZooKeeper session, and network partitions cutting a broker's inbound broker-to-broker links (a
 * {@link LinkProxy} in front of each broker port). After every fault the cluster must heal (every ISR
 * full); at the end:
 *
 * <ul>
 *   <li>{@code NoAcknowledgedRowLost / ExactlyOnce}: every acknowledged row is readable exactly once; rows of
 *       INSERTs whose outcome was unknown (the client saw an error) appear at most once and are counted;
 *       no row appears that was never written;
 *   <li>{@code AckOrderPerPartition}: each writer is sequential, so within a partition its rows' offsets
 *       increase with its sequence numbers (the order of acknowledgement);
 *   <li>{@code SingleLeaderPerEpoch}: every (partition, leader epoch) observed in {@code sys.partitions}
 *       through any broker during the run names one leader; in the stored logs (read from the segment
 *       files after a clean stop) epochs never decrease along offsets, each epoch's batches are
 *       contiguous, and the three replicas hold identical batches (offset, epoch, CRC);
 *   <li>{@code HealedIsr}: after the faults stop every ISR is full.
 * </ul>
 *
 * <p>Seeded ({@code -Dfault.seed=N} repeats a run's fault schedule — the kinds, their order and the
 * partition or broker each one picks; the seed is printed). Which broker a "kill the leader of partition
 * p" hits depends on where leadership moved before, so a schedule repeats exactly only as far as the
 * processes' timing does. The CI variant
 * injects one fault of each kind plus one more; {@code -Dsoak.minutes=30} runs faults for that long.
 */
class ClusterFaultIT {
    private static final String TOPIC = "ledger";
    private static final int PARTITIONS = 3;
    private static final int SESSION_TIMEOUT_MS = 3_000;
    /** Odd writers INSERT one row per statement (server-built batches); even ones executeBatch 1-4 rows (the data path). */
    private static final int WRITERS = 4;
    private static final Duration HEAL_TIMEOUT = Duration.ofSeconds(90);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<Integer, Broker> brokers = new TreeMap<>();
    private ChildServer zookeeper;
    private Path base;

    /** Every (partition, epoch) → leader seen in sys.partitions; a second leader for one epoch is a violation. */
    private final Map<String, Integer> epochLeaders = new ConcurrentHashMap<>();
    private final List<String> epochViolations = Collections.synchronizedList(new ArrayList<>());

    /** One broker: fixed SQL and broker ports (kept across restarts), the proxy other brokers reach it through. */
    private final class Broker {
        final int id;
        final Path dir;
        final int sqlPort;
        final int brokerPort;
        final LinkProxy proxy;
        ChildServer process;

        Broker(int id) throws IOException {
            this.id = id;
            this.dir = base.resolve("broker-" + id);
            this.sqlPort = freePort();
            this.brokerPort = freePort();
            this.proxy = new LinkProxy(brokerPort);
            resources.add(proxy);
        }

        void start() throws Exception {
            process = ChildServer.start(dir, "--broker-id", Integer.toString(id), "--sql-port", Integer.toString(sqlPort),
                    "--broker-port", Integer.toString(brokerPort), "--zookeeper-connect", "127.0.0.1:" + zookeeper.port(),
                    "--set", "advertised_broker_port=" + proxy.port(), "--set", "zookeeper_session_timeout_ms=" + SESSION_TIMEOUT_MS,
                    "--set", "replica_lag_time_max_ms=3000", "--set", "produce_timeout_ms=8000",
                    "--set", "broker_request_timeout_ms=8000", "--set", "controlled_shutdown_timeout_ms=3000");
        }

        String url() {
            return "jdbc:runnel://127.0.0.1:" + sqlPort;
        }

        boolean running() {
            return process != null && process.isAlive();
        }
    }

    @AfterEach
    void cleanUp() {
        for (Broker b : brokers.values()) {
            if (b.process != null) {
                b.process.close();
            }
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void acknowledgedRowsSurviveKillsPausesAndPartitions() throws Exception {
        long seed = Long.getLong("fault.seed", System.nanoTime());
        double soakMinutes = Double.parseDouble(System.getProperty("soak.minutes", "0"));
        System.out.println("ClusterFaultIT seed " + seed + " (repeat with -Dfault.seed=" + seed + ")"
                + (soakMinutes > 0 ? ", soak " + soakMinutes + " min" : ""));
        Random random = new Random(seed);

        base = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "runnel-faults-");
        zookeeper = ChildServer.startZooKeeper(base.resolve("zookeeper"), 250);
        for (int id = 1; id <= 3; id++) {
            brokers.put(id, new Broker(id));
        }
        startAll(brokers.values());
        String failoverUrl = "jdbc:runnel://" + brokers.values().stream().map(b -> "127.0.0.1:" + b.sqlPort)
                .collect(Collectors.joining(","));
        try (Connection c = DriverManager.getConnection(brokers.get(1).url()); Statement s = c.createStatement()) {
            s.execute("CREATE TOPIC " + TOPIC + " (id BIGINT NOT NULL, writer INTEGER NOT NULL, seq BIGINT NOT NULL)"
                    + " WITH (partitions = " + PARTITIONS + ", replication_factor = 3, min_insync_replicas = 2)");
        }
        awaitHealed("after create");

        Workload load = new Workload(failoverUrl);
        load.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> load.acked.get() >= 50);

        List<String> kinds = new ArrayList<>(List.of("kill", "pause", "partition"));
        kinds.add(kinds.get(random.nextInt(kinds.size())));
        Collections.shuffle(kinds, random);
        long soakDeadline = System.nanoTime() + (long) (soakMinutes * 60e9);
        List<Long> failoverMs = new ArrayList<>();
        int faults = 0;
        for (int i = 0; i < kinds.size() || System.nanoTime() < soakDeadline; i++) {
            String kind = i < kinds.size() ? kinds.get(i) : List.of("kill", "pause", "partition").get(random.nextInt(3));
            long ackedBefore = load.acked.get();
            switch (kind) {
                case "kill" -> failoverMs.add(killLeader(random));
                case "pause" -> pauseBroker(random);
                default -> partitionBroker(random);
            }
            faults++;
            awaitHealed("after fault " + faults + " (" + kind + ")");
            // traffic flows again before the next fault
            await().atMost(HEAL_TIMEOUT).until(() -> load.acked.get() >= ackedBefore + 20);
            System.out.println("fault " + faults + " (" + kind + ") healed; acknowledged so far " + load.acked.get()
                    + ", unknown outcome " + load.unknown.size());
        }
        load.stop();
        awaitHealed("at the end");
        long duplicateBatches = 0;
        long idempotentRetries = 0;
        for (Broker b : brokers.values()) {
            duplicateBatches += metric(b, "runnel_duplicate_batches_total");
            idempotentRetries += metric(b, "runnel_idempotent_retries_total");
        }
        System.out.printf(Locale.ROOT, "ClusterFaultIT seed %d: idempotent produce: %d batches recognized as resent by leaders, "
                + "%d produces resent by brokers to a new leader (counters since each broker's last start); failed writes by "
                + "SQLSTATE: %s%n", seed, duplicateBatches, idempotentRetries, new TreeMap<>(load.failures));

        // ---- checks through SQL
        Map<Long, long[]> stored = new HashMap<>(); // id -> {writer, seq, partition, offset}
        int rows = 0;
        List<Long> duplicates = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(failoverUrl); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, writer, seq, _partition, _offset FROM " + TOPIC)) {
            while (rs.next()) {
                rows++;
                long id = rs.getLong(1);
                if (stored.put(id, new long[] {rs.getInt(2), rs.getLong(3), rs.getInt(4), rs.getLong(5)}) != null) {
                    duplicates.add(id);
                }
            }
        }
        Set<Long> lost = new HashSet<>(load.ackedIds);
        lost.removeAll(stored.keySet());
        Set<Long> phantom = new HashSet<>(stored.keySet());
        phantom.removeAll(load.ackedIds);
        phantom.removeAll(load.unknown);
        long unknownStored = load.unknown.stream().filter(stored::containsKey).count();
        List<String> orderViolations = ackOrderViolations(stored);
        System.out.printf(Locale.ROOT, "ClusterFaultIT seed %d: %d faults, %d rows acknowledged, %d INSERTs with unknown outcome "
                + "(%d of them stored), %d rows stored, %d lost, %d duplicates, %d phantoms, %d order violations, reader snapshots %d "
                + "(%d anomalies); failover after kill -9 (ms): %s%n", seed, faults, load.ackedIds.size(), load.unknown.size(),
                unknownStored, rows, lost.size(), duplicates.size(), phantom.size(), orderViolations.size(), load.snapshots.get(),
                load.readerAnomalies.size(), failoverMs);
        assertThat(lost).as("NoAcknowledgedRowLost").isEmpty();
        assertThat(duplicates).as("ExactlyOnce").isEmpty();
        assertThat(phantom).as("no row that was never written").isEmpty();
        assertThat(orderViolations).as("AckOrderPerPartition").isEmpty();
        assertThat(load.readerAnomalies).as("reader snapshots: no row twice").isEmpty();
        assertThat(epochViolations).as("SingleLeaderPerEpoch (metadata)").isEmpty();

        // ---- the stored logs, after a clean stop of every broker, once every follower has the leader's whole log
        await().atMost(HEAL_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            for (Map<String, String> p : partitions(anyRunning(-1))) {
                assertThat(p.get("high_watermark")).isEqualTo(p.get("log_end_offset"));
            }
        });
        for (Broker b : brokers.values()) {
            b.process.stop();
        }
        for (int p = 0; p < PARTITIONS; p++) {
            Map<Integer, List<StoredBatch>> replicas = new TreeMap<>();
            for (Broker b : brokers.values()) {
                List<StoredBatch> log = readLog(b.dir.resolve("topics").resolve(TOPIC).resolve(Integer.toString(p)));
                replicas.put(b.id, log);
                assertThat(epochsNeverDecrease(log)).as("epochs along offsets of %s-%d on broker %d", TOPIC, p, b.id).isTrue();
                assertThat(epochsContiguous(log)).as("each epoch's batches contiguous in %s-%d on broker %d", TOPIC, p, b.id)
                        .isTrue();
            }
            List<StoredBatch> first = replicas.get(1);
            for (Map.Entry<Integer, List<StoredBatch>> e : replicas.entrySet()) {
                assertThat(e.getValue()).as("replica of %s-%d on broker %d equals broker 1's", TOPIC, p, e.getKey())
                        .isEqualTo(first);
            }
        }
    }

    // ------------------------------------------------------------------ faults

    /** kill -9 of the leader of a random partition; returns ms until that partition took a write on its new leader. */
    private long killLeader(Random random) throws Exception {
        int partition = random.nextInt(PARTITIONS);
        Map<String, String> before = partitions(anyRunning(-1)).get(partition);
        int leader = Integer.parseInt(before.get("leader"));
        long hwBefore = Long.parseLong(before.get("high_watermark"));
        Broker victim = brokers.get(leader);
        long killed = System.nanoTime();
        victim.process.kill9();
        System.out.println("fault: kill -9 broker " + leader + " (leader of " + TOPIC + "-" + partition + ")");
        AtomicLong hw = new AtomicLong();
        await().atMost(HEAL_TIMEOUT).pollInterval(Duration.ofMillis(25)).ignoreExceptions().until(() -> {
            Map<String, String> now = partitions(anyRunning(leader)).get(partition);
            hw.set(Long.parseLong(now.get("high_watermark")));
            return !now.get("leader").equals(Integer.toString(leader)) && hw.get() > hwBefore;
        });
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        victim.start();
        return ms;
    }

    /** SIGSTOP of a random broker until the others no longer see it (its session expired), then SIGCONT. */
    private void pauseBroker(Random random) throws Exception {
        Broker victim = brokers.get(1 + random.nextInt(3));
        victim.process.signal("STOP");
        System.out.println("fault: SIGSTOP broker " + victim.id);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> !liveBrokers(anyRunning(victim.id)).contains(victim.id));
        } finally {
            victim.process.signal("CONT");
        }
    }

    /**
     * Cuts every link into the broker port of a random partition's leader (its followers can no longer
     * fetch, nor other brokers forward to it) until it shrank that partition's ISR to itself (within 20 s), then heals.
     */
    private void partitionBroker(Random random) throws Exception {
        int partition = random.nextInt(PARTITIONS);
        Broker victim = brokers.get(Integer.parseInt(partitions(anyRunning(-1)).get(partition).get("leader")));
        victim.proxy.cut();
        System.out.println("fault: partition the broker links into broker " + victim.id + " (leader of " + TOPIC + "-" + partition + ")");
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                    partitions(anyRunning(victim.id)).stream().anyMatch(p -> p.get("leader").equals(Integer.toString(victim.id))
                            && p.get("isr").equals(Integer.toString(victim.id))));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("broker " + victim.id + ", cut off from its followers, did not shrink any ISR within 20 s", e);
        } finally {
            victim.proxy.heal();
        }
    }

    // ------------------------------------------------------------------ cluster state

    private void startAll(Iterable<Broker> list) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
        for (Broker b : list) {
            Thread t = new Thread(() -> {
                try {
                    b.start();
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "start-broker-" + b.id);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(120));
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private Broker anyRunning(int except) {
        return brokers.values().stream().filter(b -> b.id != except && b.running()).findFirst().orElseThrow();
    }

    /** Waits until every broker runs, is registered, and every partition has a leader and a full ISR. */
    private void awaitHealed(String when) {
        try {
            await().atMost(HEAL_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
                for (Broker b : brokers.values()) {
                    assertThat(b.running()).as("broker %d runs", b.id).isTrue();
                }
                for (Broker b : brokers.values()) {
                    assertThat(liveBrokers(b)).containsExactlyInAnyOrder(1, 2, 3);
                    for (Map<String, String> p : partitions(b)) {
                        assertThat(p.get("leader")).isNotEqualTo("-1");
                        assertThat(Set.of(p.get("isr").split(","))).containsExactlyInAnyOrder("1", "2", "3");
                    }
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("HealedIsr: the cluster did not heal " + when + " within " + HEAL_TIMEOUT, e);
        }
    }

    private List<Map<String, String>> partitions(Broker b) throws SQLException {
        List<Map<String, String>> out = new ArrayList<>();
        try (Connection c = connect(b.url()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT partition_id, leader, leader_epoch, isr, high_watermark, log_end_offset"
                        + " FROM sys.partitions"
                        + " WHERE topic = '" + TOPIC + "' ORDER BY partition_id")) {
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (String col : List.of("partition_id", "leader", "leader_epoch", "isr", "high_watermark", "log_end_offset")) {
                    row.put(col, rs.getString(col));
                }
                out.add(row);
                int leader = Integer.parseInt(row.get("leader"));
                if (leader >= 0) {
                    String key = row.get("partition_id") + "@" + row.get("leader_epoch");
                    Integer previous = epochLeaders.putIfAbsent(key, leader);
                    if (previous != null && previous != leader) {
                        epochViolations.add(TOPIC + "-" + key + ": leaders " + previous + " and " + leader);
                    }
                }
            }
        }
        return out;
    }

    private Set<Integer> liveBrokers(Broker b) throws SQLException {
        Set<Integer> ids = new HashSet<>();
        try (Connection c = connect(b.url()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT broker_id FROM sys.brokers")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    private static Connection connect(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("connect_timeout_ms", "2000");
        p.setProperty("socket_timeout_ms", "15000");
        p.setProperty("retry_timeout_ms", "20000");
        return DriverManager.getConnection(url, p);
    }

    /** A counter from a broker's /metrics page. */
    private static long metric(Broker b, String name) throws IOException, InterruptedException {
        java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + b.sqlPort + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        for (String line : page.body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("broker " + b.id + " has no metric " + name + " on /metrics");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // ------------------------------------------------------------------ workload

    /** Sequential acks=all writers with unique ids (writer × 10^9 + seq) and snapshot readers, all through the failover URL. */
    private static final class Workload {
        final String url;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong acked = new AtomicLong();
        final Set<Long> ackedIds = ConcurrentHashMap.newKeySet();
        final Set<Long> unknown = ConcurrentHashMap.newKeySet();
        /** Failed writes by kind of writer and SQLSTATE, e.g. "executeBatch 08007". */
        final Map<String, Integer> failures = new ConcurrentHashMap<>();
        final AtomicLong snapshots = new AtomicLong();
        final List<String> readerAnomalies = Collections.synchronizedList(new ArrayList<>());
        final List<Thread> threads = new ArrayList<>();

        Workload(String url) {
            this.url = url;
        }

        void start() {
            for (int w = 1; w <= WRITERS; w++) {
                int writer = w;
                threads.add(new Thread(() -> write(writer), "writer-" + w));
            }
            threads.add(new Thread(this::read, "reader"));
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(t.isAlive()).as("%s ends", t.getName()).isFalse();
            }
        }

        /**
         * One sequential writer. Odd writers INSERT one row per statement (batches built by the server); even
         * ones executeBatch 1-4 rows of a prepared INSERT (the driver's data path, whose requests carry the
         * statement's producer id and sequences and are resent while their outcome is unknown).
         */
        private void write(int writer) {
            boolean dataPath = writer % 2 == 0;
            java.util.Random sizes = new java.util.Random(writer);
            Connection c = null;
            PreparedStatement insert = null;
            long seq = 0;
            while (!stop.get()) {
                int rows = dataPath ? 1 + sizes.nextInt(4) : 1;
                List<Long> ids = new ArrayList<>();
                for (int r = 0; r < rows; r++) {
                    ids.add(writer * 1_000_000_000L + seq + r);
                }
                try {
                    if (c == null) {
                        c = connect(url);
                        insert = dataPath ? c.prepareStatement("INSERT INTO " + TOPIC + " (id, writer, seq) VALUES (?, ?, ?)") : null;
                    }
                    if (dataPath) {
                        for (int r = 0; r < rows; r++) {
                            insert.setLong(1, ids.get(r));
                            insert.setInt(2, writer);
                            insert.setLong(3, seq + r);
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    } else {
                        try (Statement s = c.createStatement()) {
                            s.executeUpdate("INSERT INTO " + TOPIC + " (id, writer, seq) VALUES (" + ids.get(0) + ", " + writer
                                    + ", " + seq + ")");
                        }
                    }
                    ackedIds.addAll(ids);
                    acked.addAndGet(rows);
                } catch (SQLException e) {
                    // Outcome unknown unless the statement never reached a server: never reuse the ids.
                    unknown.addAll(ids);
                    failures.merge((dataPath ? "executeBatch " : "INSERT ") + e.getSQLState(), 1, Integer::sum);
                    if (e.getSQLState() == null || e.getSQLState().startsWith("08")) {
                        closeQuietly(c);
                        c = null;
                    }
                    backoff();
                }
                seq += rows;
            }
            closeQuietly(c);
        }

        private void read() {
            Connection c = null;
            while (!stop.get()) {
                try {
                    if (c == null) {
                        c = connect(url);
                    }
                    Set<Long> seen = new HashSet<>();
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM " + TOPIC)) {
                        while (rs.next()) {
                            long id = rs.getLong(1);
                            if (!seen.add(id)) {
                                readerAnomalies.add("duplicate " + id);
                            }
                        }
                    }
                    snapshots.incrementAndGet();
                } catch (SQLException e) {
                    if (e.getSQLState() == null || e.getSQLState().startsWith("08")) {
                        closeQuietly(c);
                        c = null;
                    }
                    backoff();
                }
            }
            closeQuietly(c);
        }

        private static void backoff() {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }

        private static void closeQuietly(Connection c) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // the server is gone
                }
            }
        }
    }

    /** Within a partition, each writer's rows must have increasing offsets in increasing seq (acknowledgement) order. */
    private static List<String> ackOrderViolations(Map<Long, long[]> stored) {
        Map<String, TreeMap<Long, Long>> byPartitionWriter = new HashMap<>(); // "p/w" -> seq -> offset
        for (long[] r : stored.values()) {
            byPartitionWriter.computeIfAbsent(r[2] + "/" + r[0], k -> new TreeMap<>()).put(r[1], r[3]);
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Long, Long>> e : byPartitionWriter.entrySet()) {
            long lastOffset = -1;
            for (Map.Entry<Long, Long> s : e.getValue().entrySet()) {
                if (s.getValue() <= lastOffset) {
                    out.add("partition/writer " + e.getKey() + ": seq " + s.getKey() + " at offset " + s.getValue()
                            + " not after " + lastOffset);
                }
                lastOffset = s.getValue();
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ stored batches

    /** A batch as stored: its offsets, leader epoch and CRC (docs/format/segment.md). */
    record StoredBatch(long baseOffset, int records, int leaderEpoch, int crc) {}

    private static List<StoredBatch> readLog(Path partitionDir) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(partitionDir)) {
            segments = files.filter(f -> f.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
        List<StoredBatch> out = new ArrayList<>();
        for (Path segment : segments) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
            int pos = 0;
            while (pos + BatchFormat.HEADER_SIZE <= b.limit()) {
                int length = b.getInt(pos + BatchFormat.LENGTH_OFFSET);
                if (length <= 0 || pos + BatchFormat.LOG_OVERHEAD + length > b.limit()) {
                    break; // preallocated or torn tail (none after a clean stop)
                }
                out.add(new StoredBatch(b.getLong(pos + BatchFormat.BASE_OFFSET_OFFSET), b.getInt(pos + BatchFormat.RECORD_COUNT_OFFSET),
                        b.getInt(pos + BatchFormat.LEADER_EPOCH_OFFSET), b.getInt(pos + BatchFormat.CRC_OFFSET)));
                pos += BatchFormat.LOG_OVERHEAD + length;
            }
        }
        return out;
    }

    private static boolean epochsNeverDecrease(List<StoredBatch> log) {
        for (int i = 1; i < log.size(); i++) {
            if (log.get(i).leaderEpoch() < log.get(i - 1).leaderEpoch()) {
                return false;
            }
        }
        return true;
    }

    private static boolean epochsContiguous(List<StoredBatch> log) {
        Set<Integer> closed = new HashSet<>();
        for (int i = 0; i < log.size(); i++) {
            int e = log.get(i).leaderEpoch();
            if (closed.contains(e)) {
                return false;
            }
            if (i + 1 < log.size() && log.get(i + 1).leaderEpoch() != e) {
                closed.add(e);
            }
        }
        return true;
    }
}
