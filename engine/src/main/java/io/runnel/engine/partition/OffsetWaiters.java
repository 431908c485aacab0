package io.runnel.engine.partition;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Futures waiting for one of a partition's offsets (its high watermark, or the end of its published
 * log) to reach a target: {@code acks=all} produces wait for the high watermark to pass their last
 * row, long-polling fetches for new data. The offset only grows; {@link #advanceTo} completes every
 * waiter whose target it reached, {@link #failAll} fails them all (the partition lost its leadership
 * or closed). A waiter whose caller gave up is {@link #remove}d, so an idle partition accumulates none.
 *
 * <p>Futures complete outside the internal lock, on the thread that advanced the offset: their
 * dependants must not block.
 *
 * <p>Thread-safe.
 */
public final class OffsetWaiters {
    private record Waiter(long target, CompletableFuture<Void> future) {}

    private final Object lock = new Object();
    /** Guarded by {@link #lock}; smallest target first. */
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.target, b.target));
    /** Guarded by {@link #lock}: the highest value {@link #advanceTo} saw. */
    private long reached = Long.MIN_VALUE;

    /**
     * A future completing when the offset reaches {@code target} (at once if it has).
     *
     * @param current the offset's value now, read by the caller after deciding to wait: closes the
     *                window between its check and this registration
     */
    public CompletableFuture<Void> await(long target, long current) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (lock) {
            reached = Math.max(reached, current);
            if (reached >= target) {
                future.complete(null);
                return future;
            }
            waiters.add(new Waiter(target, future));
        }
        return future;
    }

    /** Completes every waiter whose target is at most {@code value}. */
    public void advanceTo(long value) {
        List<CompletableFuture<Void>> done = null;
        synchronized (lock) {
            if (value <= reached) {
                return;
            }
            reached = value;
            while (!waiters.isEmpty() && waiters.peek().target <= value) {
                if (done == null) {
                    done = new ArrayList<>();
                }
                done.add(waiters.poll().future);
            }
        }
        if (done != null) {
            for (CompletableFuture<Void> f : done) {
                f.complete(null);
            }
        }
    }

    /** Fails every waiter with {@code cause} (they will never be reached here). */
    public void failAll(RuntimeException cause) {
        List<CompletableFuture<Void>> failed;
        synchronized (lock) {
            failed = new ArrayList<>(waiters.size());
            for (Waiter w : waiters) {
                failed.add(w.future);
            }
            waiters.clear();
        }
        for (CompletableFuture<Void> f : failed) {
            f.completeExceptionally(cause);
        }
    }

    /** Forgets {@code future} (its caller timed out or no longer cares). */
    public void remove(CompletableFuture<Void> future) {
        synchronized (lock) {
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                if (it.next().future == future) {
                    it.remove();
                    return;
                }
            }
        }
    }

    /**
     * Lowers the reached mark to {@code value} (a follower truncated its log). Waiters are not
     * affected: only leaders have them.
     */
    public void resetTo(long value) {
        synchronized (lock) {
            reached = value;
        }
    }

    public int size() {
        synchronized (lock) {
            return waiters.size();
        }
    }
}
