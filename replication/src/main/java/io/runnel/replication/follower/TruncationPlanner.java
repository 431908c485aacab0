package io.runnel.replication.follower;

import io.runnel.engine.partition.LeaderEpochCache;
import io.runnel.engine.partition.LeaderEpochCache.EpochEndOffset;
import java.util.List;

/**
 * Where a follower cuts its log before fetching from a new leader (KIP-101/279), from its own
 * leader-epoch cache and the leader's OffsetsForLeaderEpoch answer (design note 0007):
 *
 * <ul>
 *   <li>the leader has epoch {@code E'} = the asked one: truncate to min(leader's end of it, own LEO);
 *   <li>the leader's largest epoch {@code E'} is below the asked one and the follower has {@code E'}
 *       too: truncate to min(own end of {@code E'}, leader's end of {@code E'}, own LEO);
 *   <li>the follower lacks {@code E'} (its largest epoch at or below it is older): truncate to its own
 *       end of that older epoch and ask again with it — each round asks a strictly smaller epoch;
 *   <li>the follower has nothing at or below {@code E'}: its whole log diverges from its first epoch;
 *   <li>the leader has nothing at or below the asked epoch (-1): truncate to where the leader's first
 *       epoch starts.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class TruncationPlanner {
    private TruncationPlanner() {}

    /**
     * @param truncateTo   cut the log here (no-op when at or above the log end)
     * @param done         fetching may start; otherwise ask again with {@code nextEpoch}
     */
    public record Plan(long truncateTo, boolean done, int nextEpoch) {}

    /**
     * @param cache         the follower's epoch entries
     * @param logEndOffset  the follower's LEO
     * @param answerEpoch   the leader's answer epoch (-1: older than all the leader has)
     * @param answerEnd     the leader's end offset of {@code answerEpoch} (with -1: start of its first epoch)
     */
    public static Plan plan(List<LeaderEpochCache.EpochEntry> cache, long logEndOffset, int answerEpoch, long answerEnd) {
        if (answerEpoch == LeaderEpochCache.UNDEFINED_EPOCH) {
            return new Plan(Math.min(Math.max(0, answerEnd), logEndOffset), true, LeaderEpochCache.UNDEFINED_EPOCH);
        }
        EpochEndOffset own = endOffsetFor(cache, answerEpoch, logEndOffset);
        if (own.epoch() == LeaderEpochCache.UNDEFINED_EPOCH) {
            long firstStart = cache.isEmpty() ? 0 : cache.get(0).startOffset();
            return new Plan(Math.min(Math.min(firstStart, answerEnd), logEndOffset), true, LeaderEpochCache.UNDEFINED_EPOCH);
        }
        if (own.epoch() == answerEpoch) {
            return new Plan(Math.min(Math.min(own.endOffset(), answerEnd), logEndOffset), true, answerEpoch);
        }
        return new Plan(Math.min(own.endOffset(), logEndOffset), false, own.epoch());
    }

    /** {@link LeaderEpochCache#endOffsetFor} over a list of entries. */
    static EpochEndOffset endOffsetFor(List<LeaderEpochCache.EpochEntry> cache, int epoch, long logEndOffset) {
        for (int i = cache.size() - 1; i >= 0; i--) {
            LeaderEpochCache.EpochEntry e = cache.get(i);
            if (e.epoch() <= epoch) {
                long end = i == cache.size() - 1 ? logEndOffset : cache.get(i + 1).startOffset();
                return new EpochEndOffset(e.epoch(), end);
            }
        }
        return new EpochEndOffset(LeaderEpochCache.UNDEFINED_EPOCH, LeaderEpochCache.UNDEFINED_OFFSET);
    }
}
