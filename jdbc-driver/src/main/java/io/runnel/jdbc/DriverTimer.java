package io.runnel.jdbc;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of the driver ({@code runnel-jdbc-timer}, daemon), which ends queries
 * whose {@code setQueryTimeout} expired. Its tasks only flip state and start asynchronous
 * requests, so one thread serves every connection. Cancelled tasks are removed at once.
 * Thread-safe.
 */
final class DriverTimer {
    private DriverTimer() {
    }

    /** Runs {@code task} once after {@code delayMs}. */
    static ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return Holder.EXECUTOR.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Created on first use, so that a driver that never sets a query timeout starts no thread. */
    private static final class Holder {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "runnel-jdbc-timer");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}
