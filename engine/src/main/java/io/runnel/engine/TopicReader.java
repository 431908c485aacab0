package io.runnel.engine;

import java.util.Map;

/**
 * Reads rows of one topic from a set of partitions, in offset order within each partition.
 *
 * <p>Bounded readers stop at each partition's high watermark as it was when the reader opened;
 * unbounded ones wait for appends. Batches come back decoded, with the request's projection applied
 * at the storage level (only the projected columns' buffers are read and decompressed).
 *
 * <p>Thread-safety: one thread polls; {@link #wakeup()} and {@link #close()} may be called from any
 * other thread to end a poll early (cancellation).
 */
public interface TopicReader extends AutoCloseable {

    /**
     * The next rows, waiting up to {@code maxWaitMs} for data when unbounded.
     *
     * @return rows to deliver; {@link ReadChunk#EMPTY} when nothing arrived in time or after a
     *     {@link #wakeup()}; {@link ReadChunk#END} when bounded and every partition is exhausted
     * @throws EngineException 57014 when the reader was closed concurrently
     */
    ReadChunk poll(long maxWaitMs) throws InterruptedException;

    /** The next offset this reader will return per partition (after the last row of the last chunk returned). */
    Map<Integer, Long> positions();

    /** Moves a partition's position; the next poll returns rows from {@code offset}. */
    void seek(int partition, long offset);

    /** Ends the current or next {@link #poll} early with {@link ReadChunk#EMPTY}. */
    void wakeup();

    /** Releases the reader; a concurrent poll returns promptly. Idempotent. */
    @Override
    void close();
}
