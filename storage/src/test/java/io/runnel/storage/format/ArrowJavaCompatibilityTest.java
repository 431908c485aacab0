package io.runnel.storage.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.testkit.Seeds;
import io.runnel.storage.testkit.TestRows;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves our bytes are standard Arrow IPC: what {@link BatchBuilder} writes, Arrow Java's
 * {@link ArrowStreamReader} (with its commons-compress/zstd-jni codecs) reads to the same values,
 * and what Arrow Java's {@link ArrowStreamWriter} writes, {@link BatchDecoder} reads.
 *
 * <p>DECIMAL columns here have precision above 18 (Arrow Decimal bitWidth 128): Arrow Java 19 has
 * no vector for bitWidth 64, which Runnel uses for DECIMAL(p ≤ 18) (see docs/format/segment.md).
 */
class ArrowJavaCompatibilityTest {

    static Schema schema() {
        List<Column> columns = new ArrayList<>(TestRows.allTypes(5).columns());
        columns.removeIf(c -> c.name().equals("d64"));
        return new Schema(5, columns);
    }

    static Stream<Arguments> codecs() {
        return Stream.of(
                Arguments.of(Compression.NONE, CompressionUtil.CodecType.NO_COMPRESSION),
                Arguments.of(Compression.ZSTD, CompressionUtil.CodecType.ZSTD),
                Arguments.of(Compression.LZ4_FRAME, CompressionUtil.CodecType.LZ4_FRAME));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void arrowJavaReadsWhatWeWrite(Compression compression, CompressionUtil.CodecType ignored) throws Exception {
        SplittableRandom random = new SplittableRandom(Seeds.seed("arrowJavaReadsWhatWeWrite " + compression));
        Schema schema = schema();
        List<Object[]> rows = TestRows.random(schema, 2000, random);
        for (boolean delta : new boolean[] {false, true}) {
            ByteBuffer stream;
            try (BatchBuilder builder = new BatchBuilder(schema, compression).useDelta(delta)) {
                rows.forEach(row -> TestRows.write(builder, schema, row));
                RecordBatch batch = RecordBatch.wrap(builder.build(BatchMetadata.NONE));
                assertThat(batch.encoding(schema.indexOf("dict"))).isEqualTo(BatchFormat.ENCODING_DICTIONARY_INT8);
                if (delta) {
                    assertThat(batch.encoding(schema.indexOf("ts"))).isEqualTo(BatchFormat.ENCODING_DELTA);
                }
                // Compressed batches byte-stream split fixed-width values and offsets: the stream must undo it.
                boolean compressed = compression.codec() != Compression.Codec.NONE;
                assertThat(batch.isByteStreamSplit(schema.indexOf("f64"))).isEqualTo(compressed);
                assertThat(batch.isByteStreamSplit(schema.indexOf("s"))).isEqualTo(compressed);
                assertThat(batch.isByteStreamSplit(schema.indexOf("dict"))).isEqualTo(compressed);
                stream = ArrowIpc.toArrowStream(batch, schema);
            }
            byte[] bytes = new byte[stream.remaining()];
            stream.get(bytes);
            try (BufferAllocator allocator = new RootAllocator();
                    ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator,
                            CommonsCompressionFactory.INSTANCE)) {
                assertThat(reader.loadNextBatch()).isTrue();
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                assertThat(root.getRowCount()).isEqualTo(rows.size());
                Map<Long, Dictionary> dictionaries = reader.getDictionaryVectors();
                for (int c = 0; c < schema.columnCount(); c++) {
                    FieldVector vector = root.getVector(c);
                    assertThat(vector.getField().getName()).isEqualTo(schema.column(c).name());
                    ValueVector values = vector;
                    DictionaryEncoding encoding = vector.getField().getDictionary();
                    if (encoding != null) {
                        values = DictionaryEncoder.decode(vector, dictionaries.get(encoding.getId()));
                    }
                    try {
                        for (int r = 0; r < rows.size(); r++) {
                            Object expected = rows.get(r)[c];
                            Object actual = fromArrowJava(schema.column(c), values, r);
                            assertThat(TestRows.same(expected, actual))
                                    .as("column %s row %d: expected %s, Arrow Java read %s", schema.column(c).name(), r, expected, actual)
                                    .isTrue();
                        }
                    } finally {
                        if (values != vector) {
                            values.close();
                        }
                    }
                }
                assertThat(reader.loadNextBatch()).isFalse();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void weReadWhatArrowJavaWrites(Compression ignored, CompressionUtil.CodecType codec) throws Exception {
        SplittableRandom random = new SplittableRandom(Seeds.seed("weReadWhatArrowJavaWrites " + codec));
        Schema schema = schema();
        List<Object[]> rows = TestRows.random(schema, 1500, random);
        byte[] stream;
        int dictColumn = schema.indexOf("dict");
        try (BufferAllocator allocator = new RootAllocator()) {
            List<FieldVector> vectors = new ArrayList<>();
            for (int c = 0; c < schema.columnCount(); c++) {
                Column column = schema.column(c);
                FieldVector vector = new Field(column.name(), new FieldType(column.nullable(), arrowType(column), null), null)
                        .createVector(allocator);
                vector.allocateNew();
                for (int r = 0; r < rows.size(); r++) {
                    toArrowJava(column, vector, r, rows.get(r)[c]);
                }
                vector.setValueCount(rows.size());
                vectors.add(vector);
            }
            // Dictionary-encode the low-cardinality column the way an Arrow Java producer does.
            Map<String, Integer> distinct = new LinkedHashMap<>();
            for (Object[] row : rows) {
                if (row[dictColumn] != null) {
                    distinct.putIfAbsent((String) row[dictColumn], distinct.size());
                }
            }
            VarCharVector dictionaryValues = new VarCharVector("dict-values", allocator);
            dictionaryValues.allocateNew();
            int e = 0;
            for (String s : distinct.keySet()) {
                dictionaryValues.setSafe(e++, s.getBytes(StandardCharsets.UTF_8));
            }
            dictionaryValues.setValueCount(distinct.size());
            Dictionary dictionary = new Dictionary(dictionaryValues, new DictionaryEncoding(42L, false, new ArrowType.Int(16, true)));
            FieldVector plain = vectors.get(dictColumn);
            FieldVector encoded = (FieldVector) DictionaryEncoder.encode(plain, dictionary);
            plain.close();
            vectors.set(dictColumn, encoded);
            DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider(dictionary);
            List<Field> fields = new ArrayList<>();
            vectors.forEach(v -> fields.add(v.getField()));
            try (VectorSchemaRoot root = new VectorSchemaRoot(fields, vectors, rows.size())) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (ArrowStreamWriter writer = new ArrowStreamWriter(root, provider, Channels.newChannel(out), IpcOption.DEFAULT,
                        codec == CompressionUtil.CodecType.NO_COMPRESSION ? NoCompressionCodec.Factory.INSTANCE
                                : CommonsCompressionFactory.INSTANCE, codec)) {
                    writer.start();
                    writer.writeBatch();
                    writer.end();
                }
                stream = out.toByteArray();
            } finally {
                dictionaryValues.close();
            }
        }
        RecordBatch batch = ArrowIpc.fromArrowStream(ByteBuffer.wrap(stream), schema, BatchMetadata.NONE);
        assertThat(batch.encoding(dictColumn)).isEqualTo(BatchFormat.ENCODING_DICTIONARY_INT16);
        try (BatchDecoder decoder = new BatchDecoder(); BatchValidator validator = new BatchValidator()) {
            validator.validate(batch, schema);
            DecodedBatch decoded = decoder.decode(batch, schema, null);
            assertThat(decoded.rowCount()).isEqualTo(rows.size());
            for (int r = 0; r < rows.size(); r++) {
                for (int c = 0; c < schema.columnCount(); c++) {
                    Object expected = rows.get(r)[c];
                    Object actual = decoded.getObject(c, r);
                    assertThat(TestRows.same(expected, actual))
                            .as("column %s row %d: Arrow Java wrote %s, we read %s", schema.column(c).name(), r, expected, actual)
                            .isTrue();
                }
            }
            // A projection of Arrow Java's batch is still a batch we read.
            RecordBatch projected = new BatchProjector().project(batch, schema, new int[] {dictColumn, 4});
            DecodedBatch p = decoder.decode(projected, schema, new int[] {dictColumn, 4});
            for (int r = 0; r < rows.size(); r++) {
                assertThat(p.getObject(dictColumn, r)).isEqualTo(rows.get(r)[dictColumn]);
                assertThat(p.getObject(4, r)).isEqualTo(rows.get(r)[4]);
            }
        }
    }

    private static ArrowType arrowType(Column column) {
        return switch (column.type()) {
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case TINYINT -> new ArrowType.Int(8, true);
            case SMALLINT -> new ArrowType.Int(16, true);
            case INTEGER -> new ArrowType.Int(32, true);
            case BIGINT -> new ArrowType.Int(64, true);
            case REAL -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DECIMAL -> new ArrowType.Decimal(column.precision(), column.scale(), 128);
            case VARCHAR -> ArrowType.Utf8.INSTANCE;
            case VARBINARY -> ArrowType.Binary.INSTANCE;
            case DATE -> new ArrowType.Date(DateUnit.DAY);
            case TIME -> new ArrowType.Time(TimeUnit.MILLISECOND, 32);
            case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);
            case TIMESTAMP_LTZ -> new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
        };
    }

    private static void toArrowJava(Column column, FieldVector vector, int row, Object value) {
        if (value == null) {
            if (vector instanceof org.apache.arrow.vector.BaseFixedWidthVector f) {
                f.setNull(row);
            } else {
                ((org.apache.arrow.vector.BaseVariableWidthVector) vector).setNull(row);
            }
            return;
        }
        switch (column.type()) {
            case BOOLEAN -> ((BitVector) vector).setSafe(row, (Boolean) value ? 1 : 0);
            case TINYINT -> ((TinyIntVector) vector).setSafe(row, (Byte) value);
            case SMALLINT -> ((SmallIntVector) vector).setSafe(row, (Short) value);
            case INTEGER -> ((IntVector) vector).setSafe(row, (Integer) value);
            case BIGINT -> ((BigIntVector) vector).setSafe(row, (Long) value);
            case REAL -> ((Float4Vector) vector).setSafe(row, (Float) value);
            case DOUBLE -> ((Float8Vector) vector).setSafe(row, (Double) value);
            case DECIMAL -> ((DecimalVector) vector).setSafe(row, (BigDecimal) value);
            case VARCHAR -> ((VarCharVector) vector).setSafe(row, ((String) value).getBytes(StandardCharsets.UTF_8));
            case VARBINARY -> ((VarBinaryVector) vector).setSafe(row, (byte[]) value);
            case DATE -> ((DateDayVector) vector).setSafe(row, (int) ((LocalDate) value).toEpochDay());
            case TIME -> ((TimeMilliVector) vector).setSafe(row, (int) (((LocalTime) value).toNanoOfDay() / 1_000_000));
            case TIMESTAMP -> ((TimeStampMilliVector) vector).setSafe(row, ((LocalDateTime) value).toInstant(ZoneOffset.UTC).toEpochMilli());
            case TIMESTAMP_LTZ -> ((TimeStampMilliTZVector) vector).setSafe(row, ((Instant) value).toEpochMilli());
        }
    }

    private static Object fromArrowJava(Column column, ValueVector vector, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        return switch (column.type()) {
            case BOOLEAN -> ((BitVector) vector).get(row) != 0;
            case TINYINT -> ((TinyIntVector) vector).get(row);
            case SMALLINT -> ((SmallIntVector) vector).get(row);
            case INTEGER -> ((IntVector) vector).get(row);
            case BIGINT -> ((BigIntVector) vector).get(row);
            case REAL -> ((Float4Vector) vector).get(row);
            case DOUBLE -> ((Float8Vector) vector).get(row);
            case DECIMAL -> ((DecimalVector) vector).getObject(row);
            case VARCHAR -> new String(((VarCharVector) vector).get(row), StandardCharsets.UTF_8);
            case VARBINARY -> ((VarBinaryVector) vector).get(row);
            case DATE -> LocalDate.ofEpochDay(((DateDayVector) vector).get(row));
            case TIME -> LocalTime.ofNanoOfDay(((TimeMilliVector) vector).get(row) * 1_000_000L);
            case TIMESTAMP -> LocalDateTime.ofInstant(Instant.ofEpochMilli(((TimeStampMilliVector) vector).get(row)), ZoneOffset.UTC);
            case TIMESTAMP_LTZ -> Instant.ofEpochMilli(((TimeStampMilliTZVector) vector).get(row));
        };
    }
}
