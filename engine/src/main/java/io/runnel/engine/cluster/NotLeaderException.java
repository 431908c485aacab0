package io.runnel.engine.cluster;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;

/**
 * A partition has no leader, this broker is not (or no longer) its leader, or leadership moved while
 * a write waited for its acknowledgement. SQLSTATE 40R02, retriable.
 *
 * <p>{@link #outcomeUnknown()} tells the two cases apart: false — nothing was appended, a retry is
 * safe (the router retries by itself); true — the rows were appended by a leader that lost its
 * leadership before they were committed: they may or may not survive (an idempotent retry settles it).
 */
public final class NotLeaderException extends EngineException {
    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;

    public NotLeaderException(String message, boolean outcomeUnknown) {
        super(SqlStates.NOT_LEADER, message);
        this.outcomeUnknown = outcomeUnknown;
    }

    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
