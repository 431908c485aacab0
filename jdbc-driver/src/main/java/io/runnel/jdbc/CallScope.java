package io.runnel.jdbc;

/**
 * What the requests a thread sends next belong to: the query whose cancel, timeout or close
 * must stop the thread's wait for the server, and an optional per-call timeout. Avatica's
 * {@code Meta} and {@code Service} methods have fixed signatures, so {@link RunnelClientMeta}
 * opens a scope around each call and {@link RunnelService} reads it on the same thread.
 *
 * <p>Thread-safe: each thread sees only its own scope.
 */
final class CallScope implements AutoCloseable {
    private static final ThreadLocal<CallScope> CURRENT = new ThreadLocal<>();

    /** What the connection's own response timeout is called in messages. */
    static final String CONNECTION_TIMEOUT_SETTING = "socket_timeout_ms or Connection.setNetworkTimeout";

    private final QueryControl query;
    private final long timeoutMs;
    private final String timeoutSetting;
    private final CallScope previous;

    private CallScope(QueryControl query, long timeoutMs, String timeoutSetting, CallScope previous) {
        this.query = query;
        this.timeoutMs = timeoutMs;
        this.timeoutSetting = timeoutSetting;
        this.previous = previous;
    }

    /**
     * Opens a scope on this thread until {@link #close()}, which restores the enclosing one.
     *
     * @param query the query the calls serve, or {@code null}
     * @param timeoutMs a response timeout for these calls instead of the connection's; 0 = the connection's
     */
    static CallScope enter(QueryControl query, long timeoutMs) {
        return enter(query, timeoutMs, CONNECTION_TIMEOUT_SETTING);
    }

    /**
     * As {@link #enter(QueryControl, long)}, with a timeout of its own.
     *
     * @param timeoutSetting what a timeout message calls {@code timeoutMs}, e.g. {@code connect_timeout_ms}
     */
    static CallScope enter(QueryControl query, long timeoutMs, String timeoutSetting) {
        CallScope scope = new CallScope(query, timeoutMs, timeoutSetting, CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** The scope of this thread, or {@code null}. */
    static CallScope current() {
        return CURRENT.get();
    }

    /** The query whose end aborts the wait, or {@code null}. */
    QueryControl query() {
        return query;
    }

    /** The per-call response timeout, or 0 for the connection's. */
    long timeoutMs() {
        return timeoutMs;
    }

    /** What timeout messages call {@link #timeoutMs()}. */
    String timeoutSetting() {
        return timeoutMs > 0 ? timeoutSetting : CONNECTION_TIMEOUT_SETTING;
    }

    @Override
    public void close() {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
