package io.runnel.engine;

/** Where a reader starts in a partition. */
public sealed interface StartPosition {
    /** The log start offset (oldest retained row). */
    record Earliest() implements StartPosition {}

    /** The high watermark when the reader opens (only rows appended afterwards). */
    record Latest() implements StartPosition {}

    /** A given offset, clamped into [log start, high watermark]. */
    record AtOffset(long offset) implements StartPosition {}

    /** The first row with a timestamp at or after {@code timestampMs}. */
    record AtTimestamp(long timestampMs) implements StartPosition {}

    static StartPosition earliest() {
        return new Earliest();
    }

    static StartPosition latest() {
        return new Latest();
    }

    static StartPosition offset(long offset) {
        return new AtOffset(offset);
    }

    static StartPosition timestamp(long timestampMs) {
        return new AtTimestamp(timestampMs);
    }
}
