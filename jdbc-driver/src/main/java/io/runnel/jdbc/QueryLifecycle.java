package io.runnel.jdbc;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

/**
 * The queries of one statement, one after the other: starts each with its query timeout, ends
 * it, and closes the server statement when the driver ends a query the server is still running.
 * The server has one way to stop a query, closing its statement (Avatica's
 * {@code closeStatement}); the statement then needs a new server handle before it runs again,
 * which {@link #isServerHandleClosed} tells it.
 *
 * <p>Thread-safe: {@code cancel()}, {@code close()} and the timer read {@link #current} from
 * other threads; {@link QueryControl#end} decides races.
 */
final class QueryLifecycle {
    /** Whether and how {@link #end} tells the server. */
    enum ServerClose {
        /** Send closeStatement and wait for the answer (bounded by the request timeout). */
        NOW,
        /** Send closeStatement without waiting: from the timer, or after the caller already has its answer. */
        ASYNC,
        /** Do not: the caller closes the whole statement or connection itself. */
        NONE
    }

    private final AvaticaStatement statement;
    /** Written by the executing thread in {@link #begin}; read by cancel()/close() callers and the timer. */
    private volatile QueryControl current;
    /** Id of the server statement the driver closed; read by the executing thread and {@link RunnelClientMeta#closeStatement}. */
    private volatile int closedHandleId = -1;

    QueryLifecycle(AvaticaStatement statement) {
        this.statement = statement;
    }

    /**
     * Starts a query on the statement's current handle; a previous query still running is ended
     * (its result set was superseded). Afterwards the caller checks {@link #isServerHandleClosed}:
     * ending a query closes its server statement.
     *
     * @param timeoutSeconds {@code Statement.getQueryTimeout()}; 0 = none
     */
    QueryControl begin(int timeoutSeconds) {
        QueryControl previous = current;
        if (previous != null && previous.isRunning()) {
            end(previous, QueryControl.Outcome.RESULT_SET_CLOSED, ServerClose.ASYNC);
        }
        QueryControl query = new QueryControl(this, statement.handle, timeoutSeconds);
        current = query;
        if (timeoutSeconds > 0) {
            query.timeoutTask(DriverTimer.schedule(
                    () -> end(query, QueryControl.Outcome.TIMED_OUT, ServerClose.ASYNC), timeoutSeconds * 1000L));
        }
        return query;
    }

    /** {@code Statement.cancel()}: ends the running query, if any, and waits until the server was told. */
    void cancel() {
        QueryControl query = current;
        if (query != null) {
            end(query, QueryControl.Outcome.CANCELLED, ServerClose.NOW);
        }
    }

    /**
     * {@code Statement.close()}, before the statement itself is closed on the server: ends the
     * running query so that a thread waiting in {@code next()} or {@code execute} returns now.
     */
    void statementClosing() {
        QueryControl query = current;
        if (query != null) {
            end(query, QueryControl.Outcome.STATEMENT_CLOSED, ServerClose.NONE);
        }
    }

    /** After an execute returned: without a result set (an update count) the query is over. */
    void executed(QueryControl query, boolean hasResultSet) {
        if (!hasResultSet) {
            end(query, QueryControl.Outcome.DONE, ServerClose.NONE);
        }
    }

    /**
     * After an execute failed: ends the query, and if the failure was the connection's (the
     * server may have started the query before the answer was lost) closes it on the server.
     *
     * @return the exception to throw
     */
    SQLException failed(QueryControl query, Throwable failure) {
        SQLException e = DriverErrors.translate(failure);
        end(query, QueryControl.Outcome.FAILED,
                SqlStates.isConnectionState(e.getSQLState()) ? ServerClose.ASYNC : ServerClose.NONE);
        return e;
    }

    /** The latest query, running or not; {@code null} before the first. */
    QueryControl current() {
        return current;
    }

    /**
     * Ends {@code query} with {@code how} if it is still running, and unless {@code how} is
     * {@link QueryControl.Outcome#DONE} closes its server statement as {@code close} says.
     *
     * @return whether this call ended the query
     */
    boolean end(QueryControl query, QueryControl.Outcome how, ServerClose close) {
        if (!query.end(how)) {
            return false;
        }
        if (how == QueryControl.Outcome.DONE || close == ServerClose.NONE) {
            return true;
        }
        Meta.StatementHandle handle = query.handle();
        closedHandleId = handle.id;
        RunnelClientMeta meta = meta();
        if (close == ServerClose.NOW) {
            meta.closeStatementQuietly(handle);
        } else {
            meta.closeStatementAsync(handle);
        }
        return true;
    }

    /**
     * A request of {@code query} was abandoned because the query was aborted while it was in
     * flight; if it later succeeds it may have started work on the server, which is closed then.
     */
    void abandoned(QueryControl query, CompletableFuture<?> reply) {
        reply.whenComplete((response, failure) -> {
            if (failure == null) {
                meta().closeStatementAsync(query.handle());
            }
        });
    }

    /** Whether the driver closed {@code handle} on the server, so that it needs a new one. */
    boolean isServerHandleClosed(Meta.StatementHandle handle) {
        return handle != null && handle.id == closedHandleId;
    }

    /**
     * The connection is closing, which closes its statements on the server: ends the running
     * query without a request of its own and marks the handle closed.
     */
    void closedWithConnection() {
        QueryControl query = current;
        if (query != null) {
            end(query, QueryControl.Outcome.CONNECTION_CLOSED, ServerClose.NONE);
        }
        closedHandleId = statement.handle.id;
    }

    private RunnelClientMeta meta() {
        return ((RunnelConnection) statement.connection).clientMeta();
    }
}
