package io.runnel.jdbc;

import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.avatica.Meta;

/**
 * One execution of a statement on the server, from {@code execute} until the server has no
 * more rows for it ({@link Outcome#DONE}) or the driver ends it: the application cancelled it,
 * its query timeout expired, its statement, result set or connection was closed, max rows
 * were delivered, or the waiting thread was interrupted.
 *
 * <p>Ending is a race between the executing thread, a thread calling {@code cancel()} or
 * {@code close()}, and the timeout timer; a compare-and-set on the outcome lets exactly one
 * win. An aborting outcome runs the {@linkplain #onAbort abort listeners}, which wake a thread
 * waiting for the server (see {@link RunnelService}); that thread and every later {@code next()}
 * then throw {@link #abortException()}. {@link QueryLifecycle} tells the server.
 *
 * <p>Listeners are registered per wait and removed after it, so a stream that fetches for days
 * holds none beyond the current wait (a long-lived future would collect one dependent per wait).
 *
 * <p>Thread-safe.
 */
final class QueryControl {
    /** How a query ended; only {@link #RUNNING} can change. */
    enum Outcome {
        RUNNING(false),
        /** The server sent its last row (or an update count). */
        DONE(false),
        /** The driver delivered the statement's max rows and ended the query. */
        LIMIT_REACHED(false),
        /** The execute failed; the server has no query for it. */
        FAILED(false),
        CANCELLED(true),
        TIMED_OUT(true),
        STATEMENT_CLOSED(true),
        RESULT_SET_CLOSED(true),
        CONNECTION_CLOSED(true),
        INTERRUPTED(true);

        final boolean aborts;

        Outcome(boolean aborts) {
            this.aborts = aborts;
        }
    }

    private final QueryLifecycle lifecycle;
    private final int timeoutSeconds;
    private final AtomicReference<Outcome> outcome = new AtomicReference<>(Outcome.RUNNING);
    /** Run by the winner of an aborting {@link #end}; each wakes one waiting thread. */
    private final Set<Runnable> abortListeners = ConcurrentHashMap.newKeySet();
    /**
     * The server statement the query runs on. Written by the executing thread when it sends a
     * request ({@link RunnelClientMeta}); read by cancelling threads and the timer to close it.
     */
    private volatile Meta.StatementHandle handle;
    /** Written once by {@link QueryLifecycle#begin}; read by whichever thread ends the query. */
    private volatile ScheduledFuture<?> timeoutTask;

    QueryControl(QueryLifecycle lifecycle, Meta.StatementHandle handle, int timeoutSeconds) {
        this.lifecycle = lifecycle;
        this.handle = handle;
        this.timeoutSeconds = timeoutSeconds;
    }

    Meta.StatementHandle handle() {
        return handle;
    }

    void bindHandle(Meta.StatementHandle handle) {
        this.handle = handle;
    }

    void timeoutTask(ScheduledFuture<?> task) {
        this.timeoutTask = task;
        if (outcome.get() != Outcome.RUNNING) {
            task.cancel(false);
        }
    }

    int timeoutSeconds() {
        return timeoutSeconds;
    }

    Outcome outcome() {
        return outcome.get();
    }

    boolean isRunning() {
        return outcome.get() == Outcome.RUNNING;
    }

    /**
     * Ends the query with {@code how} if it is still running.
     *
     * @return whether this call ended it (the caller then owns telling the server)
     */
    boolean end(Outcome how) {
        if (how == Outcome.RUNNING || !outcome.compareAndSet(Outcome.RUNNING, how)) {
            return false;
        }
        ScheduledFuture<?> task = timeoutTask;
        if (task != null) {
            task.cancel(false);
        }
        if (how.aborts) {
            for (Runnable listener : abortListeners) {
                listener.run();
            }
        }
        return true;
    }

    /**
     * Runs {@code listener} when the query is aborted, at once if it already was; it may run
     * twice and must be idempotent.
     *
     * @return removes the listener
     */
    Runnable onAbort(Runnable listener) {
        abortListeners.add(listener);
        if (outcome.get().aborts) {
            listener.run();
        }
        return () -> abortListeners.remove(listener);
    }

    /**
     * A request of this query was given up because the query was aborted while the request was
     * in flight ({@link QueryLifecycle#abandoned}).
     */
    void abandon(CompletableFuture<?> reply) {
        lifecycle.abandoned(this, reply);
    }

    /** The thread waiting for this query was interrupted: the query ends as if cancelled. */
    void interrupted() {
        lifecycle.end(this, Outcome.INTERRUPTED, QueryLifecycle.ServerClose.ASYNC);
    }

    /** Throws {@link #abortException()} if the query was aborted. */
    void throwIfAborted() throws SQLException {
        if (outcome.get().aborts) {
            throw abortException();
        }
    }

    /**
     * Waits up to {@code delayMs} unless the query is aborted first; interruption ends the wait
     * early and keeps the interrupt flag.
     */
    void pause(long delayMs) {
        CountDownLatch woken = new CountDownLatch(1);
        Runnable deregister = onAbort(woken::countDown);
        try {
            woken.await(delayMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deregister.run();
        }
    }

    /** A new exception (57014) saying why the query was aborted; call only once aborted. */
    SQLException abortException() {
        int statementId = handle == null ? -1 : handle.id;
        Outcome how = outcome.get();
        return switch (how) {
            case CANCELLED -> DriverErrors.queryCancelled(statementId);
            case TIMED_OUT -> DriverErrors.queryTimedOut(statementId, timeoutSeconds);
            case STATEMENT_CLOSED -> DriverErrors.queryEndedByClose(statementId, "the statement");
            case RESULT_SET_CLOSED -> DriverErrors.queryEndedByClose(statementId, "the result set");
            case CONNECTION_CLOSED -> DriverErrors.queryEndedByClose(statementId, "the connection");
            case INTERRUPTED -> DriverErrors.queryInterrupted(statementId);
            default -> DriverErrors.internal("query of statement " + statementId + " is " + how + ", not aborted", null);
        };
    }

    @Override
    public String toString() {
        return "QueryControl{statement=" + (handle == null ? "?" : handle.id) + ", " + outcome.get() + "}";
    }
}
