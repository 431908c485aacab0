package io.runnel.storage.format.wire;

import java.nio.ByteBuffer;

/**
 * The broker's answer to any data-path request that failed: the SQLSTATE and message the user sees,
 * and a reason code that tells the driver what to do about it.
 *
 * <pre>
 * header (type 5) | reason int8 | sqlState string | message string
 * </pre>
 */
public record ErrorResponse(Reason reason, String sqlState, String message) {

    /** What the client does about an error. */
    public enum Reason {
        /** Report it: the request failed and wrote nothing (or, for an I/O failure mid-way, see the message). */
        FAILED(0),
        /** The topic changed since the plan was fetched (partitions, schema): fetch the plan again, rebuild, retry once. */
        STALE_PLAN(1),
        /** The statement cannot take the data path (not a plain-parameter INSERT): use Avatica's path. */
        NOT_ELIGIBLE(2);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Reason of(int code) {
            for (Reason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            throw new DataPathFormatException("error response: unknown reason code " + code);
        }
    }

    public byte[] encode() {
        WireWriter w = WireWriter.message(MessageType.ERROR, 16 + message.length());
        w.putByte(reason.code());
        w.putString(sqlState);
        w.putString(message.length() > 16_000 ? message.substring(0, 16_000) : message);
        return w.toByteArray();
    }

    /** Whether {@code body} is an error response (else it is the expected answer, or malformed). */
    public static boolean isError(ByteBuffer body) {
        return WireReader.peekType(body) == MessageType.ERROR.code();
    }

    /** @throws DataPathFormatException for a malformed body */
    public static ErrorResponse decode(ByteBuffer body) {
        WireReader r = WireReader.message(body, MessageType.ERROR);
        Reason reason = Reason.of(r.getByte("reason"));
        String sqlState = r.getString("sqlState");
        String message = r.getString("message");
        r.expectEnd();
        if (sqlState.length() != 5) {
            throw new DataPathFormatException("error response: SQLSTATE '" + sqlState + "' is not 5 characters");
        }
        return new ErrorResponse(reason, sqlState, message);
    }
}
