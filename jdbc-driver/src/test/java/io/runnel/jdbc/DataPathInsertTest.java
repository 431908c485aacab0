package io.runnel.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.format.BatchDecoder;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.Partitioner;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.format.Schema;
import io.runnel.storage.format.wire.DataPathProtocol;
import io.runnel.storage.format.wire.ErrorResponse;
import io.runnel.storage.format.wire.InsertPlanRequest;
import io.runnel.storage.format.wire.InsertPlanResponse;
import io.runnel.storage.format.wire.ProduceRequest;
import io.runnel.storage.format.wire.ProduceResponse;
import java.nio.ByteBuffer;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.TypedValue;
import org.junit.jupiter.api.Test;

/**
 * {@link DataPathInsert} against a scripted broker: rows are coerced and partitioned like the
 * server does, a bad value fails {@code execute} without sending anything, a stale plan is fetched
 * again and the unsent rows re-partitioned for it, and a server that does not take the path leaves
 * the statement on Avatica's.
 */
class DataPathInsertTest {
    private static final UUID TOPIC_ID = UUID.randomUUID();
    private static final Meta.StatementHandle HANDLE = new Meta.StatementHandle("conn", 7, null);

    private static InsertPlanResponse plan(int partitions, Schema schema) {
        return new InsertPlanResponse("orders", TOPIC_ID, partitions, Compression.ZSTD, 1 << 20, -1, new int[] {1}, schema,
                new int[] {0, 1}, "UTC");
    }

    private static final Schema V1 = Schema.of(1, Column.of("id", ColumnType.BIGINT, false),
            Column.varchar("k", 8, true));
    private static final Schema V2 = V1.withColumn(Column.varchar("note", 4, true));

    /** A broker: answers plans from a list (one per fetch), records produce requests, may answer STALE_PLAN once. */
    private static final class ScriptedBroker implements DataPathInsert.Exchange {
        final List<InsertPlanResponse> plans = new ArrayList<>();
        final List<ProduceRequest> produced = new ArrayList<>();
        int planFetches;
        boolean staleOnce;
        byte[] planAnswer;
        /** What the next produce requests meet: "lose" (stored, answer lost), "refuse", or a SQLSTATE to answer with. */
        final java.util.ArrayDeque<String> faults = new java.util.ArrayDeque<>();
        /** Every produce body received, in order. */
        final List<byte[]> bodies = new ArrayList<>();

        @Override
        public byte[] post(String path, byte[] body) {
            if (path.equals(DataPathProtocol.INSERT_PLAN_PATH)) {
                InsertPlanRequest.decode(ByteBuffer.wrap(body));
                if (planAnswer != null) {
                    return planAnswer;
                }
                return plans.get(Math.min(planFetches++, plans.size() - 1)).encode();
            }
            ProduceRequest request = ProduceRequest.decode(ByteBuffer.wrap(body));
            bodies.add(body.clone());
            String fault = faults.poll();
            if (fault != null) {
                switch (fault) {
                    case "lose" -> {
                        produced.add(request);
                        throw new UncheckedSqlException(new java.sql.SQLTransientConnectionException(
                                "connection to h:1 failed: reset", SqlStates.CONNECTION_FAILURE));
                    }
                    case "refuse" -> throw new UncheckedSqlException(new java.sql.SQLTransientConnectionException(
                            "connection to h:1 refused", SqlStates.CONNECTION_FAILURE, new java.net.ConnectException("refused")));
                    default -> {
                        return new ErrorResponse(ErrorResponse.Reason.FAILED, fault, "scripted " + fault).encode();
                    }
                }
            }
            if (staleOnce) {
                staleOnce = false;
                return new ErrorResponse(ErrorResponse.Reason.STALE_PLAN, "40001", "partitions changed").encode();
            }
            produced.add(request);
            List<ProduceResponse.Appended> appended = new ArrayList<>();
            long offset = 0;
            for (ProduceRequest.Batch b : request.batches()) {
                int n = RecordBatch.wrap(b.batch().duplicate()).recordCount();
                appended.add(new ProduceResponse.Appended(b.partition(), offset, offset + n - 1));
                offset += n;
            }
            return new ProduceResponse(appended).encode();
        }
    }

    private static List<TypedValue> row(Object id, String k) {
        List<TypedValue> row = new ArrayList<>();
        row.add(id instanceof String s ? TypedValue.ofLocal(ColumnMetaData.Rep.STRING, s)
                : TypedValue.ofLocal(ColumnMetaData.Rep.LONG, id));
        row.add(k == null ? TypedValue.ofLocal(ColumnMetaData.Rep.OBJECT, null) : TypedValue.ofLocal(ColumnMetaData.Rep.STRING, k));
        return row;
    }

    /** id → partition of every row the broker received. */
    private static Map<Long, Integer> received(List<ProduceRequest> requests, Schema schema) {
        Map<Long, Integer> out = new HashMap<>();
        try (BatchDecoder decoder = new BatchDecoder()) {
            for (ProduceRequest r : requests) {
                for (ProduceRequest.Batch b : r.batches()) {
                    DecodedBatch batch = decoder.decode(RecordBatch.wrap(b.batch().duplicate()), schema, new int[] {0, 1});
                    for (int row = 0; row < batch.rowCount(); row++) {
                        out.put(batch.getLong(0, row), b.partition());
                    }
                }
            }
        }
        return out;
    }

    private static int partitionOf(String key, int partitions) {
        Partitioner p = new Partitioner(V1, new int[] {1}, partitions);
        Partitioner.KeyBytes bytes = p.newKeyBytes();
        bytes.reset();
        bytes.begin();
        bytes.putString(key);
        bytes.end();
        return p.partition(bytes);
    }

    @Test
    void rowsArePartitionedByTheBrokersKeyHashAndCoerced() throws SQLException {
        ScriptedBroker broker = new ScriptedBroker();
        broker.plans.add(plan(4, V1));
        try (DataPathInsert insert = new DataPathInsert(broker, 5_000)) {
            insert.ensurePlan("conn", 7);
            assertThat(insert.mode()).isEqualTo(DataPathInsert.Mode.ACTIVE);
            for (int i = 0; i < 200; i++) {
                insert.add(row(i % 2 == 0 ? (Object) (long) i : " " + i + " ", "k" + (i % 17)));
            }
            long[] counts = insert.execute("conn", HANDLE, () -> HANDLE);
            assertThat(counts).hasSize(200).containsOnly(1L);
            assertThat(insert.rowCount()).isZero();
        }
        Map<Long, Integer> rows = received(broker.produced, V1);
        assertThat(rows).hasSize(200);
        rows.forEach((id, partition) -> assertThat(partition).as("id %d", id).isEqualTo(partitionOf("k" + (id % 17), 4)));
    }

    @Test
    void aBadValueFailsExecuteAndSendsNothing() throws SQLException {
        ScriptedBroker broker = new ScriptedBroker();
        broker.plans.add(plan(2, V1));
        try (DataPathInsert insert = new DataPathInsert(broker, 5_000)) {
            insert.ensurePlan("conn", 7);
            insert.add(row(1L, "ok"));
            insert.add(row(2L, "too long!"));
            insert.add(row(null, "ok"));
            assertThatThrownBy(() -> insert.execute("conn", HANDLE, () -> HANDLE))
                    .isInstanceOf(SQLDataException.class)
                    .hasMessage("Value too long for column 'k' (row 2): expected at most 8 characters, got 9")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22001"));
            assertThat(broker.produced).isEmpty();
            assertThat(insert.rowCount()).isZero();
            // NULL into NOT NULL, after the failed batch was cleared
            insert.add(row(3L, "ok"));
            List<TypedValue> nullId = row(0L, "ok");
            nullId.set(0, TypedValue.ofLocal(ColumnMetaData.Rep.OBJECT, null));
            insert.add(nullId);
            assertThatThrownBy(() -> insert.execute("conn", HANDLE, () -> HANDLE))
                    .hasMessage("NULL in column 'id' of topic 'orders', row 2: the column is NOT NULL")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23502"));
            List<TypedValue> unset = row(4L, "ok");
            unset.set(1, null);
            insert.add(unset);
            assertThatThrownBy(() -> insert.execute("conn", HANDLE, () -> HANDLE))
                    .hasMessage("No value given for parameter 2");
            assertThat(broker.produced).isEmpty();
        }
    }

    @Test
    void aStalePlanIsFetchedAgainAndTheRowsRepartitioned() throws SQLException {
        ScriptedBroker broker = new ScriptedBroker();
        broker.plans.add(plan(2, V1));
        broker.plans.add(plan(5, V2));
        broker.staleOnce = true;
        try (DataPathInsert insert = new DataPathInsert(broker, 5_000)) {
            insert.ensurePlan("conn", 7);
            for (int i = 0; i < 100; i++) {
                insert.add(row((long) i, i % 10 == 0 ? null : "k" + i));
            }
            assertThat(insert.execute("conn", HANDLE, () -> HANDLE)).hasSize(100);
        }
        assertThat(broker.planFetches).isEqualTo(2);
        assertThat(broker.produced).hasSize(1);
        ProduceRequest sent = broker.produced.get(0);
        assertThat(sent.partitions()).isEqualTo(5);
        assertThat(sent.schemaId()).isEqualTo(V2.schemaId());
        Map<Long, Integer> rows = received(broker.produced, V2);
        assertThat(rows).hasSize(100);
        rows.forEach((id, partition) -> {
            if (id % 10 != 0) {
                assertThat(partition).as("id %d", id).isEqualTo(partitionOf("k" + id, 5));
            }
        });
    }

    @Test
    void aServerWithoutThePathOrAStatementThatIsNotPlainParametersStaysOnAvatica() throws SQLException {
        ScriptedBroker broker = new ScriptedBroker();
        broker.planAnswer = new ErrorResponse(ErrorResponse.Reason.NOT_ELIGIBLE, "0A000", "not plain").encode();
        try (DataPathInsert insert = new DataPathInsert(broker, 5_000)) {
            insert.ensurePlan("conn", 7);
            assertThat(insert.mode()).isEqualTo(DataPathInsert.Mode.NOT_ELIGIBLE);
        }
        broker.planAnswer = new byte[] {0x0a, 0x05, 'e', 'r', 'r', 'o', 'r'}; // an Avatica protobuf body
        try (DataPathInsert insert = new DataPathInsert(broker, 5_000)) {
            insert.ensurePlan("conn", 7);
            assertThat(insert.mode()).isEqualTo(DataPathInsert.Mode.NOT_ELIGIBLE);
        }
        broker.planAnswer = new ErrorResponse(ErrorResponse.Reason.FAILED, "42P01", "Topic 'orders' was dropped").encode();
        try (DataPathInsert insert = new DataPathInsert(broker, 5_000)) {
            assertThatThrownBy(() -> insert.ensurePlan("conn", 7)).isInstanceOf(java.sql.SQLSyntaxErrorException.class)
                    .hasMessage("Topic 'orders' was dropped");
        }
    }

    // ------------------------------------------------------------------ idempotent resends

    private static List<RecordBatch> batchesOf(ProduceRequest request) {
        List<RecordBatch> out = new ArrayList<>();
        for (ProduceRequest.Batch b : request.batches()) {
            out.add(RecordBatch.wrap(b.batch().duplicate()));
        }
        return out;
    }

    private static void addRows(DataPathInsert insert, int from, int count) {
        for (int i = from; i < from + count; i++) {
            insert.add(row((long) i, "k" + (i % 5)));
        }
    }

    @Test
    void batchesCarryOneProducerIdAndContiguousSequencesPerPartition() throws SQLException {
        ScriptedBroker broker = new ScriptedBroker();
        broker.plans.add(plan(3, V1));
        try (DataPathInsert insert = new DataPathInsert(broker, 5_000)) {
            insert.ensurePlan("conn", 7);
            addRows(insert, 0, 50);
            insert.execute("conn", HANDLE, () -> HANDLE);
            addRows(insert, 50, 50);
            insert.execute("conn", HANDLE, () -> HANDLE);
        }
        Map<Integer, Integer> nextSequence = new HashMap<>();
        java.util.Set<Long> producers = new java.util.HashSet<>();
        for (ProduceRequest r : broker.produced) {
            for (ProduceRequest.Batch sent : r.batches()) {
                RecordBatch b = RecordBatch.wrap(sent.batch().duplicate());
                producers.add(b.producerId());
                assertThat(b.producerEpoch()).isZero();
                int partition = sent.partition();
                assertThat(b.baseSequence()).as("partition %d", partition).isEqualTo(nextSequence.getOrDefault(partition, 0));
                nextSequence.merge(partition, b.recordCount(), Integer::sum);
            }
        }
        assertThat(producers).hasSize(1).allMatch(id -> id >= 0);
        assertThat(nextSequence.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    }

    @Test
    void aLostAnswerOrAFailoverErrorResendsTheSameBytes() throws SQLException {
        ScriptedBroker broker = new ScriptedBroker();
        broker.plans.add(plan(2, V1));
        broker.faults.add("lose");
        broker.faults.add("40R02");
        broker.faults.add("57014");
        try (DataPathInsert insert = new DataPathInsert(broker, 10_000)) {
            insert.ensurePlan("conn", 7);
            addRows(insert, 0, 20);
            assertThat(insert.execute("conn", HANDLE, () -> HANDLE)).hasSize(20);
        }
        assertThat(broker.bodies).hasSize(4);
        for (byte[] body : broker.bodies) {
            assertThat(body).as("every copy is the same request").isEqualTo(broker.bodies.get(0));
        }
    }

    @Test
    void anOutcomeStillUnknownAtRetryTimeoutIs08007() {
        ScriptedBroker broker = new ScriptedBroker();
        broker.plans.add(plan(2, V1));
        for (int i = 0; i < 1000; i++) {
            broker.faults.add("lose");
        }
        try (DataPathInsert insert = new DataPathInsert(broker, 300)) {
            insert.ensurePlan("conn", 7);
            addRows(insert, 0, 5);
            assertThatThrownBy(() -> insert.execute("conn", HANDLE, () -> HANDLE))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08007"))
                    .hasMessageContaining("outcome of 5 rows sent to topic orders is unknown")
                    .hasMessageContaining("retry_timeout_ms is 300");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        assertThat(broker.bodies.size()).isBetween(2, 20);
    }

    @Test
    void aRefusedConnectionAfterALostAnswerIs08007AtOnceAndBeforeAnyCopyArrivedItIsTheRefusal() throws SQLException {
        ScriptedBroker broker = new ScriptedBroker();
        broker.plans.add(plan(2, V1));
        broker.faults.add("lose");
        broker.faults.add("refuse");
        broker.faults.add("refuse");
        try (DataPathInsert insert = new DataPathInsert(broker, 60_000)) {
            insert.ensurePlan("conn", 7);
            addRows(insert, 0, 5);
            assertThatThrownBy(() -> insert.execute("conn", HANDLE, () -> HANDLE))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08007"));
            assertThat(broker.bodies).hasSize(2);
            addRows(insert, 5, 5);
            assertThatThrownBy(() -> insert.execute("conn", HANDLE, () -> HANDLE))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08006"))
                    .hasMessageContaining("refused");
        }
    }

    @Test
    void aFailedExecuteStartsANewProducer() throws SQLException {
        ScriptedBroker broker = new ScriptedBroker();
        broker.plans.add(plan(2, V1));
        broker.faults.add("22001");
        try (DataPathInsert insert = new DataPathInsert(broker, 5_000)) {
            insert.ensurePlan("conn", 7);
            addRows(insert, 0, 5);
            assertThatThrownBy(() -> insert.execute("conn", HANDLE, () -> HANDLE)).isInstanceOf(SQLDataException.class);
            addRows(insert, 0, 5);
            insert.execute("conn", HANDLE, () -> HANDLE);
        }
        assertThat(broker.produced).hasSize(1);
        long first = batchesOf(broker.produced.get(0)).get(0).producerId();
        ProduceRequest failedRequest = ProduceRequest.decode(ByteBuffer.wrap(broker.bodies.get(0)));
        assertThat(batchesOf(failedRequest).get(0).producerId()).isNotEqualTo(first);
        for (RecordBatch b : batchesOf(broker.produced.get(0))) {
            assertThat(b.baseSequence()).isZero();
        }
    }

    @Test
    void aRequestHoldsAtMostTheRememberedBatchesPerPartition() throws SQLException {
        ScriptedBroker broker = new ScriptedBroker();
        // max_batch_bytes 256 KB: batches are cut every 64 KB of rows, so 40k rows make many rounds.
        broker.plans.add(new InsertPlanResponse("orders", TOPIC_ID, 2, Compression.NONE, 256 * 1024, -1, new int[] {1}, V1,
                new int[] {0, 1}, "UTC"));
        try (DataPathInsert insert = new DataPathInsert(broker, 5_000)) {
            insert.ensurePlan("conn", 7);
            addRows(insert, 0, 40_000);
            insert.execute("conn", HANDLE, () -> HANDLE);
        }
        assertThat(broker.produced.size()).isGreaterThan(1);
        for (ProduceRequest r : broker.produced) {
            Map<Integer, Integer> perPartition = new HashMap<>();
            for (ProduceRequest.Batch b : r.batches()) {
                perPartition.merge(b.partition(), 1, Integer::sum);
            }
            assertThat(perPartition.values()).allMatch(n -> n <= io.runnel.storage.format.ProducerSequences.REMEMBERED_BATCHES);
        }
        assertThat(received(broker.produced, V1)).hasSize(40_000);
    }

    // ------------------------------------------------------------------ failover to another host

    private static List<ByteBuffer> batchBytes(List<ProduceRequest> requests) {
        List<ByteBuffer> out = new ArrayList<>();
        for (ProduceRequest r : requests) {
            for (ProduceRequest.Batch b : r.batches()) {
                out.add(b.batch().duplicate());
            }
        }
        return out;
    }

    @Test
    void whenTheServerIsGoneTheSameBatchesMoveToANewConnection() throws SQLException {
        ScriptedBroker first = new ScriptedBroker();
        first.plans.add(plan(2, V1));
        first.faults.add("lose");   // stored, answer lost
        first.faults.add("refuse"); // then the server is gone
        ScriptedBroker second = new ScriptedBroker();
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        DataPathInsert.Reconnect reconnect = () -> {
            opened.incrementAndGet();
            return new DataPathInsert.Target(second, "conn2", 9, () -> closed.set(true));
        };
        try (DataPathInsert insert = new DataPathInsert(first, reconnect, 10_000)) {
            insert.ensurePlan("conn", 7);
            addRows(insert, 0, 30);
            assertThat(insert.execute("conn", HANDLE, () -> HANDLE)).hasSize(30);
        }
        assertThat(opened).hasValue(1);
        assertThat(closed).as("the failover connection is closed after the execute").isTrue();
        assertThat(second.produced).hasSize(1);
        ProduceRequest moved = second.produced.get(0);
        assertThat(moved.connectionId()).isEqualTo("conn2");
        assertThat(moved.statementId()).isEqualTo(9);
        assertThat(batchBytes(second.produced)).as("the same batches, byte for byte").isEqualTo(batchBytes(first.produced));
    }

    @Test
    void aServerThatNoLongerKnowsTheConnectionMovesItToo() throws SQLException {
        ScriptedBroker first = new ScriptedBroker();
        first.plans.add(plan(2, V1));
        first.faults.add("lose");
        first.faults.add("08003"); // restarted: the connection is unknown
        ScriptedBroker second = new ScriptedBroker();
        try (DataPathInsert insert = new DataPathInsert(first, () -> new DataPathInsert.Target(second, "conn2", 9, () -> { }),
                10_000)) {
            insert.ensurePlan("conn", 7);
            addRows(insert, 0, 10);
            assertThat(insert.execute("conn", HANDLE, () -> HANDLE)).hasSize(10);
        }
        assertThat(batchBytes(second.produced)).isEqualTo(batchBytes(first.produced));
    }

    @Test
    void withNoHostAcceptingTheOutcomeIs08007AtRetryTimeout() {
        ScriptedBroker first = new ScriptedBroker();
        first.plans.add(plan(2, V1));
        first.faults.add("lose");
        for (int i = 0; i < 1000; i++) {
            first.faults.add("refuse");
        }
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        DataPathInsert.Reconnect none = () -> {
            tries.incrementAndGet();
            throw new java.sql.SQLTransientConnectionException("could not connect to h:1,h:2", "08001");
        };
        try (DataPathInsert insert = new DataPathInsert(first, none, 400)) {
            insert.ensurePlan("conn", 7);
            addRows(insert, 0, 5);
            assertThatThrownBy(() -> insert.execute("conn", HANDLE, () -> HANDLE))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08007"));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        assertThat(tries.get()).isGreaterThan(1);
    }
}

