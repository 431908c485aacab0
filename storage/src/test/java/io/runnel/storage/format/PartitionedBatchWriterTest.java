package io.runnel.storage.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.testkit.Seeds;
import io.runnel.storage.testkit.TestRows;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The writer against a simple model: every row goes to {@link Partitioner#partitionOf} of its key
 * values (or the round's keyless partition), and each partition's batch decodes to exactly its rows
 * in order. Seeded; the seed is printed.
 */
class PartitionedBatchWriterTest {

    @Test
    void routesEveryRowLikeTheModel() {
        long seed = Seeds.seed("PartitionedBatchWriterTest.routesEveryRowLikeTheModel");
        SplittableRandom random = new SplittableRandom(seed);
        Schema schema = TestRows.allTypes(0);
        int[][] keys = {{}, {9}, {4}, {3, 9}, {7, 14}, {0, 12}};
        try (BatchDecoder decoder = new BatchDecoder()) {
            for (int[] key : keys) {
                int partitions = 1 + random.nextInt(7);
                Partitioner partitioner = new Partitioner(schema, key, partitions);
                try (PartitionedBatchWriter writer = new PartitionedBatchWriter(schema, Compression.ZSTD, key, partitions, 0)) {
                    for (int round = 0; round < 3; round++) {
                        List<Object[]> rows = TestRows.random(schema, 1 + random.nextInt(300), random);
                        List<List<Object[]>> expected = new ArrayList<>();
                        for (int p = 0; p < partitions; p++) {
                            expected.add(new ArrayList<>());
                        }
                        for (Object[] row : rows) {
                            set(writer, schema, row);
                            int p = writer.endRow();
                            Object[] keyValues = new Object[key.length];
                            for (int i = 0; i < key.length; i++) {
                                keyValues[i] = row[key[i]];
                            }
                            int modelPartition = key.length == 0 ? round % partitions : partitioner.partitionOf(keyValues);
                            if (modelPartition < 0) {
                                modelPartition = round % partitions;
                            }
                            assertThat(p).as("seed %d key %s", seed, Arrays.toString(key)).isEqualTo(modelPartition);
                            expected.get(p).add(row);
                        }
                        assertThat(writer.rowCount()).isEqualTo(rows.size());
                        assertThat(writer.estimatedSizeBytes()).isPositive();
                        List<PartitionedBatchWriter.PartitionBatch> built = writer.build(BatchMetadata.NONE);
                        int nonEmpty = (int) expected.stream().filter(l -> !l.isEmpty()).count();
                        assertThat(built).hasSize(nonEmpty);
                        for (PartitionedBatchWriter.PartitionBatch b : built) {
                            DecodedBatch decoded = decoder.decode(RecordBatch.wrap(b.batch()), schema, null);
                            List<Object[]> want = expected.get(b.partition());
                            assertThat(decoded.rowCount()).isEqualTo(want.size());
                            for (int r = 0; r < want.size(); r++) {
                                for (int c = 0; c < schema.columnCount(); c++) {
                                    Object actual = decoded.getObject(c, r);
                                    Object wanted = want.get(r)[c];
                                    assertThat(TestRows.same(wanted, actual))
                                            .as("seed %d partition %d row %d column %s: %s vs %s", seed, b.partition(), r,
                                                    schema.column(c).name(), wanted, actual)
                                            .isTrue();
                                }
                            }
                        }
                        writer.reset();
                    }
                }
            }
        }
    }

    /** Sets one row through the writer's typed setters (the way the server and driver do). */
    private static void set(PartitionedBatchWriter w, Schema schema, Object[] row) {
        for (int c = 0; c < row.length; c++) {
            Object v = row[c];
            if (v == null) {
                continue;
            }
            switch (schema.column(c).type()) {
                case BOOLEAN -> w.setBoolean(c, (Boolean) v);
                case TINYINT -> w.setByte(c, (Byte) v);
                case SMALLINT -> w.setShort(c, (Short) v);
                case INTEGER -> w.setInt(c, (Integer) v);
                case BIGINT -> w.setLong(c, (Long) v);
                case REAL -> w.setFloat(c, (Float) v);
                case DOUBLE -> w.setDouble(c, (Double) v);
                case DECIMAL -> {
                    BigDecimal d = (BigDecimal) v;
                    if (schema.column(c).precision() <= 18 && d.scale() == schema.column(c).scale()) {
                        w.setDecimal(c, d.unscaledValue().longValueExact());
                    } else {
                        w.setDecimal(c, d);
                    }
                }
                case VARCHAR -> {
                    if (((String) v).length() % 2 == 0) {
                        w.setString(c, (String) v);
                    } else {
                        w.setString(c, ((String) v).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                case VARBINARY -> w.setBytes(c, (byte[]) v);
                case DATE -> w.setInt(c, (int) ((java.time.LocalDate) v).toEpochDay());
                case TIME -> w.setInt(c, (int) (((java.time.LocalTime) v).toNanoOfDay() / 1_000_000));
                case TIMESTAMP -> w.setLong(c, ((java.time.LocalDateTime) v).toInstant(java.time.ZoneOffset.UTC).toEpochMilli());
                case TIMESTAMP_LTZ -> w.setLong(c, ((java.time.Instant) v).toEpochMilli());
            }
        }
    }

    @Test
    void aBadValueNamesTheWritersRowAndLeavesNoTrace() {
        Schema schema = Schema.of(0, Column.of("id", ColumnType.BIGINT, false), Column.varchar("name", 3, true));
        try (PartitionedBatchWriter w = new PartitionedBatchWriter(schema, Compression.NONE, new int[] {0}, 4, 0)) {
            for (long id = 0; id < 5; id++) {
                w.setLong(0, id);
                w.setString(1, "ok");
                w.endRow();
            }
            w.setLong(0, 99);
            w.setString(1, "toolong");
            assertThatThrownBy(w::endRow).isInstanceOfSatisfying(InvalidValueException.class, e -> {
                assertThat(e.row()).isEqualTo(5);
                assertThat(e.kind()).isEqualTo(InvalidValueException.Kind.TOO_LONG);
                assertThat(e.getMessage()).contains("column name, row 5");
            });
            w.setString(1, "fix");
            assertThat(w.endRow()).isBetween(0, 3);
            w.setString(1, "x");
            assertThatThrownBy(w::endRow).isInstanceOfSatisfying(InvalidValueException.class,
                    e -> assertThat(e.kind()).isEqualTo(InvalidValueException.Kind.NOT_NULL));
            w.abortRow();
            int rows = 0;
            try (BatchDecoder d = new BatchDecoder()) {
                for (var b : w.build(BatchMetadata.NONE)) {
                    rows += d.decode(RecordBatch.wrap(b.batch()), schema, null).rowCount();
                }
            }
            assertThat(rows).isEqualTo(6);
            assertThatThrownBy(() -> {
                w.setLong(0, 1);
                w.build(BatchMetadata.NONE);
            }).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void keylessRowsOfOneRoundShareAPartitionAndRoundsRotate() {
        Schema schema = Schema.of(0, Column.of("n", ColumnType.INTEGER, true));
        try (PartitionedBatchWriter w = new PartitionedBatchWriter(schema, Compression.NONE, new int[0], 3, 1)) {
            List<Integer> partitions = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 5; i++) {
                    w.setInt(0, i);
                    w.endRow();
                }
                var built = w.build(BatchMetadata.NONE);
                assertThat(built).hasSize(1);
                partitions.add(built.get(0).partition());
                w.reset();
            }
            assertThat(partitions).containsExactly(1, 2, 0, 1);
        }
    }
}
