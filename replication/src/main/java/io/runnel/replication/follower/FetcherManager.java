package io.runnel.replication.follower;

import io.runnel.engine.cluster.ReplicaFetchers;
import io.runnel.engine.partition.Partition;
import java.time.Clock;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link ReplicaFetchers}: one {@link FetcherThread} per leader broker this broker
 * follows partitions from, created on the first partition and stopped with the last.
 *
 * <p>Thread-safety: thread-safe; {@link #follow} and {@link #unfollow} are serialized.
 */
public final class FetcherManager implements ReplicaFetchers {
    private static final Logger LOG = LoggerFactory.getLogger(FetcherManager.class);

    private final int localBrokerId;
    private final FetcherConfig config;
    private final Clock clock;
    private final IntFunction<LeaderEndpoint> endpoints;
    /** Guarded by this. */
    private final Map<Integer, FetcherThread> threads = new HashMap<>();
    /** Guarded by this: which leader each followed replica is fetched from. */
    private final Map<Partition, Integer> leaders = new IdentityHashMap<>();
    /** Guarded by this. */
    private boolean closed;
    /** Guarded by this. */
    private boolean paused;

    /**
     * @param endpoints opens an endpoint to a leader broker by id (its address is looked up when connecting)
     */
    public FetcherManager(int localBrokerId, FetcherConfig config, Clock clock, IntFunction<LeaderEndpoint> endpoints) {
        this.localBrokerId = localBrokerId;
        this.config = config;
        this.clock = clock;
        this.endpoints = endpoints;
    }

    @Override
    public synchronized void follow(Partition replica, int leaderId, int leaderEpoch) {
        if (closed) {
            return;
        }
        Integer previous = leaders.get(replica);
        if (previous != null && previous != leaderId) {
            removeFrom(previous, replica);
        }
        FetcherThread thread = threads.get(leaderId);
        if (thread == null) {
            thread = new FetcherThread("runnel-fetcher-" + localBrokerId + "-from-" + leaderId,
                    new ReplicaFetcher(localBrokerId, leaderId, config, clock), endpoints.apply(leaderId), config);
            threads.put(leaderId, thread);
            thread.paused = paused;
            thread.start();
            LOG.info("Broker {} started fetching from broker {}", localBrokerId, leaderId);
        }
        thread.fetcher().add(replica, leaderEpoch);
        leaders.put(replica, leaderId);
    }

    @Override
    public synchronized void unfollow(Partition replica) {
        Integer leader = leaders.remove(replica);
        if (leader != null) {
            removeFrom(leader, replica);
        }
    }

    /** Guarded by this. */
    private void removeFrom(int leaderId, Partition replica) {
        FetcherThread thread = threads.get(leaderId);
        if (thread == null) {
            return;
        }
        thread.fetcher().remove(replica);
        leaders.remove(replica);
        if (thread.fetcher().isEmpty() && !leaders.containsValue(leaderId)) {
            threads.remove(leaderId);
            thread.shutdown();
            LOG.info("Broker {} stopped fetching from broker {}", localBrokerId, leaderId);
        }
    }

    /**
     * Stops (or resumes) sending fetches, as a slow or stuck follower would: for tests of lag-based ISR
     * shrinking. Affects the fetchers running now and those started later.
     */
    public synchronized void pauseForTesting(boolean paused) {
        this.paused = paused;
        threads.values().forEach(t -> t.paused = paused);
    }

    /** The fetcher of a leader, or null; for tests. */
    public synchronized ReplicaFetcher fetcher(int leaderId) {
        FetcherThread t = threads.get(leaderId);
        return t == null ? null : t.fetcher();
    }

    @Override
    public void close() {
        Map<Integer, FetcherThread> stopping;
        synchronized (this) {
            closed = true;
            stopping = new HashMap<>(threads);
            threads.clear();
            leaders.clear();
        }
        for (FetcherThread t : stopping.values()) {
            t.shutdown();
        }
    }
}
