package io.runnel.bench.suite.kafka;

import io.runnel.bench.suite.load.Acks;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka client settings of the benchmark: the fastest realistic setup of DESIGN.md §8, as
 * Kafka's best users run it. Everything not listed is Kafka's default. Recorded in the results.
 */
public final class KafkaClientSettings {
    /** 256 KB batches (default 16 KB). */
    public static final int BATCH_SIZE_BYTES = 256 * 1024;
    /** Wait up to 5 ms for a batch to fill (default 5 ms since Kafka 4.0; set explicitly). */
    public static final int LINGER_MS = 5;
    /**
     * Records per poll() (default 500), raised as throughput-minded users do. On this machine it made
     * no measurable difference once warm (1.3–1.5 M rows/s either way): the consumer's fetch, zstd
     * decompression and record parsing dominate, not the poll loop.
     */
    public static final int MAX_POLL_RECORDS = 10_000;

    private KafkaClientSettings() {}

    /** Producer: byte[] values from OrderBinaryCodec, no key, zstd, 256 KB batches, linger 5 ms. */
    public static Properties producer(String bootstrapServers, Acks acks) {
        Properties p = new Properties();
        p.putAll(producerSettings(acks));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "runnel-bench-producer");
        return p;
    }

    /** The settings that shape performance, for the record. */
    public static Map<String, String> producerSettings(Acks acks) {
        Map<String, String> s = new TreeMap<>();
        s.put(ProducerConfig.ACKS_CONFIG, acks.value());
        s.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        s.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_SIZE_BYTES));
        s.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(LINGER_MS));
        return s;
    }

    /** Consumer: manual assignment (no group), from earliest, byte[] values decoded by the caller. */
    public static Properties consumer(String bootstrapServers) {
        Properties p = new Properties();
        p.putAll(consumerSettings());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "runnel-bench-consumer");
        return p;
    }

    public static Map<String, String> consumerSettings() {
        Map<String, String> s = new TreeMap<>();
        s.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        s.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        s.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        return s;
    }
}
