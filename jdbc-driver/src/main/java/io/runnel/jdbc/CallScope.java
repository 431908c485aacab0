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

    private final QueryControl query;
    private final long timeoutMs;
    private final CallScope previous;

    private CallScope(QueryControl query, long timeoutMs, CallScope previous) {
        this.query = query;
        this.timeoutMs = timeoutMs;
        this.previous = previous;
    }

    /**
     * Opens a scope on this thread until {@link #close()}, which restores the enclosing one.
     *
     * @param query the query the calls serve, or {@code null}
     * @param timeoutMs a response timeout for these calls instead of the connection's; 0 = the connection's
     */
    static CallScope enter(QueryControl query, long timeoutMs) {
        CallScope scope = new CallScope(query, timeoutMs, CURRENT.get());
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

    @Override
    public void close() {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
