package io.runnel.sql.meta;

import io.runnel.sql.exec.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;

/**
 * One client connection on the server: its session and its statements.
 *
 * <p>Thread-safe: the statement map is concurrent; {@code lastUsedMs} is written by every request of
 * the connection and read by the idle reaper; {@code properties} is guarded by {@code this}.
 */
final class ServerConnection {
    final String id;
    final Session session;
    final Map<Integer, ServerStatement> statements = new ConcurrentHashMap<>();
    private final AtomicInteger nextStatementId = new AtomicInteger();
    /** Written by every request; read by the idle reaper. */
    volatile long lastUsedMs;
    /** @GuardedBy("this") */
    final ConnectionPropertiesImpl properties;
    /**
     * Executions and fetches of this connection in progress; read by the reaper (a consumer-group
     * member waiting in a fetch, or whose first execution plans for long, is alive).
     */
    final AtomicInteger requestsInProgress = new AtomicInteger();

    ServerConnection(String id, Session session, long nowMs) {
        this.id = id;
        this.session = session;
        this.lastUsedMs = nowMs;
        this.properties = new ConnectionPropertiesImpl(true, false, java.sql.Connection.TRANSACTION_NONE, null,
                io.runnel.sql.adapter.TopicSchema.NAME);
    }

    ServerStatement newStatement() {
        ServerStatement s = new ServerStatement(nextStatementId.incrementAndGet());
        statements.put(s.id, s);
        return s;
    }
}
