package io.runnel.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Posts Avatica protobuf requests to one Runnel server, {@code http(s)://host:port/}, with the
 * JDK's {@link HttpClient} (HTTP/1.1; one TCP connection per request in flight, kept alive
 * between requests), and turns every way that can fail into a {@link SQLException} naming the
 * server.
 *
 * <p>Why not Avatica's own HTTP client: it retries HTTP 503 and a missing response forever
 * (a hang), and a request in flight cannot be abandoned, which cancel needs
 * (docs/design/0006-jdbc-driver.md).
 *
 * <p>{@link HttpClient}s are shared by all connections with the same connect timeout and TLS
 * settings: each one owns a selector thread ({@code HttpClient-N-SelectorManager}, daemon).
 * Thread-safe: fields are final, {@link HttpClient} is thread-safe.
 */
final class HttpTransport {
    private static final Map<ClientKey, HttpClient> CLIENTS = new ConcurrentHashMap<>();

    private final HostAndPort endpoint;
    private final URI uri;
    private final HttpClient client;
    private final int connectTimeoutMs;

    private HttpTransport(HostAndPort endpoint, URI uri, HttpClient client, int connectTimeoutMs) {
        this.endpoint = endpoint;
        this.uri = uri;
        this.client = client;
        this.connectTimeoutMs = connectTimeoutMs;
    }

    /**
     * A transport to {@code endpoint} configured by {@code settings}.
     *
     * @throws SQLException 08001 if the trust store cannot be loaded
     */
    static HttpTransport create(HostAndPort endpoint, ConnectionSettings settings) throws SQLException {
        ClientKey key = new ClientKey(settings.connectTimeoutMs(), settings.ssl(),
                settings.sslTruststore().map(Path::toAbsolutePath).map(Path::toString),
                settings.sslTruststorePassword());
        HttpClient client = CLIENTS.get(key);
        if (client == null) {
            client = newClient(key);
            HttpClient raced = CLIENTS.putIfAbsent(key, client);
            client = raced != null ? raced : client;
        }
        return new HttpTransport(endpoint, endpoint.endpoint(settings.ssl()), client, settings.connectTimeoutMs());
    }

    private static HttpClient newClient(ClientKey key) throws SQLException {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(key.connectTimeoutMs()));
        if (key.ssl() && key.truststore().isPresent()) {
            builder.sslContext(sslContext(key.truststore().get(), key.truststorePassword().orElse(null)));
        }
        return builder.build();
    }

    private static SSLContext sslContext(String truststore, String password) throws SQLException {
        try (InputStream in = Files.newInputStream(Path.of(truststore))) {
            KeyStore keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
            keyStore.load(in, password == null ? null : password.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(keyStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw DriverErrors.truststoreUnreadable(truststore, e);
        }
    }

    HostAndPort endpoint() {
        return endpoint;
    }

    /**
     * Sends {@code body}. The future completes with the HTTP response whatever its status,
     * or exceptionally with the JDK's exception; {@link #body} and {@link #classify} turn
     * either into what the caller needs, on the caller's thread (so that stack traces show the
     * caller).
     *
     * @param timeoutMs how long to wait for the response headers; 0 = no limit
     */
    CompletableFuture<HttpResponse<byte[]>> post(byte[] body, long timeoutMs) {
        return post(uri, body, timeoutMs);
    }

    /** Like {@link #post(byte[], long)}, to {@code path} of the server (the data path's endpoints). */
    CompletableFuture<HttpResponse<byte[]>> post(String path, byte[] body, long timeoutMs) {
        return post(uri.resolve(path), body, timeoutMs);
    }

    private CompletableFuture<HttpResponse<byte[]>> post(URI target, byte[] body, long timeoutMs) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/octet-stream");
        if (timeoutMs > 0) {
            request.timeout(Duration.ofMillis(timeoutMs));
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * The Avatica message in {@code response}. Avatica's handler answers every request, failed
     * or not, with an {@code application/octet-stream} protobuf body (HTTP 200, or 4xx/500 with
     * an {@code ErrorResponse}); anything else did not come from an Avatica server.
     */
    byte[] body(HttpResponse<byte[]> response) throws SQLException {
        Optional<String> contentType = response.headers().firstValue("Content-Type");
        int status = response.statusCode();
        if (status == 200 || contentType.map(t -> t.startsWith("application/octet-stream")).orElse(false)) {
            return response.body();
        }
        if (status == 401 || status == 403) {
            throw DriverErrors.credentialsRejected(endpoint, status);
        }
        if (status == 503) {
            throw DriverErrors.serviceUnavailable(endpoint);
        }
        throw DriverErrors.unexpectedHttpStatus(endpoint, status, contentType.orElse(null));
    }

    /**
     * The {@link SQLException} for a request that failed before a response arrived.
     *
     * @param timeoutMs the request's response timeout, for the message
     * @param timeoutSetting the setting {@code timeoutMs} came from, for the message
     * @param established whether the JDBC connection was already open (see {@link DriverErrors#connectionRefused})
     */
    SQLException classify(Throwable failure, long timeoutMs, String timeoutSetting, boolean established) {
        if (find(failure, HttpConnectTimeoutException.class) != null) {
            return DriverErrors.connectTimedOut(endpoint, established, connectTimeoutMs, failure);
        }
        if (find(failure, HttpTimeoutException.class) != null) {
            return DriverErrors.responseTimedOut(endpoint, timeoutMs, timeoutSetting, failure);
        }
        if (find(failure, UnresolvedAddressException.class) != null || find(failure, UnknownHostException.class) != null) {
            return DriverErrors.unknownHost(endpoint, failure);
        }
        SSLException ssl = find(failure, SSLException.class);
        if (ssl != null) {
            return DriverErrors.tlsFailed(endpoint, ssl);
        }
        if (find(failure, ConnectException.class) != null) {
            return DriverErrors.connectionRefused(endpoint, established, failure);
        }
        IOException io = find(failure, IOException.class);
        if (io != null) {
            return DriverErrors.connectionLost(endpoint, io);
        }
        return DriverErrors.internal("request to " + endpoint + " failed: " + failure, failure);
    }

    /** The first {@code type} in {@code t}'s cause chain, or null. */
    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 16; c = c.getCause(), depth++) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** What makes two connections' HTTP clients interchangeable. */
    private record ClientKey(int connectTimeoutMs, boolean ssl, Optional<String> truststore,
            Optional<String> truststorePassword) {
    }
}
