package io.runnel.storage.format.wire;

import java.nio.ByteBuffer;

/**
 * The driver asks for the next stored batches of a running query (a bare topic scan) on its
 * connection. The request is the flow control: the server reads at most {@code maxBytes} of batches
 * for it and waits at most {@code maxWaitMs} for the first row, so a slow client never makes the
 * server buffer more than one response.
 *
 * <pre>
 * header (type 6) | connectionId string | statementId int32 | maxBytes int32 | maxWaitMs int32
 * </pre>
 *
 * @param maxBytes the batch bytes the response may carry (at least one batch is sent even if larger)
 * @param maxWaitMs how long the server may wait for a first row of an unbounded query
 */
public record FetchRequest(String connectionId, int statementId, int maxBytes, int maxWaitMs) {

    public FetchRequest {
        if (maxBytes < 1 || maxWaitMs < 0) {
            throw new IllegalArgumentException("fetch request: maxBytes " + maxBytes + " must be > 0, maxWaitMs "
                    + maxWaitMs + " must be >= 0");
        }
    }

    public byte[] encode() {
        WireWriter w = WireWriter.message(MessageType.FETCH_REQUEST, 32 + connectionId.length());
        w.putString(connectionId);
        w.putInt(statementId);
        w.putInt(maxBytes);
        w.putInt(maxWaitMs);
        return w.toByteArray();
    }

    /** @throws DataPathFormatException for a malformed body */
    public static FetchRequest decode(ByteBuffer body) {
        WireReader r = WireReader.message(body, MessageType.FETCH_REQUEST);
        String connectionId = r.getString("connectionId");
        int statementId = r.getInt("statementId");
        int maxBytes = r.getInt("maxBytes", 1, Integer.MAX_VALUE);
        int maxWaitMs = r.getInt("maxWaitMs", 0, Integer.MAX_VALUE);
        r.expectEnd();
        return new FetchRequest(connectionId, statementId, maxBytes, maxWaitMs);
    }
}
