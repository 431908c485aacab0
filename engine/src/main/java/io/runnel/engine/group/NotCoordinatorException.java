package io.runnel.engine.group;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;

/**
 * The broker asked does not coordinate the group: it does not lead the group's partition of
 * {@value OffsetStore#TOPIC} (leadership moved, or the caller's metadata is stale), or it is still
 * replaying that partition. SQLSTATE 40R03, retriable: the caller resolves the coordinator again
 * ({@link GroupService} does so by itself within its request timeout).
 */
public final class NotCoordinatorException extends EngineException {
    private static final long serialVersionUID = 1L;

    public NotCoordinatorException(String message) {
        super(SqlStates.NOT_COORDINATOR, message);
    }
}
