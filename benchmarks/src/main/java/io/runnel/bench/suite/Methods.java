package io.runnel.bench.suite;

import io.runnel.bench.suite.kafka.KafkaClientSettings;
import io.runnel.bench.suite.runnel.RunnelSystem;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What each scenario measures, exactly, in words — printed into the JSON results. Stateless. */
public final class Methods {
    private Methods() {}

    public static Map<String, String> describe(SuiteConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("general", String.format(Locale.ROOT,
                "Each side's server runs in its own JVM on 127.0.0.1; both sides' clients run in the suite's JVM,"
                        + " one run at a time. Per phase, runs alternate Kafka, Runnel, Kafka, Runnel … (%d pairs);"
                        + " each side first does a warm-up (%,d rows through every selected operation, %.1f s of"
                        + " latency), excluded from every figure. A full GC of the client JVM precedes each run."
                        + " Figures are medians of the runs; ratios are Runnel ÷ Kafka per pair, and the verdict"
                        + " judges the median of the per-pair ratios. Rows come from OrdersGenerator (seed %d),"
                        + " generated before any clock starts. Topics have %d partition(s) on both sides.",
                c.pairs(), c.warmupRows(), c.latencyWarmupSeconds(), c.seed(), c.partitions()));
        m.put(Scenario.PRODUCE.cliName(), String.format(Locale.ROOT,
                "%,d rows into a fresh topic per run, timed from the first row handed to the client to the last"
                        + " acknowledgement (client construction and metadata excluded). Runnel: PreparedStatement"
                        + " INSERT INTO t (id, customer, product, amount, qty, placed_at) VALUES (?,?,?,?,?,?),"
                        + " addBatch per row, executeBatch every %,d rows, JDBC URL property acks=1|all. Kafka:"
                        + " KafkaProducer.send() of OrderBinaryCodec values, no key, zstd, batch.size %d,"
                        + " linger.ms %d, acks=1|all, then flush(). With one broker acks=all waits for no follower.",
                c.rows(), RunnelSystem.INSERT_BATCH_ROWS, KafkaClientSettings.BATCH_SIZE_BYTES,
                KafkaClientSettings.LINGER_MS));
        m.put(Scenario.CONSUME.cliName(), String.format(Locale.ROOT,
                "The %,d rows of the last acks=all produce run, read from the earliest offset, timed from opening"
                        + " the reader to the last row's fields read. Runnel: SELECT * FROM t WHERE _offset >= 0 EMIT"
                        + " CHANGES, next() and getLong/getString/getString/getBigDecimal/getInt/getTimestamp per row,"
                        + " Statement.close() after the last row. Kafka: KafkaConsumer assign()+seekToBeginning(),"
                        + " poll(100 ms) with max.poll.records %d, OrderBinaryCodec.decode of every value. Both"
                        + " checksum every field and must match the written rows, or the run fails.",
                c.rows(), KafkaClientSettings.MAX_POLL_RECORDS));
        m.put(Scenario.PROJECTED.cliName(),
                "As consume, but only id and amount. Runnel: SELECT id, amount FROM t WHERE _offset >= 0 EMIT CHANGES,"
                        + " getLong + getBigDecimal. Kafka: the whole values are still fetched and decompressed; the"
                        + " reader takes id and amount in place and skips the strings by their length bytes (the"
                        + " fastest projection a Kafka user can write).");
        m.put(Scenario.BYTES.cliName(),
                "After each produce run (producer flushed/closed, every row acknowledged): the sum of the sizes of"
                        + " the topic's segment files, divided by the rows. Kafka: *.log under"
                        + " <log.dirs>/<topic>-<partition>/ (record batches with headers; the preallocated .index and"
                        + " .timeindex files are not counted). Runnel: *.seg under DIR/topics/<topic>[-<partition>]/,"
                        + " or every file there if no *.seg exists. Every file's size by extension is in the run's"
                        + " details.");
        m.put(Scenario.LATENCY.cliName(), String.format(Locale.ROOT,
                "%,d rows/s for %.1f s into a fresh topic while a concurrent reader reads from offset 0. Latency of"
                        + " a row = nanoTime when the reader has read all its fields − the row's intended send time"
                        + " (start + id ÷ rate), so a stalled producer is charged in full (no coordinated omission);"
                        + " HdrHistogram, µs resolution; p50/p99/p99.9 per run, medians over runs. Kafka: send() of"
                        + " each row when due, linger.ms %d, acks=all; KafkaConsumer poll(100 ms), fetch.min.bytes=1."
                        + " Runnel: every 5 ms one executeBatch of the rows that have become due (acks=all); SELECT *"
                        + " ... WHERE _offset >= 0 EMIT CHANGES with next() and every getter. Every row must arrive"
                        + " within 30 s after the last send, or the run fails.",
                c.latencyRate(), c.latencySeconds(), KafkaClientSettings.LINGER_MS));
        m.put(Scenario.AGGREGATE.cliName(), String.format(Locale.ROOT,
                "SUM(amount) per customer over the %,d rows of the data topic (10,000 customers), timed from opening"
                        + " the reader to the last group read. Runnel: SELECT customer, SUM(amount) FROM t GROUP BY"
                        + " customer (a bounded snapshot), getString + getBigDecimal per group. Kafka: KafkaConsumer"
                        + " from the beginning to the end offsets taken at the start, OrderBinaryCodec.decode of every"
                        + " value, HashMap<String, Long>.merge of the amount in cents. Both must equal the sums of the"
                        + " written rows, or the run fails. Reported as rows aggregated per second.",
                c.rows()));
        return m;
    }
}
