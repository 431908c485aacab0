package io.runnel.replication.follower;

import io.runnel.replication.protocol.EpochRequest;
import io.runnel.replication.protocol.EpochResponse;
import io.runnel.replication.protocol.FetchRequest;
import io.runnel.replication.protocol.FetchResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that drives one {@link ReplicaFetcher} against its leader's {@link LeaderEndpoint}: epoch
 * lookups first, then fetches (the leader long-polls them), one request at a time, each bounded by
 * the request timeout; after a failure the partitions back off. Appends run on this thread.
 *
 * <p>Thread-safety: {@link #shutdown()} from any thread.
 */
final class FetcherThread extends Thread {
    private static final Logger LOG = LoggerFactory.getLogger(FetcherThread.class);
    /** Longest idle wait before looking at the partitions again. */
    private static final long IDLE_WAIT_MS = 1_000;

    private final ReplicaFetcher fetcher;
    private final LeaderEndpoint endpoint;
    private final FetcherConfig config;
    /** Set by shutdown(); read by the loop. */
    private volatile boolean running = true;
    /** Set by {@link FetcherManager#pauseForTesting}; read by the loop. */
    volatile boolean paused;

    FetcherThread(String name, ReplicaFetcher fetcher, LeaderEndpoint endpoint, FetcherConfig config) {
        super(name);
        setDaemon(true);
        this.fetcher = fetcher;
        this.endpoint = endpoint;
        this.config = config;
    }

    ReplicaFetcher fetcher() {
        return fetcher;
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (paused) {
                    fetcher.awaitWork(20);
                    continue;
                }
                EpochRequest epochRequest = fetcher.nextEpochRequest();
                if (epochRequest != null) {
                    EpochResponse response = await(endpoint.offsetsForLeaderEpoch(epochRequest));
                    if (response != null && !dropWhilePaused()) {
                        fetcher.onEpochResponse(response);
                    }
                    continue;
                }
                FetchRequest fetchRequest = fetcher.nextFetchRequest();
                if (fetchRequest != null) {
                    FetchResponse response = awaitFetch(endpoint.fetch(fetchRequest));
                    if (response != null) {
                        try {
                            if (!dropWhilePaused()) {
                                fetcher.onFetchResponse(response);
                            }
                        } finally {
                            response.release(); // the records are views of the received frame: appended or dropped now
                        }
                    }
                    continue;
                }
                fetcher.awaitWork(IDLE_WAIT_MS);
            } catch (InterruptedException e) {
                if (running) {
                    LOG.warn("{} interrupted; stopping", getName());
                }
                return;
            } catch (RuntimeException e) {
                LOG.error("{}: unexpected failure; backing off: {}", getName(), e.toString(), e);
                fetcher.onRequestFailed(e);
            }
        }
    }

    /** A response arriving while paused (it was in flight when the pause began) is dropped, as if lost. */
    private boolean dropWhilePaused() {
        if (paused) {
            fetcher.onRequestFailed(new IllegalStateException("fetching is paused for a test"));
            return true;
        }
        return false;
    }

    /** The answer, or null after a failure (already reported to the fetcher). */
    private <T> T await(Future<T> future) throws InterruptedException {
        try {
            return future.get(config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            fetcher.onRequestFailed(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            fetcher.onRequestFailed(e);
        }
        return null;
    }

    /**
     * As {@link #await}, for a fetch: a response that completes after this thread stopped waiting (a
     * timeout, an interrupt) is released when it arrives, as nobody will append it.
     */
    private FetchResponse awaitFetch(CompletableFuture<FetchResponse> future) throws InterruptedException {
        FetchResponse r = null;
        try {
            r = await(future);
            return r;
        } finally {
            if (r == null) {
                future.cancel(false);
                future.thenAccept(FetchResponse::release); // runs only if it completed normally after all
            }
        }
    }

    /** Stops the loop and waits for it (an append in progress completes first). */
    void shutdown() {
        running = false;
        interrupt();
        try {
            join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (isAlive()) {
            LOG.warn("{} did not stop within 30 s", getName());
        }
        endpoint.close();
    }
}
