package io.runnel.jdbc;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every connection property the Runnel driver accepts, in the URL
 * ({@code jdbc:runnel://host:port?fetch_size=500&acks=1}) or in the {@link java.util.Properties}
 * given to {@link java.sql.DriverManager#getConnection(String, java.util.Properties)}.
 * Any other name is an error (SQLSTATE 08001). docs/jdbc.md lists them with the same words.
 *
 * <p>{@link #sentToServer()} properties travel to the server in Avatica's {@code openConnection};
 * the others only configure the driver. Thread-safe: immutable.
 */
public enum ConnectionProperty {
    USER("user", Kind.STRING, null, true,
            "User name to authenticate as."),
    PASSWORD("password", Kind.STRING, null, true,
            "Password of the user."),
    GROUP("group", Kind.STRING, null, true,
            "Consumer group of this connection: EMIT CHANGES queries start from and commit to its offsets."),
    ACKS("acks", Kind.CHOICE, "all", true,
            "When an INSERT returns: 0 = once sent, 1 = once the partition leader has it, "
                    + "all = once every in-sync replica has it.",
            "0", "1", "all"),
    FETCH_WAIT_MS("fetch_wait_ms", Kind.NON_NEGATIVE_INT, "1000", true,
            "How long the server holds a fetch of an EMIT CHANGES query waiting for new rows before it "
                    + "answers with none and the driver asks again (the server caps it, by default at 20000)."),
    TIMEZONE("timezone", Kind.ZONE, null, true,
            "Session time zone (an ID such as UTC or Europe/Paris) for TIMESTAMP values; default: the JVM's."),
    START("start", Kind.CHOICE, "latest", true,
            "Where a consumer group starts reading a partition it has no committed offset for: "
                    + "earliest (the oldest retained row) or latest (rows written from now on).",
            "earliest", "latest"),
    SSL("ssl", Kind.BOOLEAN, "false", false,
            "Connect with HTTPS instead of HTTP.",
            "true", "false"),
    SSL_TRUSTSTORE("ssl_truststore", Kind.PATH, null, false,
            "Trust store file (PKCS12 or JKS) with the certificates to trust when ssl=true; "
                    + "default: the JVM's trust store."),
    SSL_TRUSTSTORE_PASSWORD("ssl_truststore_password", Kind.STRING, null, false,
            "Password of ssl_truststore."),
    CONNECT_TIMEOUT_MS("connect_timeout_ms", Kind.POSITIVE_INT, "10000", false,
            "How long to wait for a TCP (and TLS) connection to one host, and for its answer to opening the "
                    + "connection, before trying the next; also bounds the requests that close statements and connections."),
    SOCKET_TIMEOUT_MS("socket_timeout_ms", Kind.NON_NEGATIVE_INT, "300000", false,
            "How long to wait for the server's answer to one request (0 = forever); must exceed "
                    + "fetch_wait_ms by at least 1000. Connection.setNetworkTimeout overrides it."),
    RETRY_TIMEOUT_MS("retry_timeout_ms", Kind.NON_NEGATIVE_INT, "60000", false,
            "How long executeBatch of the data path keeps resending a request whose outcome is unknown (the answer was "
                    + "lost, or a partition's leader failed over); the resent rows carry the same producer id and "
                    + "sequences, so they are stored at most once. 0 = never resend. Past it: SQLSTATE 08007."),
    FETCH_SIZE("fetch_size", Kind.POSITIVE_INT, "1000", false,
            "Rows per fetch request; the default of Statement.setFetchSize."),
    DATA_PATH("data_path", Kind.BOOLEAN, "true", true,
            "executeBatch of a prepared INSERT ... VALUES (?, ...) builds and compresses the batches in the driver "
                    + "and sends them to the broker as they are stored, and a query that is a bare topic scan fetches "
                    + "its stored batches projected on the server and decodes them in the driver (true); or both go "
                    + "through Avatica's rows (false).",
            "true", "false");

    /** How a property's value is checked. */
    enum Kind { STRING, BOOLEAN, POSITIVE_INT, NON_NEGATIVE_INT, CHOICE, ZONE, PATH }

    private final String key;
    private final Kind kind;
    private final String defaultValue;
    private final boolean sentToServer;
    private final String description;
    private final List<String> choices;

    ConnectionProperty(String key, Kind kind, String defaultValue, boolean sentToServer, String description,
            String... choices) {
        this.key = key;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.sentToServer = sentToServer;
        this.description = description;
        this.choices = List.of(choices);
    }

    /** The name users write, e.g. {@code fetch_wait_ms}. */
    public String key() {
        return key;
    }

    /** The value used when the property is not given; empty for "none" or "the JVM's" (see {@link #description()}). */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** One or two sentences for tools such as DBeaver's driver dialog. */
    public String description() {
        return description;
    }

    /** The allowed values, for properties that have a fixed set; otherwise empty. */
    public List<String> choices() {
        return choices;
    }

    /** Whether the driver passes the property to the server when it opens the connection. */
    public boolean sentToServer() {
        return sentToServer;
    }

    /** Whether the value is a secret that error messages must not repeat. */
    boolean secret() {
        return this == PASSWORD || this == SSL_TRUSTSTORE_PASSWORD;
    }

    /** The property called {@code key} (case-insensitive). */
    public static Optional<ConnectionProperty> forKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (ConnectionProperty p : values()) {
            if (p.key.equals(lower)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Checks {@code raw} and returns it in canonical form ({@code TRUE} becomes {@code true},
     * {@code ALL} becomes {@code all}).
     *
     * @throws SQLException 08001 naming the property, the value (unless secret) and what was expected
     */
    String validate(String raw) throws SQLException {
        String value = raw.trim();
        switch (kind) {
            case STRING:
                return raw;
            case BOOLEAN: {
                String lower = value.toLowerCase(Locale.ROOT);
                if (lower.equals("true") || lower.equals("false")) {
                    return lower;
                }
                throw DriverErrors.invalidPropertyValue(this, raw, "true or false");
            }
            case POSITIVE_INT:
            case NON_NEGATIVE_INT: {
                long min = kind == Kind.POSITIVE_INT ? 1 : 0;
                try {
                    int parsed = Integer.parseInt(value);
                    if (parsed >= min) {
                        return Integer.toString(parsed);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw DriverErrors.invalidPropertyValue(this, raw, "an integer from " + min + " to " + Integer.MAX_VALUE);
            }
            case CHOICE: {
                for (String choice : choices) {
                    if (choice.equalsIgnoreCase(value)) {
                        return choice;
                    }
                }
                throw DriverErrors.invalidPropertyValue(this, raw, "one of " + String.join(", ", choices));
            }
            case ZONE:
                try {
                    return ZoneId.of(value).getId();
                } catch (DateTimeException e) {
                    throw DriverErrors.invalidPropertyValue(this, raw, "a time zone ID such as UTC, +02:00 or Europe/Paris");
                }
            case PATH:
                try {
                    return Path.of(value).toString();
                } catch (InvalidPathException e) {
                    throw DriverErrors.invalidPropertyValue(this, raw, "a file path");
                }
            default:
                throw new AssertionError(kind);
        }
    }
}
