package io.runnel.bench.suite.runnel;

import io.runnel.bench.data.Order;
import io.runnel.bench.suite.load.Acks;
import io.runnel.bench.suite.load.Projection;

/** The SQL and JDBC URLs of the Runnel side (DESIGN.md §3 and §4). Stateless. */
public final class RunnelSql {
    private RunnelSql() {}

    /** {@code CREATE TOPIC t (…) WITH (partitions = n)} — no PARTITION BY: rows spread per batch. */
    public static String createTopic(String topic, int partitions) {
        return "CREATE TOPIC " + topic + " " + Order.CREATE_TOPIC_COLUMNS + " WITH (partitions = " + partitions + ")";
    }

    public static String dropTopic(String topic) {
        return "DROP TOPIC IF EXISTS " + topic;
    }

    public static String insert(String topic) {
        return "INSERT INTO " + topic + " (id, customer, product, amount, qty, placed_at) VALUES (?, ?, ?, ?, ?, ?)";
    }

    /** An unbounded query from the earliest offset of every partition. */
    public static String consume(String topic, Projection projection) {
        String columns = projection == Projection.ALL_COLUMNS ? "*" : "id, amount";
        return "SELECT " + columns + " FROM " + topic + " WHERE _offset >= 0 EMIT CHANGES";
    }

    /** A bounded snapshot aggregate. */
    public static String aggregate(String topic) {
        return "SELECT customer, SUM(amount) FROM " + topic + " GROUP BY customer";
    }

    /** The server's URL with {@code acks} set ({@code ?acks=1}, or {@code &acks=1} after other properties). */
    public static String withAcks(String jdbcUrl, Acks acks) {
        return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "acks=" + acks.value();
    }
}
