package io.runnel.server.config;

import io.runnel.engine.EngineException;
import io.runnel.engine.group.GroupServiceConfig;
import io.runnel.replication.ClusterConfig;
import io.runnel.sql.SqlLayerConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Reads {@link ServerConfig}: defaults, then a properties file, then {@code key=value} overrides.
 * Keys are snake_case ({@code sql_port}); a dash or a dot is read as an underscore
 * ({@code zookeeper.connect} is {@code zookeeper_connect}). An unknown key is an
 * error naming the key and listing the known ones — never silently ignored (DESIGN.md §6).
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {
    /** Every key with its default, in the order docs/operations.md lists them. */
    public static final Map<String, String> DEFAULTS = defaults();

    private ConfigLoader() {}

    /** Server keys that are {@link ClusterConfig} keys, with the name {@link ClusterConfig#fromProperties} knows them by. */
    private static final Map<String, String> CLUSTER_KEYS = Map.ofEntries(
            Map.entry("zookeeper_connect", "zookeeper.connect"),
            Map.entry("zookeeper_root", "zookeeper.root"),
            Map.entry("zookeeper_session_timeout_ms", "zookeeper.session.timeout.ms"),
            Map.entry("zookeeper_connection_timeout_ms", "zookeeper.connection.timeout.ms"),
            Map.entry("zookeeper_embedded_port", "zookeeper.embedded.port"),
            Map.entry("zookeeper_embedded_tick_ms", "zookeeper.embedded.tick.ms"),
            Map.entry("broker_rack", "broker.rack"),
            Map.entry("replica_fetch_max_wait_ms", "replica.fetch.max.wait.ms"),
            Map.entry("replica_fetch_max_bytes", "replica.fetch.max.bytes"),
            Map.entry("replica_fetch_backoff_ms", "replica.fetch.backoff.ms"),
            Map.entry("broker_request_timeout_ms", "request.timeout.ms"),
            Map.entry("broker_request_threads", "broker.request.threads"),
            Map.entry("controlled_shutdown_timeout_ms", "controlled.shutdown.timeout.ms"),
            Map.entry("advertised_broker_port", "advertised.broker.port"));

    private static Map<String, String> defaults() {
        SqlLayerConfig sql = SqlLayerConfig.DEFAULTS;
        ClusterConfig cluster = ClusterConfig.defaults();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data_dir", "./data");
        m.put("host", "127.0.0.1");
        m.put("sql_port", "7070");
        m.put("broker_port", "7071");
        m.put("broker_id", "0");
        m.put("advertised_host", "");
        m.put("advertised_broker_port", "0");
        m.put("broker_rack", "");
        m.put("zookeeper_connect", "");
        m.put("zookeeper_root", cluster.zookeeperRoot());
        m.put("zookeeper_session_timeout_ms", Integer.toString(cluster.zookeeperSessionTimeoutMs()));
        m.put("zookeeper_connection_timeout_ms", Integer.toString(cluster.zookeeperConnectionTimeoutMs()));
        m.put("zookeeper_embedded_port", Integer.toString(cluster.embeddedZookeeperPort()));
        m.put("zookeeper_embedded_tick_ms", Integer.toString(cluster.embeddedZookeeperTickMs()));
        m.put("replica_lag_time_max_ms", "10000");
        m.put("producer_id_expiration_ms", Long.toString(io.runnel.storage.log.LogConfig.DEFAULT_PRODUCER_ID_EXPIRATION_MS));
        m.put("replica_fetch_max_wait_ms", Integer.toString(cluster.fetcher().maxWaitMs()));
        m.put("replica_fetch_max_bytes", Integer.toString(cluster.fetcher().maxBytes()));
        m.put("replica_fetch_backoff_ms", Long.toString(cluster.fetcher().backoffMs()));
        m.put("broker_request_timeout_ms", Long.toString(cluster.requestTimeoutMs()));
        m.put("broker_request_threads", Integer.toString(cluster.requestThreads()));
        m.put("controlled_shutdown_timeout_ms", Long.toString(cluster.controlledShutdownTimeoutMs()));
        m.put("flush_interval_ms", "-1");
        m.put("retention_check_interval_ms", "30000");
        m.put("http_max_threads", "600");
        m.put("http_max_queued_requests", "2000");
        m.put("http_idle_timeout_ms", "120000");
        m.put("max_request_bytes", Long.toString(256L << 20));
        m.put("max_waiting_fetches", "512");
        m.put("fetch_wait_ms", Long.toString(sql.fetchWaitMs()));
        m.put("max_fetch_wait_ms", Long.toString(sql.maxFetchWaitMs()));
        m.put("max_fetch_rows", Integer.toString(sql.maxFetchRows()));
        m.put("max_streaming_queries", Integer.toString(sql.maxStreamingQueries()));
        m.put("streaming_queue_rows", Integer.toString(sql.streamingQueueRows()));
        m.put("max_connections", Integer.toString(sql.maxConnections()));
        m.put("connection_idle_timeout_ms", Long.toString(sql.connectionIdleTimeoutMs()));
        m.put("max_statement_chars", Integer.toString(sql.maxStatementChars()));
        m.put("max_insert_rows", Long.toString(sql.maxInsertRows()));
        m.put("max_insert_bytes", Long.toString(sql.maxInsertBytes()));
        m.put("produce_timeout_ms", Long.toString(sql.produceTimeoutMs()));
        m.put("group_session_timeout_ms", Long.toString(sql.groupSessionTimeoutMs()));
        GroupServiceConfig groups = GroupServiceConfig.DEFAULTS;
        m.put("offsets_topic_partitions", Integer.toString(groups.offsetsTopicPartitions()));
        m.put("offsets_topic_replication_factor", Integer.toString(groups.offsetsTopicReplicationFactor()));
        m.put("group_member_timeout_ms", Long.toString(groups.memberTimeoutMs()));
        m.put("group_request_timeout_ms", Long.toString(groups.requestTimeoutMs()));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Reads a properties file into {@code key → value}. */
    public static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            map.put(key, p.getProperty(key).trim());
        }
        return map;
    }

    /** Parses {@code key=value} overrides ({@code --set}). */
    public static Map<String, String> parseOverrides(List<String> settings) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set expects key=value, not '" + s + "'");
            }
            map.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        return map;
    }

    /**
     * Applies {@code layers} in order over the defaults and builds the configuration.
     *
     * @throws ConfigException for an unknown key or a bad value, naming them
     */
    @SafeVarargs
    public static ServerConfig load(Map<String, String>... layers) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        for (Map<String, String> layer : layers) {
            for (Map.Entry<String, String> e : layer.entrySet()) {
                String key = normalize(e.getKey());
                if (!DEFAULTS.containsKey(key)) {
                    throw new ConfigException("unknown configuration key '" + e.getKey() + "'; known keys: "
                            + String.join(", ", new TreeSet<>(DEFAULTS.keySet())));
                }
                values.put(key, e.getValue());
            }
        }
        Values v = new Values(values);
        SqlLayerConfig sql;
        try {
            sql = new SqlLayerConfig(v.longIn("fetch_wait_ms", 0, 3_600_000), v.longIn("max_fetch_wait_ms", 1, 60_000),
                    v.intIn("max_streaming_queries", 1, 100_000), v.intIn("streaming_queue_rows", 1, 10_000_000),
                    v.intIn("max_connections", 1, 1_000_000), v.longIn("connection_idle_timeout_ms", 100, Long.MAX_VALUE),
                    v.intIn("max_statement_chars", 1, Integer.MAX_VALUE), v.longIn("max_insert_rows", 1, Long.MAX_VALUE),
                    v.longIn("max_insert_bytes", 1, Long.MAX_VALUE), v.longIn("produce_timeout_ms", 1, Long.MAX_VALUE),
                    v.intIn("max_fetch_rows", 1, 1_000_000), v.intIn("max_waiting_fetches", 1, 100_000),
                    v.longIn("group_session_timeout_ms", 100, 3_600_000));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        GroupServiceConfig groups;
        try {
            long memberTimeoutMs = v.longIn("group_member_timeout_ms", 1_000, 3_600_000);
            groups = GroupServiceConfig.DEFAULTS
                    .withOffsetsTopic(v.intIn("offsets_topic_partitions", 1, 1_000), v.intIn("offsets_topic_replication_factor", 1, 100))
                    .withMemberTimeoutMs(memberTimeoutMs, Math.min(GroupServiceConfig.DEFAULTS.heartbeatWaitMs(), memberTimeoutMs / 5))
                    .withRequestTimeoutMs(v.longIn("group_request_timeout_ms", 100, 3_600_000));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        String host = values.get("host");
        if (host.isBlank()) {
            throw new ConfigException("host must not be empty");
        }
        String advertised = values.get("advertised_host").isBlank() ? host : values.get("advertised_host").trim();
        if (advertised.equals("0.0.0.0") || advertised.equals("::") || advertised.equals("[::]")) {
            throw new ConfigException("host " + host + " binds every address: set advertised_host to the address other "
                    + "brokers and clients reach this broker at");
        }
        int brokerPort = v.intIn("broker_port", 0, 65535);
        int sqlPort = v.intIn("sql_port", 0, 65535);
        Map<String, String> clusterProperties = new LinkedHashMap<>();
        clusterProperties.put("host", advertised);
        clusterProperties.put("broker.port", Integer.toString(brokerPort));
        clusterProperties.put("sql.port", Integer.toString(sqlPort));
        CLUSTER_KEYS.forEach((serverKey, clusterKey) -> clusterProperties.put(clusterKey, values.get(serverKey)));
        ClusterConfig cluster;
        try {
            cluster = ClusterConfig.fromProperties(ClusterConfig.defaults(), clusterProperties);
        } catch (EngineException e) {
            throw new ConfigException(serverKeys(e.getMessage()));
        }
        return new ServerConfig(Path.of(values.get("data_dir")), host, sqlPort,
                brokerPort, v.intIn("broker_id", 0, Integer.MAX_VALUE),
                v.longIn("flush_interval_ms", -1, Long.MAX_VALUE), v.longIn("retention_check_interval_ms", 1, Long.MAX_VALUE),
                v.intIn("http_max_threads", 8, 100_000), v.intIn("http_max_queued_requests", 1, 10_000_000),
                v.longIn("http_idle_timeout_ms", 1_000, Long.MAX_VALUE), v.longIn("max_request_bytes", 1024, Integer.MAX_VALUE),
                v.longIn("replica_lag_time_max_ms", 2, 3_600_000), v.longIn("producer_id_expiration_ms", 1_000, Long.MAX_VALUE),
                cluster, sql, groups);
    }

    static String normalize(String key) {
        return key.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /** {@link ClusterConfig}'s messages name its dotted keys: name the server's instead. */
    private static String serverKeys(String message) {
        String m = message;
        for (Map.Entry<String, String> e : CLUSTER_KEYS.entrySet()) {
            m = m.replace(e.getValue(), e.getKey());
        }
        return m;
    }

    /** Typed access to the merged values, with errors that name the key. */
    private record Values(Map<String, String> map) {
        long longIn(String key, long min, long max) {
            String raw = map.get(key);
            long v;
            try {
                v = Long.parseLong(raw.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ConfigException(key + " must be a whole number, not '" + raw + "'");
            }
            if (v < min || v > max) {
                throw new ConfigException(key + " must be between " + min + " and " + max + ", not " + v);
            }
            return v;
        }

        int intIn(String key, int min, int max) {
            return (int) longIn(key, min, max);
        }
    }
}
