package io.runnel.sql.insert;

import io.runnel.engine.ProduceResult;
import io.runnel.engine.TopicInfo;
import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.exec.QueryControl;
import io.runnel.sql.exec.Session;
import io.runnel.sql.type.ValueCoercer;
import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.InvalidValueException;
import io.runnel.storage.format.PartitionedBatchWriter;
import io.runnel.storage.format.ValueAssignment;
import io.runnel.storage.format.Schema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Executes a prepared {@link InsertPlan}: builds every row of the statement (or of every parameter
 * set of a batch) into one batch per partition with the {@link PartitionedBatchWriter} the driver's
 * data path also uses, then hands all batches to the engine in one {@code produce} call.
 *
 * <p>All or nothing: every value is coerced and validated before anything is produced, and the
 * engine validates every batch before it appends any. (If the broker fails with an I/O error
 * after appending to some partitions and before others, the rows already appended stay; the
 * statement reports the error. docs/sql-reference.md says so.)
 *
 * <p>Bounded memory: a statement may write at most {@code max_insert_rows} rows and
 * {@code max_insert_bytes} bytes; batches are cut at a quarter of the topic's {@code max_batch_bytes}.
 *
 * <p>Idempotent: the batches carry the connection's producer id and sequences ({@link Session#producer()}),
 * so the engine may resend them after a leader failover without storing a row twice. A connection's
 * INSERTs run one at a time (they take its producer's sequences in order); a failed one draws a new
 * producer id.
 *
 * <p>Stateless and thread-safe; each call has its own writer.
 */
public final class InsertExecutor {
    private InsertExecutor() {}

    /**
     * Runs {@code plan} once per parameter set and produces every row in one call.
     *
     * @param parameterSets one list of values per execution; one empty list for a statement without parameters
     * @return per parameter set, the rows it wrote
     */
    public static long[] execute(Session session, InsertPlan plan, List<List<TypedValue>> parameterSets, QueryControl control) {
        ReentrantLock lock = session.producerLock();
        lock.lock();
        try {
            return executeLocked(session, plan, parameterSets, control);
        } catch (RuntimeException | Error e) {
            // Sequences were taken for batches that may never be resent: start a new producer id.
            session.producer().reset();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    private static long[] executeLocked(Session session, InsertPlan plan, List<List<TypedValue>> parameterSets,
            QueryControl control) {
        TopicInfo topic = session.catalog().engine().topic(plan.topic().name())
                .filter(t -> t.topicId().equals(plan.topic().topicId()))
                .orElseThrow(() -> RunnelErrors.topicGone(plan.topic().name()));
        Schema schema = plan.topic().currentSchema();
        ValueCoercer coercer = session.coercer();
        long maxRows = session.config().maxInsertRows();
        long maxBytes = session.config().maxInsertBytes();
        long cutBytes = Math.max(64 * 1024, topic.config().maxBatchBytes() / 4);
        BatchMetadata metadata = metadata(topic, schema);
        long[] counts = new long[parameterSets.size()];
        List<io.runnel.engine.PartitionBatch> batches = new ArrayList<>();
        long totalRows = 0;
        long builtBytes = 0;
        try (PartitionedBatchWriter writer = new PartitionedBatchWriter(schema, topic.config().compression(),
                topic.partitionKey(), topic.partitions())) {
            for (int set = 0; set < parameterSets.size(); set++) {
                Object[] params = parameters(plan, parameterSets.get(set));
                long before = totalRows;
                if (plan.select() != null) {
                    totalRows = writeSelect(session, plan, params, writer, coercer, totalRows, maxRows, control);
                } else {
                    Object[][] blockRows = evaluateBlocks(session, plan, params, coercer, totalRows);
                    for (int r = 0; r < plan.rows().size(); r++) {
                        InsertCell[] row = plan.rows().get(r);
                        long rowNumber = totalRows + 1;
                        if (rowNumber > maxRows) {
                            throw RunnelErrors.tooManyRows("INSERT", rowNumber, maxRows);
                        }
                        for (int c = 0; c < row.length; c++) {
                            Column column = schema.column(plan.targets()[c]);
                            InsertCell cell = row[c];
                            Object value;
                            if (cell instanceof InsertCell.Constant k) {
                                value = k.value();
                            } else if (cell instanceof InsertCell.Parameter p) {
                                value = coercer.coerce(params[p.index()], column, topic.name(), rowNumber);
                            } else {
                                InsertCell.Deferred d = (InsertCell.Deferred) cell;
                                value = coercer.coerce(SqlValues.fromInternal(blockRows[d.block()][d.column()],
                                        blockType(plan, d)), column, topic.name(), rowNumber);
                            }
                            set(writer, plan.targets()[c], column, value);
                        }
                        endRow(writer, topic, rowNumber);
                        totalRows++;
                    }
                }
                counts[set] = totalRows - before;
                if (writer.estimatedSizeBytes() >= cutBytes) {
                    builtBytes += writer.estimatedSizeBytes();
                    flush(writer, metadata, session, topic, batches);
                }
                if (builtBytes + writer.estimatedSizeBytes() > maxBytes) {
                    throw RunnelErrors.of(RunnelErrors.PROGRAM_LIMIT_EXCEEDED, "INSERT into topic '" + topic.name()
                            + "' exceeds " + maxBytes + " bytes (server setting max_insert_bytes); split it", null);
                }
            }
            if (writer.rowCount() > 0) {
                flush(writer, metadata, session, topic, batches);
            }
        }
        if (batches.isEmpty()) {
            return counts;
        }
        long bytes = 0;
        for (io.runnel.engine.PartitionBatch b : batches) {
            bytes += b.batch().remaining();
        }
        ProduceResult result = session.catalog().engine().produce(topic.name(), batches, session.acks(),
                session.config().produceTimeoutMs());
        if (result.rowCount() != totalRows && !result.batches().isEmpty()) {
            throw RunnelErrors.internal("topic " + topic.name() + " acknowledged " + result.rowCount() + " rows of "
                    + totalRows, null);
        }
        session.metrics().producedBytes.add(bytes);
        return counts;
    }

    private static SqlTypeName blockType(InsertPlan plan, InsertCell.Deferred d) {
        RelDataTypeField field = plan.blocks().get(d.block()).query().rowType().getFieldList().get(d.column());
        return field.getType().getSqlTypeName();
    }

    private static long writeSelect(Session session, InsertPlan plan, Object[] params, PartitionedBatchWriter writer,
            ValueCoercer coercer, long totalRows, long maxRows, QueryControl control) {
        Schema schema = plan.topic().currentSchema();
        List<RelDataTypeField> fields = plan.select().rowType().getFieldList();
        Object[] internal = calciteParameters(plan.select().parameterColumns(), params, coercer);
        long rows = totalRows;
        try (Enumerator<Object[]> source = plan.select().bind(internal, session.zone(), System.currentTimeMillis(), control)
                .enumerator()) {
            while (source.moveNext()) {
                Object[] row = source.current();
                long rowNumber = rows + 1;
                if (rowNumber > maxRows) {
                    throw RunnelErrors.tooManyRows("INSERT ... SELECT", rowNumber, maxRows);
                }
                for (int c = 0; c < row.length; c++) {
                    Column column = schema.column(plan.targets()[c]);
                    Object value = SqlValues.fromInternal(row[c], fields.get(c).getType().getSqlTypeName());
                    set(writer, plan.targets()[c], column, coercer.coerce(value, column, plan.topic().name(), rowNumber));
                }
                endRow(writer, plan.topic(), rowNumber);
                rows++;
            }
        }
        return rows;
    }

    private static Object[][] evaluateBlocks(Session session, InsertPlan plan, Object[] params, ValueCoercer coercer,
            long rowBase) {
        Object[][] results = new Object[plan.blocks().size()][];
        for (int b = 0; b < results.length; b++) {
            ExpressionBlock block = plan.blocks().get(b);
            Object[] internal = new Object[params.length];
            int[] indexes = block.parameterIndexes();
            for (int j = 0; j < indexes.length; j++) {
                Column type = block.query().parameterColumns().get(j);
                Object v = params[indexes[j]];
                internal[indexes[j]] = SqlValues.toCalciteInternal(type == null ? v : coercer.coerce(v, type, rowBase + 1));
            }
            results[b] = InsertPlanner.evaluate(session, block, internal);
        }
        return results;
    }

    /** Parameter values as coercer inputs, checking there is one per parameter. */
    private static Object[] parameters(InsertPlan plan, List<TypedValue> values) {
        int expected = plan.parameters().size();
        if (values.size() != expected) {
            throw RunnelErrors.parameterCount(expected, values.size());
        }
        Object[] params = new Object[expected];
        for (int i = 0; i < expected; i++) {
            TypedValue tv = values.get(i);
            if (tv == null) {
                throw RunnelErrors.unboundParameter(i);
            }
            params[i] = SqlValues.parameter(tv);
        }
        return params;
    }

    /** Parameter values in Calcite's internal representation for a query whose parameters have these types. */
    static Object[] calciteParameters(List<Column> types, Object[] params, ValueCoercer coercer) {
        Object[] internal = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            Column type = i < types.size() ? types.get(i) : null;
            internal[i] = SqlValues.toCalciteInternal(type == null ? params[i] : coercer.coerce(params[i], type, 1));
        }
        return internal;
    }

    private static void endRow(PartitionedBatchWriter writer, TopicInfo topic, long rowNumber) {
        try {
            writer.endRow();
        } catch (InvalidValueException e) {
            writer.abortRow();
            throw RunnelErrors.of(e.kind().sqlState(), "Topic '" + topic.name() + "', row " + rowNumber + ": "
                    + e.getMessage(), e);
        }
    }

    private static void flush(PartitionedBatchWriter writer, BatchMetadata metadata, Session session, TopicInfo topic,
            List<io.runnel.engine.PartitionBatch> out) {
        for (PartitionedBatchWriter.PartitionBatch b : writer.build(metadata, session.producer(), topic.topicId())) {
            out.add(new io.runnel.engine.PartitionBatch(b.partition(), b.batch()));
        }
        writer.reset();
    }

    private static BatchMetadata metadata(TopicInfo topic, Schema schema) {
        String ts = topic.config().timestampColumn();
        if (ts == null) {
            return BatchMetadata.NONE;
        }
        for (int i = 0; i < schema.columnCount(); i++) {
            if (schema.column(i).name().equalsIgnoreCase(ts)) {
                return BatchMetadata.NONE.withEventTimeColumn(i);
            }
        }
        return BatchMetadata.NONE;
    }

    /** Writes an internal value (see {@link ValueCoercer}) into column {@code col} of the open row. */
    static void set(PartitionedBatchWriter writer, int col, Column column, Object value) {
        ValueAssignment.write(writer, col, column, value);
    }
}
