package io.runnel.bench.suite;

/** The two systems every scenario measures, in the order they run within a pair (A then B). */
public enum Side {
    KAFKA("Kafka"),
    RUNNEL("Runnel");

    private final String displayName;

    Side(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
