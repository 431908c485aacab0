package io.runnel.engine.local;

import io.runnel.storage.format.BatchValidator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reuses {@link BatchValidator}s (each holds a native decompression context) across produce calls of
 * any thread: at most {@code maxIdle} are kept; more are created under load and closed on return.
 *
 * <p>Thread-safe.
 */
final class ValidatorPool implements AutoCloseable {
    private final ConcurrentLinkedQueue<BatchValidator> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final int maxIdle;
    /** Read by {@link #release}: after close, returned validators are closed at once. */
    private volatile boolean closed;

    ValidatorPool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    BatchValidator borrow() {
        BatchValidator v = idle.poll();
        if (v != null) {
            idleCount.decrementAndGet();
            return v;
        }
        return new BatchValidator();
    }

    void release(BatchValidator v) {
        if (!closed && idleCount.incrementAndGet() <= maxIdle) {
            idle.add(v);
            if (closed && idle.remove(v)) {
                v.close();
            }
            return;
        }
        idleCount.decrementAndGet();
        v.close();
    }

    @Override
    public void close() {
        closed = true;
        BatchValidator v;
        while ((v = idle.poll()) != null) {
            v.close();
        }
    }
}
