package io.runnel.engine.cluster;

import io.runnel.engine.partition.Partition;

/**
 * Starts and stops followers' fetching (implemented by the replication module's fetcher threads).
 * The engine calls it when the metadata makes a local replica a follower, or moves it away from that.
 *
 * <p>Thread-safety: implementations are thread-safe.
 */
public interface ReplicaFetchers extends AutoCloseable {

    /** No fetching at all: a standalone broker. */
    ReplicaFetchers NONE = new ReplicaFetchers() {
        @Override
        public void follow(Partition replica, int leaderId, int leaderEpoch) {
            throw new IllegalStateException(replica + ": a standalone broker has no leader to follow (leader " + leaderId + ")");
        }

        @Override
        public void unfollow(Partition replica) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * (Re)starts fetching {@code replica} from broker {@code leaderId} at {@code leaderEpoch}: first the
     * leader-epoch truncation, then fetches from the log end. Replaces any earlier follow of the replica.
     */
    void follow(Partition replica, int leaderId, int leaderEpoch);

    /** Stops fetching {@code replica}; when it returns, no fetch is appending to it any more. */
    void unfollow(Partition replica);

    @Override
    void close();
}
