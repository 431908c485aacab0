package io.runnel.storage.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.testkit.Seeds;
import io.runnel.storage.testkit.TestRows;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rows written through {@link BatchBuilder} read back identically through {@link BatchDecoder}. */
class BatchRoundTripTest {

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of(Compression.NONE, true, true),
                Arguments.of(Compression.ZSTD, true, true),
                Arguments.of(Compression.zstd(9), false, false),
                Arguments.of(Compression.LZ4_FRAME, true, true),
                Arguments.of(Compression.LZ4_FRAME, false, false));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyTypeRoundTripsThroughTypedAndObjectGetters(Compression compression, boolean dictionaries, boolean delta) {
        SplittableRandom random = new SplittableRandom(Seeds.seed("everyTypeRoundTrips " + compression));
        Schema schema = TestRows.allTypes(3);
        try (BatchBuilder builder = new BatchBuilder(schema, compression).useDictionaries(dictionaries).useDelta(delta);
                BatchDecoder decoder = new BatchDecoder()) {
            for (int round = 0; round < 5; round++) {
                int count = round == 0 ? 1 : random.nextInt(1, 3000);
                List<Object[]> rows = TestRows.random(schema, count, random);
                builder.reset();
                rows.forEach(row -> TestRows.write(builder, schema, row));
                assertThat(builder.rowCount()).isEqualTo(count);
                ByteBuffer bytes = builder.build(BatchMetadata.idempotent(77L, (short) 2, 1000));
                RecordBatch batch = RecordBatch.wrap(bytes);
                batch.ensureValid();
                assertThat(batch.sizeInBytes()).isEqualTo(bytes.remaining());
                assertThat(batch.recordCount()).isEqualTo(count);
                assertThat(batch.schemaId()).isEqualTo(3);
                assertThat(batch.producerId()).isEqualTo(77L);
                assertThat(batch.producerEpoch()).isEqualTo((short) 2);
                assertThat(batch.baseSequence()).isEqualTo(1000);
                assertThat(batch.compression()).isEqualTo(compression.codec());
                assertThat(batch.isProjected()).isFalse();
                assertThat(builder.estimatedSizeBytes()).isGreaterThanOrEqualTo(compression == Compression.NONE ? batch.sizeInBytes() : 0);
                DecodedBatch decoded = decoder.decode(batch, schema, null);
                assertThat(decoded.rowCount()).isEqualTo(count);
                for (int r = 0; r < count; r++) {
                    Object[] expected = rows.get(r);
                    Object[] typed = TestRows.readTyped(decoded, r);
                    for (int c = 0; c < expected.length; c++) {
                        Object object = decoded.getObject(c, r);
                        assertThat(TestRows.same(expected[c], typed[c]))
                                .as("row %d column %s typed: expected %s got %s", r, schema.column(c).name(), expected[c], typed[c])
                                .isTrue();
                        assertThat(TestRows.same(expected[c], object))
                                .as("row %d column %s object: expected %s got %s", r, schema.column(c).name(), expected[c], object)
                                .isTrue();
                        assertThat(decoded.isNull(c, r)).isEqualTo(expected[c] == null);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void statisticsAndEncodingsAreRecordedPerColumn(Compression compression, boolean dictionaries, boolean delta) {
        Schema schema = TestRows.orders(1);
        try (BatchBuilder builder = new BatchBuilder(schema, compression).useDictionaries(dictionaries).useDelta(delta)) {
            for (int r = 0; r < 1000; r++) {
                builder.setLong(0, 5000 + r);
                builder.setString(1, "customer-" + (r * 7919 % 997));
                builder.setString(2, "p" + (r % 10));
                builder.setDecimal(3, (r * 31L) % 5000 - 100);
                if (r % 3 != 0) {
                    builder.setInt(4, r % 17);
                }
                builder.setLong(5, 1_000_000L + r / 3);
                builder.endRow();
            }
            RecordBatch batch = RecordBatch.wrap(builder.build(BatchMetadata.NONE.withEventTimeColumn(5)));
            batch.ensureValid();
            assertThat(batch.columnCount()).isEqualTo(6);
            assertThat(batch.encoding(0)).isEqualTo(delta ? BatchFormat.ENCODING_DELTA : BatchFormat.ENCODING_PLAIN);
            assertThat(batch.encoding(1)).isEqualTo(BatchFormat.ENCODING_PLAIN); // 997 distinct of 1000 rows
            assertThat(batch.encoding(2)).isEqualTo(dictionaries ? BatchFormat.ENCODING_DICTIONARY_INT8 : BatchFormat.ENCODING_PLAIN);
            assertThat(batch.encoding(4)).isEqualTo(BatchFormat.ENCODING_PLAIN); // not sorted
            assertThat(batch.nullCount(4)).isEqualTo(334);
            assertThat(batch.statsFlags(0)).isEqualTo(BatchFormat.STATS_INT64);
            assertThat(batch.minRaw(0)).isEqualTo(5000);
            assertThat(batch.maxRaw(0)).isEqualTo(5999);
            assertThat(batch.minRaw(3)).isEqualTo(-100);
            assertThat(batch.maxRaw(4)).isEqualTo(16);
            assertThat(batch.isEventTime()).isTrue();
            assertThat(batch.firstTimestamp()).isEqualTo(1_000_000L);
            assertThat(batch.maxTimestamp()).isEqualTo(1_000_333L);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void projectionDecodesOnlyTheChosenColumns(Compression compression, boolean dictionaries, boolean delta) {
        SplittableRandom random = new SplittableRandom(Seeds.seed("projectionDecodes " + compression));
        Schema schema = TestRows.allTypes(0);
        List<Object[]> rows = TestRows.random(schema, 500, random);
        try (BatchBuilder builder = new BatchBuilder(schema, compression).useDictionaries(dictionaries).useDelta(delta);
                BatchDecoder decoder = new BatchDecoder()) {
            rows.forEach(row -> TestRows.write(builder, schema, row));
            RecordBatch batch = RecordBatch.wrap(builder.build(BatchMetadata.NONE));
            int[] projection = {4, 10, 12};
            DecodedBatch decoded = decoder.decode(batch, schema, projection);
            for (int r = 0; r < rows.size(); r++) {
                for (int c : projection) {
                    assertThat(TestRows.same(rows.get(r)[c], decoded.getObject(c, r))).isTrue();
                }
            }
            assertThat(decoded.isProjected(0)).isFalse();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> decoded.getLong(0, 0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("projection");
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void olderSchemaBatchesReadNullForAddedColumns(Compression compression, boolean dictionaries, boolean delta) {
        Schema v1 = TestRows.orders(1);
        Schema v2 = v1.withColumn(Column.varchar("channel", 16, true));
        assertThat(v2.schemaId()).isEqualTo(2);
        assertThat(v2.indexOf("channel")).isEqualTo(6);
        try (BatchBuilder builder = new BatchBuilder(v1, compression).useDictionaries(dictionaries).useDelta(delta);
                BatchDecoder decoder = new BatchDecoder()) {
            builder.setLong(0, 1);
            builder.endRow();
            builder.setLong(0, 2);
            builder.setString(1, "x");
            builder.endRow();
            RecordBatch batch = RecordBatch.wrap(builder.build(BatchMetadata.NONE));
            DecodedBatch decoded = decoder.decode(batch, v2, null);
            assertThat(decoded.batchSchemaId()).isEqualTo(1);
            assertThat(decoded.getLong(0, 1)).isEqualTo(2);
            assertThat(decoded.getString(1, 1)).isEqualTo("x");
            assertThat(decoded.isNull(1, 0)).isTrue();
            assertThat(decoded.isNull(6, 0)).isTrue();
            assertThat(decoded.getString(6, 1)).isNull();
            assertThat(decoded.getObject(6, 1)).isNull();
        }
    }
}
