package io.runnel.replication.transport.netty;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.engine.cluster.NotEnoughReplicasException;
import io.runnel.engine.cluster.NotLeaderException;
import io.runnel.engine.group.NotCoordinatorException;
import io.runnel.engine.group.UnknownMemberException;
import io.runnel.replication.protocol.Protocol;
import io.runnel.replication.protocol.ProtocolCodec;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where engine exceptions become error responses on the wire and back, keeping SQLSTATE,
 * message and the typed cases the router relies on ({@link NotLeaderException} with or without an
 * unknown outcome, {@link NotEnoughReplicasException} before or after append, timeouts).
 *
 * <p>Stateless and thread-safe.
 */
final class RemoteErrors {
    private RemoteErrors() {}

    /** An error response for {@code error}. */
    static java.nio.ByteBuffer response(int correlationId, Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof NotLeaderException nl) {
            return ProtocolCodec.errorResponse(correlationId, Protocol.ENGINE_ERROR, nl.sqlState(), nl.getMessage(),
                    nl.outcomeUnknown() ? Protocol.KIND_NOT_LEADER_OUTCOME_UNKNOWN : Protocol.KIND_NOT_LEADER);
        }
        if (e instanceof NotEnoughReplicasException ne) {
            return ProtocolCodec.errorResponse(correlationId, Protocol.ENGINE_ERROR, ne.sqlState(), ne.getMessage(),
                    ne.afterAppend() ? Protocol.KIND_NOT_ENOUGH_REPLICAS_AFTER_APPEND : Protocol.KIND_NOT_ENOUGH_REPLICAS);
        }
        if (e instanceof NotCoordinatorException nc) {
            return ProtocolCodec.errorResponse(correlationId, Protocol.ENGINE_ERROR, nc.sqlState(), nc.getMessage(),
                    Protocol.KIND_NOT_COORDINATOR);
        }
        if (e instanceof UnknownMemberException um) {
            return ProtocolCodec.errorResponse(correlationId, Protocol.ENGINE_ERROR, um.sqlState(), um.getMessage(),
                    Protocol.KIND_UNKNOWN_MEMBER);
        }
        if (e instanceof TimeoutException) {
            return ProtocolCodec.errorResponse(correlationId, Protocol.ENGINE_ERROR, SqlStates.QUERY_CANCELED,
                    "timed out waiting for the in-sync replicas; the rows may still be committed", Protocol.KIND_TIMEOUT);
        }
        if (e instanceof EngineException ee) {
            return ProtocolCodec.errorResponse(correlationId, Protocol.ENGINE_ERROR, ee.sqlState(), ee.getMessage(),
                    Protocol.KIND_PLAIN);
        }
        return ProtocolCodec.errorResponse(correlationId, Protocol.ENGINE_ERROR, SqlStates.INTERNAL_ERROR, String.valueOf(e),
                Protocol.KIND_PLAIN);
    }

    /** The exception an error response stands for, as raised by broker {@code brokerId}. */
    static Exception exception(ProtocolCodec.ErrorBody body, short errorCode, int brokerId) {
        if (errorCode != Protocol.ENGINE_ERROR) {
            return new EngineException(SqlStates.INTERNAL_ERROR, "broker " + brokerId + " refused the request ("
                    + (errorCode == Protocol.UNSUPPORTED_VERSION ? "unsupported version"
                            : errorCode == Protocol.UNKNOWN_API ? "unknown API" : "invalid request") + "): " + body.message());
        }
        return switch (body.kind()) {
            case Protocol.KIND_NOT_LEADER -> new NotLeaderException(body.message(), false);
            case Protocol.KIND_NOT_LEADER_OUTCOME_UNKNOWN -> new NotLeaderException(body.message(), true);
            case Protocol.KIND_NOT_ENOUGH_REPLICAS -> new NotEnoughReplicasException(body.message(), false);
            case Protocol.KIND_NOT_ENOUGH_REPLICAS_AFTER_APPEND -> new NotEnoughReplicasException(body.message(), true);
            case Protocol.KIND_NOT_COORDINATOR -> new NotCoordinatorException(body.message());
            case Protocol.KIND_UNKNOWN_MEMBER -> new UnknownMemberException(body.message());
            case Protocol.KIND_TIMEOUT -> new TimeoutException("broker " + brokerId + ": " + body.message());
            default -> new EngineException(body.sqlState(), body.message());
        };
    }

    static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
