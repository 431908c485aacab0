package io.runnel.storage.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.testkit.Seeds;
import io.runnel.storage.testkit.TestRows;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The broker's checks of a client-built batch, one rule at a time. */
class BatchValidatorTest {

    @Test
    void aBatchFromTheBuilderIsValidAndStampingKeepsItValid() {
        Schema schema = TestRows.allTypes(2);
        try (BatchBuilder b = new BatchBuilder(schema, Compression.ZSTD); BatchValidator v = new BatchValidator()) {
            TestRows.random(schema, 300, new SplittableRandom(Seeds.seed("aBatchFromTheBuilderIsValid")))
                    .forEach(row -> TestRows.write(b, schema, row));
            RecordBatch batch = RecordBatch.wrap(b.build(BatchMetadata.NONE));
            v.validate(batch, schema);
            long crc = batch.checksum();
            batch.stampBaseOffset(123_456_789L);
            batch.stampLeaderEpoch(42);
            batch.stampTimestamps(1000, 2000);
            v.validate(batch, schema);
            assertThat(batch.checksum()).isEqualTo(crc);
            assertThat(batch.baseOffset()).isEqualTo(123_456_789L);
            assertThat(batch.lastOffset()).isEqualTo(123_456_789L + 299);
        }
    }

    /** A batch built under a looser schema, checked against the stricter one of the same id. */
    private static RecordBatch builtLoosely(Schema loose, Object[]... rows) {
        try (BatchBuilder b = new BatchBuilder(loose, Compression.ZSTD)) {
            for (Object[] row : rows) {
                TestRows.write(b, loose, row);
            }
            return RecordBatch.wrap(b.build(BatchMetadata.NONE));
        }
    }

    @Test
    void nullsInANotNullColumnAreRejected() {
        Schema loose = Schema.of(1, Column.of("a", ColumnType.BIGINT, true));
        Schema strict = Schema.of(1, Column.of("a", ColumnType.BIGINT, false));
        RecordBatch batch = builtLoosely(loose, new Object[] {1L}, new Object[] {null});
        try (BatchValidator v = new BatchValidator()) {
            assertThatThrownBy(() -> v.validate(batch, strict)).isInstanceOf(InvalidBatchException.class)
                    .hasMessageContaining("a BIGINT NOT NULL has 1 NULLs");
        }
    }

    @Test
    void overlongStringsAreRejectedPlainAndDictionaryEncoded() {
        Schema loose = Schema.of(1, Column.varchar("s", 10, true));
        Schema strict = Schema.of(1, Column.varchar("s", 3, true));
        try (BatchValidator v = new BatchValidator()) {
            RecordBatch plain = builtLoosely(loose, new Object[] {"abc"}, new Object[] {"abcd"});
            assertThat(plain.encoding(0)).isEqualTo(BatchFormat.ENCODING_PLAIN);
            assertThatThrownBy(() -> v.validate(plain, strict)).isInstanceOf(InvalidBatchException.class)
                    .hasMessageContaining("value 1 has 4 characters");
            Object[][] rows = new Object[40][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = new Object[] {i == 17 ? "wxyz" : "ab"};
            }
            RecordBatch dict = builtLoosely(loose, rows);
            assertThat(dict.encoding(0)).isEqualTo(BatchFormat.ENCODING_DICTIONARY_INT8);
            assertThatThrownBy(() -> v.validate(dict, strict)).isInstanceOf(InvalidBatchException.class)
                    .hasMessageContaining("4 characters");
            // Multi-byte characters: 3 characters in 9 bytes pass.
            v.validate(builtLoosely(loose, new Object[] {"€€€"}), strict);
        }
    }

    @Test
    void decimalsBeyondThePrecisionAndTimesBeyondADayAreRejected() {
        Schema loose = Schema.of(1, Column.decimal("d", 12, 2, true), Column.of("t", ColumnType.INTEGER, true));
        Schema strict = Schema.of(1, Column.decimal("d", 4, 2, true), Column.of("t", ColumnType.TIME, true));
        try (BatchValidator v = new BatchValidator()) {
            RecordBatch wide = builtLoosely(loose, new Object[] {new java.math.BigDecimal("99.99"), 5},
                    new Object[] {new java.math.BigDecimal("100.00"), 6});
            assertThatThrownBy(() -> v.validate(wide, strict)).hasMessageContaining("beyond 4 digits");
            RecordBatch late = builtLoosely(loose, new Object[] {null, 86_400_000});
            assertThatThrownBy(() -> v.validate(late, strict)).hasMessageContaining("outside 0..86399999");
        }
    }

    @Test
    void structuralLiesAreCorruption() {
        Schema schema = Schema.of(1, Column.of("a", ColumnType.BIGINT, false), Column.varchar("s", -1, true));
        try (BatchValidator v = new BatchValidator()) {
            RecordBatch batch = builtLoosely(schema, new Object[] {1L, "x"}, new Object[] {2L, "y"});
            // A record count that disagrees with the Arrow metadata, with a CRC recomputed to match.
            ByteBuffer bytes = copy(batch);
            bytes.putInt(BatchFormat.RECORD_COUNT_OFFSET, 3);
            RecordBatch lied = recrc(bytes);
            assertThatThrownBy(() -> v.validate(lied, schema)).isInstanceOf(CorruptBatchException.class)
                    .hasMessageContaining("length 2, header record count 3");
            // A null count that disagrees with the field node.
            ByteBuffer nulls = copy(batch);
            nulls.putInt(BatchFormat.descriptorOffset(1) + BatchFormat.DESCRIPTOR_NULL_COUNT_OFFSET, 1);
            assertThatThrownBy(() -> v.validate(recrc(nulls), schema)).isInstanceOf(CorruptBatchException.class)
                    .hasMessageContaining("null count");
            // An encoding that does not apply to the type.
            ByteBuffer enc = copy(batch);
            enc.put(BatchFormat.descriptorOffset(0) + BatchFormat.DESCRIPTOR_ENCODING_OFFSET, (byte) BatchFormat.ENCODING_DICTIONARY_INT8);
            assertThatThrownBy(() -> v.validate(recrc(enc), schema)).isInstanceOf(CorruptBatchException.class)
                    .hasMessageContaining("does not apply");
            // Unknown attribute bits.
            ByteBuffer attrs = copy(batch);
            attrs.putShort(BatchFormat.ATTRIBUTES_OFFSET, (short) 0x0100);
            assertThatThrownBy(() -> v.validate(recrc(attrs), schema)).isInstanceOf(CorruptBatchException.class)
                    .hasMessageContaining("unknown bits");
            // Event time with first > max.
            ByteBuffer event = copy(batch);
            event.putShort(BatchFormat.ATTRIBUTES_OFFSET, (short) (batch.attributes() | BatchFormat.EVENT_TIME_FLAG));
            RecordBatch eventBatch = recrc(event);
            eventBatch.stampTimestamps(10, 5);
            assertThatThrownBy(() -> v.validate(eventBatch, schema)).isInstanceOf(InvalidBatchException.class)
                    .hasMessageContaining("first <= max");
        }
    }

    @Test
    void everySingleByteFlipInTheCoveredRegionIsDetected() {
        Schema schema = TestRows.allTypes(1);
        RecordBatch batch;
        try (BatchBuilder b = new BatchBuilder(schema, Compression.LZ4_FRAME)) {
            TestRows.random(schema, 50, new SplittableRandom(Seeds.seed("everySingleByteFlip")))
                    .forEach(row -> TestRows.write(b, schema, row));
            batch = RecordBatch.wrap(b.build(BatchMetadata.NONE));
        }
        try (BatchValidator v = new BatchValidator(); BatchDecoder d = new BatchDecoder()) {
            for (int position = BatchFormat.CRC_OFFSET; position < batch.sizeInBytes(); position++) {
                ByteBuffer bytes = copy(batch);
                bytes.put(position, (byte) (bytes.get(position) ^ 0x01));
                RecordBatch damaged = RecordBatch.wrap(bytes);
                int at = position;
                assertThatThrownBy(() -> v.validate(damaged, schema)).as("flip at %d", at).isInstanceOf(CorruptBatchException.class);
                assertThatThrownBy(() -> d.decode(damaged, schema, null)).as("flip at %d", at).isInstanceOf(CorruptBatchException.class);
            }
        }
    }

    static ByteBuffer copy(RecordBatch batch) {
        ByteBuffer src = batch.buffer();
        return ByteBuffer.allocate(src.remaining()).order(java.nio.ByteOrder.LITTLE_ENDIAN).put(src).flip();
    }

    static RecordBatch recrc(ByteBuffer bytes) {
        RecordBatch batch = RecordBatch.wrap(bytes);
        bytes.putInt(BatchFormat.CRC_OFFSET, (int) batch.computeChecksum());
        return batch;
    }

    @Test
    void unknownSchemaIdsAreTyped() {
        SchemaLookup lookup = SchemaLookup.of(TestRows.orders(1));
        assertThatThrownBy(() -> lookup.schema(2)).isInstanceOf(UnknownSchemaException.class).hasMessage("unknown schema id 2");
        assertThat(lookup.schema(1).columns()).hasSize(6);
        assertThat(List.of(1)).isNotEmpty();
    }
}
