package io.runnel.jdbc;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.calcite.avatica.remote.ProtobufService;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;

/**
 * Avatica's {@link Service} over protobuf and {@link HttpTransport}, for one server. Avatica's
 * {@link ProtobufService} maps each typed request to {@link #_apply} and adjusts result
 * signatures; this class serializes, sends, waits and decodes:
 * <ul>
 *   <li>the wait ends early when the {@link CallScope}'s query is aborted (cancel, timeout,
 *       close): the request is abandoned and {@link QueryLifecycle#abandoned} cleans up after it;
 *   <li>an {@code ErrorResponse} becomes the server's {@link SQLException} (its SQLSTATE mapped
 *       by {@link SqlStates}), and every transport failure an 08xxx {@link SQLException} naming
 *       the server, both thrown as {@link UncheckedSqlException}.
 * </ul>
 * Thread-safe: fields are final; {@link ProtobufTranslationImpl} and {@link HttpTransport} are.
 */
final class RunnelService extends ProtobufService {
    private static final Logger LOG = Logger.getLogger(RunnelService.class.getName());

    private final HttpTransport transport;
    private final ProtobufTranslation translation = new ProtobufTranslationImpl();
    private final LongSupplier requestTimeoutMs;
    private final int connectTimeoutMs;
    /** Set once the connection is open; read by every thread that classifies a failure. */
    private volatile boolean established;

    /**
     * @param requestTimeoutMs the connection's response timeout in ms (0 = none), read per request
     * @param connectTimeoutMs bounds requests sent and forgotten (a closeStatement nobody waits for)
     */
    RunnelService(HttpTransport transport, LongSupplier requestTimeoutMs, int connectTimeoutMs) {
        this.transport = transport;
        this.requestTimeoutMs = requestTimeoutMs;
        this.connectTimeoutMs = connectTimeoutMs;
    }

    HostAndPort endpoint() {
        return transport.endpoint();
    }

    /** From now on, failing to reach the server means the connection broke (08006), not that it could not open (08001). */
    void established() {
        established = true;
    }

    @Override
    public Response _apply(Request request) {
        CallScope scope = CallScope.current();
        QueryControl query = scope == null ? null : scope.query();
        if (query != null && query.outcome().aborts) {
            throw new UncheckedSqlException(query.abortException());
        }
        long timeoutMs = scope != null && scope.timeoutMs() > 0 ? scope.timeoutMs() : requestTimeoutMs.getAsLong();
        String timeoutSetting = scope != null ? scope.timeoutSetting() : CallScope.CONNECTION_TIMEOUT_SETTING;
        CompletableFuture<HttpResponse<byte[]>> reply = transport.post(serialize(request), timeoutMs);
        HttpResponse<byte[]> response = await(reply, query, timeoutMs, timeoutSetting);
        try {
            return decode(transport.body(response));
        } catch (SQLException e) {
            throw new UncheckedSqlException(e);
        }
    }

    /**
     * Posts a data-path message to {@code path} (design note 0008) and returns the response body,
     * waiting, aborting and classifying failures exactly as {@link #_apply} does for Avatica requests.
     */
    byte[] exchange(String path, byte[] body) {
        CallScope scope = CallScope.current();
        QueryControl query = scope == null ? null : scope.query();
        if (query != null && query.outcome().aborts) {
            throw new UncheckedSqlException(query.abortException());
        }
        long timeoutMs = scope != null && scope.timeoutMs() > 0 ? scope.timeoutMs() : requestTimeoutMs.getAsLong();
        String timeoutSetting = scope != null ? scope.timeoutSetting() : CallScope.CONNECTION_TIMEOUT_SETTING;
        HttpResponse<byte[]> response = await(transport.post(path, body, timeoutMs), query, timeoutMs, timeoutSetting);
        try {
            return transport.body(response);
        } catch (SQLException e) {
            throw new UncheckedSqlException(e);
        }
    }

    /**
     * Sends {@code request} without waiting for the answer; a failure is only logged (at FINE).
     * For closeStatement from the timer thread, or after a request was abandoned.
     */
    void sendAndForget(Request request) {
        transport.post(serialize(request), connectTimeoutMs).whenComplete((response, failure) -> {
            if (failure != null) {
                LOG.log(Level.FINE, failure, () -> "request to " + endpoint() + " failed: " + request);
            } else if (response.statusCode() != 200) {
                LOG.fine(() -> endpoint() + " answered HTTP " + response.statusCode() + " to " + request);
            }
        });
    }

    private HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> reply, QueryControl query, long timeoutMs,
            String timeoutSetting) {
        try {
            if (query != null) {
                CompletableFuture<Void> woken = new CompletableFuture<>();
                reply.whenComplete((response, failure) -> woken.complete(null));
                Runnable deregister = query.onAbort(() -> woken.complete(null));
                try {
                    woken.get();
                } finally {
                    deregister.run();
                }
                if (query.outcome().aborts) {
                    query.abandon(reply);
                    throw new UncheckedSqlException(query.abortException());
                }
            }
            return reply.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (query != null) {
                query.interrupted();
                query.abandon(reply);
                if (query.outcome().aborts) {
                    throw new UncheckedSqlException(query.abortException());
                }
            }
            throw new UncheckedSqlException(DriverErrors.interruptedWaiting(endpoint()));
        } catch (ExecutionException e) {
            throw new UncheckedSqlException(transport.classify(e.getCause(), timeoutMs, timeoutSetting, established));
        }
    }

    private byte[] serialize(Request request) {
        try {
            return WireNames.toWire(translation.serializeRequest(request));
        } catch (IOException e) {
            throw new UncheckedSqlException(DriverErrors.internal("cannot serialize " + request, e));
        }
    }

    private Response decode(byte[] bytes) throws SQLException {
        Response response;
        try {
            response = translation.parseResponse(WireNames.fromWire(bytes));
        } catch (IOException | RuntimeException e) {
            throw DriverErrors.malformedResponse(endpoint(), e);
        }
        if (response instanceof ErrorResponse error) {
            throw DriverErrors.serverError(error, endpoint());
        }
        return response;
    }
}
