package io.runnel.server.config;

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
 * Keys are snake_case ({@code sql_port}); a dash is read as an underscore. An unknown key is an
 * error naming the key and listing the known ones — never silently ignored (DESIGN.md §6).
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {
    /** Every key with its default, in the order docs/operations.md lists them. */
    public static final Map<String, String> DEFAULTS = defaults();

    private ConfigLoader() {}

    private static Map<String, String> defaults() {
        SqlLayerConfig sql = SqlLayerConfig.DEFAULTS;
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data_dir", "./data");
        m.put("host", "127.0.0.1");
        m.put("sql_port", "7070");
        m.put("broker_port", "7071");
        m.put("broker_id", "0");
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
        String host = values.get("host");
        if (host.isBlank()) {
            throw new ConfigException("host must not be empty");
        }
        return new ServerConfig(Path.of(values.get("data_dir")), host, v.intIn("sql_port", 0, 65535),
                v.intIn("broker_port", 0, 65535), v.intIn("broker_id", 0, Integer.MAX_VALUE),
                v.longIn("flush_interval_ms", -1, Long.MAX_VALUE), v.longIn("retention_check_interval_ms", 1, Long.MAX_VALUE),
                v.intIn("http_max_threads", 8, 100_000), v.intIn("http_max_queued_requests", 1, 10_000_000),
                v.longIn("http_idle_timeout_ms", 1_000, Long.MAX_VALUE), v.longIn("max_request_bytes", 1024, Integer.MAX_VALUE),
                sql);
    }

    static String normalize(String key) {
        return key.trim().toLowerCase(Locale.ROOT).replace('-', '_');
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
