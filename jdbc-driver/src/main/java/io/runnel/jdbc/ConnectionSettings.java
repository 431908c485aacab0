package io.runnel.jdbc;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;

/**
 * Everything a connection needs, checked: the URL's hosts and every {@link ConnectionProperty}
 * with its value or default. A property given both in the URL and in the {@link Properties}
 * object takes the {@code Properties} value (the more specific, programmatic source).
 * Thread-safe: immutable.
 *
 * @param url the parsed URL
 * @param values every property given, canonical form (see {@link ConnectionProperty#validate})
 */
record ConnectionSettings(DriverUrl url, Map<ConnectionProperty, String> values) {
    /** How much longer than {@code fetch_wait_ms} a request must be allowed to take. */
    static final int SOCKET_TIMEOUT_MARGIN_MS = 1000;

    public ConnectionSettings {
        Objects.requireNonNull(url, "url");
        values = values.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(values));
    }

    /**
     * Parses {@code url} and merges {@code info} over its properties.
     *
     * @throws SQLException 08001 for a malformed URL, an unknown property or an invalid value
     */
    public static ConnectionSettings parse(String url, Properties info) throws SQLException {
        DriverUrl parsed = DriverUrl.parse(url);
        Map<ConnectionProperty, String> values = new EnumMap<>(ConnectionProperty.class);
        for (Map.Entry<String, String> e : parsed.properties().entrySet()) {
            put(values, e.getKey(), e.getValue(), "the URL");
        }
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                put(values, name, info.getProperty(name), "the connection Properties");
            }
        }
        ConnectionSettings settings = new ConnectionSettings(parsed, values);
        settings.checkConsistency();
        return settings;
    }

    private static void put(Map<ConnectionProperty, String> values, String name, String raw, String source)
            throws SQLException {
        ConnectionProperty property = ConnectionProperty.forKey(name.trim())
                .orElseThrow(() -> DriverErrors.unknownProperty(name, source));
        values.put(property, property.validate(raw));
    }

    private void checkConsistency() throws SQLException {
        int socketTimeoutMs = socketTimeoutMs();
        if (socketTimeoutMs != 0 && socketTimeoutMs < (long) fetchWaitMs() + SOCKET_TIMEOUT_MARGIN_MS) {
            throw DriverErrors.invalidPropertyValue(ConnectionProperty.SOCKET_TIMEOUT_MS, Integer.toString(socketTimeoutMs),
                    "0 or at least fetch_wait_ms + " + SOCKET_TIMEOUT_MARGIN_MS + " = "
                            + ((long) fetchWaitMs() + SOCKET_TIMEOUT_MARGIN_MS)
                            + " (a fetch may wait fetch_wait_ms on the server)");
        }
        if (values.containsKey(ConnectionProperty.SSL_TRUSTSTORE) && !ssl()) {
            throw DriverErrors.invalidPropertyValue(ConnectionProperty.SSL, "false",
                    "true when ssl_truststore is given");
        }
    }

    /** The value given, or the property's default. */
    public Optional<String> get(ConnectionProperty property) {
        String value = values.get(property);
        return value != null ? Optional.of(value) : property.defaultValue();
    }

    public List<HostAndPort> hosts() {
        return url.hosts();
    }

    /** Whether prepared INSERT batches take the data path (design note 0008). */
    public boolean dataPath() {
        return Boolean.parseBoolean(get(ConnectionProperty.DATA_PATH).orElseThrow());
    }

    public boolean ssl() {
        return Boolean.parseBoolean(get(ConnectionProperty.SSL).orElseThrow());
    }

    public Optional<Path> sslTruststore() {
        return get(ConnectionProperty.SSL_TRUSTSTORE).map(Path::of);
    }

    public Optional<String> sslTruststorePassword() {
        return get(ConnectionProperty.SSL_TRUSTSTORE_PASSWORD);
    }

    public int fetchWaitMs() {
        return Integer.parseInt(get(ConnectionProperty.FETCH_WAIT_MS).orElseThrow());
    }

    public int connectTimeoutMs() {
        return Integer.parseInt(get(ConnectionProperty.CONNECT_TIMEOUT_MS).orElseThrow());
    }

    /** 0 means no limit. */
    public int socketTimeoutMs() {
        return Integer.parseInt(get(ConnectionProperty.SOCKET_TIMEOUT_MS).orElseThrow());
    }

    /** How long the data path resends a produce whose outcome is unknown; 0 = never. */
    public int retryTimeoutMs() {
        return Integer.parseInt(get(ConnectionProperty.RETRY_TIMEOUT_MS).orElseThrow());
    }

    public int fetchSize() {
        return Integer.parseInt(get(ConnectionProperty.FETCH_SIZE).orElseThrow());
    }

    /** The session time zone: the {@code timezone} property or the JVM's default. */
    public ZoneId timeZone() {
        return get(ConnectionProperty.TIMEZONE).map(ZoneId::of).orElseGet(ZoneId::systemDefault);
    }

    /**
     * What the driver sends in Avatica's {@code openConnection}: the {@linkplain ConnectionProperty#sentToServer()
     * server properties} that were given, plus the effective {@code acks}, {@code fetch_wait_ms},
     * {@code timezone} and {@code data_path} so that server and driver agree on them (the server's
     * default for {@code data_path} is a stock Avatica client's: off).
     */
    public Map<String, String> serverProperties() {
        Map<String, String> info = new LinkedHashMap<>();
        for (ConnectionProperty p : ConnectionProperty.values()) {
            if (p.sentToServer() && values.containsKey(p)) {
                info.put(p.key(), values.get(p));
            }
        }
        info.put(ConnectionProperty.ACKS.key(), get(ConnectionProperty.ACKS).orElseThrow());
        info.put(ConnectionProperty.FETCH_WAIT_MS.key(), Integer.toString(fetchWaitMs()));
        info.put(ConnectionProperty.TIMEZONE.key(), timeZone().getId());
        info.put(ConnectionProperty.DATA_PATH.key(), Boolean.toString(dataPath()));
        return info;
    }

    /**
     * The properties Avatica's own classes read from the connection: the time zone its accessors
     * convert TIMESTAMP values with, the default fetch size, and the user name
     * {@link java.sql.DatabaseMetaData#getUserName()} reports.
     */
    Properties avaticaProperties() {
        Properties p = new Properties();
        // TimeZone understands "GMT+02:00" but not "+02:00": convert through ZoneId.
        p.setProperty("timeZone", TimeZone.getTimeZone(timeZone()).getID());
        p.setProperty("fetch_size", Integer.toString(fetchSize()));
        get(ConnectionProperty.USER).ifPresent(user -> p.setProperty("user", user));
        return p;
    }
}
