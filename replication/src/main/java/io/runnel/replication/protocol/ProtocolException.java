package io.runnel.replication.protocol;

/** Bytes that do not follow the replication protocol (a bug, or a peer of another version). The message says which field. */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
