package io.runnel.bench.suite;

/** How a metric's Runnel ÷ Kafka ratio compares with its target of DESIGN.md §8. */
public enum Verdict {
    MET("met"),
    MISSED("missed"),
    /** No ratio: one side has no figure (Runnel not available, or its runs failed). */
    NOT_AVAILABLE("n/a"),
    /** DESIGN.md §8 sets no target for this metric; the ratio is reported only. */
    NO_TARGET("no target");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
