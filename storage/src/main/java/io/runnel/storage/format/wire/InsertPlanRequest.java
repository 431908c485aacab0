package io.runnel.storage.format.wire;

import java.nio.ByteBuffer;

/**
 * "What does prepared statement {@code statementId} of connection {@code connectionId} write?"
 *
 * <pre>
 * header (type 1) | connectionId string | statementId int32
 * </pre>
 */
public record InsertPlanRequest(String connectionId, int statementId) {

    public byte[] encode() {
        WireWriter w = WireWriter.message(MessageType.INSERT_PLAN_REQUEST, 16 + connectionId.length());
        w.putString(connectionId);
        w.putInt(statementId);
        return w.toByteArray();
    }

    /** @throws DataPathFormatException for a malformed body */
    public static InsertPlanRequest decode(ByteBuffer body) {
        WireReader r = WireReader.message(body, MessageType.INSERT_PLAN_REQUEST);
        InsertPlanRequest request = new InsertPlanRequest(r.getString("connectionId"), r.getInt("statementId"));
        r.expectEnd();
        return request;
    }
}
