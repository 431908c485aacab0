package io.runnel.storage.format.wire;

import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Compression;
import io.runnel.storage.format.Schema;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Everything a client needs to build a prepared INSERT's batches itself, exactly as the server
 * would: the topic (name, id, partition count, codec, batch limit, event-time column), its schema,
 * its partition key, and which column each {@code ?} parameter fills. Columns no parameter fills
 * are NULL (the server checked at prepare that none of them is NOT NULL).
 *
 * <pre>
 * header (type 2) | topic string | topicId 2 x int64 | partitions int32 | codec int8 | level int32
 *   | maxBatchBytes int32 | eventTimeColumn int32 (-1 none) | keyCount int16 | key int16 ...
 *   | schemaId int32 | columnCount int16 | column ... | parameterCount int16 | target int16 ...
 *   | sessionZone string
 * column: name string | type int8 (ColumnType ordinal) | precision int32 | scale int32 | nullable int8
 * </pre>
 *
 * @param parameterColumns for parameter {@code i} (0-based), the index of its column in {@code schema}
 * @param sessionZone the connection's session time zone on the server (an ID), which the assignment
 *     rules use between wall-clock times and instants
 */
public record InsertPlanResponse(String topic, UUID topicId, int partitions, Compression compression,
        int maxBatchBytes, int eventTimeColumn, int[] keyColumns, Schema schema, int[] parameterColumns, String sessionZone) {

    public InsertPlanResponse {
        keyColumns = keyColumns.clone();
        parameterColumns = parameterColumns.clone();
    }

    public byte[] encode() {
        WireWriter w = WireWriter.message(MessageType.INSERT_PLAN_RESPONSE, 256);
        w.putString(topic);
        w.putLong(topicId.getMostSignificantBits());
        w.putLong(topicId.getLeastSignificantBits());
        w.putInt(partitions);
        w.putByte(compression.codec().id());
        w.putInt(compression.level());
        w.putInt(maxBatchBytes);
        w.putInt(eventTimeColumn);
        w.putShort(keyColumns.length);
        for (int k : keyColumns) {
            w.putShort(k);
        }
        w.putSchema(schema);
        w.putShort(parameterColumns.length);
        for (int p : parameterColumns) {
            w.putShort(p);
        }
        w.putString(sessionZone);
        return w.toByteArray();
    }

    /** @throws DataPathFormatException for a malformed body or values that contradict each other */
    public static InsertPlanResponse decode(ByteBuffer body) {
        WireReader r = WireReader.message(body, MessageType.INSERT_PLAN_RESPONSE);
        String topic = r.getString("topic");
        UUID topicId = new UUID(r.getLong("topicId"), r.getLong("topicId"));
        int partitions = r.getInt("partitions", 1, Integer.MAX_VALUE);
        int codecId = r.getByte("codec");
        int level = r.getInt("level");
        Compression compression;
        try {
            compression = new Compression(Compression.Codec.ofId(codecId), level);
        } catch (RuntimeException e) {
            throw new DataPathFormatException("insert-plan response: compression " + codecId + "/" + level + ": "
                    + e.getMessage());
        }
        int maxBatchBytes = r.getInt("maxBatchBytes", 1, Integer.MAX_VALUE);
        int eventTimeColumn = r.getInt("eventTimeColumn", -1, Schema.MAX_COLUMNS);
        int[] keys = new int[r.getShort("keyCount")];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = r.getShort("key column");
        }
        Schema schema = r.getSchema();
        int columnCount = schema.columnCount();
        int[] parameters = new int[r.getShort("parameterCount")];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = r.getShort("parameter column");
        }
        String zone = r.getString("sessionZone");
        r.expectEnd();
        try {
            java.time.ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new DataPathFormatException("insert-plan response: session zone '" + zone + "' is not a time zone ID");
        }
        for (int k : keys) {
            check(k, columnCount, "key column");
        }
        for (int p : parameters) {
            check(p, columnCount, "parameter column");
        }
        if (eventTimeColumn >= columnCount) {
            throw new DataPathFormatException("insert-plan response: event-time column " + eventTimeColumn + " of "
                    + columnCount + " columns");
        }
        return new InsertPlanResponse(topic, topicId, partitions, compression, maxBatchBytes, eventTimeColumn, keys,
                schema, parameters, zone);
    }

    private static void check(int column, int columnCount, String field) {
        if (column >= columnCount) {
            throw new DataPathFormatException("insert-plan response: " + field + " " + column + " of " + columnCount
                    + " columns");
        }
    }
}
