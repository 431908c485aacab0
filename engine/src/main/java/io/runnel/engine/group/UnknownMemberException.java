package io.runnel.engine.group;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;

/**
 * The coordinator does not know the member (it expired, or the coordinator failed over and the member
 * has not joined the new one yet), or the member committed a partition it does not own. SQLSTATE 40001
 * (a retryable conflict): the member joins again, and rows it did not commit are read again.
 */
public final class UnknownMemberException extends EngineException {
    private static final long serialVersionUID = 1L;

    public UnknownMemberException(String message) {
        super(SqlStates.SERIALIZATION_FAILURE, message);
    }
}
