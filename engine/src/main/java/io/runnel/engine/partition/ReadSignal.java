package io.runnel.engine.partition;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a long-polling reader waits on: one signal per reader, registered with every partition it
 * reads, so that a reader of many partitions waits on one condition and an append to any of them
 * wakes it. A generation counter closes the lost-wakeup window: the reader notes
 * {@link #generation()}, checks its partitions, and then waits only while the generation is unchanged.
 *
 * <p>Thread-safe: {@link #signal()} from any appending thread, {@link #wake()} and the waits from any.
 */
public final class ReadSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by {@link #lock}; also read without it by {@link #generation()} (volatile for that). */
    private volatile long generation;

    /** The current generation; an {@link #await} with it returns when anything signals afterwards. */
    public long generation() {
        return generation;
    }

    /** New data (or a wakeup, a close): moves the generation and wakes the waiter. */
    public void signal() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the generation differs from {@code seen} or {@code timeoutNanos} pass.
     *
     * @return true when signalled, false on timeout
     */
    public boolean await(long seen, long timeoutNanos) throws InterruptedException {
        long remaining = timeoutNanos;
        lock.lockInterruptibly();
        try {
            while (generation == seen) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Same as {@link #await(long, long)} with milliseconds. */
    public boolean awaitMillis(long seen, long timeoutMs) throws InterruptedException {
        return await(seen, TimeUnit.MILLISECONDS.toNanos(timeoutMs));
    }
}
