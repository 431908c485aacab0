package io.runnel.sql.rel;

import io.runnel.engine.Engine;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.TopicReader;
import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.exec.QueryControl;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.format.wire.FetchResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A bare topic scan served as stored batches (the data path's read side, design note 0008): each
 * poll of the engine reader yields a batch already cut in storage to the scan's columns, still
 * compressed; this class only decides which row ranges of it the query emits — the pushed
 * conditions, the {@code _offset} upper bound and the row limit — and hands the batch on as it is.
 * Rows are never materialized on the server.
 *
 * <p>The reader opens when the query starts ({@link #open}).
 * {@link #next} reads at most about {@code maxBytes} of batches (at least one batch), so the
 * client's fetch is the flow control: nothing is read ahead of a fetch. An unbounded scan waits
 * for its first row up to the given time, in reader polls of at most
 * {@link QueryControl#pollWaitMs()}; a cancel ends the wait (the reader is registered with the
 * query's control).
 *
 * <p>Not thread-safe: one fetch at a time (the caller serializes); {@link #close()} may come from
 * any thread after a cancel.
 */
public final class StoredBatchScan implements AutoCloseable {
    private final Engine engine;
    private final ReadRequest request;
    private final Schema schema;
    private final RowPredicate[] predicates;
    private final SeekPlan seeks;
    private final int timestampColumn;
    private final boolean unbounded;
    private final QueryControl query;
    private final int partitionCount;
    private final int[] sources;
    private final String sessionZone;
    private final Set<Integer> partitionDone = new HashSet<>();
    private long rowsLeft;
    private TopicReader reader;
    /** A chunk polled but not yet sent (it did not fit the previous response). */
    private ReadChunk pending;
    private boolean finished;

    StoredBatchScan(Engine engine, ReadRequest request, Schema schema, List<ScanCondition> conditions, SeekPlan seeks,
            int partitionCount, int timestampColumn, boolean unbounded, QueryControl query, int[] sources, long maxRows, String sessionZone) {
        this.engine = engine;
        this.request = request;
        this.schema = schema;
        this.predicates = new RowPredicate[conditions.size()];
        for (int i = 0; i < predicates.length; i++) {
            predicates[i] = RowPredicate.compile(conditions.get(i), schema);
        }
        this.seeks = seeks;
        this.partitionCount = partitionCount;
        this.timestampColumn = timestampColumn;
        this.unbounded = unbounded;
        this.query = query;
        this.sources = sources.clone();
        this.sessionZone = sessionZone;
        this.rowsLeft = maxRows < 0 ? Long.MAX_VALUE : maxRows;
        this.finished = partitionCount == 0;
    }

    /** Per result column: a schema column, or a {@code FetchResponse.SOURCE_*} system column. */
    public int[] sources() {
        return sources.clone();
    }

    public String sessionZone() {
        return sessionZone;
    }

    public Schema schema() {
        return schema;
    }

    /**
     * The next stored batches with the row ranges the query emits.
     *
     * @param maxBytes batch bytes to stop after (one batch is sent even if it is larger)
     * @param maxWaitMs how long an unbounded scan waits for a first row; a bounded scan reads until
     *     it has rows, or ends
     */
    public FetchResponse next(int maxBytes, long maxWaitMs) {
        List<FetchResponse.Chunk> out = new ArrayList<>();
        long bytes = 0;
        long deadlineNs = System.nanoTime() + maxWaitMs * 1_000_000;
        while (!finished) {
            if (rowsLeft <= 0 || partitionDone.size() == partitionCount) {
                finish();
                break;
            }
            ReadChunk chunk = pending;
            pending = null;
            if (chunk == null) {
                checkCancelled();
                if (!out.isEmpty() && unbounded) {
                    // send what we have rather than wait for more
                    chunk = poll(0);
                } else {
                    long leftMs = (deadlineNs - System.nanoTime()) / 1_000_000;
                    if (unbounded && leftMs <= 0) {
                        break;
                    }
                    chunk = poll(unbounded ? Math.min(leftMs, query.pollWaitMs()) : Math.max(query.pollWaitMs(), 1000));
                }
                if (chunk.isEnd()) {
                    finish();
                    break;
                }
                if (chunk.isEmpty()) {
                    if (!out.isEmpty()) {
                        break;
                    }
                    continue;
                }
            }
            RecordBatch stored = chunk.stored();
            if (stored == null) {
                throw new IllegalStateException("the engine reader of topic " + request.topic()
                        + " does not return stored batches");
            }
            if (!out.isEmpty() && bytes + stored.sizeInBytes() > maxBytes) {
                pending = chunk;
                break;
            }
            int before = out.size();
            addRuns(chunk, stored, out);
            if (out.size() > before) {
                bytes += stored.sizeInBytes();
            }
            if (bytes >= maxBytes) {
                break;
            }
        }
        return new FetchResponse(finished, schema, sources, sessionZone, out);
    }

    /** Adds the runs of consecutive emitted rows of {@code chunk}, each a chunk of the same batch. */
    private void addRuns(ReadChunk chunk, RecordBatch stored, List<FetchResponse.Chunk> out) {
        DecodedBatch batch = chunk.batch();
        java.nio.ByteBuffer bytes = stored.buffer(); // one object for every run: the response sends the batch once
        int partition = chunk.partition();
        if (partitionDone.contains(partition)) {
            return;
        }
        int runStart = -1;
        for (int row = chunk.fromRow(); row < chunk.toRow() && rowsLeft > 0; row++) {
            long offset = batch.offset(row);
            if (offset > seeks.toOffset()) {
                partitionDone.add(partition);
                break;
            }
            long ts = timestampColumn >= 0 && batch.isProjected(timestampColumn) && !batch.isNull(timestampColumn, row)
                    ? batch.getLong(timestampColumn, row) : batch.timestamp(row);
            if (passes(batch, row, partition, ts)) {
                if (runStart < 0) {
                    runStart = row;
                }
                rowsLeft--;
            } else if (runStart >= 0) {
                out.add(new FetchResponse.Chunk(partition, runStart, row, bytes));
                runStart = -1;
            }
            if (offset == seeks.toOffset()) {
                partitionDone.add(partition);
                if (runStart >= 0) {
                    out.add(new FetchResponse.Chunk(partition, runStart, row + 1, bytes));
                }
                return;
            }
            if (rowsLeft == 0 && runStart >= 0) {
                out.add(new FetchResponse.Chunk(partition, runStart, row + 1, bytes));
                return;
            }
        }
        if (runStart >= 0) {
            int end = chunk.toRow();
            for (int row = runStart; row < chunk.toRow(); row++) {
                if (batch.offset(row) > seeks.toOffset()) {
                    end = row;
                    break;
                }
            }
            out.add(new FetchResponse.Chunk(partition, runStart, end, bytes));
        }
    }

    private boolean passes(DecodedBatch batch, int row, int partition, long ts) {
        for (RowPredicate p : predicates) {
            if (!p.test(batch, row, partition, ts)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Opens the engine reader now: an unbounded scan from the latest offsets starts where the logs
     * end when the query starts (its execute), not at its first fetch, so a row inserted in between
     * is not skipped.
     */
    public void open() {
        if (reader == null && !finished) {
            reader = engine.openReader(request);
            query.readerOpened(reader);
        }
    }

    private ReadChunk poll(long waitMs) {
        try {
            open();
            return reader.poll(Math.max(0, waitMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RunnelErrors.cancelled(query.queryId(), "the fetching thread was interrupted");
        } catch (RuntimeException e) {
            if (query.cancelFlag().get()) {
                throw RunnelErrors.cancelled(query.queryId(), query.cancelReason());
            }
            throw e;
        }
    }

    private void checkCancelled() {
        if (query.cancelFlag().get()) {
            throw RunnelErrors.cancelled(query.queryId(), query.cancelReason());
        }
    }

    private void finish() {
        finished = true;
        close();
    }

    public boolean isFinished() {
        return finished;
    }

    @Override
    public void close() {
        TopicReader r = reader;
        reader = null;
        if (r != null) {
            query.readerClosed(r);
            r.close();
        }
    }
}
