package io.runnel.engine.cluster;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;

/**
 * An {@code acks=all} write met fewer in-sync replicas than the topic's {@code min_insync_replicas}:
 * before appending (nothing written) or, with {@link #afterAppend()}, when the rows were committed by
 * a smaller ISR than required. SQLSTATE 40R01, retriable.
 */
public final class NotEnoughReplicasException extends EngineException {
    private static final long serialVersionUID = 1L;

    private final boolean afterAppend;

    public NotEnoughReplicasException(String message, boolean afterAppend) {
        super(SqlStates.NOT_ENOUGH_REPLICAS, message);
        this.afterAppend = afterAppend;
    }

    public boolean afterAppend() {
        return afterAppend;
    }
}
