package io.runnel.sql.rel;

import io.runnel.engine.Engine;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.TopicReader;
import io.runnel.sql.adapter.SystemColumn;
import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.exec.GroupCursor;
import io.runnel.sql.exec.QueryControl;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicInfo;
import java.util.LinkedHashMap;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.Schema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.linq4j.Enumerator;

/**
 * Pulls rows of one topic scan from an engine {@link TopicReader}: tests each row of a decoded
 * batch against the pushed conditions, builds only the rows that pass, with only the requested
 * fields, in Calcite's internal representation.
 *
 * <p>An unbounded scan blocks in {@link #moveNext()} until a row arrives. Every wait is a reader
 * poll of at most {@link QueryControl#pollWaitMs()}, after which the cancel flag is checked; a
 * cancel also wakes the poll at once (the reader is registered with the query's control). The
 * interrupt flag is restored, never swallowed. A scan whose {@code _offset} upper bound every
 * partition has passed ends, bounded or not.
 *
 * <p>With a consumer group ({@link GroupCursor}), the scan joins the group on its first poll and
 * reads the partitions the group assigns, from the group's positions; whenever the cursor's epoch
 * changes (partitions granted or revoked, a rollback) it drops what it holds and reopens its reader
 * at the positions of the new epoch. Each row it emits is noted in the cursor with its position.
 *
 * <p>Not thread-safe: one thread moves it; {@link #close()} releases the reader.
 */
final class TopicScanEnumerator implements Enumerator<Object[]> {
    private final Engine engine;
    private final ReadRequest request;
    private final Schema schema;
    private final int userColumns;
    private final int[] fields;
    private final RowPredicate[] predicates;
    private final SeekPlan seeks;
    private final int timestampColumn;
    private final boolean unbounded;
    private final QueryControl query;
    private final Map<Integer, Boolean> partitionDone = new HashMap<>();
    private final int partitionCount;
    private final TopicInfo topic;
    /** Null without a consumer group. */
    private final GroupCursor group;
    private boolean joined;
    /** The cursor epoch the open reader reads under. */
    private long readerEpoch = -1;

    private TopicReader reader;
    private ReadChunk chunk;
    private int nextRow;
    private Object[] current;
    private boolean finished;

    TopicScanEnumerator(Engine engine, ReadRequest request, Schema schema, int[] fields, List<ScanCondition> conditions,
            SeekPlan seeks, List<Integer> partitions, int timestampColumn, boolean unbounded, QueryControl query,
            TopicInfo topic, GroupCursor group) {
        this.topic = topic;
        this.group = group;
        this.engine = engine;
        this.request = request;
        this.schema = schema;
        this.userColumns = schema.columnCount();
        this.fields = fields;
        this.predicates = new RowPredicate[conditions.size()];
        for (int i = 0; i < predicates.length; i++) {
            predicates[i] = RowPredicate.compile(conditions.get(i), schema);
        }
        this.seeks = seeks;
        this.timestampColumn = timestampColumn;
        this.unbounded = unbounded;
        this.query = query;
        this.partitionCount = partitions.size();
    }

    @Override
    public Object[] current() {
        return current;
    }

    @Override
    public boolean moveNext() {
        if (finished) {
            return false;
        }
        while (true) {
            if (chunk != null) {
                DecodedBatch batch = chunk.batch();
                int partition = chunk.partition();
                while (nextRow < chunk.toRow()) {
                    if (group != null && group.epoch() != readerEpoch) {
                        break; // the assignment changed: reopen at the new epoch's positions
                    }
                    int row = nextRow++;
                    long offset = batch.offset(row);
                    if (offset > seeks.toOffset()) {
                        markPartitionDone(partition);
                        nextRow = chunk.toRow();
                        break;
                    }
                    long ts = timestampColumn >= 0 && batch.isProjected(timestampColumn) && !batch.isNull(timestampColumn, row)
                            ? batch.getLong(timestampColumn, row) : batch.timestamp(row);
                    if (passes(batch, row, partition, ts)) {
                        current = materialize(batch, row, partition, ts);
                        if (group != null) {
                            group.noteEmitted(partition, offset, readerEpoch);
                        }
                        if (offset == seeks.toOffset()) {
                            markPartitionDone(partition);
                        }
                        return true;
                    }
                }
                chunk = null;
            }
            if (group == null && partitionDone.size() == partitionCount) {
                finish();
                return false;
            }
            checkCancelled();
            ReadChunk next = poll();
            if (next.isEnd()) {
                finish();
                return false;
            }
            if (!next.isEmpty()) {
                chunk = next;
                nextRow = next.fromRow();
            }
        }
    }

    private ReadChunk poll() {
        try {
            if (group != null) {
                return pollGroup();
            }
            if (reader == null) {
                reader = engine.openReader(request);
                query.readerOpened(reader);
            }
            return reader.poll(unbounded ? query.pollWaitMs() : Math.max(query.pollWaitMs(), 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RunnelErrors.cancelled(query.queryId(), "the query thread was interrupted");
        } catch (RuntimeException e) {
            if (query.cancelFlag().get()) {
                throw RunnelErrors.cancelled(query.queryId(), query.cancelReason());
            }
            throw e;
        }
    }

    /** One poll with a consumer group: (re)opens the reader when the cursor's epoch moved. */
    private ReadChunk pollGroup() throws InterruptedException {
        if (!joined) {
            joined = true;
            group.join(topic);
        }
        if (reader == null || group.epoch() != readerEpoch) {
            closeReader();
            GroupCursor.ReadPlan plan = group.readPlan();
            readerEpoch = plan.epoch();
            if (plan.starts().isEmpty()) {
                group.awaitChange(plan.epoch(), query.pollWaitMs());
                return ReadChunk.EMPTY;
            }
            Map<Integer, StartPosition> starts = new LinkedHashMap<>();
            plan.starts().forEach((p, offset) -> starts.put(p, StartPosition.offset(offset)));
            reader = engine.openReader(new ReadRequest(request.topic(), starts, StartPosition.latest(), false,
                    request.projection(), request.maxBytesPerPoll()));
            query.readerOpened(reader);
            group.setReader(reader);
            if (group.epoch() != readerEpoch) {
                return ReadChunk.EMPTY; // changed while opening: the next poll reopens
            }
        }
        return reader.poll(query.pollWaitMs());
    }

    private void checkCancelled() {
        if (query.cancelFlag().get()) {
            throw RunnelErrors.cancelled(query.queryId(), query.cancelReason());
        }
        if (Thread.currentThread().isInterrupted()) {
            throw RunnelErrors.cancelled(query.queryId(), "the query thread was interrupted");
        }
    }

    private void markPartitionDone(int partition) {
        partitionDone.put(partition, Boolean.TRUE);
    }

    private boolean passes(DecodedBatch batch, int row, int partition, long ts) {
        for (RowPredicate p : predicates) {
            if (!p.test(batch, row, partition, ts)) {
                return false;
            }
        }
        return true;
    }

    private Object[] materialize(DecodedBatch batch, int row, int partition, long ts) {
        Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            int f = fields[i];
            if (f < userColumns) {
                values[i] = value(batch, f, row);
            } else {
                values[i] = switch (SystemColumn.values()[f - userColumns]) {
                    case PARTITION -> partition;
                    case OFFSET -> batch.offset(row);
                    case TIMESTAMP -> ts;
                };
            }
        }
        return values;
    }

    /** The value of user column {@code col} in Calcite's internal representation, or null. */
    private Object value(DecodedBatch batch, int col, int row) {
        if (batch.isNull(col, row)) {
            return null;
        }
        ColumnType type = schema.column(col).type();
        return switch (type) {
            case BOOLEAN -> batch.getBoolean(col, row);
            case TINYINT -> (byte) batch.getInt(col, row);
            case SMALLINT -> (short) batch.getInt(col, row);
            case INTEGER, DATE, TIME -> batch.getInt(col, row);
            case BIGINT, TIMESTAMP, TIMESTAMP_LTZ -> batch.getLong(col, row);
            case REAL -> batch.getFloat(col, row);
            case DOUBLE -> batch.getDouble(col, row);
            case DECIMAL -> batch.getDecimal(col, row);
            case VARCHAR -> batch.getString(col, row);
            case VARBINARY -> new ByteString(batch.getBytes(col, row));
        };
    }

    private void finish() {
        finished = true;
        closeReader();
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("a topic scan cannot be restarted");
    }

    @Override
    public void close() {
        finished = true;
        closeReader();
    }

    private void closeReader() {
        TopicReader r = reader;
        reader = null;
        chunk = null;
        if (group != null) {
            group.setReader(null);
        }
        if (r != null) {
            try {
                r.close();
            } finally {
                query.readerClosed(r);
            }
        }
    }
}
