package io.runnel.bench.suite.kafka;

import io.runnel.bench.data.Order;
import io.runnel.bench.data.OrderBinaryCodec;
import io.runnel.bench.suite.Side;
import io.runnel.bench.suite.load.Acks;
import io.runnel.bench.suite.load.AggregateResult;
import io.runnel.bench.suite.load.ConsumeResult;
import io.runnel.bench.suite.load.Dataset;
import io.runnel.bench.suite.load.DiskUsage;
import io.runnel.bench.suite.load.LatencyRecorder;
import io.runnel.bench.suite.load.LatencyResult;
import io.runnel.bench.suite.load.PacedSchedule;
import io.runnel.bench.suite.load.Projection;
import io.runnel.bench.suite.load.ProduceResult;
import io.runnel.bench.suite.load.RowChecksum;
import io.runnel.bench.suite.load.RowProgress;
import io.runnel.bench.suite.load.SegmentFiles;
import io.runnel.bench.suite.load.SumsCheck;
import io.runnel.bench.suite.load.SystemUnderTest;
import io.runnel.bench.suite.load.WriteLatencyResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The Kafka side: a {@link KafkaBroker} and the client code a careful Kafka user writes —
 * {@code KafkaProducer} of {@link OrderBinaryCodec} values (no key: with one partition, or with
 * several and the sticky partitioner, that matches Runnel's topic without PARTITION BY), and
 * {@code KafkaConsumer} with manual assignment, decoding every value.
 *
 * <p>Not thread-safe, as {@link SystemUnderTest} says; {@link #abort()} wakes up the consumer of
 * the running operation.
 */
public final class KafkaSystem implements SystemUnderTest {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long LATENCY_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final KafkaBroker broker;
    private final Admin admin;
    private final int partitions;
    /** The consumer of the running operation; written by the suite thread, read by {@link #abort()}. */
    private final AtomicReference<KafkaConsumer<?, ?>> activeConsumer = new AtomicReference<>();

    public KafkaSystem(KafkaBroker broker, int partitions) {
        this.broker = broker;
        this.partitions = partitions;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        this.admin = Admin.create(props);
    }

    @Override
    public Side side() {
        return Side.KAFKA;
    }

    @Override
    public void createTopic(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        // Wait for every partition to have a leader, so that no run pays for the election.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(5, TimeUnit.SECONDS).get(topic);
                if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException notYetKnown) {
                // metadata not propagated yet
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topic " + topic + " has no leader after 30 s");
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void deleteTopic(String topic) throws Exception {
        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    }

    @Override
    public ProduceResult produce(String topic, Dataset data, int rows, Acks acks, RowProgress progress,
            long timeoutNanos) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(KafkaClientSettings.producer(broker.bootstrapServers(), acks))) {
            producer.partitionsFor(topic); // metadata before the clock starts
            SendErrors errors = new SendErrors();
            long start = System.nanoTime();
            for (int i = 0; i < rows; i++) {
                producer.send(new ProducerRecord<>(topic, OrderBinaryCodec.encode(data.row(i))), errors);
                if ((i & 0x3fff) == 0x3fff) {
                    progress.rowsDone(i + 1);
                    errors.throwIfAny();
                    if (System.nanoTime() - start > timeoutNanos) {
                        throw new TimeoutException("produced " + (i + 1) + " of " + rows + " rows before the time limit");
                    }
                }
            }
            producer.flush(); // returns when every record is acknowledged (or failed)
            long nanos = System.nanoTime() - start;
            errors.throwIfAny();
            progress.rowsDone(rows);
            return new ProduceResult(rows, nanos);
        }
    }

    @Override
    public WriteLatencyResult writeLatency(String topic, Dataset data, int writes, RowProgress progress,
            long timeoutNanos) throws Exception {
        // A synchronous writer does not linger: linger.ms=0, otherwise every send would wait 5 ms for company.
        Properties props = KafkaClientSettings.producer(broker.bootstrapServers(), Acks.ALL);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        LatencyRecorder recorder = new LatencyRecorder();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.partitionsFor(topic); // metadata before the clock starts
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                byte[] value = OrderBinaryCodec.encode(data.row(i));
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
                recorder.record(System.nanoTime(), t0);
                if ((i & 0xff) == 0xff) {
                    progress.rowsDone(i + 1);
                }
                if (System.nanoTime() - start > timeoutNanos) {
                    throw new TimeoutException("wrote " + (i + 1) + " of " + writes + " rows before the time limit");
                }
            }
            progress.rowsDone(writes);
            return WriteLatencyResult.of(recorder, "KafkaProducer send().get() per record, acks=all, linger.ms=0, zstd");
        }
    }

    @Override
    public DiskUsage diskUsage(String topic) throws Exception {
        // Kafka's segment files: <log.dirs>/<topic>-<partition>/<base offset>.log. The .index and
        // .timeindex files beside them are preallocated (10 MB, sparse) while a segment is active,
        // so their apparent size says nothing; they are listed in bytesByExtension, not counted.
        return SegmentFiles.count(broker.logDir(),
                dir -> SegmentFiles.isPartitionDirOf(dir.getFileName().toString(), topic),
                file -> file.getFileName().toString().endsWith(".log"),
                "*.log under <log.dirs>/" + topic + "-<partition>/ (Kafka's segment files: record batches with"
                        + " their headers; .index/.timeindex/checkpoints excluded)");
    }

    @Override
    public ConsumeResult consume(String topic, Dataset data, int rows, Projection projection, RowProgress progress,
            long timeoutNanos) throws Exception {
        long expected = data.expectedChecksum(rows, projection);
        RowChecksum checksum = new RowChecksum();
        long start = System.nanoTime();
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = openConsumer(topic)) {
            while (read < rows) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (projection == Projection.ALL_COLUMNS) {
                        Order o = OrderBinaryCodec.decode(record.value());
                        checksum.add(o.id(), o.customer(), o.product(), o.amountCents(), o.qty(), o.placedAtMs());
                    } else {
                        addProjected(checksum, record.value());
                    }
                    if (++read == rows) {
                        break;
                    }
                }
                progress.rowsDone(read);
                if (read < rows && System.nanoTime() - start > timeoutNanos) {
                    throw new TimeoutException("read " + read + " of " + rows + " rows before the time limit");
                }
            }
            long nanos = System.nanoTime() - start;
            return new ConsumeResult(read, nanos, checksum.value(), expected);
        } finally {
            activeConsumer.set(null);
        }
    }

    /**
     * The fastest projection a Kafka user can write for {@code id} and {@code amount}: read the two
     * numbers in place and skip the strings by their length bytes, creating no objects. The value
     * still arrives whole (fetched, decompressed, CRC-checked): Kafka cannot fetch part of a value.
     */
    static void addProjected(RowChecksum checksum, byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        long id = buf.getLong(0);
        int customerLength = value[8] & 0xff;
        int productLength = value[9 + customerLength] & 0xff;
        long amountCents = buf.getLong(10 + customerLength + productLength);
        checksum.addProjected(id, amountCents);
    }

    @Override
    public AggregateResult aggregate(String topic, Dataset data, int rows, RowProgress progress, long timeoutNanos)
            throws Exception {
        Map<String, Long> expected = data.expectedSumsByCustomer(rows);
        long start = System.nanoTime();
        // As a user would write it: decode each value, add its amount to its customer's sum.
        Map<String, Long> sums = new HashMap<>();
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = openConsumer(topic)) {
            List<TopicPartition> assigned = new ArrayList<>(consumer.assignment());
            // Bounded like a SQL snapshot: up to each partition's end offset at the start.
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            while (!reachedEnd(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    Order o = OrderBinaryCodec.decode(record.value());
                    sums.merge(o.customer(), o.amountCents(), Long::sum);
                    read++;
                }
                progress.rowsDone(read);
                if (System.nanoTime() - start > timeoutNanos) {
                    throw new TimeoutException("aggregated " + read + " of " + rows + " rows before the time limit");
                }
            }
            long nanos = System.nanoTime() - start;
            return new AggregateResult(read, sums.size(), nanos, SumsCheck.firstMismatch(expected, sums, read, rows));
        } finally {
            activeConsumer.set(null);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public LatencyResult latency(String topic, Dataset data, int ratePerSecond, double seconds, RowProgress progress)
            throws Exception {
        long total = Math.round(ratePerSecond * seconds);
        if (total > data.size()) {
            throw new IllegalArgumentException("latency run needs " + total + " rows, dataset has " + data.size());
        }
        LatencyRecorder recorder = new LatencyRecorder();
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        AtomicLong received = new AtomicLong();
        CountDownLatch positioned = new CountDownLatch(1);
        AtomicReference<PacedSchedule> schedule = new AtomicReference<>();
        CountDownLatch scheduled = new CountDownLatch(1);
        long hardDeadline = System.nanoTime() + (long) (seconds * 1e9) + LATENCY_DRAIN_NANOS + TimeUnit.SECONDS.toNanos(30);

        Thread reader = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = openConsumer(topic)) {
                for (TopicPartition tp : consumer.assignment()) {
                    consumer.position(tp); // resolve "earliest" of the empty topic before anything is sent
                }
                positioned.countDown();
                if (!scheduled.await(120, TimeUnit.SECONDS)) {
                    return; // the producer side never started; it reports why
                }
                PacedSchedule s = schedule.get();
                long count = 0;
                while (count < total && System.nanoTime() < hardDeadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        Order o = OrderBinaryCodec.decode(record.value());
                        long now = System.nanoTime();
                        recorder.record(now, s.intendedNanos(o.id()));
                        count++;
                    }
                    received.set(count);
                    progress.rowsDone(count);
                }
            } catch (WakeupException aborted) {
                readerFailure.compareAndSet(null, new InterruptedException("aborted"));
            } catch (Throwable t) {
                readerFailure.compareAndSet(null, t);
            } finally {
                activeConsumer.set(null);
                positioned.countDown();
            }
        }, "kafka-latency-reader");
        reader.setDaemon(true);
        reader.start();

        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(KafkaClientSettings.producer(broker.bootstrapServers(), Acks.ALL))) {
            producer.partitionsFor(topic);
            if (!positioned.await(60, TimeUnit.SECONDS) || readerFailure.get() != null) {
                throw new IllegalStateException("the latency reader did not start", readerFailure.get());
            }
            PacedSchedule s = PacedSchedule.of(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), ratePerSecond, seconds);
            schedule.set(s);
            scheduled.countDown();
            SendErrors errors = new SendErrors();
            long sent = 0;
            long lastSendNanos = s.startNanos();
            // Each row is handed to send() when it is due; the producer's linger.ms batches them.
            while (sent < total) {
                long due = s.dueCount(System.nanoTime());
                while (sent < due) {
                    producer.send(new ProducerRecord<>(topic, OrderBinaryCodec.encode(data.row((int) sent))), errors);
                    sent++;
                }
                lastSendNanos = System.nanoTime();
                if (sent < total) {
                    PacedSchedule.parkUntil(s.intendedNanos(sent));
                }
                if (System.nanoTime() > hardDeadline) {
                    throw new TimeoutException("sent " + sent + " of " + total + " rows before the time limit");
                }
            }
            producer.flush();
            errors.throwIfAny();
            reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(hardDeadline - System.nanoTime())));
            if (reader.isAlive()) {
                abort();
                reader.join(10_000);
            }
            if (readerFailure.get() != null) {
                throw new IllegalStateException("the latency reader failed", readerFailure.get());
            }
            if (recorder.count() != total) {
                throw new TimeoutException("received " + received.get() + " of " + total + " rows within the drain time");
            }
            double achieved = total * 1e9 / Math.max(1, lastSendNanos - s.startNanos());
            return LatencyResult.of(recorder, ratePerSecond, achieved,
                    "KafkaProducer.send() per row when due, linger.ms=" + KafkaClientSettings.LINGER_MS
                            + ", acks=all; KafkaConsumer.poll(100 ms), fetch.min.bytes=1");
        } finally {
            if (reader.isAlive()) {
                abort();
            }
        }
    }

    /** A consumer assigned to every partition of {@code topic}, positioned at the beginning. */
    private KafkaConsumer<byte[], byte[]> openConsumer(String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClientSettings.consumer(broker.bootstrapServers()));
        activeConsumer.set(consumer);
        List<TopicPartition> tps = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return consumer;
    }

    @Override
    public Optional<ProcessHandle> serverProcess() {
        return Optional.of(broker.process());
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("available", true);
        d.put("version", broker.version());
        d.put("clientVersion", AppInfoParser.getVersion());
        d.put("brokerJvm", broker.describeJvm());
        d.put("serverProperties", broker.serverProperties());
        Map<String, Object> producer = new LinkedHashMap<>();
        producer.put("acks=1", KafkaClientSettings.producerSettings(Acks.ONE));
        producer.put("acks=all", KafkaClientSettings.producerSettings(Acks.ALL));
        producer.put("key", "none (null): sticky partitioner, like Runnel's topic without PARTITION BY");
        producer.put("value", "OrderBinaryCodec (compact binary, about 52 bytes)");
        d.put("producer", producer);
        Map<String, Object> consumer = new LinkedHashMap<>(KafkaClientSettings.consumerSettings());
        consumer.put("assignment", "assign() to every partition + seekToBeginning(); no consumer group");
        d.put("consumer", consumer);
        d.put("partitions", partitions);
        return d;
    }

    @Override
    public void abort() {
        KafkaConsumer<?, ?> consumer = activeConsumer.get();
        if (consumer != null) {
            consumer.wakeup();
        }
    }

    @Override
    public void close() {
        try {
            admin.close(Duration.ofSeconds(5));
        } finally {
            broker.close();
        }
    }

    /** Keeps the first send failure; Kafka calls it on its I/O thread. */
    private static final class SendErrors implements Callback {
        private final AtomicReference<Exception> first = new AtomicReference<>();

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                first.compareAndSet(null, exception);
            }
        }

        void throwIfAny() throws Exception {
            Exception e = first.get();
            if (e != null) {
                throw e;
            }
        }
    }
}
