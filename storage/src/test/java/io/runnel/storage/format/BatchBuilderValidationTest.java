package io.runnel.storage.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.format.InvalidValueException.Kind;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every setter checks its value against the column and names column, row, expected and actual. */
class BatchBuilderValidationTest {
    static final Schema SCHEMA = new Schema(1, List.of(
            Column.of("id", ColumnType.BIGINT, false),
            Column.varchar("name", 5, true),
            Column.decimal("amount", 6, 2, true),
            Column.of("tiny", ColumnType.TINYINT, true),
            Column.of("tod", ColumnType.TIME, true),
            Column.of("r", ColumnType.REAL, true),
            new Column("bin", ColumnType.VARBINARY, 3, 0, true),
            Column.decimal("big", 30, 0, true)));

    @Test
    void notNull() {
        try (BatchBuilder b = new BatchBuilder(SCHEMA, Compression.NONE)) {
            assertThatThrownBy(() -> b.setNull(0)).isInstanceOfSatisfying(InvalidValueException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.NOT_NULL);
                assertThat(e.kind().sqlState()).isEqualTo("23502");
                assertThat(e.column()).isEqualTo("id");
                assertThat(e.row()).isZero();
            });
            b.setString(1, "x");
            assertThatThrownBy(b::endRow).isInstanceOf(InvalidValueException.class).hasMessageContaining("column id, row 0");
            // The row stays open: set the missing value and end it.
            b.setLong(0, 1);
            b.endRow();
            assertThat(b.rowCount()).isEqualTo(1);
        }
    }

    @Test
    void varcharLengthCountsCharactersNotBytes() {
        try (BatchBuilder b = new BatchBuilder(SCHEMA, Compression.NONE)) {
            b.setString(1, "éééé😀"); // 5 characters, 12 UTF-8 bytes, 6 UTF-16 units
            b.setString(1, "ab😀de".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThatThrownBy(() -> b.setString(1, "abcdef")).isInstanceOfSatisfying(InvalidValueException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.TOO_LONG);
                assertThat(e.getMessage()).contains("column name, row 0: expected at most 5 characters, got 6 characters");
            });
            assertThatThrownBy(() -> b.setString(1, new byte[] {(byte) 0xC3})).hasMessageContaining("well-formed UTF-8");
            assertThatThrownBy(() -> b.setString(1, "a\uD800b")).hasMessageContaining("unpaired surrogate");
            assertThatThrownBy(() -> b.setBytes(6, new byte[4])).hasMessageContaining("at most 3 bytes");
        }
    }

    @Test
    void decimalPrecisionAndScale() {
        try (BatchBuilder b = new BatchBuilder(SCHEMA, Compression.NONE)) {
            b.setDecimal(2, new BigDecimal("9999.99"));
            b.setDecimal(2, new BigDecimal("12.5"));
            b.setDecimal(2, new BigDecimal("12.500"));
            assertThatThrownBy(() -> b.setDecimal(2, new BigDecimal("12.345")))
                    .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SCALE));
            assertThatThrownBy(() -> b.setDecimal(2, new BigDecimal("10000.00")))
                    .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.kind()).isEqualTo(Kind.OUT_OF_RANGE));
            assertThatThrownBy(() -> b.setDecimal(2, 1_000_000L)).hasMessageContaining("at most 6 digits");
            b.setDecimal(7, new BigDecimal("-123456789012345678901234567890"));
            assertThatThrownBy(() -> b.setDecimal(7, new BigDecimal("1234567890123456789012345678901")))
                    .hasMessageContaining("at most 30 digits");
        }
    }

    @Test
    void numericRangesAndTypes() {
        try (BatchBuilder b = new BatchBuilder(SCHEMA, Compression.NONE)) {
            b.setInt(3, 127);
            assertThatThrownBy(() -> b.setInt(3, 128)).isInstanceOfSatisfying(InvalidValueException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.OUT_OF_RANGE);
                assertThat(e.kind().sqlState()).isEqualTo("22003");
                assertThat(e.getMessage()).contains("expected a value in -128..127 (TINYINT), got 128");
            });
            assertThatThrownBy(() -> b.setInt(4, 86_400_000)).hasMessageContaining("0..86399999");
            assertThatThrownBy(() -> b.setDouble(5, 1e300)).hasMessageContaining("REAL");
            assertThatThrownBy(() -> b.setString(0, "1")).isInstanceOfSatisfying(InvalidValueException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.TYPE));
            assertThatThrownBy(() -> b.setLong(2, 1)).hasMessageContaining("the setter for DECIMAL");
        }
    }

    @Test
    void emptyAndOpenBatchesCannotBeBuilt() {
        try (BatchBuilder b = new BatchBuilder(SCHEMA, Compression.ZSTD)) {
            assertThatThrownBy(() -> b.build(BatchMetadata.NONE)).isInstanceOf(InvalidBatchException.class)
                    .hasMessageContaining("at least one row");
            b.setLong(0, 1);
            assertThatThrownBy(() -> b.build(BatchMetadata.NONE)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("row 0 is open");
            b.abortRow();
            b.setLong(0, 2);
            b.endRow();
            RecordBatch batch = RecordBatch.wrap(b.build(BatchMetadata.NONE));
            try (BatchDecoder d = new BatchDecoder()) {
                DecodedBatch decoded = d.decode(batch, SCHEMA, null);
                assertThat(decoded.rowCount()).isEqualTo(1);
                assertThat(decoded.getLong(0, 0)).isEqualTo(2);
                assertThat(decoded.isNull(1, 0)).isTrue();
            }
        }
    }
}
