package io.runnel.replication.follower;

import io.runnel.engine.partition.LeaderEpochCache;
import io.runnel.engine.partition.Partition;
import io.runnel.replication.protocol.EpochRequest;
import io.runnel.replication.protocol.EpochResponse;
import io.runnel.replication.protocol.FetchRequest;
import io.runnel.replication.protocol.FetchResponse;
import io.runnel.storage.log.LogException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower side of replication for every partition this broker follows from one leader broker:
 * a state machine per partition — TRUNCATING (OffsetsForLeaderEpoch rounds, {@link TruncationPlanner})
 * then FETCHING (append what the leader sends, take its high watermark) — driven by whoever sends the
 * requests: a {@link FetcherThread} over a {@link LeaderEndpoint}, or the replication simulation. It
 * builds at most one request at a time and handles its response; an answer for a partition that was
 * removed or re-added meanwhile is dropped.
 *
 * <p>Thread-safety: thread-safe. Responses are handled, and partitions added and removed, under one
 * lock, so {@link #remove} returns only when no handling is appending to the removed replica.
 */
public final class ReplicaFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcher.class);

    /** Where a followed partition is in its state machine. */
    public enum Phase {
        TRUNCATING,
        FETCHING
    }

    /** One followed partition. Guarded by {@link #lock}. */
    static final class Followed {
        final Partition replica;
        final int leaderEpoch;
        Phase phase = Phase.TRUNCATING;
        /** The epoch to ask about next while truncating. */
        int epochToAsk;
        long retryAtMs;

        Followed(Partition replica, int leaderEpoch) {
            this.replica = replica;
            this.leaderEpoch = leaderEpoch;
            this.epochToAsk = replica.epochCache().latestEpoch();
        }
    }

    private final int localBrokerId;
    private final int leaderId;
    private final FetcherConfig config;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a partition is added or becomes ready. */
    private final Condition work = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final Map<String, Followed> partitions = new LinkedHashMap<>();
    /** Guarded by {@link #lock}: the partitions of the request in flight, in request order. */
    private List<Followed> inFlight = List.of();

    public ReplicaFetcher(int localBrokerId, int leaderId, FetcherConfig config, Clock clock) {
        this.localBrokerId = localBrokerId;
        this.leaderId = leaderId;
        this.config = config;
        this.clock = clock;
    }

    public int leaderId() {
        return leaderId;
    }

    private static String key(Partition p) {
        return p.topic().toLowerCase(Locale.ROOT) + "-" + p.partition();
    }

    /** Follows {@code replica} at {@code leaderEpoch} from this fetcher's leader: truncation first. */
    public void add(Partition replica, int leaderEpoch) {
        lock.lock();
        try {
            partitions.put(key(replica), new Followed(replica, leaderEpoch));
            work.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.debug("Broker {} fetches {} from broker {} at epoch {}", localBrokerId, replica, leaderId, leaderEpoch);
    }

    /** Stops following {@code replica}; when this returns, no response handling touches it. */
    public void remove(Partition replica) {
        lock.lock();
        try {
            Followed f = partitions.get(key(replica));
            if (f != null && f.replica == replica) {
                partitions.remove(key(replica));
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isEmpty() {
        lock.lock();
        try {
            return partitions.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The phase of a followed partition, or null when not followed here. For tests. */
    public Phase phase(Partition replica) {
        lock.lock();
        try {
            Followed f = partitions.get(key(replica));
            return f == null || f.replica != replica ? null : f.phase;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a partition is added or a backoff ends, at most {@code maxMs}. For a fetcher thread
     * with nothing to send.
     */
    public void awaitWork(long maxMs) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long now = clock.millis();
            long wait = maxMs;
            for (Followed f : partitions.values()) {
                if (f.retryAtMs > now) {
                    wait = Math.min(wait, f.retryAtMs - now);
                }
            }
            if (wait > 0) {
                work.await(wait, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ truncation

    /**
     * The next OffsetsForLeaderEpoch request, or null when no partition needs one now. Partitions that
     * can settle their truncation without the leader (no epochs, or no data) do so here.
     */
    public EpochRequest nextEpochRequest() {
        lock.lock();
        try {
            long now = clock.millis();
            List<Followed> asked = new ArrayList<>();
            List<EpochRequest.Partition> request = new ArrayList<>();
            for (Followed f : List.copyOf(partitions.values())) {
                if (f.phase != Phase.TRUNCATING || f.retryAtMs > now) {
                    continue;
                }
                Partition r = f.replica;
                try {
                    if (r.logEndOffset() == r.logStartOffset()) {
                        startFetching(f, "its log is empty");
                        continue;
                    }
                    if (f.epochToAsk == LeaderEpochCache.UNDEFINED_EPOCH) {
                        // Data but no epochs (a damaged checkpoint): the HW is all we know to be committed.
                        r.truncateAsFollower(f.leaderEpoch, r.highWatermark());
                        startFetching(f, "it has no leader-epoch entries; truncated to its high watermark");
                        continue;
                    }
                } catch (Partition.StaleFetchException e) {
                    drop(f, e.getMessage());
                    continue;
                } catch (RuntimeException e) {
                    backoff(f, "cannot truncate: " + e);
                    continue;
                }
                asked.add(f);
                request.add(new EpochRequest.Partition(r.topic(), r.topicId(), r.partition(), f.leaderEpoch, f.epochToAsk));
            }
            if (request.isEmpty()) {
                return null;
            }
            inFlight = asked;
            return new EpochRequest(localBrokerId, request);
        } finally {
            lock.unlock();
        }
    }

    /** Handles the answer to the last {@link #nextEpochRequest()}: truncates, and starts fetching when done. */
    public void onEpochResponse(EpochResponse response) {
        lock.lock();
        try {
            List<Followed> asked = inFlight;
            inFlight = List.of();
            for (int i = 0; i < asked.size() && i < response.partitions().size(); i++) {
                Followed f = asked.get(i);
                if (!isCurrent(f)) {
                    continue;
                }
                EpochResponse.Partition answer = response.partitions().get(i);
                Partition r = f.replica;
                switch (answer.error()) {
                    case NONE -> {
                        try {
                            long leo = r.logEndOffset();
                            TruncationPlanner.Plan plan = TruncationPlanner.plan(r.epochCache().entries(), leo,
                                    answer.leaderEpoch(), answer.endOffset());
                            r.truncateAsFollower(f.leaderEpoch, plan.truncateTo());
                            if (plan.done()) {
                                startFetching(f, "broker " + leaderId + " ends epoch " + f.epochToAsk + " at "
                                        + answer.endOffset() + " (its epoch " + answer.leaderEpoch() + "); log end " + leo + " -> "
                                        + r.logEndOffset());
                            } else {
                                f.epochToAsk = plan.nextEpoch();
                            }
                        } catch (Partition.StaleFetchException e) {
                            drop(f, e.getMessage());
                        } catch (RuntimeException e) {
                            backoff(f, "cannot truncate: " + e);
                        }
                    }
                    case FENCED_LEADER_EPOCH -> drop(f, "broker " + leaderId + " leads a newer epoch than " + f.leaderEpoch);
                    default -> backoff(f, "broker " + leaderId + " answered " + answer.error());
                }
            }
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}. */
    private void startFetching(Followed f, String why) {
        f.phase = Phase.FETCHING;
        f.retryAtMs = 0;
        LOG.info("{}: broker {} fetches from broker {} at offset {}, epoch {} ({})", f.replica, localBrokerId, leaderId,
                f.replica.logEndOffset(), f.leaderEpoch, why);
    }

    // ------------------------------------------------------------------ fetching

    /** The next FETCH request (every fetching partition not backing off), or null when there is none. */
    public FetchRequest nextFetchRequest() {
        lock.lock();
        try {
            long now = clock.millis();
            List<Followed> asked = new ArrayList<>();
            List<FetchRequest.Partition> request = new ArrayList<>();
            for (Followed f : partitions.values()) {
                if (f.phase != Phase.FETCHING || f.retryAtMs > now) {
                    continue;
                }
                Partition r = f.replica;
                asked.add(f);
                request.add(new FetchRequest.Partition(r.topic(), r.topicId(), r.partition(), f.leaderEpoch, r.logEndOffset(),
                        config.partitionMaxBytes()));
            }
            if (request.isEmpty()) {
                return null;
            }
            inFlight = asked;
            return new FetchRequest(localBrokerId, config.maxWaitMs(), config.maxBytes(), request);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Handles the answer to the last {@link #nextFetchRequest()}: appends the batches (offsets, epochs
     * and timestamps as the leader stamped them) and takes the leader's high watermark.
     *
     * @return bytes appended
     */
    public long onFetchResponse(FetchResponse response) {
        long appended = 0;
        lock.lock();
        try {
            List<Followed> asked = inFlight;
            inFlight = List.of();
            for (int i = 0; i < asked.size() && i < response.partitions().size(); i++) {
                Followed f = asked.get(i);
                if (!isCurrent(f)) {
                    continue;
                }
                FetchResponse.Partition answer = response.partitions().get(i);
                Partition r = f.replica;
                try {
                    switch (answer.error()) {
                        case NONE -> {
                            if (answer.records().sizeInBytes() > 0) {
                                r.appendAsFollower(f.leaderEpoch, answer.records().toByteBuffer(), answer.highWatermark());
                                appended += answer.records().sizeInBytes();
                            } else {
                                r.updateFollowerHighWatermark(f.leaderEpoch, answer.highWatermark());
                            }
                        }
                        case OFFSET_OUT_OF_RANGE -> {
                            long leo = r.logEndOffset();
                            if (leo < answer.logStartOffset()) {
                                r.resetAsFollower(f.leaderEpoch, answer.logStartOffset());
                            } else {
                                LOG.info("{}: fetch offset {} is past broker {}'s log end {}; truncating by epochs again", r, leo,
                                        leaderId, answer.logEndOffset());
                                f.phase = Phase.TRUNCATING;
                                f.epochToAsk = r.epochCache().latestEpoch();
                            }
                        }
                        case FENCED_LEADER_EPOCH -> drop(f, "broker " + leaderId + " leads a newer epoch than " + f.leaderEpoch);
                        default -> backoff(f, "broker " + leaderId + " answered " + answer.error());
                    }
                } catch (Partition.StaleFetchException e) {
                    drop(f, e.getMessage());
                } catch (LogException | IllegalStateException | java.io.UncheckedIOException e) {
                    backoff(f, "cannot append what broker " + leaderId + " sent: " + e);
                } catch (RuntimeException e) {
                    backoff(f, "cannot append what broker " + leaderId + " sent: " + e);
                }
            }
            work.signalAll();
        } finally {
            lock.unlock();
        }
        return appended;
    }

    /** The request in flight failed (the leader is unreachable, or did not answer in time): back off every partition in it. */
    public void onRequestFailed(Throwable error) {
        lock.lock();
        try {
            List<Followed> asked = inFlight;
            inFlight = List.of();
            long retryAt = clock.millis() + config.backoffMs();
            for (Followed f : asked) {
                if (isCurrent(f)) {
                    f.retryAtMs = retryAt;
                }
            }
            if (!asked.isEmpty()) {
                LOG.debug("Broker {}: request to broker {} failed, backing off {} ms: {}", localBrokerId, leaderId,
                        config.backoffMs(), error.toString());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}. */
    private boolean isCurrent(Followed f) {
        return partitions.get(key(f.replica)) == f;
    }

    /** Guarded by {@link #lock}. */
    private void backoff(Followed f, String why) {
        f.retryAtMs = clock.millis() + config.backoffMs();
        LOG.debug("{}: broker {} backs off fetching from broker {}: {}", f.replica, localBrokerId, leaderId, why);
    }

    /** Guarded by {@link #lock}: stop following until the metadata re-adds the partition. */
    private void drop(Followed f, String why) {
        partitions.remove(key(f.replica));
        LOG.info("{}: broker {} stops fetching from broker {} until the metadata moves on: {}", f.replica, localBrokerId,
                leaderId, why);
    }

    /** Followed partitions in state {@code phase}, for tests and metrics. */
    public int count(Phase phase) {
        lock.lock();
        try {
            int n = 0;
            for (Followed f : partitions.values()) {
                if (f.phase == phase) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }
}
