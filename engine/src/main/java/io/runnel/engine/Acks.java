package io.runnel.engine;

import java.util.Locale;

/** When a produce is acknowledged (DESIGN.md §4): {@code 0}, {@code 1} or {@code all}. */
public enum Acks {
    /** Fire and forget: acknowledged once validated and handed to the leader. */
    NONE("0"),
    /** When the leader has appended. */
    LEADER("1"),
    /** When every in-sync replica has appended (the high watermark passed the batch). */
    ALL("all");

    private final String text;

    Acks(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** Parses {@code 0}, {@code 1}, {@code all} (or {@code -1}, Kafka's spelling of all). */
    public static Acks parse(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "0":
                return NONE;
            case "1":
                return LEADER;
            case "all":
            case "-1":
                return ALL;
            default:
                throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                        "acks must be 0, 1 or all, not '" + value + "'");
        }
    }
}
