package io.runnel.bench.suite.load;

import io.runnel.bench.suite.Side;
import java.util.Map;
import java.util.Optional;

/**
 * One side of the comparison — a running server plus the client code a good user of it would
 * write — driven through the same operations for every scenario. Every operation is bounded: it
 * gives up with an exception when its {@code timeoutNanos} passes.
 *
 * <p>Not thread-safe: the suite calls one operation at a time; {@link #abort()} alone may be called
 * from another thread, to unblock an operation that overran its time.
 */
public interface SystemUnderTest extends AutoCloseable {

    Side side();

    /** Creates an empty topic with the suite's partition count and waits until it can be written. */
    void createTopic(String topic) throws Exception;

    /** Drops a topic; best effort (the disk is reclaimed whenever the server gets to it). */
    void deleteTopic(String topic) throws Exception;

    /** Writes rows {@code 0 … rows-1} of {@code data}. */
    ProduceResult produce(String topic, Dataset data, int rows, Acks acks, RowProgress progress, long timeoutNanos)
            throws Exception;

    /** The topic's segment files on disk, after {@link #produce} returned. */
    DiskUsage diskUsage(String topic) throws Exception;

    /** Reads the first {@code rows} rows of the topic from its earliest offset. */
    ConsumeResult consume(String topic, Dataset data, int rows, Projection projection, RowProgress progress,
            long timeoutNanos) throws Exception;

    /** {@code SUM(amount)} per customer over the whole topic, which holds rows {@code 0 … rows-1}. */
    AggregateResult aggregate(String topic, Dataset data, int rows, RowProgress progress, long timeoutNanos)
            throws Exception;

    /** Writes {@code ratePerSecond × seconds} rows at a fixed rate while reading them concurrently. */
    LatencyResult latency(String topic, Dataset data, int ratePerSecond, double seconds, RowProgress progress)
            throws Exception;

    /**
     * Writes rows {@code 0 … writes-1} one at a time, each write waiting for its acknowledgment
     * (acks=all) before the next starts, and times each.
     */
    WriteLatencyResult writeLatency(String topic, Dataset data, int writes, RowProgress progress, long timeoutNanos)
            throws Exception;

    /** The server's process, for CPU accounting and the record. */
    Optional<ProcessHandle> serverProcess();

    /** Versions, JVM flags and client settings, for the JSON results. */
    Map<String, Object> describe();

    /** Unblocks the running operation (closes its client); called from another thread. */
    void abort();

    /** Stops the server and releases clients. */
    @Override
    void close();
}
