package io.runnel.storage.format.wire;

/** The messages of the data path, by the type byte of their header. */
public enum MessageType {
    INSERT_PLAN_REQUEST(1, "insert-plan request"),
    INSERT_PLAN_RESPONSE(2, "insert-plan response"),
    PRODUCE_REQUEST(3, "produce request"),
    PRODUCE_RESPONSE(4, "produce response"),
    ERROR(5, "error response"),
    FETCH_REQUEST(6, "fetch request"),
    FETCH_RESPONSE(7, "fetch response");

    private final int code;
    private final String description;

    MessageType(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    String description() {
        return description;
    }
}
