package io.runnel.sql.datapath;

import io.runnel.engine.Engine;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicInfo;
import io.runnel.sql.errors.ErrorTranslator;
import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.errors.RunnelSqlException;
import io.runnel.sql.exec.Prepared;
import io.runnel.sql.exec.Session;
import io.runnel.sql.insert.InsertAction;
import io.runnel.sql.insert.InsertPlan;
import io.runnel.sql.meta.RunnelMeta;
import io.runnel.storage.format.Schema;
import io.runnel.storage.format.wire.DataPathFormatException;
import io.runnel.storage.format.wire.ErrorResponse;
import io.runnel.storage.format.wire.InsertPlanRequest;
import io.runnel.storage.format.wire.InsertPlanResponse;
import io.runnel.storage.format.wire.ProduceRequest;
import io.runnel.storage.format.wire.ProduceResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The broker's side of the driver's data path (design note 0008, docs/format/data-path-protocol.md):
 * hands a client the plan of a prepared plain-parameter INSERT, and appends the batches the client
 * built with it — validated by the engine (CRC, schema, NOT NULL, lengths, partition range), never
 * re-encoded, offsets stamped by the engine — with the connection's acks.
 *
 * <p>Every request gets an answer body: the expected message, or an {@link ErrorResponse} with the
 * SQLSTATE and message the user sees (a malformed body is 08P01, a protocol violation).
 *
 * <p>Thread-safe: stateless beyond the {@link RunnelMeta} and {@link Engine} it reads.
 */
public final class DataPathService {
    private static final Logger LOG = Logger.getLogger(DataPathService.class.getName());
    /** SQLSTATE of a malformed data-path message. */
    static final String PROTOCOL_VIOLATION = "08P01";
    /** SQLSTATE of a plan that no longer matches its topic: retry after fetching it again. */
    static final String STALE_PLAN = "40001";

    private final RunnelMeta meta;
    private final Engine engine;

    public DataPathService(RunnelMeta meta, Engine engine) {
        this.meta = meta;
        this.engine = engine;
    }

    /** Answers an {@link InsertPlanRequest}; never throws. */
    public byte[] insertPlan(ByteBuffer body) {
        try {
            InsertPlanRequest request = InsertPlanRequest.decode(body);
            session(request.connectionId());
            Prepared prepared = prepared(request.connectionId(), request.statementId());
            if (!(prepared instanceof Prepared.Update update && update.action() instanceof InsertAction insert)) {
                return notEligible(request.statementId());
            }
            InsertPlan plan = insert.plan();
            Optional<int[]> parameterColumns = plan.parameterColumns();
            if (parameterColumns.isEmpty()) {
                return notEligible(request.statementId());
            }
            TopicInfo topic = currentTopic(plan);
            return new InsertPlanResponse(topic.name(), topic.topicId(), topic.partitions(), topic.config().compression(),
                    topic.config().maxBatchBytes(), eventTimeColumn(topic), topic.partitionKey(), topic.currentSchema(),
                    parameterColumns.get(), session(request.connectionId()).zone().getId()).encode();
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    /** Answers a {@link ProduceRequest}; never throws. */
    public byte[] produce(ByteBuffer body) {
        meta.metrics().dataPathRequests.increment();
        try {
            ProduceRequest request = ProduceRequest.decode(body);
            Session session = session(request.connectionId());
            InsertPlan plan = insertPlan(request.connectionId(), request.statementId());
            TopicInfo topic = currentTopic(plan);
            if (!topic.topicId().equals(request.topicId())) {
                throw RunnelErrors.topicGone(topic.name());
            }
            if (topic.partitions() != request.partitions()) {
                return stale("Topic '" + topic.name() + "' has " + topic.partitions() + " partitions, the batches were built for "
                        + request.partitions() + ": fetch the insert plan again");
            }
            if (!knowsSchema(topic, request.schemaId())) {
                return stale("Topic '" + topic.name() + "' has no schema " + request.schemaId() + ": fetch the insert plan again");
            }
            if (request.rowCount() > session.config().maxInsertRows()) {
                throw RunnelErrors.tooManyRows("INSERT", request.rowCount(), session.config().maxInsertRows());
            }
            List<PartitionBatch> batches = new ArrayList<>(request.batches().size());
            long bytes = 0;
            for (ProduceRequest.Batch b : request.batches()) {
                batches.add(new PartitionBatch(b.partition(), b.batch()));
                bytes += b.batch().remaining();
            }
            if (batches.isEmpty()) {
                return new ProduceResponse(List.of()).encode();
            }
            ProduceResult result = engine.produce(topic.name(), batches, session.acks(), session.config().produceTimeoutMs());
            List<ProduceResponse.Appended> appended = new ArrayList<>(result.batches().size());
            for (ProduceResult.Appended a : result.batches()) {
                appended.add(new ProduceResponse.Appended(a.partition(), a.baseOffset(), a.lastOffset()));
            }
            ProduceResponse response = new ProduceResponse(appended);
            if (!appended.isEmpty() && response.rowCount() != request.rowCount()) {
                throw RunnelErrors.internal("topic " + topic.name() + " acknowledged " + response.rowCount() + " rows of "
                        + request.rowCount(), null);
            }
            session.metrics().statements.increment();
            session.metrics().producedRows.add(request.rowCount());
            session.metrics().dataPathRows.add(request.rowCount());
            session.metrics().producedBytes.add(bytes);
            return response.encode();
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    /**
     * Answers a {@link io.runnel.storage.format.wire.FetchRequest} with the next stored batches of the
     * statement's data-path query (long-polled for an unbounded one); never throws.
     */
    public byte[] fetch(ByteBuffer body) {
        try {
            io.runnel.storage.format.wire.FetchRequest request = io.runnel.storage.format.wire.FetchRequest.decode(body);
            return meta.fetchStored(request.connectionId(), request.statementId(), request.maxBytes(), request.maxWaitMs())
                    .encode();
        } catch (RuntimeException e) {
            return error(e);
        }
    }

    private Session session(String connectionId) {
        return meta.dataPathSession(connectionId).orElseThrow(() -> RunnelErrors.unknownConnection(connectionId));
    }

    private static byte[] notEligible(int statementId) {
        return new ErrorResponse(ErrorResponse.Reason.NOT_ELIGIBLE, SqlStates.FEATURE_NOT_SUPPORTED,
                "Statement " + statementId + " is not INSERT ... VALUES (?, ..., ?): the server evaluates it").encode();
    }

    private Prepared prepared(String connectionId, int statementId) {
        return meta.dataPathPrepared(connectionId, statementId)
                .orElseThrow(() -> RunnelErrors.of(RunnelErrors.INVALID_SQL_STATEMENT_NAME, "Statement " + statementId
                        + " of connection " + connectionId + " does not exist or was not prepared", null));
    }

    private InsertPlan insertPlan(String connectionId, int statementId) {
        Prepared prepared = prepared(connectionId, statementId);
        if (prepared instanceof Prepared.Update update && update.action() instanceof InsertAction insert) {
            return insert.plan();
        }
        throw RunnelErrors.of(SqlStates.FEATURE_NOT_SUPPORTED, "Statement " + statementId + " is not an INSERT", null);
    }

    private TopicInfo currentTopic(InsertPlan plan) {
        return engine.topic(plan.topic().name())
                .filter(t -> t.topicId().equals(plan.topic().topicId()))
                .orElseThrow(() -> RunnelErrors.topicGone(plan.topic().name()));
    }

    private static boolean knowsSchema(TopicInfo topic, int schemaId) {
        for (Schema s : topic.schemas()) {
            if (s.schemaId() == schemaId) {
                return true;
            }
        }
        return false;
    }

    /** The index of the topic's event-time column in its current schema, or -1 (append time), as the INSERT path finds it. */
    static int eventTimeColumn(TopicInfo topic) {
        String ts = topic.config().timestampColumn();
        if (ts == null) {
            return -1;
        }
        Schema schema = topic.currentSchema();
        for (int i = 0; i < schema.columnCount(); i++) {
            if (schema.column(i).name().equalsIgnoreCase(ts)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] stale(String message) {
        return new ErrorResponse(ErrorResponse.Reason.STALE_PLAN, STALE_PLAN, message).encode();
    }

    private static byte[] error(RuntimeException e) {
        if (e instanceof DataPathFormatException) {
            return new ErrorResponse(ErrorResponse.Reason.FAILED, PROTOCOL_VIOLATION, "Malformed data-path request: "
                    + e.getMessage()).encode();
        }
        RunnelSqlException sql = ErrorTranslator.translate(e);
        if (sql.sqlState().startsWith("XX")) {
            LOG.log(Level.WARNING, "data-path request failed", e);
        }
        return new ErrorResponse(ErrorResponse.Reason.FAILED, sql.sqlState(), sql.getMessage()).encode();
    }
}
