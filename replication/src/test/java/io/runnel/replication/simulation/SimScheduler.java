package io.runnel.replication.simulation;

import io.runnel.storage.testkit.MutableClock;
import java.util.PriorityQueue;

/**
 * The simulation's timeline: actions at simulated times, run in (time, insertion) order by one thread.
 * Running an action moves the clock forward to its time, never back.
 */
final class SimScheduler {
    private record Event(long timeMs, long seq, String what, Runnable action) {}

    private final MutableClock clock;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.timeMs != b.timeMs
            ? Long.compare(a.timeMs, b.timeMs) : Long.compare(a.seq, b.seq));
    private long seq;

    SimScheduler(MutableClock clock) {
        this.clock = clock;
    }

    long now() {
        return clock.millis();
    }

    void after(long delayMs, String what, Runnable action) {
        queue.add(new Event(clock.millis() + Math.max(0, delayMs), seq++, what, action));
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    /** Runs the earliest action (moving the clock to its time); false when there is none. */
    boolean runNext() {
        Event e = queue.poll();
        if (e == null) {
            return false;
        }
        if (e.timeMs > clock.millis()) {
            clock.set(e.timeMs);
        }
        e.action.run();
        return true;
    }

    /** Runs the earliest action if it is due within {@code maxAdvanceMs}; false otherwise. */
    boolean runNextWithin(long maxAdvanceMs) {
        Event e = queue.peek();
        if (e == null || e.timeMs > clock.millis() + maxAdvanceMs) {
            return false;
        }
        return runNext();
    }

    /** Moves the clock by {@code ms}, running every action due on the way, in order. */
    void advance(long ms) {
        long target = clock.millis() + ms;
        while (!queue.isEmpty() && queue.peek().timeMs <= target) {
            runNext();
        }
        if (target > clock.millis()) {
            clock.set(target);
        }
    }
}
