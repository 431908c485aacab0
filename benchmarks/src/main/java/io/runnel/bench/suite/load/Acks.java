package io.runnel.bench.suite.load;

/** Producer acknowledgement level, spelled the same way on both sides ({@code acks=1|all}). */
public enum Acks {
    ONE("1"),
    ALL("all");

    private final String value;

    Acks(String value) {
        this.value = value;
    }

    /** The value of Kafka's {@code acks} config and of Runnel's JDBC URL property {@code acks}. */
    public String value() {
        return value;
    }
}
