package io.runnel.replication;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.replication.follower.FetcherConfig;
import io.runnel.replication.metadata.ZkPaths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A broker's cluster settings (the engine's own are {@code EngineConfig}). Immutable; built from
 * properties with {@link #fromProperties} (unknown keys are errors) or from {@link #defaults()}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>host</td><td>127.0.0.1</td><td>the address other brokers and clients use for this broker (advertised)</td></tr>
 *   <tr><td>broker.port</td><td>7071</td><td>the broker-to-broker port (0: an ephemeral one)</td></tr>
 *   <tr><td>sql.port</td><td>7070</td><td>the SQL port, advertised for clients (the server binds it)</td></tr>
 *   <tr><td>broker.rack</td><td>(none)</td><td>rack or zone, for rack-aware replica placement (set on all brokers or none)</td></tr>
 *   <tr><td>zookeeper.connect</td><td>(embedded)</td><td>{@code host:port,...} of a ZooKeeper ensemble; unset: an
 *       embedded ZooKeeper in {@code <data>/zookeeper} (single node only)</td></tr>
 *   <tr><td>zookeeper.root</td><td>/runnel</td><td>the znode under which the cluster keeps its metadata</td></tr>
 *   <tr><td>zookeeper.session.timeout.ms</td><td>4000</td><td>a dead broker is noticed after this; bounds failover time
 *       (the ensemble's tickTime must allow it: 2 to 20 ticks)</td></tr>
 *   <tr><td>zookeeper.connection.timeout.ms</td><td>10000</td><td>start fails when ZooKeeper cannot be reached within this</td></tr>
 *   <tr><td>zookeeper.embedded.port</td><td>0</td><td>the embedded server's port on 127.0.0.1 (0: ephemeral)</td></tr>
 *   <tr><td>zookeeper.embedded.tick.ms</td><td>500</td><td>the embedded server's tick (sessions of 1 to 10 s)</td></tr>
 *   <tr><td>replica.fetch.max.wait.ms</td><td>500</td><td>how long a leader holds a follower's fetch when it has nothing new</td></tr>
 *   <tr><td>replica.fetch.max.bytes</td><td>16MiB</td><td>soft cap of one fetch response</td></tr>
 *   <tr><td>replica.fetch.backoff.ms</td><td>200</td><td>pause after a fetch error</td></tr>
 *   <tr><td>request.timeout.ms</td><td>30000</td><td>a broker-to-broker request unanswered for this long fails</td></tr>
 *   <tr><td>broker.request.threads</td><td>8</td><td>threads handling other brokers' requests</td></tr>
 *   <tr><td>advertised.broker.port</td><td>0</td><td>the broker port other brokers connect to, when it differs from the
 *       one bound (a port forward or a proxy); 0: the bound one</td></tr>
 *   <tr><td>controlled.shutdown.timeout.ms</td><td>5000</td><td>on close, how long to wait for leadership to move away</td></tr>
 * </table>
 */
public record ClusterConfig(
        String host,
        int brokerPort,
        int sqlPort,
        String rack,
        String zookeeperConnect,
        String zookeeperRoot,
        int zookeeperSessionTimeoutMs,
        int zookeeperConnectionTimeoutMs,
        int embeddedZookeeperPort,
        int embeddedZookeeperTickMs,
        FetcherConfig fetcher,
        long requestTimeoutMs,
        int requestThreads,
        long controlledShutdownTimeoutMs,
        int advertisedBrokerPort) {

    public static final Set<String> KEYS = Set.of("host", "broker.port", "sql.port", "broker.rack", "zookeeper.connect",
            "zookeeper.root", "zookeeper.session.timeout.ms", "zookeeper.connection.timeout.ms", "zookeeper.embedded.port",
            "zookeeper.embedded.tick.ms", "replica.fetch.max.wait.ms", "replica.fetch.max.bytes", "replica.fetch.backoff.ms",
            "request.timeout.ms", "broker.request.threads", "controlled.shutdown.timeout.ms", "advertised.broker.port");

    public ClusterConfig {
        if (advertisedBrokerPort < 0 || advertisedBrokerPort > 65_535 || brokerPort < 0 || brokerPort > 65_535 || sqlPort < 0 || sqlPort > 65_535 || embeddedZookeeperPort < 0
                || embeddedZookeeperPort > 65_535) {
            throw new IllegalArgumentException("ports must be 0..65535: broker " + brokerPort + ", sql " + sqlPort
                    + ", embedded ZooKeeper " + embeddedZookeeperPort);
        }
        new ZkPaths(zookeeperRoot);
        if (zookeeperSessionTimeoutMs < 100 || zookeeperConnectionTimeoutMs < 100 || embeddedZookeeperTickMs < 10) {
            throw new IllegalArgumentException("ZooKeeper timeouts too small: session " + zookeeperSessionTimeoutMs + " ms, connection "
                    + zookeeperConnectionTimeoutMs + " ms, tick " + embeddedZookeeperTickMs + " ms");
        }
        if (requestThreads < 1 || requestTimeoutMs <= fetcher.maxWaitMs()) {
            throw new IllegalArgumentException("request.timeout.ms (" + requestTimeoutMs + ") must exceed replica.fetch.max.wait.ms ("
                    + fetcher.maxWaitMs() + ") and broker.request.threads (" + requestThreads + ") be positive");
        }
    }

    public static ClusterConfig defaults() {
        return new ClusterConfig("127.0.0.1", 7071, 7070, null, null, ZkPaths.DEFAULT_ROOT, 4_000, 10_000, 0, 500,
                FetcherConfig.DEFAULTS, 30_000, 8, 5_000, 0);
    }

    /** Whether this broker runs its own ZooKeeper (no {@code zookeeper.connect}). */
    public boolean embeddedZookeeper() {
        return zookeeperConnect == null;
    }

    /**
     * Applies {@code properties} (keys of {@link #KEYS}) on top of {@code base}.
     *
     * @throws EngineException 22023 naming an unknown key or a bad value
     */
    public static ClusterConfig fromProperties(ClusterConfig base, Map<String, String> properties) {
        Map<String, String> p = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey().trim().toLowerCase(Locale.ROOT);
            if (!KEYS.contains(key)) {
                throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "unknown cluster setting '" + e.getKey()
                        + "' (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
            }
            p.put(key, e.getValue().trim());
        }
        FetcherConfig f = base.fetcher();
        FetcherConfig fetcher = new FetcherConfig(intIn(p, "replica.fetch.max.wait.ms", f.maxWaitMs(), 0, 60_000),
                intIn(p, "replica.fetch.max.bytes", f.maxBytes(), 1 << 10, 1 << 30), f.partitionMaxBytes(),
                intIn(p, "replica.fetch.backoff.ms", (int) f.backoffMs(), 1, 60_000),
                intIn(p, "request.timeout.ms", (int) base.requestTimeoutMs(), 1_000, 600_000));
        try {
            return new ClusterConfig(p.getOrDefault("host", base.host()),
                    intIn(p, "broker.port", base.brokerPort(), 0, 65_535),
                    intIn(p, "sql.port", base.sqlPort(), 0, 65_535),
                    p.containsKey("broker.rack") ? emptyToNull(p.get("broker.rack")) : base.rack(),
                    p.containsKey("zookeeper.connect") ? emptyToNull(p.get("zookeeper.connect")) : base.zookeeperConnect(),
                    p.getOrDefault("zookeeper.root", base.zookeeperRoot()),
                    intIn(p, "zookeeper.session.timeout.ms", base.zookeeperSessionTimeoutMs(), 100, 600_000),
                    intIn(p, "zookeeper.connection.timeout.ms", base.zookeeperConnectionTimeoutMs(), 100, 600_000),
                    intIn(p, "zookeeper.embedded.port", base.embeddedZookeeperPort(), 0, 65_535),
                    intIn(p, "zookeeper.embedded.tick.ms", base.embeddedZookeeperTickMs(), 10, 10_000),
                    fetcher, fetcher.requestTimeoutMs(),
                    intIn(p, "broker.request.threads", base.requestThreads(), 1, 1_024),
                    intIn(p, "controlled.shutdown.timeout.ms", (int) base.controlledShutdownTimeoutMs(), 0, 600_000),
                    intIn(p, "advertised.broker.port", base.advertisedBrokerPort(), 0, 65_535));
        } catch (IllegalArgumentException e) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "invalid cluster settings: " + e.getMessage());
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static int intIn(Map<String, String> p, String key, int fallback, int min, int max) {
        String v = p.get(key);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, key + " must be an integer, not '" + v + "'");
        }
        if (n < min || n > max) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, key + " must be between " + min + " and " + max
                    + ", not " + n);
        }
        return (int) n;
    }

    public ClusterConfig withBrokerPort(int v) {
        return new ClusterConfig(host, v, sqlPort, rack, zookeeperConnect, zookeeperRoot, zookeeperSessionTimeoutMs,
                zookeeperConnectionTimeoutMs, embeddedZookeeperPort, embeddedZookeeperTickMs, fetcher, requestTimeoutMs,
                requestThreads, controlledShutdownTimeoutMs, advertisedBrokerPort);
    }

    public ClusterConfig withSqlPort(int v) {
        return new ClusterConfig(host, brokerPort, v, rack, zookeeperConnect, zookeeperRoot, zookeeperSessionTimeoutMs,
                zookeeperConnectionTimeoutMs, embeddedZookeeperPort, embeddedZookeeperTickMs, fetcher, requestTimeoutMs,
                requestThreads, controlledShutdownTimeoutMs, advertisedBrokerPort);
    }

    public ClusterConfig withRack(String v) {
        return new ClusterConfig(host, brokerPort, sqlPort, v, zookeeperConnect, zookeeperRoot, zookeeperSessionTimeoutMs,
                zookeeperConnectionTimeoutMs, embeddedZookeeperPort, embeddedZookeeperTickMs, fetcher, requestTimeoutMs,
                requestThreads, controlledShutdownTimeoutMs, advertisedBrokerPort);
    }

    public ClusterConfig withZookeeperConnect(String v) {
        return new ClusterConfig(host, brokerPort, sqlPort, rack, v, zookeeperRoot, zookeeperSessionTimeoutMs,
                zookeeperConnectionTimeoutMs, embeddedZookeeperPort, embeddedZookeeperTickMs, fetcher, requestTimeoutMs,
                requestThreads, controlledShutdownTimeoutMs, advertisedBrokerPort);
    }

    public ClusterConfig withZookeeperSessionTimeoutMs(int v) {
        return new ClusterConfig(host, brokerPort, sqlPort, rack, zookeeperConnect, zookeeperRoot, v,
                zookeeperConnectionTimeoutMs, embeddedZookeeperPort, embeddedZookeeperTickMs, fetcher, requestTimeoutMs,
                requestThreads, controlledShutdownTimeoutMs, advertisedBrokerPort);
    }

    public ClusterConfig withFetcher(FetcherConfig v) {
        return new ClusterConfig(host, brokerPort, sqlPort, rack, zookeeperConnect, zookeeperRoot, zookeeperSessionTimeoutMs,
                zookeeperConnectionTimeoutMs, embeddedZookeeperPort, embeddedZookeeperTickMs, v, requestTimeoutMs,
                requestThreads, controlledShutdownTimeoutMs, advertisedBrokerPort);
    }

    public ClusterConfig withControlledShutdownTimeoutMs(long v) {
        return new ClusterConfig(host, brokerPort, sqlPort, rack, zookeeperConnect, zookeeperRoot, zookeeperSessionTimeoutMs,
                zookeeperConnectionTimeoutMs, embeddedZookeeperPort, embeddedZookeeperTickMs, fetcher, requestTimeoutMs,
                requestThreads, v, advertisedBrokerPort);
    }
}
