package io.runnel.jdbc;

import io.runnel.storage.format.BatchDecoder;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.format.wire.DataPathFormatException;
import io.runnel.storage.format.wire.DataPathProtocol;
import io.runnel.storage.format.wire.ErrorResponse;
import io.runnel.storage.format.wire.FetchRequest;
import io.runnel.storage.format.wire.FetchResponse;
import java.nio.ByteBuffer;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.calcite.avatica.Meta;

/**
 * Fetches a result through the data path (design note 0008): each fetch asks the server for at
 * most {@link #MAX_BYTES} of stored batches, projected on the server to the query's columns and
 * still compressed, decodes them with {@link BatchDecoder} and hands them to {@link FrameRows} as a
 * frame of rows in exactly the form an Avatica frame has after its protobuf decoding (Integer for
 * DATE/TIME, Long for TIMESTAMP, local millis of the session zone for TIMESTAMP WITH LOCAL TIME
 * ZONE, byte[] for VARBINARY, ...), so every getter, {@code wasNull} and {@code getObject} behaves
 * as on Avatica's path by construction.
 *
 * <p>A server that serves the statement's rows as Avatica frames (the query is not a bare scan, or
 * the server has no data path) answers the first fetch with an error that says so; this fetcher then
 * switches to Avatica fetches for the rest of the result.
 *
 * <p>Not thread-safe: used by the thread iterating the result set (through {@link FrameRows}).
 */
final class StoredBatchRows implements FrameRows.FrameFetcher {
    private static final Logger LOG = Logger.getLogger(StoredBatchRows.class.getName());
    /** Batch bytes per fetch: the flow control of the read path (the server reads no more per request). */
    static final int MAX_BYTES = 4 << 20;
    private static final String NO_DATA_PATH_QUERY = "24000";

    private final DataPathInsert.Exchange exchange;
    private final FrameRows.FrameFetcher avatica;
    private final String connectionId;
    private final int statementId;
    private final int maxWaitMs;
    private boolean useAvatica;

    StoredBatchRows(DataPathInsert.Exchange exchange, FrameRows.FrameFetcher avatica, String connectionId,
            int statementId, int maxWaitMs) {
        this.exchange = exchange;
        this.avatica = avatica;
        this.connectionId = connectionId;
        this.statementId = statementId;
        this.maxWaitMs = maxWaitMs;
    }

    @Override
    public Meta.Frame fetch(long offset, int maxRows) {
        if (useAvatica) {
            return avatica.fetch(offset, maxRows);
        }
        byte[] answer;
        try {
            answer = exchange.post(DataPathProtocol.FETCH_PATH,
                    new FetchRequest(connectionId, statementId, MAX_BYTES, maxWaitMs).encode());
        } catch (UncheckedSqlException e) {
            if (offset == 0 && SqlStates.PROTOCOL_VIOLATION.equals(e.sqlException().getSQLState())) {
                LOG.log(Level.FINE, "server does not speak the data path's fetch; using Avatica's", e.sqlException());
                useAvatica = true;
                return avatica.fetch(offset, maxRows);
            }
            throw e;
        }
        ByteBuffer body = ByteBuffer.wrap(answer);
        boolean dataPathMessage = body.remaining() >= DataPathProtocol.MAGIC_LENGTH
                && body.getInt(DataPathProtocol.MAGIC_OFFSET) == DataPathProtocol.MAGIC;
        if (!dataPathMessage && offset == 0) {
            // something other than a Runnel data-path message answered (an Avatica-only endpoint behind the path):
            // the server does not speak the data path, so its rows come as Avatica frames
            LOG.log(Level.FINE, "the fetch path answered without the data-path magic; using Avatica's fetches");
            useAvatica = true;
            return avatica.fetch(offset, maxRows);
        }
        try {
            if (ErrorResponse.isError(body)) {
                ErrorResponse error = ErrorResponse.decode(body);
                if (offset == 0 && NO_DATA_PATH_QUERY.equals(error.sqlState())) {
                    useAvatica = true;
                    return avatica.fetch(offset, maxRows);
                }
                throw new UncheckedSqlException(SqlStates.toException(error.message(), error.sqlState(), 0, null));
            }
            return frame(offset, FetchResponse.decode(body));
        } catch (DataPathFormatException e) {
            // a data-path message (or a non-data-path answer after rows came through the path) that does not
            // decode: an error, not a silent fallback
            throw new UncheckedSqlException(SqlStates.toException("Malformed data-path fetch response for statement "
                    + statementId + ": " + e.getMessage(), SqlStates.PROTOCOL_VIOLATION, 0, e));
        }
    }

    /** The rows of a response, left in their decoded batches ({@link StoredRows}). */
    static Meta.Frame frame(long offset, FetchResponse response) {
        Schema schema = response.schema();
        int[] sources = response.sources();
        ColumnType[] types = new ColumnType[sources.length];
        for (int i = 0; i < sources.length; i++) {
            types[i] = sources[i] >= 0 ? schema.column(sources[i]).type() : null;
        }
        java.util.TimeZone zone = java.util.TimeZone.getTimeZone(ZoneId.of(response.sessionZone()));
        List<StoredRows.Run> runs = new ArrayList<>(response.chunks().size());
        // The decoded batches own their buffers (or share the response's, which they keep alive),
        // so the decoder and its native context can go once the response is decoded.
        try (BatchDecoder decoder = new BatchDecoder()) {
            DecodedBatch previous = null;
            java.nio.ByteBuffer previousBytes = null;
            for (FetchResponse.Chunk chunk : response.chunks()) {
                DecodedBatch batch;
                if (chunk.batch() == previousBytes) {
                    batch = previous; // several runs of one batch
                } else {
                    try {
                        batch = decoder.decode(RecordBatch.wrap(chunk.batch()), schema, null);
                    } catch (RuntimeException e) {
                        throw new UncheckedSqlException(SqlStates.toException("Corrupt batch of partition "
                                + chunk.partition() + " in a data-path fetch: " + e.getMessage(),
                                SqlStates.PROTOCOL_VIOLATION, 0, e));
                    }
                    previous = batch;
                    previousBytes = chunk.batch();
                }
                runs.add(new StoredRows.Run(chunk.partition(), batch, chunk.fromRow(), chunk.toRow()));
            }
        }
        return new Meta.Frame(offset, response.done(), new StoredRows(runs, sources, types, zone));
    }
}
