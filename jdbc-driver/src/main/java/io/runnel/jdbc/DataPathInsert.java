package io.runnel.jdbc;

import io.runnel.storage.format.AssignmentException;
import io.runnel.storage.format.BatchDecoder;
import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.InvalidValueException;
import io.runnel.storage.format.PartitionedBatchWriter;
import io.runnel.storage.format.ProducerSequences;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.format.ValueAssignment;
import io.runnel.storage.format.wire.DataPathFormatException;
import io.runnel.storage.format.wire.DataPathProtocol;
import io.runnel.storage.format.wire.ErrorResponse;
import io.runnel.storage.format.wire.InsertPlanRequest;
import io.runnel.storage.format.wire.InsertPlanResponse;
import io.runnel.storage.format.wire.ProduceRequest;
import io.runnel.storage.format.wire.ProduceResponse;
import java.nio.ByteBuffer;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * The data path of one prepared {@code INSERT INTO t [(cols)] VALUES (?, ..., ?)} (design note 0008):
 * {@code addBatch} coerces the parameters with the server's assignment rules ({@link ValueAssignment})
 * and writes them straight into a {@link PartitionedBatchWriter} (the broker's own partitioner, codec
 * and batch format); {@code executeBatch} sends the compressed batches to {@code /runnel/v1/produce}
 * in requests of at most {@link #REQUEST_BYTES}, which the broker validates and appends as they are.
 *
 * <p>The plan (topic, schema, key, partitions, codec, parameter → column) is fetched once per
 * prepared statement, at the first {@code addBatch}. A server that says the statement cannot take
 * this path (anything but plain parameters), or that does not speak it, leaves the statement on
 * Avatica's path. A plan the topic outgrew (partitions added, schema changed) is refused by the
 * broker as stale: the driver fetches the plan again, rebuilds the unsent batches, and retries once.
 *
 * <p>Errors: a bad value fails the whole {@code executeBatch} with the SQLSTATE and message the server
 * would give (nothing is sent); the batch is cleared, as after any failed {@code executeBatch}.
 * A batch larger than one request is atomic per request: if a later request fails, the rows of the
 * earlier ones stay written and the {@link BatchUpdateException} counts them.
 *
 * <p>Memory: the rows live only as compressed batches (batches are cut at a quarter of the topic's
 * {@code max_batch_bytes}), never as per-row objects.
 *
 * <p>Not thread-safe: called by the statement's owner thread under JDBC's one-thread-per-statement
 * contract; {@link #close()} may come from another thread after the owner stopped using it.
 */
final class DataPathInsert implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DataPathInsert.class.getName());
    /** Largest body of one produce request; well under the server's default max_request_bytes (256 MB). */
    static final int REQUEST_BYTES = 8 << 20;
    /** Smallest batch cut, as the server's INSERT path. */
    private static final long MIN_CUT_BYTES = 64 * 1024;
    private static final String MISSING_STATEMENT = "26000";

    /** What the server answered about this statement. */
    enum Mode { UNKNOWN, ACTIVE, NOT_ELIGIBLE }

    /** Sends a data-path message for the statement; answers the body. */
    @FunctionalInterface
    interface Exchange {
        byte[] post(String path, byte[] body);
    }

    private final Exchange exchange;
    private final Reconnect reconnect;
    private final int retryTimeoutMs;
    /** This statement's idempotent producer: every batch carries its id and the partition's next sequences. */
    private final ProducerSequences producer = new ProducerSequences();
    private Mode mode = Mode.UNKNOWN;
    private InsertPlanResponse plan;
    private ValueAssignment rules;
    private PartitionedBatchWriter writer;
    private BatchMetadata metadata;
    private long cutBytes;
    private final List<ProduceRequest.Batch> built = new ArrayList<>();
    private int rows;
    private SQLException firstError;

    /** @param retryTimeoutMs how long a request whose outcome is unknown is resent ({@code retry_timeout_ms}); 0 = never */
    DataPathInsert(Exchange exchange, int retryTimeoutMs) {
        this(exchange, null, retryTimeoutMs);
    }

    /**
     * @param reconnect opens a new connection on a live host of the URL with this statement prepared, for
     *     resending when the statement's server is gone; null = no failover
     * @param retryTimeoutMs how long a request whose outcome is unknown is resent ({@code retry_timeout_ms}); 0 = never
     */
    DataPathInsert(Exchange exchange, Reconnect reconnect, int retryTimeoutMs) {
        this.exchange = exchange;
        this.reconnect = reconnect;
        this.retryTimeoutMs = retryTimeoutMs;
    }

    /** A connection opened for a failover, with this statement prepared on it. */
    record Target(Exchange exchange, String connectionId, int statementId, AutoCloseable connection) {}

    /** Opens a {@link Target}: the URL's hosts tried in order, as a new connection does. */
    @FunctionalInterface
    interface Reconnect {
        Target open() throws SQLException;
    }

    /**
     * Where one execute's requests go: the statement's own connection ({@link Target#connection()} null),
     * or — after its server went away — a connection {@link Reconnect} opened, closed at the end of the execute.
     */
    private static final class Route implements AutoCloseable {
        Target target;

        Route(Target target) {
            this.target = target;
        }

        boolean movedAway() {
            return target.connection() != null;
        }

        void moveTo(Target next) {
            close();
            target = next;
        }

        @Override
        public void close() {
            if (target.connection() != null) {
                try {
                    target.connection().close();
                } catch (Exception e) {
                    LOG.log(Level.FINE, "closing the failover connection failed", e);
                }
            }
        }
    }

    Mode mode() {
        return mode;
    }

    /** Rows added since the last execute or clear. */
    int rowCount() {
        return rows;
    }

    /**
     * Fetches the plan unless known: afterwards {@link #mode()} says whether this statement takes the data path.
     *
     * @throws SQLException when the server fails the request for another reason than "not eligible"
     */
    void ensurePlan(String connectionId, int statementId) throws SQLException {
        if (mode == Mode.UNKNOWN) {
            fetchPlan(connectionId, statementId);
        }
    }

    /** Forgets the plan (the statement was prepared again: the next {@link #ensurePlan} asks anew). Rows stay. */
    void planInvalidated() {
        if (rows == 0) {
            mode = Mode.UNKNOWN;
        }
    }

    private void fetchPlan(String connectionId, int statementId) throws SQLException {
        byte[] answer;
        try {
            answer = exchange.post(DataPathProtocol.INSERT_PLAN_PATH, new InsertPlanRequest(connectionId, statementId).encode());
        } catch (UncheckedSqlException e) {
            if (SqlStates.PROTOCOL_VIOLATION.equals(e.sqlException().getSQLState())) {
                LOG.log(Level.FINE, "server does not speak the data path; using Avatica's", e.sqlException());
                mode = Mode.NOT_ELIGIBLE;
                return;
            }
            throw e.sqlException();
        }
        ByteBuffer body = ByteBuffer.wrap(answer);
        try {
            if (ErrorResponse.isError(body)) {
                ErrorResponse error = ErrorResponse.decode(body);
                if (error.reason() == ErrorResponse.Reason.NOT_ELIGIBLE) {
                    mode = Mode.NOT_ELIGIBLE;
                    return;
                }
                throw SqlStates.toException(error.message(), error.sqlState(), 0, null);
            }
            use(InsertPlanResponse.decode(body));
        } catch (DataPathFormatException e) {
            // An Avatica server without the data path answers with its own protobuf error.
            LOG.log(Level.FINE, "server does not speak the data path; using Avatica's", e);
            mode = Mode.NOT_ELIGIBLE;
        }
    }

    private void use(InsertPlanResponse next) {
        if (writer != null) {
            writer.close();
        }
        plan = next;
        rules = new ValueAssignment(ZoneId.of(next.sessionZone()));
        writer = new PartitionedBatchWriter(next.schema(), next.compression(), next.keyColumns(), next.partitions());
        metadata = next.eventTimeColumn() >= 0 ? BatchMetadata.NONE.withEventTimeColumn(next.eventTimeColumn())
                : BatchMetadata.NONE;
        cutBytes = Math.max(MIN_CUT_BYTES, next.maxBatchBytes() / 4);
        mode = Mode.ACTIVE;
    }

    /** Adds one parameter row from Avatica's slots; a bad value is remembered and fails the next {@link #execute}. */
    void add(List<TypedValue> values) {
        add(values, null);
    }

    /**
     * Adds one parameter row: parameter {@code i} is {@code fast.kind(i)} when set by one of the
     * statement's unboxed setters, else {@code values.get(i)} (Avatica's slot).
     */
    void add(List<TypedValue> values, FastParameters fast) {
        rows++;
        if (firstError != null) {
            return;
        }
        long rowNumber = rows;
        int[] targets = plan.parameterColumns();
        Schema schema = plan.schema();
        String topic = plan.topic();
        try {
            if (values.size() != targets.length) {
                throw new SQLException("Statement has " + targets.length + " parameters, " + values.size()
                        + " values were given", "07001");
            }
            for (int i = 0; i < targets.length; i++) {
                int col = targets[i];
                Column column = schema.column(col);
                int kind = fast == null ? FastParameters.NONE : fast.kind(i);
                if (kind == FastParameters.LONG) {
                    rules.assignLong(writer, col, column, fast.longValue(i), topic, rowNumber);
                } else if (kind == FastParameters.OBJECT) {
                    rules.assign(writer, col, column, fast.objectValue(i), topic, rowNumber);
                } else {
                    TypedValue tv = values.get(i);
                    if (tv == null) {
                        throw new SQLException("No value given for parameter " + (i + 1), "07001");
                    }
                    rules.assign(writer, col, column, ParameterValues.canonical(tv), topic, rowNumber);
                }
            }
            writer.endRow();
        } catch (AssignmentException e) {
            writer.abortRow();
            firstError = SqlStates.toException(e.getMessage(), e.sqlState(), 0, null);
            return;
        } catch (InvalidValueException e) {
            writer.abortRow();
            firstError = SqlStates.toException("Topic '" + plan.topic() + "', row " + rowNumber + ": " + e.getMessage(),
                    e.kind().sqlState(), 0, null);
            return;
        } catch (SQLException e) {
            writer.abortRow();
            firstError = e;
            return;
        }
        if ((rows & 63) == 0 && writer.estimatedSizeBytes() >= cutBytes) {
            cut();
        }
    }

    private void cut() {
        for (PartitionedBatchWriter.PartitionBatch b : writer.build(metadata, producer, plan.topicId())) {
            built.add(new ProduceRequest.Batch(b.partition(), b.batch()));
        }
        writer.reset();
    }

    /**
     * Sends every row added since the last execute; one update count (1) per row.
     *
     * @param statement re-prepares the statement when the server lost it; answers the new handle
     */
    long[] execute(String connectionId, Meta.StatementHandle handle, Reprepare statement) throws SQLException {
        Route route = new Route(new Target(exchange, connectionId, handle.id, null));
        try {
            if (firstError != null) {
                throw firstError;
            }
            cut();
            long[] counts = new long[rows];
            Arrays.fill(counts, 1L);
            int sentRows = 0;
            int index = 0;
            boolean retried = false;
            Meta.StatementHandle h = handle;
            while (index < built.size()) {
                int end = index;
                long bytes = 0;
                long chunkRows = 0;
                Map<Integer, Integer> perPartition = new HashMap<>();
                do {
                    ByteBuffer b = built.get(end).batch();
                    bytes += b.remaining();
                    chunkRows += b.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .getInt(b.position() + io.runnel.storage.format.BatchFormat.RECORD_COUNT_OFFSET);
                    perPartition.merge(built.get(end).partition(), 1, Integer::sum);
                    end++;
                    // A resent request must hold no more batches per partition than a leader remembers per producer.
                } while (end < built.size() && bytes + built.get(end).batch().remaining() <= REQUEST_BYTES
                        && perPartition.getOrDefault(built.get(end).partition(), 0) < ProducerSequences.REMEMBERED_BATCHES);
                List<ProduceRequest.Batch> chunk = built.subList(index, end);
                if (!route.movedAway()) {
                    route.target = new Target(exchange, connectionId, h.id, null); // h changes when prepared again
                }
                Sent sent;
                try {
                    sent = send(route, chunk, chunkRows);
                } catch (SQLException e) {
                    throw partial(e, sentRows);
                }
                ByteBuffer answer = sent.answer();
                try {
                    if (sent.error() != null) {
                        ErrorResponse error = sent.error();
                        boolean stale = error.reason() == ErrorResponse.Reason.STALE_PLAN;
                        boolean missing = MISSING_STATEMENT.equals(error.sqlState());
                        // Rebuilding takes new sequences: only when no earlier copy of the request may be stored.
                        if ((stale || missing) && !retried && !sent.resent() && !route.movedAway()) {
                            retried = true;
                            if (missing) {
                                h = statement.prepareAgain();
                            }
                            InsertPlanResponse previous = plan;
                            fetchPlan(connectionId, h.id);
                            if (mode != Mode.ACTIVE) {
                                throw partial(SqlStates.toException(error.message(), error.sqlState(), 0, null), sentRows);
                            }
                            rebuild(previous, index);
                            continue;
                        }
                        throw partial(sent.resent() ? unknownOutcome(chunkRows, sent, SqlStates.toException(error.message(),
                                error.sqlState(), 0, null)) : SqlStates.toException(error.message(), error.sqlState(), 0, null),
                                sentRows);
                    }
                    ProduceResponse response = ProduceResponse.decode(answer);
                    if (response.rowCount() != chunkRows && !response.batches().isEmpty()) {
                        throw partial(new SQLException("server acknowledged " + response.rowCount() + " rows of "
                                + chunkRows + " sent", SqlStates.INTERNAL_ERROR), sentRows);
                    }
                } catch (DataPathFormatException e) {
                    throw partial(new SQLException("the server's answer to a produce request is malformed: " + e.getMessage(),
                            SqlStates.PROTOCOL_VIOLATION, e), sentRows);
                }
                sentRows += (int) chunkRows;
                index = end;
            }
            return counts;
        } catch (SQLException | RuntimeException e) {
            // Sequences were taken by batches that will not be resent: the next execute starts a new producer.
            producer.reset();
            throw e;
        } finally {
            route.close();
            clear();
        }
    }

    /** One request's fate: the answer (or the server's error) and whether it was sent more than once. */
    private record Sent(ByteBuffer answer, ErrorResponse error, boolean resent, int attempts, long elapsedMs) {}

    /**
     * Sends one produce request, and sends it again — the same batches, byte for byte — while its
     * outcome is unknown and {@code retry_timeout_ms} lasts: the answer was lost (08006: connection
     * broken, no answer in time, HTTP 503), or the broker says a partition's leader failed over or could
     * not acknowledge in time (40R01, 40R02, 57014). Every copy carries the same producer id and
     * sequences, so each batch is stored at most once.
     *
     * <p>When the statement's server is gone — it refuses connections, or answers that it does not know
     * the connection (08003: it restarted) — the request moves to a new connection on the first host of
     * the URL that accepts one ({@link Reconnect}), with this statement prepared there, and goes on
     * there. Without a {@link Reconnect}, that ends the retries.
     *
     * @throws SQLException the first copy's failure when nothing may have been stored, else 08007
     */
    private Sent send(Route route, List<ProduceRequest.Batch> chunk, long rows) throws SQLException {
        long start = System.nanoTime();
        long backoffMs = 50;
        int attempts = 0;
        int moves = 0;
        boolean mayBeStored = false;
        Target encodedFor = null;
        byte[] body = null;
        while (true) {
            attempts++;
            SQLException failure;
            ErrorResponse error = null;
            boolean serverGone;
            if (encodedFor != route.target) { // once per connection: only the ids in the header differ
                encodedFor = route.target;
                body = new ProduceRequest(encodedFor.connectionId(), encodedFor.statementId(), plan.topicId(),
                        plan.schema().schemaId(), plan.partitions(), rows, chunk).encode();
            }
            try {
                ByteBuffer answer = ByteBuffer.wrap(encodedFor.exchange().post(DataPathProtocol.PRODUCE_PATH, body));
                if (!ErrorResponse.isError(answer)) {
                    return new Sent(answer, null, attempts > 1, attempts, elapsedMs(start));
                }
                error = ErrorResponse.decode(answer);
                failure = SqlStates.toException(error.message(), error.sqlState(), 0, null);
                serverGone = SqlStates.CONNECTION_DOES_NOT_EXIST.equals(error.sqlState()) && reconnect != null;
                if (!RETRIABLE_SERVER_STATES.contains(error.sqlState()) && !serverGone) {
                    return new Sent(answer, error, attempts > 1, attempts, elapsedMs(start));
                }
                mayBeStored |= !serverGone;
            } catch (UncheckedSqlException e) {
                failure = e.sqlException();
                serverGone = HttpTransport.find(failure, java.net.ConnectException.class) != null;
                if (!SqlStates.CONNECTION_FAILURE.equals(failure.getSQLState()) || (serverGone && reconnect == null)) {
                    throw mayBeStored ? unknownOutcome(rows, new Sent(null, null, true, attempts, elapsedMs(start)), failure)
                            : failure;
                }
                mayBeStored |= !serverGone;
            } catch (DataPathFormatException e) {
                throw new SQLException("the server's answer to a produce request is malformed: " + e.getMessage(),
                        SqlStates.PROTOCOL_VIOLATION, e);
            }
            long elapsed = elapsedMs(start);
            if (elapsed + backoffMs > retryTimeoutMs) {
                if (!mayBeStored || (attempts == 1 && retryTimeoutMs == 0)) {
                    throw failure;
                }
                throw unknownOutcome(rows, new Sent(null, error, true, attempts, elapsed), failure);
            }
            if (serverGone) {
                try {
                    route.moveTo(reconnect.open());
                    LOG.log(Level.FINE, "moved a produce request of " + rows + " rows to a new connection after: "
                            + failure.getMessage());
                    if (moves++ == 0) {
                        continue; // a live server: send at once (after that, back off between moves)
                    }
                } catch (SQLException e) {
                    LOG.log(Level.FINE, "no host of the URL accepts a connection yet", e);
                }
            }
            LOG.log(Level.FINE, "resending a produce request of " + rows + " rows (attempt " + (attempts + 1) + ") after: "
                    + failure.getMessage());
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw mayBeStored ? unknownOutcome(rows, new Sent(null, error, true, attempts, elapsed), failure) : failure;
            }
            backoffMs = Math.min(1000, backoffMs * 2);
        }
    }

    /** Server SQLSTATEs after which the same request may be sent again (see {@link #send}). */
    private static final java.util.Set<String> RETRIABLE_SERVER_STATES = java.util.Set.of("40R01", "40R02", "57014", "08006");

    private static long elapsedMs(long startNanos) {
        return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** 08007: a request's rows may or may not be stored (each at most once) after {@code sent}'s attempts. */
    private SQLException unknownOutcome(long rows, Sent sent, SQLException last) {
        return new java.sql.SQLTransientConnectionException("the outcome of " + rows + " rows sent to topic " + plan.topic()
                + " is unknown: sent " + sent.attempts() + " times in " + sent.elapsedMs() + " ms (retry_timeout_ms is "
                + retryTimeoutMs + "); they may or may not be stored, each at most once (producer " + producer.producerId()
                + "). Last failure: " + last.getMessage(), SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, last);
    }

    /** Re-prepares the statement on the server. */
    @FunctionalInterface
    interface Reprepare {
        Meta.StatementHandle prepareAgain() throws SQLException;
    }

    /** The failure of a request after {@code sentRows} rows were written by earlier ones. */
    private static SQLException partial(SQLException e, int sentRows) {
        if (sentRows == 0) {
            return e;
        }
        long[] counts = new long[sentRows];
        Arrays.fill(counts, 1L);
        return new BatchUpdateException(e.getMessage() + " (the first " + sentRows + " rows of the batch were written)",
                e.getSQLState(), e.getErrorCode(), counts, e);
    }

    /** Re-encodes the batches from {@code from} on, built with {@code previous}, for the current plan. */
    private void rebuild(InsertPlanResponse previous, int from) {
        List<ProduceRequest.Batch> unsent = new ArrayList<>(built.subList(from, built.size()));
        built.subList(from, built.size()).clear();
        Schema old = previous.schema();
        int[] all = new int[old.columnCount()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        try (BatchDecoder decoder = new BatchDecoder()) {
            for (ProduceRequest.Batch b : unsent) {
                DecodedBatch batch = decoder.decode(RecordBatch.wrap(b.batch().duplicate()), old, all);
                for (int row = 0; row < batch.rowCount(); row++) {
                    for (int col = 0; col < all.length; col++) {
                        copy(batch, col, row, old.column(col));
                    }
                    writer.endRow();
                }
            }
        }
        cut();
    }

    private void copy(DecodedBatch batch, int col, int row, Column column) {
        if (batch.isNull(col, row)) {
            writer.setNull(col);
            return;
        }
        switch (column.type()) {
            case BOOLEAN -> writer.setBoolean(col, batch.getBoolean(col, row));
            case TINYINT, SMALLINT, INTEGER, BIGINT, DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ ->
                    writer.setLong(col, batch.getLong(col, row));
            case REAL -> writer.setFloat(col, batch.getFloat(col, row));
            case DOUBLE -> writer.setDouble(col, batch.getDouble(col, row));
            case DECIMAL -> writer.setDecimal(col, batch.getDecimal(col, row));
            case VARCHAR -> writer.setString(col, batch.getString(col, row));
            case VARBINARY -> writer.setBytes(col, batch.getBytes(col, row));
        }
    }

    /** Drops every row added since the last execute. */
    void clear() {
        built.clear();
        rows = 0;
        firstError = null;
        if (writer != null) {
            writer.reset();
        }
    }

    @Override
    public void close() {
        built.clear();
        if (writer != null) {
            writer.close();
            writer = null;
        }
        mode = Mode.UNKNOWN;
    }
}
