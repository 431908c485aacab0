package io.runnel.bench.suite;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The scenarios of the side-by-side suite, as named on the command line ({@code --only}).
 * A scenario yields one or more {@link Metric}s.
 */
public enum Scenario {
    PRODUCE("produce", "JDBC executeBatch vs KafkaProducer, acks=1 and acks=all"),
    CONSUME("consume", "EMIT CHANGES from earliest, every column read vs KafkaConsumer with full decode"),
    PROJECTED("projected", "EMIT CHANGES of 2 of 6 columns vs KafkaConsumer reading whole values"),
    BYTES("bytes", "bytes of segment files per row after the produce runs"),
    LATENCY("latency", "INSERT to ResultSet.next() vs send to poll, paced at a fixed rate"),
    AGGREGATE("aggregate", "SELECT customer, SUM(amount) ... GROUP BY customer vs a consumer loop into a HashMap"),
    WRITE("write", "one row per synchronous write: PreparedStatement.executeUpdate vs KafkaProducer send().get()");

    private final String cliName;
    private final String description;

    Scenario(String cliName, String description) {
        this.cliName = cliName;
        this.description = description;
    }

    public String cliName() {
        return cliName;
    }

    public String description() {
        return description;
    }

    /** Parses {@code --only}'s comma-separated list; blank means every scenario. */
    public static EnumSet<Scenario> parseList(String csv) {
        if (csv == null || csv.isBlank()) {
            return EnumSet.allOf(Scenario.class);
        }
        EnumSet<Scenario> selected = EnumSet.noneOf(Scenario.class);
        for (String raw : csv.split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            selected.add(Arrays.stream(values())
                    .filter(s -> s.cliName.equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "unknown scenario '" + raw.trim() + "'; known: " + cliNames())));
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("--only names no scenario; known: " + cliNames());
        }
        return selected;
    }

    public static String cliNames() {
        return Arrays.stream(values()).map(Scenario::cliName).collect(Collectors.joining(","));
    }
}
