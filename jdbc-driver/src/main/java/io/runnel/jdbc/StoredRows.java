package io.runnel.jdbc;

import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.wire.FetchResponse;
import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TimeZone;

/**
 * The rows of one data-path fetch, left in their decoded batches: iterating yields one
 * {@link Row} view that moves from row to row (no object per row), and a value is built only when a
 * getter asks for it ({@link RowCursor}). {@link #size()} is the number of rows.
 *
 * <p>Not thread-safe: iterated by the thread reading the result set; a {@link Row} is valid until
 * the iterator moves on.
 */
final class StoredRows extends AbstractCollection<Object> {
    /** A run of rows {@code [fromRow, toRow)} of one decoded batch of one partition. */
    record Run(int partition, DecodedBatch batch, int fromRow, int toRow) {}

    private final List<Run> runs;
    private final int[] sources;
    private final ColumnType[] types;
    private final TimeZone sessionZone;
    private final int size;

    /**
     * @param sources per result column: a schema column or a {@code FetchResponse.SOURCE_*}
     * @param types per result column: the schema column's type (ignored for system columns)
     */
    StoredRows(List<Run> runs, int[] sources, ColumnType[] types, TimeZone sessionZone) {
        this.runs = runs;
        this.sources = sources;
        this.types = types;
        this.sessionZone = sessionZone;
        int n = 0;
        for (Run r : runs) {
            n += r.toRow() - r.fromRow();
        }
        this.size = n;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Iterator<Object> iterator() {
        return new Iterator<>() {
            private final Row row = new Row();
            private int run = -1;
            private int next;
            private int end;

            @Override
            public boolean hasNext() {
                while (next >= end) {
                    if (run + 1 >= runs.size()) {
                        return false;
                    }
                    Run r = runs.get(++run);
                    next = r.fromRow();
                    end = r.toRow();
                    row.run = r;
                }
                return true;
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no more rows in this fetch");
                }
                row.row = next++;
                return row;
            }
        };
    }

    /** The current row of an iteration: its values in the form an Avatica frame holds them. */
    final class Row {
        private Run run;
        private int row;

        /**
         * Result column {@code i} (0-based) as Avatica's protobuf frame decoding yields it for the
         * server's encoding: Integer for DATE/TIME, Long for TIMESTAMP, local millis of the session
         * zone for TIMESTAMP WITH LOCAL TIME ZONE, byte[] for VARBINARY, BigDecimal with the column's
         * scale; null for NULL.
         */
        Object value(int i) {
            DecodedBatch batch = run.batch();
            int s = sources[i];
            switch (s) {
                case FetchResponse.SOURCE_PARTITION:
                    return run.partition();
                case FetchResponse.SOURCE_OFFSET:
                    return batch.offset(row);
                case FetchResponse.SOURCE_TIMESTAMP:
                    return batch.timestamp(row);
                default:
                    break;
            }
            if (!batch.isProjected(s) || batch.isNull(s, row)) {
                return null;
            }
            return switch (types[i]) {
                case BOOLEAN -> batch.getBoolean(s, row);
                case TINYINT -> (byte) batch.getInt(s, row);
                case SMALLINT -> (short) batch.getInt(s, row);
                case INTEGER, DATE, TIME -> batch.getInt(s, row);
                case BIGINT, TIMESTAMP -> batch.getLong(s, row);
                case TIMESTAMP_LTZ -> {
                    long instant = batch.getLong(s, row);
                    yield instant + sessionZone.getOffset(instant);
                }
                case REAL -> batch.getFloat(s, row);
                case DOUBLE -> batch.getDouble(s, row);
                case DECIMAL -> batch.getDecimal(s, row);
                case VARCHAR -> batch.getString(s, row);
                case VARBINARY -> batch.getBytes(s, row);
            };
        }
    }
}
